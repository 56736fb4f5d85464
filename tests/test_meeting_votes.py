"""Votes held in a board meeting: counted by the same rules as online votes, decided into the same
register (numbers without gaps either way), refused with a clear reason when the counts cannot be;
then the meeting is closed and what it did not decide waits for the next one."""

from __future__ import annotations

import html
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from intranet.exceptions import ActionRefused
from tests.factories import make_proposal
from workflows import actions as workflow_actions
from workflows.meetings import actions, holding
from workflows.meetings.models import Meeting, MeetingStatus
from workflows.models import BoardVote, Decision, ProposalStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(cast):
    """A convened meeting with two proposals on its agenda, which has just started."""
    first = make_proposal(cast.production_member, title="Festival des films d'école")
    second = make_proposal(cast.production_member, title="Résidence de documentaristes")
    meeting = actions.plan_meeting(cast.secretary, starts_at=timezone.now() + timedelta(days=10), place="Poitiers")
    actions.add_proposals(cast.secretary, meeting=meeting, proposals=[first, second])
    meeting = actions.convene(cast.secretary, meeting=meeting)
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() - timedelta(minutes=5))
    meeting.refresh_from_db()
    return meeting


def item(meeting, number):
    return meeting.items.order_by("position")[number - 1]


def roll_call(cast, meeting, present, proxies=()):
    for giver, holder in proxies:
        Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() + timedelta(hours=1))
        actions.answer(giver, meeting=meeting, choice="proxy", proxy_to=holder)
        Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() - timedelta(minutes=5))
    actions.record_presence(cast.secretary, meeting=meeting, present=[person.pk for person in present])


def test_a_vote_in_session_counts_proxies_and_becomes_a_numbered_decision_between_online_ones(cast, session):
    online = make_proposal(cast.diffusion_member, college="diffusion", title="En ligne")
    vote = workflow_actions.open_board_vote(
        cast.secretary, proposal=online, deadline=timezone.now() + timedelta(days=1)
    )
    workflow_actions.close_board_vote(cast.secretary, vote=vote)  # no ballot: no quorum, no number taken
    roll_call(cast, session, present=[cast.secretary, cast.president], proxies=[(cast.board_member, cast.president)])

    vote = holding.record_vote(cast.secretary, item=item(session, 1), votes_for=2, votes_against=1, abstentions=0)
    assert vote.result == "adopted" and (vote.votes_for, vote.votes_against, vote.abstentions) == (2, 1, 0)
    decision = Decision.objects.get(vote=vote)
    assert item(session, 1).vote == vote and decision.proposal.status == ProposalStatus.ADOPTED
    vote = holding.record_vote(cast.secretary, item=item(session, 2), votes_for=1, votes_against=1, abstentions=1,
                               president_choice="against")  # fmt: skip
    assert vote.result == "rejected" and vote.casting_vote_used
    year = timezone.localtime().year
    assert list(Decision.objects.order_by("sequence").values_list("number", flat=True)) == [
        f"CA-{year}-001", f"CA-{year}-002"
    ]  # fmt: skip


def test_counts_the_room_cannot_hold_a_missing_roll_call_and_a_second_record_are_refused(cast, session):
    with pytest.raises(ActionRefused, match="appel des présents"):
        holding.record_vote(cast.secretary, item=item(session, 1), votes_for=1, votes_against=0, abstentions=0)
    roll_call(cast, session, present=[cast.secretary, cast.president])
    with pytest.raises(ActionRefused, match="3 voix enregistrées, mais seulement 2 membres"):
        holding.record_vote(cast.secretary, item=item(session, 1), votes_for=2, votes_against=1, abstentions=0)
    assert not BoardVote.objects.exists() and item(session, 1).proposal.status == ProposalStatus.ON_AGENDA
    holding.record_vote(cast.secretary, item=item(session, 1), votes_for=2, votes_against=0, abstentions=0)
    with pytest.raises(ActionRefused, match="déjà enregistré"):
        holding.record_vote(cast.secretary, item=item(session, 1), votes_for=0, votes_against=2, abstentions=0)
    assert BoardVote.objects.count() == 1
    with pytest.raises(PermissionDenied):
        holding.record_vote(cast.board_member, item=item(session, 2), votes_for=1, votes_against=0, abstentions=0)


def test_without_quorum_or_without_a_vote_the_proposal_waits_for_the_next_meeting(cast, session):
    roll_call(cast, session, present=[cast.secretary])  # 1 of 3: the vote cannot reach the quorum of 2
    vote = holding.record_vote(cast.secretary, item=item(session, 1), votes_for=1, votes_against=0, abstentions=0)
    assert vote.result == "no_quorum" and not Decision.objects.exists()
    assert actions.proposals_waiting_for_a_meeting() == []  # still on this meeting's agenda
    holding.close_meeting(cast.secretary, meeting=session)
    session.refresh_from_db()
    assert session.status == MeetingStatus.HELD and session.held_at is not None
    assert {proposal.title for proposal in actions.proposals_waiting_for_a_meeting()} == {
        "Festival des films d'école", "Résidence de documentaristes"
    }  # fmt: skip
    with pytest.raises(PermissionDenied):
        holding.record_vote(cast.secretary, item=item(session, 2), votes_for=1, votes_against=0, abstentions=0)


