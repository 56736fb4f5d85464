"""Board meetings in the API, for the whole role cast: the board and staff read the meetings, a
board member answers the convocation, every member reads the minutes the board made public; the
same refusals as the pages, with their reasons."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.api import ROLES, Case, everyone, run_case, token_client
from tests.factories import make_held_meeting
from workflows.meetings import actions
from workflows.meetings.models import Minutes

pytestmark = pytest.mark.django_db

BOARD_ONLY = everyone(404, board=200, staff=200)


@pytest.fixture
def world(cast):
    """A convened meeting in twelve days; a held one whose minutes are approved and public; a
    held one whose minutes are a draft."""
    meeting = actions.plan_meeting(cast.secretary, starts_at=timezone.now() + timedelta(days=12), place="Niort")
    actions.add_free_item(cast.secretary, meeting=meeting, kind="other", title="Divers")
    convened = actions.convene(cast.secretary, meeting=meeting)
    public = make_held_meeting(cast.secretary, minutes="Tout le monde était là.", public=True)
    draft = make_held_meeting(cast.secretary, minutes="Brouillon du conseil", public=False)
    Minutes.objects.filter(meeting=public).update(approved_at=timezone.now(), approved_in=draft)
    return {"convened": convened, "public": public, "draft": draft, "item": convened.items.get()}


def _agenda_and_quorum_as_the_page(world, role, response):
    body = response.json()
    assert body["meeting"]["status"] == "convened" and [item["title"] for item in body["agenda"]] == ["Divers"]
    assert body["quorum"]["board_size"] == len(body["attendance"]) and body["quorum_from_roll_call"] is False
    assert body["may_answer"] == (role == "board")


ROLE_CASES = {
    "api:meetings": Case("get", lambda w: "/api/v1/meetings/", BOARD_ONLY),
    "api:meeting": Case(
        "get", lambda w: f"/api/v1/meetings/{w['convened'].pk}/", BOARD_ONLY, check=_agenda_and_quorum_as_the_page
    ),
    "api:meeting_answer": Case(
        "post",
        lambda w: f"/api/v1/meetings/{w['convened'].pk}/answer/",
        everyone(404, board=200, staff=403),
        data=lambda w: {"answer": "present"},
        check=lambda w, role, response: response.json()["my_answer"] == "present" or pytest.fail("not recorded"),
    ),
    # Only the president and the secretary record the roll call and the votes; nobody of the cast.
    "api:meeting_presence": Case(
        "post",
        lambda w: f"/api/v1/meetings/{w['convened'].pk}/presence/",
        everyone(404, board=403, staff=403),
        data=lambda w: {"present": []},
    ),
    "api:meeting_vote": Case(
        "post",
        lambda w: f"/api/v1/meetings/{w['convened'].pk}/items/{w['item'].pk}/vote/",
        everyone(404, board=403, staff=403),
        data=lambda w: {"votes_for": 1, "votes_against": 0, "abstentions": 0},
    ),
    "api:meeting_minutes": Case(
        "get",
        lambda w: f"/api/v1/meetings/{w['public'].pk}/minutes/",
        everyone(200),
        check=lambda w, role, response: response.json()["text"] == "Tout le monde était là." or pytest.fail(),
    ),
    "api:approved_minutes": Case(
        "get",
        lambda w: "/api/v1/meetings/minutes/",
        everyone(200),
        check=lambda w, role, response: (
            [row["meeting"] for row in response.json()] == [w["public"].pk] or pytest.fail()
        ),
    ),
}

MORE_CASES = {
    "a draft stays with the board": Case("get", lambda w: f"/api/v1/meetings/{w['draft'].pk}/minutes/", BOARD_ONLY),
    "no minutes yet": Case("get", lambda w: f"/api/v1/meetings/{w['convened'].pk}/minutes/", everyone(404)),
    "unknown meeting": Case("get", lambda w: "/api/v1/meetings/999999/", everyone(404)),
    "a proxy without its holder": Case(
        "post",
        lambda w: f"/api/v1/meetings/{w['convened'].pk}/answer/",
        everyone(404, board=400, staff=403),
        data=lambda w: {"answer": "proxy"},
    ),
    "an item of another meeting": Case(
        "post",
        lambda w: f"/api/v1/meetings/{w['public'].pk}/items/{w['item'].pk}/vote/",
        everyone(404),
        data=lambda w: {"votes_for": 1, "votes_against": 0, "abstentions": 0},
    ),
    "a bad answer": Case(
        "post",
        lambda w: f"/api/v1/meetings/{w['convened'].pk}/answer/",
        everyone(404, board=400, staff=403),
        data=lambda w: {"answer": "peut-être"},
    ),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", sorted(ROLE_CASES) + sorted(MORE_CASES))
def test_role_cast(route, role, world, cast):
    run_case({**ROLE_CASES, **MORE_CASES}[route], world, cast, role)


def test_a_proxy_through_the_api_follows_the_rules_and_says_why_not(world, cast):
    client = token_client(cast.board_member)
    url = f"/api/v1/meetings/{world['convened'].pk}/answer/"
    refused = client.post(url, {"answer": "proxy", "proxy_to": cast.board_member.pk}, format="json")
    assert refused.status_code == 400 and "autre membre du conseil" in refused.json()["detail"]
    outsider = client.post(url, {"answer": "proxy", "proxy_to": cast.production_member.pk}, format="json")
    assert outsider.status_code == 400 and "pas au conseil" in outsider.json()["detail"]
    given = client.post(url, {"answer": "proxy", "proxy_to": cast.president.pk}, format="json")
    assert given.status_code == 200 and given.json()["my_proxy_to"] == cast.president.pk
    row = next(row for row in given.json()["attendance"] if row["member"] == cast.board_member.pk)
    assert row["proxy_to"] == cast.president.pk


def test_an_answer_after_the_meeting_started_is_refused_saying_why(world, cast):
    from workflows.meetings.models import Attendance, Meeting

    Meeting.objects.filter(pk=world["convened"].pk).update(starts_at=timezone.now() - timedelta(minutes=1))
    url = f"/api/v1/meetings/{world['convened'].pk}/answer/"
    late = token_client(cast.board_member).post(url, {"answer": "proxy", "proxy_to": cast.president.pk}, format="json")
    assert late.status_code == 400 and "La séance a commencé" in late.json()["detail"]
    assert not Attendance.objects.filter(meeting=world["convened"], member=cast.board_member).exists()


@pytest.fixture
def session(cast):
    """A convened meeting with two proposals on its agenda, which has just started."""
    from tests.factories import make_proposal
    from workflows.meetings.models import Meeting

    first = make_proposal(cast.production_member, title="Festival des films d'école")
    second = make_proposal(cast.production_member, title="Résidence de documentaristes")
    meeting = actions.plan_meeting(cast.secretary, starts_at=timezone.now() + timedelta(days=10), place="Poitiers")
    actions.add_proposals(cast.secretary, meeting=meeting, proposals=[first, second])
    actions.convene(cast.secretary, meeting=meeting)
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() - timedelta(minutes=5))
    return Meeting.objects.get(pk=meeting.pk)


def test_the_secretary_records_the_roll_call_and_the_votes_through_the_api(cast, session):
    from workflows.models import Decision

    client = token_client(cast.secretary)
    first, second = session.items.order_by("position")
    vote = f"/api/v1/meetings/{session.pk}/items/{first.pk}/vote/"
    early = client.post(vote, {"votes_for": 1, "votes_against": 0, "abstentions": 0}, format="json")
    assert early.status_code == 400 and "appel des présents" in early.json()["detail"]

    presence = f"/api/v1/meetings/{session.pk}/presence/"
    outsider = client.post(presence, {"present": [cast.secretary.pk, cast.production_member.pk]}, format="json")
    assert outsider.status_code == 400 and outsider.json()["errors"]["present"]
    present = [cast.secretary.pk, cast.president.pk]
    body = client.post(presence, {"present": present}, format="json").json()
    assert body["quorum_from_roll_call"] is True and body["quorum"]["present"] == 2 and body["quorum"]["reached"]

    too_many = client.post(vote, {"votes_for": 2, "votes_against": 1, "abstentions": 0}, format="json")
    assert too_many.status_code == 400 and "3 voix enregistrées" in too_many.json()["detail"]
    body = client.post(vote, {"votes_for": 2, "votes_against": 0, "abstentions": 0}, format="json").json()
    item = next(row for row in body["agenda"] if row["id"] == first.pk)
    assert item["result"] == "adopted" and item["decision"] == Decision.objects.get().number
    again = client.post(vote, {"votes_for": 0, "votes_against": 2, "abstentions": 0}, format="json")
    assert again.status_code == 400 and "déjà enregistré" in again.json()["detail"]

    roll = f"/api/v1/meetings/{session.pk}/items/{second.pk}/vote/"
    for bad in (
        {"ballots": {str(cast.secretary.pk): "for"}, "votes_for": 1},  # both ways at once
        {"ballots": {"un": "for"}},
        {"ballots": {str(cast.secretary.pk): "peut-être"}},
        {"votes_for": 1},
        {"ballots": {str(cast.board_member.pk): "for"}},  # not in the room
    ):
        refused = client.post(roll, bad, format="json")
        assert refused.status_code == 400 and refused.json()["detail"], bad
    ballots = {str(cast.secretary.pk): "against", str(cast.president.pk): "against"}
    body = client.post(roll, {"ballots": ballots}, format="json").json()
    assert next(row for row in body["agenda"] if row["id"] == second.pk)["result"] == "rejected"
    assert Decision.objects.count() == 2
