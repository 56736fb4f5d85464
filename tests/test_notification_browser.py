"""In a real Chromium: a member mentions another, whose bell counter rises without a reload."""

import pytest

from forums import actions
from forums.models import Forum
from tests.browser import log_in
from tests.factories import PASSWORD, make_member, make_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def mention_setting(association_bodies):
    staff = make_staff()
    author = make_member(actor=staff, college="production", email="auteur@example.org")
    mentioned = make_member(actor=staff, college="production", email="mentionnee@example.org")
    thread = actions.start_thread(author, forum=Forum.objects.get(slug="production"), title="Casting", body="Qui ?")
    return author, mentioned, thread


def test_the_bell_of_the_person_mentioned_rises_without_a_reload(asgi_server, mention_setting, browser):
    author, mentioned, thread = mention_setting
    # The person mentioned is elsewhere in the intranet: their home page, with nothing else live.
    mentioned_page = log_in(browser, asgi_server, mentioned.email, PASSWORD)
    mentioned_page.wait_for_selector("body[data-live='connected']", state="attached")
    bell = mentioned_page.locator("[data-live-bell]")
    assert bell.locator("[data-unread-count]").is_hidden()
    mentioned_page.evaluate("window.__notReloaded = true")

    author_page = log_in(browser, asgi_server, author.email, PASSWORD)
    author_page.goto(f"{asgi_server}/forums/fils/{thread.pk}/")
    author_page.fill("textarea[name=body]", f"@{mentioned.handle} tu peux venir ?")
    author_page.click("#reply button[type=submit]")

    count = bell.locator("[data-unread-count]")
    count.wait_for(state="visible", timeout=5_000)
    assert count.inner_text() == "1"
    assert bell.locator("[data-unread-label]").text_content().strip() == "non lue"
    assert mentioned_page.evaluate("window.__notReloaded") is True

    # Following the bell shows the notification; opening it leads to the message, read.
    bell.click()
    mentioned_page.get_by_role("link", name="vous a mentionné·e dans «\xa0Casting\xa0»").click()
    mentioned_page.wait_for_url(f"**/forums/fils/{thread.pk}/**")
    mentioned_page.locator("#post-2").wait_for()
    assert mentioned_page.locator("[data-unread-count]").is_hidden()