def test_the_secretary_records_a_vote_through_the_page_and_bad_counts_are_said(cast, session):
    roll_call(cast, session, present=[cast.secretary, cast.president, cast.board_member])
    secretary = Client()
    secretary.force_login(cast.secretary, backend="django.contrib.auth.backends.ModelBackend")
    first = item(session, 1)
    url = reverse("meetings:record_vote", args=[session.pk, first.pk])
    prefix = f"vote{first.pk}"
    response = secretary.post(url, {f"{prefix}-votes_for": "-1", f"{prefix}-votes_against": "0",
                                    f"{prefix}-abstentions": "0"})  # fmt: skip
    assert response.status_code == 400 and not BoardVote.objects.exists()
    response = secretary.post(url, {f"{prefix}-votes_for": "3", f"{prefix}-votes_against": "1",
                                    f"{prefix}-abstentions": "0"})  # fmt: skip
    assert response.status_code == 409 and "4 voix enregistrées" in response.content.decode()
    response = secretary.post(url, {f"{prefix}-votes_for": "2", f"{prefix}-votes_against": "1",
                                    f"{prefix}-abstentions": "0"})  # fmt: skip
    assert response.status_code == 302
    page = secretary.get(reverse("meetings:detail", args=[session.pk])).content.decode()
    number = Decision.objects.get().number
    assert "Voté en séance\u00a0: " in page and number in page and reverse("workflows:decision", args=[number]) in page
    member = Client()
    member.force_login(cast.board_member, backend="django.contrib.auth.backends.ModelBackend")
    assert member.post(reverse("meetings:close", args=[session.pk])).status_code == 403
    assert secretary.post(reverse("meetings:close", args=[session.pk])).status_code == 302
    assert Meeting.objects.get(pk=session.pk).status == MeetingStatus.HELD


def test_two_officers_recording_the_same_vote_at_once_record_it_once(association_bodies, cast, session):
    """Real connections (on PostgreSQL, the meeting's row locked): one wins, the other is told."""
    from tests.concurrency import run_together

    roll_call(cast, session, present=[cast.secretary, cast.president])
    first = item(session, 1)
    outcomes = run_together(
        *[
            lambda officer=officer: holding.record_vote(
                officer, item=first, votes_for=2, votes_against=0, abstentions=0
            )
            for officer in (cast.secretary, cast.president)
        ]
    )
    assert sum(isinstance(outcome, BoardVote) for outcome in outcomes) == 1
    assert [type(outcome) for outcome in outcomes if isinstance(outcome, Exception)] == [ActionRefused]
    assert BoardVote.objects.count() == 1 and Decision.objects.count() == 1


def test_a_roll_call_names_each_voter_proxies_included_and_keeps_their_ballots(cast, session, login):
    from workflows.models import Ballot

    roll_call(cast, session, present=[cast.secretary, cast.president], proxies=[(cast.board_member, cast.president)])
    first = item(session, 1)
    page = login(cast.secretary).get(reverse("meetings:detail", args=[session.pk])).content.decode()
    assert f"{cast.board_member.get_full_name()} (pouvoir détenu par {cast.president.get_full_name()})" in page
    data = {
        "mode": "roll_call",
        f"roll{first.pk}-voter_{cast.secretary.pk}": "for",
        f"roll{first.pk}-voter_{cast.president.pk}": "against",
        f"roll{first.pk}-voter_{cast.board_member.pk}": "for",
    }
    answer = login(cast.secretary).post(reverse("meetings:record_vote", args=[session.pk, first.pk]), data)
    assert answer.status_code == 302
    vote = item(session, 1).vote
    assert (vote.result, vote.votes_for, vote.votes_against, vote.abstentions) == ("adopted", 2, 1, 0)
    assert dict(Ballot.objects.filter(vote=vote).values_list("voter_id", "choice")) == {
        cast.secretary.pk: "for", cast.president.pk: "against", cast.board_member.pk: "for"
    }  # fmt: skip
    # Someone neither present nor represented does not vote, and nothing is recorded.
    with pytest.raises(ActionRefused, match="présents et représentés"):
        holding.record_vote(cast.secretary, item=item(session, 2), ballots={cast.production_member.pk: "for"})
    assert item(session, 2).vote is None and BoardVote.objects.count() == 1


def test_an_online_vote_in_session_is_for_those_present_and_closes_when_they_all_voted(cast, session):
    from intranet.notifications.models import Notification
    from workflows.selectors import ballots_waiting

    roll_call(cast, session, present=[cast.secretary, cast.president], proxies=[(cast.board_member, cast.president)])
    vote = holding.open_online_vote(cast.secretary, item=item(session, 1))
    assert set(vote.room_voters.values_list("pk", flat=True)) == {cast.secretary.pk, cast.president.pk}
    told = set(Notification.objects.filter(event="vote_opened").values_list("recipient_id", flat=True))
    assert cast.board_member.pk not in told and cast.president.pk in told
    assert not ballots_waiting(cast.board_member).exists() and ballots_waiting(cast.president).exists()
    with pytest.raises(ActionRefused, match="salle"):
        workflow_actions.cast_ballot(cast.board_member, vote=vote, choice="against")
    workflow_actions.cast_ballot(cast.secretary, vote=vote, choice="for")
    workflow_actions.cast_ballot(cast.president, vote=vote, choice="for")
    vote.refresh_from_db()
    assert vote.close_reason == "everyone_voted" and vote.result == "adopted" and vote.board_size == 2
    assert item(session, 1).vote == vote and Decision.objects.filter(vote=vote).exists()
    with pytest.raises(ActionRefused, match="déjà enregistré"):
        holding.open_online_vote(cast.secretary, item=item(session, 1))


