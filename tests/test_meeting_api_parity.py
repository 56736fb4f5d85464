"""The API tells a meeting as its page does: who voted what by roll call (for the board and staff,
as on a decision's page), when the agenda changed since the convocation and which items were added
since; and the .ics describes the agenda in plain text, not in the Markdown members typed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from icalendar import Calendar

from intranet.links import absolute_url
from intranet.markdown import readable_text, render_markdown
from tests.api import token_client
from tests.factories import make_proposal
from tests.helpers import root_of, signed_in, upload
from workflows.meetings import actions, holding, selectors
from workflows.meetings.models import Meeting
from workflows.meetings.serializers import MeetingDetailSerializer

pytestmark = pytest.mark.django_db


def in_session(cast, *, proposals: int) -> Meeting:
    """Started, with ``proposals`` proposals on the agenda; the secretary and the president in the
    room, the board member represented by the president."""
    meeting = actions.plan_meeting(cast.secretary, starts_at=timezone.now() + timedelta(days=10), place="Poitiers")
    made = [make_proposal(cast.production_member, title=f"Projet {number}") for number in range(proposals)]
    actions.add_proposals(cast.secretary, meeting=meeting, proposals=made)
    meeting = actions.convene(cast.secretary, meeting=meeting)
    actions.answer(cast.board_member, meeting=meeting, choice="proxy", proxy_to=cast.president)
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() - timedelta(minutes=5))
    meeting.refresh_from_db()
    actions.record_presence(cast.secretary, meeting=meeting, present=[cast.secretary.pk, cast.president.pk])
    return meeting


def vote_by_roll_call(cast, item) -> None:
    ballots = {cast.secretary.pk: "for", cast.president.pk: "against", cast.board_member.pk: "for"}
    holding.record_item_vote(cast.secretary, item=item, ballots=ballots)


def detail(user, meeting: Meeting) -> dict:
    response = token_client(user).get(f"/api/v1/meetings/{meeting.pk}/")
    assert response.status_code == 200, response.content
    return response.json()


def item_of(body: dict, item_id: int) -> dict:
    return next(row for row in body["agenda"] if row["id"] == item_id)


# --- Named ballots ----------------------------------------------------------------------------


@pytest.mark.parametrize("reader", ["board_member", "staff"])
def test_the_api_names_each_voter_of_a_roll_call_with_their_choice_and_proxy_for_the_board_and_staff(cast, reader):
    meeting = in_session(cast, proposals=2)
    by_roll_call, counted = meeting.items.order_by("position")
    vote_by_roll_call(cast, by_roll_call)
    holding.record_item_vote(cast.secretary, item=counted, votes_for=2, votes_against=0, abstentions=0)

    body = detail(getattr(cast, reader), meeting)
    ballots = {row["member"]: row for row in item_of(body, by_roll_call.pk)["roll_call"]}
    assert ballots[cast.secretary.pk] == {
        "member": cast.secretary.pk,
        "name": cast.secretary.get_full_name(),
        "choice": "for",
        "by_proxy": False,
        "proxy_holder": None,
        "proxy_holder_name": None,
    }
    assert ballots[cast.president.pk]["choice"] == "against" and not ballots[cast.president.pk]["by_proxy"]
    represented = ballots[cast.board_member.pk]
    assert represented["choice"] == "for" and represented["by_proxy"] is True
    assert represented["proxy_holder"] == cast.president.pk
    assert represented["proxy_holder_name"] == cast.president.get_full_name()
    # A vote by counts names nobody.
    assert item_of(body, counted.pk)["roll_call"] is None


def test_a_reader_who_may_not_see_the_meetings_gets_no_named_ballots(cast):
    meeting = in_session(cast, proposals=1)
    vote_by_roll_call(cast, meeting.items.get())
    for person in (cast.production_member, cast.coordinator, cast.outsider):
        assert token_client(person).get(f"/api/v1/meetings/{meeting.pk}/").status_code == 404
        # Even handed the meeting, the reader's view carries no names, and the API leaves the key out.
        view = selectors.meeting_view(person, meeting)
        assert view.roll_calls == {}
        [item] = MeetingDetailSerializer(view).data["agenda"]
        assert "roll_call" not in item and item["result"] == "adopted"
    assert "roll_call" in MeetingDetailSerializer(selectors.meeting_view(cast.board_member, meeting)).data["agenda"][0]


def test_the_meeting_api_costs_the_same_queries_for_more_items_and_ballots(cast, django_assert_max_num_queries):
    small = in_session(cast, proposals=1)
    vote_by_roll_call(cast, small.items.get())
    large = in_session(cast, proposals=4)
    for item in large.items.all():
        vote_by_roll_call(cast, item)
    client = token_client(cast.board_member)
    client.get(f"/api/v1/meetings/{small.pk}/")  # counts the reader's navigation once
    with django_assert_max_num_queries(40) as first:
        client.get(f"/api/v1/meetings/{small.pk}/")
    asked = len(first.captured_queries)
    with django_assert_max_num_queries(asked):
        body = client.get(f"/api/v1/meetings/{large.pk}/").json()
    assert all(len(row["roll_call"]) == 3 for row in body["agenda"])


# --- The agenda since the convocation ---------------------------------------------------------


def test_the_api_says_when_the_agenda_changed_after_the_convocation_and_which_items_came_since(cast):
    meeting = actions.plan_meeting(cast.secretary, starts_at=timezone.now() + timedelta(days=15), place="Niort")
    actions.add_free_item(cast.secretary, meeting=meeting, kind="information", title="Point sur le budget")
    meeting = actions.convene(cast.secretary, meeting=meeting)
    body = detail(cast.board_member, meeting)
    assert body["agenda_changed_at"] is None
    assert [row["added_after_convocation"] for row in body["agenda"]] == [False]

    actions.add_free_item(cast.secretary, meeting=meeting, kind="other", title="Urgence")
    meeting.refresh_from_db()
    body = detail(cast.board_member, meeting)
    assert meeting.agenda_changed_at is not None
    assert parse_datetime(body["agenda_changed_at"]) == meeting.agenda_changed_at
    added = {row["title"]: row["added_after_convocation"] for row in body["agenda"]}
    assert added == {"Point sur le budget": False, "Urgence": True}


# --- The calendar's description ---------------------------------------------------------------


def test_the_ics_describes_an_agenda_written_in_markdown_as_plain_text_without_naming_documents(cast):
    secret, _version = upload(cast.production_member, root_of("college-production"), "budget-confidentiel.txt")
    notes = (
        "## Ordre des échanges\n\n"
        f"Voir **le budget** et [le tableau](/documents/documents/12/), *avant* la séance : [[doc:{secret.pk}]].\n\n"
        "- premier point\n- second point"
    )
    meeting = actions.plan_meeting(cast.secretary, starts_at=timezone.now() + timedelta(days=15), place="Niort")
    actions.add_free_item(cast.secretary, meeting=meeting, kind="information", title="Budget 2027", notes=notes)
    actions.convene(cast.secretary, meeting=meeting)

    content = signed_in(cast.board_member).get(reverse("meetings:ics", args=[meeting.pk])).content
    [event] = Calendar.from_ical(content).walk("VEVENT")
    description = str(event["description"])
    document_url = absolute_url(reverse("documents:document", args=[secret.pk]))
    assert "   Ordre des échanges" in description
    assert f"Voir le budget et le tableau ({absolute_url('/documents/documents/12/')}), avant la séance" in description
    assert f"la séance : {document_url}." in description
    assert "   - premier point\n   - second point" in description
    for marker in ("**", "##", "](", "[[doc:", "*avant*"):
        assert marker not in description, marker
    assert "budget-confidentiel" not in description  # the reader could not open it: never named


def test_readable_text_keeps_links_lists_and_code_lines_and_drops_the_marks():
    source = "# Titre\n\n**Gras**, _penché_ et [lien](https://example.org/a) <https://example.org/b>\n\n"
    source += "1. un\n2. deux\n    - sous-point\n\n```\nligne  1\n  ligne 2\n```\n\nVoir [[doc:7]]."
    assert readable_text(render_markdown(source).html) == (
        "Titre\nGras, penché et lien (https://example.org/a) https://example.org/b\n"
        "1. un\n2. deux\n   - sous-point\nligne  1\n  ligne 2\nVoir [[doc:7]]."
    )
