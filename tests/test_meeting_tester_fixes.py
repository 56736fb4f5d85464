"""What a tester found in the board meetings: a tie recorded as rejected while the president, in the
room, had not given the vote that decides it; a proxy holder who had not answered counted nowhere;
the vote form offered before the roll call, and an empty roll call accepted; the minutes' length
limit written the English way in French."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from intranet.exceptions import ActionRefused
from tests.factories import make_held_meeting, make_member, make_proposal
from tests.helpers import signed_in, speaking, text_of
from workflows import actions as workflow_actions
from workflows.meetings import actions, holding, minutes, selectors
from workflows.meetings.minutes_text import first_draft
from workflows.meetings.models import Attendance, Meeting
from workflows.models import BoardVote, Decision, ProposalStatus

pytestmark = pytest.mark.django_db

TIE_IN_THE_MINUTES = "égalité des voix, qu'aucune voix prépondérante n'a départagée"


@pytest.fixture
def board(cast):
    """Two more board members: with the secretary, the president and the board member, five."""
    cast.fourth = make_member(actor=cast.staff, board_role="member", first_name="Sophie", last_name="Martin")
    cast.fifth = make_member(actor=cast.staff, board_role="member", first_name="Paul", last_name="Roux")
    return cast


def _convened(cast, *, started: bool) -> Meeting:
    proposal = make_proposal(cast.production_member, title="Festival des films d'école")
    meeting = actions.plan_meeting(cast.secretary, starts_at=timezone.now() + timedelta(days=10), place="Poitiers")
    actions.add_proposals(cast.secretary, meeting=meeting, proposals=[proposal])
    meeting = actions.convene(cast.secretary, meeting=meeting)
    if started:
        Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() - timedelta(minutes=5))
        meeting.refresh_from_db()
    return meeting


@pytest.fixture
def session(board):
    """Convened, with one proposal on the agenda; it has just started, no roll call yet."""
    return _convened(board, started=True)


def _vote_url(meeting):
    return reverse("meetings:record_vote", args=[meeting.pk, meeting.items.get().pk])


def _counts(meeting, votes_for, votes_against, abstentions, president_choice=""):
    prefix = f"vote{meeting.items.get().pk}"
    return {
        f"{prefix}-votes_for": str(votes_for),
        f"{prefix}-votes_against": str(votes_against),
        f"{prefix}-abstentions": str(abstentions),
        f"{prefix}-president_choice": president_choice,
    }


def _item_forms(response, meeting):
    """The vote form and the roll-call form the page shows for the meeting's proposal."""
    [entry] = [entry for entry in response.context["agenda"] if entry[0].pk == meeting.items.get().pk]
    return entry[4], entry[5]


# --- 1. A tie the president's vote decides --------------------------------------------------------


def test_a_tie_with_the_president_in_the_room_and_no_casting_vote_is_refused_keeping_the_counts(board, session):
    in_room = [board.secretary, board.president, board.board_member, board.fourth]
    actions.record_presence(board.secretary, meeting=session, present=[person.pk for person in in_room])
    secretary = signed_in(speaking(board.secretary, "en"))

    refused = secretary.post(_vote_url(session), _counts(session, 2, 2, 0))

    assert refused.status_code == 409
    vote_form, _roll_form = _item_forms(refused, session)
    [error] = vote_form.errors["president_choice"]
    assert "give the president's vote, which decides the tie" in error
    assert (vote_form["votes_for"].value(), vote_form["votes_against"].value()) == ("2", "2")
    assert not BoardVote.objects.exists() and not Decision.objects.exists()
    assert session.items.get().proposal.status == ProposalStatus.ON_AGENDA

    recorded = secretary.post(_vote_url(session), _counts(session, 2, 2, 0, president_choice="against"))
    assert recorded.status_code == 302
    vote = BoardVote.objects.get()
    assert vote.result == "rejected" and vote.casting_vote_used


