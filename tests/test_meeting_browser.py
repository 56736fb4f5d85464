"""In a real Chromium: the secretary plans a board meeting with three items, convenes the board,
holds it (roll call, a vote on each proposal), closes it, writes the minutes from their first
draft, and finds their approval first on the next meeting's agenda."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.browser import log_in
from tests.factories import PASSWORD, make_member, make_proposal, make_staff
from workflows.meetings.models import AgendaItem, Meeting, Minutes
from workflows.models import Decision

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def people(association_bodies):
    staff = make_staff()
    people = {
        "author": make_member(actor=staff, college="production", email="autrice@example.org"),
        "president": make_member(actor=staff, board_role="president", email="presidente@example.org"),
        "secretary": make_member(actor=staff, board_role="secretary", email="secretaire@example.org"),
        "member": make_member(actor=staff, board_role="member", email="administrateur@example.org"),
    }
    make_proposal(people["author"], title="Ciné-concerts dans les villages")
    make_proposal(people["author"], title="Résidence de documentaristes")
    return people


def test_the_secretary_holds_a_meeting_of_three_items_and_writes_its_minutes(asgi_server, people, browser):
    page = log_in(browser, asgi_server, people["secretary"].email, PASSWORD)
    page.goto(f"{asgi_server}/deliberations/seances/")
    # Within the two years ahead a meeting may be planned.
    page.fill("input[name=starts_at]", f"{timezone.localdate() + timedelta(days=40):%Y-%m-%d}T18:00")
    page.fill("input[name=place]", "Maison des associations")
    page.locator("form[action$='/nouvelle/'] button").click()
    page.wait_for_url(re.compile(r".*/deliberations/seances/\d+/$"))
    meeting_url = page.url
    for title in ("Ciné-concerts dans les villages", "Résidence de documentaristes"):
        page.get_by_role("button", name=re.compile(r"Inscrire «\s*" + re.escape(title))).click()
        page.locator(".message--success").wait_for()
    page.fill("input[name=title]", "Questions diverses")
    page.locator("form[action$='/ordre-du-jour/point/'] button").click()
    page.locator(".message--success").wait_for()
    assert page.locator("ol.agenda > li").count() == 3
    page.locator("form[action$='/convoquer/'] button").click()
    page.locator(".message--success").wait_for()

    # The day has come.
    meeting = Meeting.objects.get()
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() - timedelta(minutes=10))
    page.goto(meeting_url)
    for person in ("president", "secretary", "member"):
        page.check(f"input[name=present][value='{people[person].pk}']")
    page.locator("form[action$='/presences/'] button").click()
    page.locator(".message--success").wait_for()
    assert "Quorum atteint" in page.locator(".quorum").inner_text()

    first, second, _other = AgendaItem.objects.filter(meeting=meeting).order_by("position")
    for item, counts in ((first, (3, 0, 0)), (second, (1, 2, 0))):
        form = page.locator(f"form.vote-form[action$='/ordre-du-jour/{item.pk}/vote/']")
        for field, value in zip(("votes_for", "votes_against", "abstentions"), counts, strict=True):
            form.locator(f"input[name='vote{item.pk}-{field}']").fill(str(value))
        form.locator("button").click()
        page.locator(".message--success").wait_for()
    [decision] = Decision.objects.filter(outcome="adopted")
    assert page.get_by_role("link", name=re.compile(decision.number)).is_visible()
    page.locator("form[action$='/clore/'] button").click()
    page.locator(".message--success").wait_for()

    # The minutes start from what the meeting did.
    draft = page.locator("textarea[name=text]").input_value()
    assert f"décision n° {decision.number}" in draft and "rejetée" in draft
    page.locator("textarea[name=text]").fill(draft + "\nLa séance s'est tenue dans la bonne humeur.")
    page.check("input[name=public_to_members]")
    page.locator("form[action$='/proces-verbal/brouillon/'] button").click()
    page.locator(".message--success").wait_for()
    assert Minutes.objects.get(meeting=meeting).public_to_members

    # The next meeting opens on their approval.
    page.goto(f"{asgi_server}/deliberations/seances/")
    page.fill("input[name=starts_at]", f"{timezone.localdate() + timedelta(days=80):%Y-%m-%d}T18:00")
    page.fill("input[name=place]", "Maison des associations")
    page.locator("form[action$='/nouvelle/'] button").click()
    page.wait_for_url(re.compile(r".*/deliberations/seances/\d+/$"))
    assert "Approbation du procès-verbal" in page.locator("ol.agenda > li").first.inner_text()
