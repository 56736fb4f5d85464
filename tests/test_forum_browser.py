"""In a real Chromium: a reply appears live in another member's browser; no XSS payload runs."""

import pytest

from forums import actions
from forums.models import Forum
from tests.browser import log_in
from tests.factories import PASSWORD, make_member, make_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

XSS_CORPUS = [
    "<script>window.__pwned = 1</script>",
    '<img src=x onerror="window.__pwned = 2">',
    "[clique](javascript:window.__pwned=3)",
    '<a href="javascript:window.__pwned=4">lien</a>',
    "<svg/onload=window.__pwned=5>",
    '<iframe srcdoc="<script>parent.__pwned=6</script>"></iframe>',
    "![image](javascript:window.__pwned=7)",
    '<details open ontoggle="window.__pwned=8">',
    '"><script>window.__pwned=9</script>',
    "<math><mtext><table><mglyph><style><img src=x onerror=window.__pwned=10>",
    "[x](data:text/html;base64,PHNjcmlwdD5wYXJlbnQuX19wd25lZD0xMTwvc2NyaXB0Pg==)",
    "`<script>window.__pwned=12</script>`",
]


@pytest.fixture
def two_members(association_bodies):
    staff = make_staff()
    author = make_member(actor=staff, college="production", email="auteur@example.org")
    reader = make_member(actor=staff, college="production", email="lecteur@example.org")
    thread = actions.start_thread(author, forum=Forum.objects.get(slug="production"), title="En direct", body="Bonjour")
    return author, reader, thread


def test_a_reply_appears_live_in_the_other_members_browser(asgi_server, two_members, browser):
    author, reader, thread = two_members
    thread_url = f"{asgi_server}/forums/fils/{thread.pk}/"
    reader_page = log_in(browser, asgi_server, reader.email, PASSWORD)
    reader_page.goto(thread_url)
    reader_page.wait_for_selector("body[data-live='connected']", state="attached")
    author_page = log_in(browser, asgi_server, author.email, PASSWORD)
    author_page.goto(thread_url)
    author_page.fill("textarea[name=body]", "Réponse **en direct** pour toi")
    author_page.click("#reply button[type=submit]")
    author_page.wait_for_url(f"{thread_url}?page=1#post-2")
    # No reload on the reader's side: the message shows up in place.
    arrived = reader_page.locator("#post-2")
    arrived.wait_for(timeout=5_000)
    assert "en direct" in arrived.inner_text()
    assert arrived.locator("strong").inner_text() == "en direct"

    # An edit replaces the text in place, still without a reload.
    author_page.locator("#post-2").get_by_role("link", name="Modifier").click()
    author_page.fill("textarea[name=body]", "Réponse corrigée")
    author_page.get_by_role("button", name="Enregistrer").click()
    reader_page.locator("#post-2", has_text="Réponse corrigée").wait_for(timeout=5_000)
    assert reader_page.locator("#post-2").get_by_role("link", name="modifié").is_visible()


@pytest.fixture
def xss_thread(two_members):
    # Written before the browser starts (see tests/browser.py on ORM work and Playwright's loop).
    author, _reader, thread = two_members
    for payload in XSS_CORPUS:
        actions.reply(author, thread=thread, body=payload)
    return two_members


def test_no_payload_of_the_xss_corpus_runs(asgi_server, xss_thread, browser):
    _author, reader, thread = xss_thread
    page = log_in(browser, asgi_server, reader.email, PASSWORD)
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(f"{asgi_server}/forums/fils/{thread.pk}/")
    page.wait_for_selector("body[data-live='connected']", state="attached")
    for link in page.locator(".post__body a").all():
        link.click(modifiers=["Alt"], no_wait_after=True, timeout=2_000)
    assert page.evaluate("window.__pwned") is None
    assert dialogs == []
    assert page.locator(".post").count() == len(XSS_CORPUS) + 1


@pytest.fixture
def moderated_thread(two_members):
    author, reader, thread = two_members
    coordinator = make_member(
        actor=make_staff(), college="production", role="coordinator", email="animation@example.org"
    )
    return author, reader, coordinator, thread


def test_counters_move_and_a_hidden_message_collapses_live(asgi_server, moderated_thread, browser):
    author, reader, coordinator, thread = moderated_thread
    reader_page = log_in(browser, asgi_server, reader.email, PASSWORD)
    reader_page.goto(f"{asgi_server}/forums/production/")
    reader_page.wait_for_selector("body[data-live='connected']", state="attached")
    row = reader_page.locator(f"[data-thread-row='{thread.pk}']")
    assert row.locator("[data-cell='unread']").inner_text() == "1"

    author_page = log_in(browser, asgi_server, author.email, PASSWORD)
    author_page.goto(f"{asgi_server}/forums/fils/{thread.pk}/")
    author_page.fill("textarea[name=body]", "Deuxième message")
    author_page.click("#reply button[type=submit]")
    # The forum list follows without a reload: two messages, two unread.
    reader_page.locator(f"[data-thread-row='{thread.pk}'] [data-cell='unread']", has_text="2").wait_for(timeout=5_000)
    assert row.locator("[data-cell='posts']").inner_text() == "2"

    # The reader opens the thread; a coordinator hides the new message: it collapses in place.
    reader_page.goto(f"{asgi_server}/forums/fils/{thread.pk}/")
    reader_page.wait_for_selector("body[data-live='connected']", state="attached")
    moderator_page = log_in(browser, asgi_server, coordinator.email, PASSWORD)
    moderator_page.goto(f"{asgi_server}/forums/fils/{thread.pk}/")
    post = moderator_page.locator("#post-2")
    post.locator("summary", has_text="Masquer").click()
    post.get_by_label("Motif").fill("Doublon")
    post.get_by_role("button", name="Masquer le message").click()
    reader_page.locator("#post-2.post--hidden").wait_for(timeout=5_000)
    assert "Doublon" in reader_page.locator("#post-2").inner_text()
    assert "Deuxième message" not in reader_page.locator("#post-2").inner_text()