def test_a_tie_by_roll_call_with_the_president_present_and_not_voting_is_refused_on_the_presidents_line(board, session):
    everyone = [board.secretary, board.president, board.board_member, board.fourth, board.fifth]
    actions.record_presence(board.secretary, meeting=session, present=[person.pk for person in everyone])
    item = session.items.get()
    ballots = {board.secretary.pk: "for", board.board_member.pk: "against", board.fourth.pk: "for",
               board.fifth.pk: "against"}  # fmt: skip
    posted = {"mode": "roll_call", **{f"roll{item.pk}-voter_{voter}": choice for voter, choice in ballots.items()}}

    refused = signed_in(speaking(board.secretary, "en")).post(_vote_url(session), posted)

    assert refused.status_code == 409 and not BoardVote.objects.exists()
    _vote_form, roll_form = _item_forms(refused, session)
    assert "decides the tie" in roll_form.errors[f"voter_{board.president.pk}"][0]
    assert roll_form[f"voter_{board.fourth.pk}"].value() == "for"  # the choices stay as typed
    # The president abstains: their answer is given, the tie stays and the page says so.
    vote = holding.record_vote(board.secretary, item=item, ballots={**ballots, board.president.pk: "abstain"})
    assert vote.result == "rejected" and not vote.casting_vote_used


def test_the_action_refuses_the_same_tie_for_a_president_represented_by_proxy(board):
    meeting = _convened(board, started=False)
    actions.answer(board.fourth, meeting=meeting, choice="present")
    actions.answer(board.president, meeting=meeting, choice="proxy", proxy_to=board.fourth)
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() - timedelta(minutes=5))
    meeting.refresh_from_db()
    present = [board.secretary.pk, board.board_member.pk, board.fourth.pk]
    actions.record_presence(board.secretary, meeting=meeting, present=present)
    with translation.override("en"), pytest.raises(ActionRefused, match="decides the tie") as refused:
        holding.record_vote(board.secretary, item=meeting.items.get(), votes_for=2, votes_against=2, abstentions=0)
    assert refused.value.field == "president_choice" and not Decision.objects.exists()


def test_a_tie_with_the_president_away_follows_the_rules_and_the_page_and_minutes_say_it_was_a_tie(board, session):
    in_room = [board.secretary, board.board_member, board.fourth, board.fifth]
    actions.record_presence(board.secretary, meeting=session, present=[person.pk for person in in_room])

    vote = holding.record_vote(board.secretary, item=session.items.get(), votes_for=2, votes_against=2, abstentions=0)

    assert vote.result == "rejected" and not vote.casting_vote_used and Decision.objects.filter(vote=vote).exists()
    page = text_of(signed_in(speaking(board.secretary, "en")).get(reverse("meetings:detail", args=[session.pk])))
    assert "a tie, which no casting vote broke" in page
    assert TIE_IN_THE_MINUTES in first_draft(session)


def test_without_a_casting_vote_in_the_rules_a_tie_is_recorded_as_rejected_with_the_president_present(board, session):
    workflow_actions.change_vote_rules(
        board.staff, quorum_percent=50, abstentions_count_for_quorum=True, majority="simple",
        president_casting_vote=False,
    )  # fmt: skip
    in_room = [board.secretary, board.president, board.board_member, board.fourth]
    actions.record_presence(board.secretary, meeting=session, present=[person.pk for person in in_room])
    vote = holding.record_vote(board.secretary, item=session.items.get(), votes_for=2, votes_against=2, abstentions=0)
    assert vote.result == "rejected" and TIE_IN_THE_MINUTES in first_draft(session)