def test_a_decision_taken_in_session_names_its_meeting_and_links_it_for_the_board(cast, session, login):
    roll_call(cast, session, present=[cast.secretary, cast.president])
    vote = holding.record_vote(cast.secretary, item=item(session, 1), votes_for=2, votes_against=0, abstentions=0)
    url = reverse("workflows:decision", args=[Decision.objects.get(vote=vote).number])
    meeting_link = f'href="{reverse("meetings:detail", args=[session.pk])}"'
    board_page = login(cast.board_member).get(url).content.decode()
    assert "en séance du conseil du" in board_page and meeting_link in board_page
    member_page = login(cast.production_member).get(url).content.decode()
    assert "en séance du conseil du" in member_page and meeting_link not in member_page


def test_the_convocation_links_each_proposal_on_the_agenda(cast, session):
    from django.core import mail

    from intranet.links import absolute_url
    from intranet.notifications.actions import send_due_emails

    send_due_emails(timezone.now())
    [message] = [each for each in mail.outbox if each.to == [cast.board_member.email]]
    for number in (1, 2):
        assert absolute_url(reverse("proposals:detail", args=[item(session, number).proposal_id])) in message.body


def test_what_the_room_cannot_do_is_refused_with_its_reason(cast, session):
    # Proxies do not vote online: those present in person must make the quorum alone.
    roll_call(cast, session, present=[cast.secretary], proxies=[(cast.board_member, cast.secretary)])
    with pytest.raises(ActionRefused, match="Trop peu de membres présents en personne"):
        holding.open_online_vote(cast.secretary, item=item(session, 1))
    # The president's vote breaks a tie only if they are in the room.
    with pytest.raises(ActionRefused, match="ni présente ni représentée"):
        holding.record_vote(cast.secretary, item=item(session, 1), votes_for=1, votes_against=1, abstentions=0,
                            president_choice="for")  # fmt: skip
    assert not BoardVote.objects.exists()
    holding.record_vote(cast.secretary, item=item(session, 1), votes_for=2, votes_against=0, abstentions=0)
    with pytest.raises(ActionRefused, match="mis aux voix"):
        actions.remove_item(cast.secretary, item=item(session, 1))
    assert session.items.count() == 2


def test_an_item_voted_on_has_no_remove_button_and_removing_it_anyway_is_refused_with_its_reason(cast, session):
    roll_call(cast, session, present=[cast.secretary, cast.president, cast.board_member])
    holding.record_vote(cast.secretary, item=item(session, 1), votes_for=3, votes_against=0, abstentions=0)
    secretary = Client()
    secretary.force_login(cast.secretary, backend="django.contrib.auth.backends.ModelBackend")
    page = html.unescape(secretary.get(reverse("meetings:detail", args=[session.pk])).content.decode())
    assert "Retirer «\xa0Festival" not in page and "Retirer «\xa0Résidence" in page
    voted = item(session, 1)
    response = secretary.post(reverse("meetings:move_item", args=[session.pk, voted.pk]), {"direction": "remove"})
    assert response.status_code == 409
    assert "Ce point a été mis aux voix\xa0: il reste à l'ordre du jour." in html.unescape(response.content.decode())
    assert session.items.count() == 2


def test_an_officer_moves_items_up_and_down_and_removes_one_not_voted(cast, session):
    secretary = Client()
    secretary.force_login(cast.secretary, backend="django.contrib.auth.backends.ModelBackend")
    url = reverse("meetings:detail", args=[session.pk])
    second = item(session, 2)
    response = secretary.post(reverse("meetings:move_item", args=[session.pk, second.pk]), {"direction": "up"})
    assert response.status_code == 302 and response.url == url
    assert [each.title for each in session.items.order_by("position")] == [
        "Résidence de documentaristes", "Festival des films d'école"
    ]  # fmt: skip
    assert "L'ordre du jour est réorganisé." in html.unescape(secretary.get(url).content.decode())
    response = secretary.post(reverse("meetings:move_item", args=[session.pk, second.pk]), {"direction": "down"})
    assert response.status_code == 302 and item(session, 2) == second
    response = secretary.post(reverse("meetings:move_item", args=[session.pk, second.pk]), {"direction": "remove"})
    assert response.status_code == 302 and [each.title for each in session.items.all()] == [
        "Festival des films d'école"
    ]  # fmt: skip
    assert "Retiré de l'ordre du jour." in html.unescape(secretary.get(url).content.decode())
