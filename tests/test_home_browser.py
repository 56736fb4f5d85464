"""In a real Chromium: what another member does reaches a member's open home — a new thread as a
line and a reply announced, an upload and a proposal as lines, a review in a coordinator's
"waiting for me" as it happens; then all of it when the page is loaded again."""

import re

import pytest

from documents.models import Folder
from forums import actions as forum_actions
from forums.models import Forum
from tests.browser import log_in
from tests.factories import PASSWORD, make_member, make_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def two_colleagues(association_bodies):
    staff = make_staff(email="equipe@example.org")
    reader = make_member(actor=staff, college="production", email="lectrice@example.org")
    colleague = make_member(actor=staff, college="production", role="coordinator", email="collegue@example.org")
    make_member(actor=staff, college="production", role="coordinator", email="coordinatrice@example.org")
    thread = forum_actions.start_thread(reader, forum=Forum.objects.get(slug="production"), title="Matériel", body="…")
    return reader, colleague, thread


def test_a_colleagues_reply_upload_and_proposal_appear_on_my_home(asgi_server, two_colleagues, browser):
    reader, colleague, thread = two_colleagues
    home = log_in(browser, asgi_server, reader.email, PASSWORD)
    second_coordinator = log_in(browser, asgi_server, "coordinatrice@example.org", PASSWORD)
    for page in (home, second_coordinator):
        page.wait_for_selector("body[data-live='connected']", state="attached")
    notice = home.locator("[data-home-news]")
    assert notice.is_hidden()
    assert second_coordinator.get_by_role("region", name="Ce qui m'attend").count() == 0
    requests = []
    home.on("request", lambda request: requests.append(request.url))

    other = log_in(browser, asgi_server, colleague.email, PASSWORD)
    other.goto(f"{asgi_server}/forums/production/nouveau/")
    other.fill("input[name=title]", "Tournage en février")
    other.fill("textarea[name=body]", "Qui est disponible ?")
    other.locator("main form button[type=submit]").last.click()
    other.wait_for_url(re.compile(r".*/forums/fils/\d+/$"))
    # A line under the collège, from the frame alone: the home asked nothing.
    news = home.get_by_role("region", name="Depuis ma dernière visite")
    news.get_by_role("region", name="Production").get_by_role("link", name="Tournage en février").wait_for(
        timeout=5_000
    )
    assert requests == []
    # Written as the server writes it: the author, the forum, the moment in the site's time zone.
    new_thread_line = "li.activity-line--thread:has(a:text-is('Tournage en février'))"
    live_line = " ".join(news.locator(new_thread_line).inner_text().split())
    assert colleague.get_full_name() in live_line

    other.goto(f"{asgi_server}/forums/fils/{thread.pk}/")
    other.fill("textarea[name=body]", "J'ai un trépied")
    other.click("#reply button[type=submit]")
    other.wait_for_load_state()
    # Announced on the open home, from the frame the forums' counters use.
    notice.get_by_role("link", name="1 nouveau message depuis l'ouverture de la page\u00a0: l'afficher").wait_for(
        timeout=5_000
    )

    # An upload and a proposal submitted to the collège, through their pages.
    folder = Folder.objects.get(space__college__slug="production", parent__isnull=True)
    other.goto(f"{asgi_server}/documents/dossiers/{folder.pk}/")
    other.set_input_files(
        "input[name=files]", files=[{"name": "budget.txt", "mimeType": "text/plain", "buffer": b"un"}]
    )
    other.locator("form[data-upload-form] button[type=submit]").click()
    other.wait_for_selector("form[data-uploads=finished]", state="attached", timeout=15_000)
    # The open home reads its news again: the upload is a line under the collège.
    production_news = news.get_by_role("region", name="Production")
    production_news.get_by_role("link", name="budget.txt").wait_for(timeout=5_000)
    other.goto(f"{asgi_server}/propositions/nouvelle/production/")
    other.fill("input[name=title]", "Aide au court métrage")
    other.fill("textarea[name=summary]", "Trois courts métrages.")
    other.fill("textarea[name=body]", "Avec les lycées du territoire.")
    other.locator("form.card button[type=submit]").click()
    other.wait_for_url(re.compile(r".*/propositions/\d+/$"))
    other.locator("form[action$='/soumettre/'] button").click()
    other.locator(".message--success").wait_for()
    production_news.get_by_role("link", name="Aide au court métrage", exact=True).wait_for(timeout=5_000)
    # The other coordinator's open home shows the review waiting, as it happens.
    second_coordinator.get_by_role("region", name="Ce qui m'attend").get_by_role(
        "link", name="Aide au court métrage", exact=True
    ).wait_for(timeout=5_000)

    notice.get_by_role("link").click()
    home.wait_for_load_state()
    news = home.get_by_role("region", name="Depuis ma dernière visite")
    production = news.get_by_role("region", name="Production")
    production.get_by_role("link", name="Matériel").wait_for()
    # The socket replays the seconds before the page's events too: nothing is counted twice.
    home.wait_for_selector("body[data-live='connected']", state="attached")
    home.wait_for_timeout(500)
    assert production.get_by_role("link", name="Tournage en février").count() == 1
    assert " ".join(production.locator(new_thread_line).inner_text().split()) == live_line
    assert "1 nouvelle réponse" in production.inner_text()
    assert notice.is_hidden()
    assert production.get_by_role("link", name="budget.txt").is_visible()
    assert production.get_by_role("link", name="Aide au court métrage", exact=True).is_visible()
    # The coordinator finds the proposal's review waiting on their own home.
    other.goto(f"{asgi_server}/")
    waiting = other.get_by_role("region", name="Ce qui m'attend")
    assert waiting.get_by_role("link", name="Aide au court métrage", exact=True).is_visible()

    # Another reply in the followed thread the home now lists: its count moves in place, from the
    # frame alone.
    requests.clear()
    other.goto(f"{asgi_server}/forums/fils/{thread.pk}/")
    other.fill("textarea[name=body]", "Et un pied de micro")
    other.click("#reply button[type=submit]")
    other.wait_for_load_state()
    production.get_by_text("2 nouvelles réponses").wait_for(timeout=5_000)
    assert notice.is_hidden()
    # Nor does the bell's frame that the reply raised (it asks nothing of the reader) make the
    # home read "waiting for me" again.
    home.wait_for_timeout(800)
    assert requests == []