def test_a_tie_on_the_approval_of_minutes_asks_for_the_presidents_vote_too(board):
    earlier = make_held_meeting(board.secretary, minutes="# Présences\n\nTous.", present=[board.president])
    meeting = actions.plan_meeting(board.secretary, starts_at=timezone.now() + timedelta(days=10), place="Niort")
    approval = meeting.items.filter(minutes_of=earlier).first() or actions.add_minutes_approval(
        board.secretary, meeting=meeting, minutes=earlier.minutes
    )
    actions.convene(board.secretary, meeting=meeting)
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() - timedelta(minutes=5))
    in_room = [board.secretary, board.president, board.board_member, board.fourth]
    actions.record_presence(
        board.secretary, meeting=Meeting.objects.get(pk=meeting.pk), present=[p.pk for p in in_room]
    )
    with translation.override("en"), pytest.raises(ActionRefused, match="decides the tie"):
        holding.record_item_vote(board.secretary, item=approval, votes_for=2, votes_against=2, abstentions=0)
    approval.refresh_from_db()
    assert approval.approval_result == ""
    holding.record_item_vote(
        board.secretary, item=approval, votes_for=2, votes_against=2, abstentions=0, president_choice="for"
    )
    approval.refresh_from_db()
    assert approval.approval_result == "adopted"


# --- 2. A proxy holder who has not answered -------------------------------------------------------


def test_a_proxy_holder_who_has_not_answered_counts_as_present_and_is_told_so(board):
    meeting = _convened(board, started=False)
    actions.answer(board.board_member, meeting=meeting, choice="proxy", proxy_to=board.fourth)

    with translation.override("en"):
        view = selectors.meeting_view(board.fourth, meeting)
    assert (view.quorum.present, view.quorum.represented) == (1, 1)
    [row] = [row for row in view.rows if row.member == board.fourth]
    assert row.answer == "present, holds a proxy (no answer yet)"
    page = text_of(signed_in(speaking(board.fourth, "en")).get(reverse("meetings:detail", args=[meeting.pk])))
    assert "you count as present: you hold a proxy" in page
    assert "(1 present, 1 by proxy)" in page
    with (
        translation.override("fr"),
        pytest.raises(ActionRefused, match="vous restez présent"),
    ):  # as before: the holder stays present
        actions.answer(board.fourth, meeting=meeting, choice="absent")


# --- 3. The roll call before any vote -------------------------------------------------------------


def test_before_the_roll_call_the_page_says_to_take_it_in_place_of_the_vote_form(board, session):
    secretary = signed_in(board.secretary)
    page = secretary.get(reverse("meetings:detail", args=[session.pk]))
    vote_form, _roll_form = _item_forms(page, session)
    assert vote_form is None and f'name="vote{session.items.get().pk}-votes_for"' not in page.content.decode()
    assert "Faites l'appel des présents avant d'enregistrer un vote." in text_of(page)

    actions.record_presence(board.secretary, meeting=session, present=[board.secretary.pk, board.president.pk])
    page = secretary.get(reverse("meetings:detail", args=[session.pk]))
    assert _item_forms(page, session)[0] is not None
    assert "Faites l'appel des présents avant d'enregistrer un vote." not in text_of(page)


def test_a_roll_call_with_nobody_ticked_is_refused_with_its_reason(board, session):
    answer = signed_in(speaking(board.secretary, "en")).post(reverse("meetings:presence", args=[session.pk]), {})
    assert answer.status_code == 409
    assert "nobody is recorded as present" in answer.context["presence_form"].errors["present"][0]
    assert not Attendance.objects.filter(meeting=session, present_in_room__isnull=False).exists()


# --- 4. The minutes' length limit ---------------------------------------------------------------


def test_the_minutes_length_limit_is_written_the_way_each_language_writes_numbers(cast):
    held = make_held_meeting(cast.secretary)
    too_long = "x" * (minutes.TEXT_MAX_LENGTH + 1)
    with translation.override("en"), pytest.raises(ActionRefused, match="at most 100,000 characters"):
        minutes.save_minutes(cast.secretary, meeting=held, text=too_long, public_to_members=False)
    with translation.override("fr"), pytest.raises(ActionRefused, match="au plus 100\u00a0000 caractères"):
        minutes.save_minutes(cast.secretary, meeting=held, text=too_long, public_to_members=False)
