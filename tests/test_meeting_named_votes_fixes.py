"""A vote by roll call names each voter present or represented with their choice, and who voted
by proxy for whom: on the meeting's page, on the decision's page (for the board and staff), in the
minutes' first draft and in their OpenDocument text."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from odf import teletype
from odf.opendocument import load
from odf.text import P

from tests.factories import make_proposal
from tests.helpers import signed_in, speaking, text_of
from workflows.meetings import actions, holding, minutes
from workflows.meetings.minutes_text import first_draft
from workflows.meetings.models import Meeting
from workflows.models import Decision

pytestmark = pytest.mark.django_db


@pytest.fixture
def voted(cast):
    """Started; the secretary and the president in the room, the board member represented by the
    president; the proposal voted by roll call (secretary for, president against, board member for)."""
    proposal = make_proposal(cast.production_member, title="Festival des films d'école")
    meeting = actions.plan_meeting(cast.secretary, starts_at=timezone.now() + timedelta(days=10), place="Poitiers")
    actions.add_proposals(cast.secretary, meeting=meeting, proposals=[proposal])
    meeting = actions.convene(cast.secretary, meeting=meeting)
    actions.answer(cast.board_member, meeting=meeting, choice="proxy", proxy_to=cast.president)
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() - timedelta(minutes=5))
    meeting.refresh_from_db()
    actions.record_presence(cast.secretary, meeting=meeting, present=[cast.secretary.pk, cast.president.pk])
    item = meeting.items.get()
    data = {
        "mode": "roll_call",
        f"roll{item.pk}-voter_{cast.secretary.pk}": "for",
        f"roll{item.pk}-voter_{cast.president.pk}": "against",
        f"roll{item.pk}-voter_{cast.board_member.pk}": "for",
    }
    answer = signed_in(cast.secretary).post(reverse("meetings:record_vote", args=[meeting.pk, item.pk]), data)
    assert answer.status_code == 302
    return meeting


def test_the_meeting_page_names_each_voter_of_a_roll_call_with_their_choice_and_proxy(cast, voted):
    page = text_of(signed_in(cast.president).get(reverse("meetings:detail", args=[voted.pk])))
    assert "Par appel nominal\u00a0:" in page
    assert f"{cast.secretary.get_full_name()}\u00a0: pour" in page
    assert f"{cast.president.get_full_name()}\u00a0: contre" in page
    represented = f"{cast.board_member.get_full_name()}, représenté·e par {cast.president.get_full_name()} (pouvoir)"
    assert f"{represented}\u00a0: pour" in page


def test_the_page_in_english_names_them_too(cast, voted):
    page = text_of(signed_in(speaking(cast.secretary, "en")).get(reverse("meetings:detail", args=[voted.pk])))
    represented = f"{cast.board_member.get_full_name()}, represented by {cast.president.get_full_name()} (proxy)"
    assert "By roll call:" in page and f"{represented}: for" in page


def test_the_decision_page_names_the_voters_for_the_board_only(cast, voted):
    url = reverse("workflows:decision", args=[Decision.objects.get().number])
    page = text_of(signed_in(cast.board_member).get(url))
    assert "Appel nominal" in page and f"{cast.president.get_full_name()}\u00a0: contre" in page
    member_page = text_of(signed_in(cast.production_member).get(url))
    assert "Appel nominal" not in member_page and cast.secretary.get_full_name() not in member_page


def test_the_minutes_draft_and_their_odt_name_each_voter(cast, voted):
    held = holding.close_meeting(cast.secretary, meeting=voted)
    draft = first_draft(held)
    lines = [
        "Vote par appel nominal :",
        f"- {cast.board_member.get_full_name()} (pouvoir à {cast.president.get_full_name()}) : pour",
        f"- {cast.president.get_full_name()} : contre",
        f"- {cast.secretary.get_full_name()} : pour",
    ]
    for line in lines:
        assert line in draft
    minutes.save_minutes(cast.secretary, meeting=held, text=draft, public_to_members=False)
    odt = signed_in(cast.secretary).get(reverse("meetings:minutes_file", args=[held.pk]))
    text = "\n".join(teletype.extractText(p) for p in load(io.BytesIO(odt.content)).getElementsByType(P))
    assert f"– {cast.board_member.get_full_name()} (pouvoir à {cast.president.get_full_name()}) : pour" in text
    assert f"– {cast.president.get_full_name()} : contre" in text


def test_a_member_who_arrives_after_a_vote_stays_represented_in_that_vote(cast, voted):
    """The roll call recorded again once the represented member came in: the vote held before
    still says who gave their ballot, on the page and in the minutes."""
    present = [cast.secretary.pk, cast.president.pk, cast.board_member.pk]
    actions.record_presence(cast.secretary, meeting=voted, present=present)
    page = text_of(signed_in(cast.president).get(reverse("meetings:detail", args=[voted.pk])))
    represented = f"{cast.board_member.get_full_name()}, représenté·e par {cast.president.get_full_name()} (pouvoir)"
    assert f"{represented}\u00a0: pour" in page
    draft = first_draft(holding.close_meeting(cast.secretary, meeting=voted))
    assert f"- {cast.board_member.get_full_name()} (pouvoir à {cast.president.get_full_name()}) : pour" in draft


def test_the_upgrade_keeps_who_gave_the_ballots_recorded_before(cast, voted):
    """Ballots recorded before the holder was kept with them: read once from the attendance."""
    import importlib

    from django.apps import apps

    from workflows.models import Ballot

    Ballot.objects.update(cast_by=None)
    migration = importlib.import_module("workflows.meetings.migrations.0007_roll_call_proxies_kept")
    migration.keep_who_gave_each_ballot(apps, None)
    assert dict(Ballot.objects.values_list("voter_id", "cast_by_id")) == {
        cast.secretary.pk: None,
        cast.president.pk: None,
        cast.board_member.pk: cast.president.pk,
    }
