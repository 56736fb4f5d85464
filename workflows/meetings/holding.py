"""Holding a board meeting: the votes held in the room (counted by the secretary, by roll call,
or online for those present) and the close. Each locks the meeting, writes its audit row in the
same transaction, and leaves the decisions to the board's vote actions (``workflows.actions``)."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from intranet.audit import record
from intranet.exceptions import ActionRefused
from intranet.models import BoardMembership, BoardRole, User
from workflows import actions as workflow_actions
from workflows.meetings import minutes, policies
from workflows.meetings.actions import MeetingAction, locked_meeting, require, touch_meeting
from workflows.meetings.models import AgendaItem, ItemKind, Meeting, MeetingStatus
from workflows.meetings.room import (
    refuse_a_tie_without_the_president,
    refuse_empty_counts,
    room_quorum,
    room_voters_of,
)
from workflows.models import BallotChoice, BoardVote


def record_item_vote(actor: User, *, item: AgendaItem, ballots: dict[int, str] | None = None, **counts) -> None:
    """The vote held in the room on any item, as the page and the API record it: a proposal's by
    counts or roll call; earlier minutes' by counts, recorded with the minutes."""
    if item.kind in (ItemKind.INFORMATION, ItemKind.OTHER):
        raise ActionRefused(_("“%(title)s” is not put to a vote.") % {"title": item.shown_title})
    if item.kind == ItemKind.MINUTES:
        if ballots is not None:
            raise ActionRefused(_("The approval of the minutes is voted by counts."), field="ballots")
        minutes.record_approval(actor, item=item, **counts)
    else:
        record_vote(actor, item=item, ballots=ballots, **counts)


def record_vote(
    actor: User,
    *,
    item: AgendaItem,
    votes_for: int = 0,
    votes_against: int = 0,
    abstentions: int = 0,
    president_choice: str = "",
    ballots: dict[int, str] | None = None,
) -> BoardVote:
    """The vote held in the room on an item's proposal, as counted by the secretary (proxies
    included) or by roll call (``ballots``: each voter in the room, present or represented, and
    their choice): a board vote and, adopted or rejected, a decision of the register, as online."""
    with transaction.atomic():
        meeting = _locked_for_its_vote(item)
        require(policies.can_hold(actor, meeting), "Only the president or the secretary record votes, in session.")
        item = AgendaItem.objects.select_related("proposal").get(pk=item.pk)
        _refuse_unless_votable(item)
        if ballots is None:  # an empty roll call is refused with the ballots' other rules
            refuse_empty_counts(votes_for, votes_against, abstentions)
        quorum = room_quorum(meeting)
        if quorum is None:
            raise ActionRefused(_("Record who is in the room before recording a vote."))
        in_room = room_voters_of(meeting)
        if ballots is not None and set(ballots) - set(in_room):
            raise ActionRefused(_("Only those present or represented vote: record who is in the room again."))
        president = BoardMembership.objects.filter(role=BoardRole.PRESIDENT).values_list("user_id", flat=True).first()
        if president_choice and president not in in_room:
            raise ActionRefused(
                _("The president is neither present nor represented: their vote cannot break a tie."),
                field="president_choice",
            )
        if ballots is None:
            refuse_a_tie_without_the_president(
                votes_for, votes_against, abstentions, board_size=quorum.board_size,
                president_votes=president in in_room, president_choice=president_choice,
            )  # fmt: skip
        else:  # by roll call, the president's own line says their vote
            chosen = list(ballots.values())
            refuse_a_tie_without_the_president(
                chosen.count(BallotChoice.FOR), chosen.count(BallotChoice.AGAINST), chosen.count(BallotChoice.ABSTAIN),
                board_size=quorum.board_size, president_votes=president in in_room,
                president_choice=ballots.get(president, ""), field=f"voter_{president}",
            )  # fmt: skip
        vote = workflow_actions.record_vote_in_session(
            actor,
            proposal=item.proposal,
            votes_for=votes_for,
            votes_against=votes_against,
            abstentions=abstentions,
            voters_in_room=quorum.counted,
            president_choice=president_choice,
            ballots=ballots,
            proxies={voter: holder for voter, holder in in_room.items() if holder is not None},
        )
        AgendaItem.objects.filter(pk=item.pk).update(vote=vote)
        touch_meeting(meeting)
        record(actor, MeetingAction.VOTE_RECORDED, meeting, item=item.title, result=vote.result)
    return vote


def _locked_for_its_vote(item: AgendaItem) -> Meeting:
    """The item's proposal, then its meeting: the order a withdrawal takes them in."""
    if item.proposal_id is not None:
        workflow_actions.lock_proposals([item.proposal_id])
    return locked_meeting(item.meeting)


def why_not_to_vote(item: AgendaItem) -> str:
    """Why the room does not (or no longer) vote on this item, as a refusal says it; "" when it does."""
    if item.kind in (ItemKind.INFORMATION, ItemKind.OTHER) or (
        item.kind != ItemKind.MINUTES and item.proposal_id is None
    ):
        return _("“%(title)s” is not put to a vote.") % {"title": item.shown_title}
    if item.withdrawn_at is not None:
        return _("Its author withdrew this proposal: it is not put to a vote.")
    if item.vote_id is not None or item.approval_result:
        return _("The vote on this item is already recorded: reload the page.")
    return ""


def _refuse_unless_votable(item: AgendaItem) -> None:
    """A proposal's vote, by counts, roll call or online (the minutes' approval is voted apart)."""
    if item.proposal_id is None:
        raise ActionRefused(_("“%(title)s” is not put to a vote.") % {"title": item.shown_title})
    if reason := why_not_to_vote(item):
        raise ActionRefused(reason)


ONLINE_VOTE_MINUTES = 15


def open_online_vote(actor: User, *, item: AgendaItem, minutes: int = ONLINE_VOTE_MINUTES) -> BoardVote:
    """The board's online vote on an item's proposal, for those present in the room, who vote on
    their own device for ``minutes``; it closes like any online vote (everyone in the room voted,
    the deadline, or the officer), counted among them. Proxies count only in a room vote."""
    with transaction.atomic():
        meeting = _locked_for_its_vote(item)
        require(policies.can_hold(actor, meeting), "Only the president or the secretary open votes, in session.")
        item = AgendaItem.objects.select_related("proposal").get(pk=item.pk)
        _refuse_unless_votable(item)
        quorum = room_quorum(meeting)
        if quorum is None:
            raise ActionRefused(_("Record who is in the room before recording a vote."))
        if quorum.present < quorum.needed:
            # Proxies do not vote online: those present in person must make the quorum alone.
            raise ActionRefused(
                _(
                    "Too few members present in person for an online vote: record the vote in the room, "
                    "proxies included."
                )
            )
        present = [member for member, holder in room_voters_of(meeting).items() if holder is None]
        vote = workflow_actions.open_board_vote(
            actor, proposal=item.proposal, deadline=timezone.now() + timedelta(minutes=minutes), voter_ids=present
        )
        AgendaItem.objects.filter(pk=item.pk).update(vote=vote)
        touch_meeting(meeting)
        record(actor, MeetingAction.VOTE_RECORDED, meeting, item=item.title, online=True, voters=len(present))
    return vote


def close_meeting(actor: User, *, meeting: Meeting) -> Meeting:
    """The meeting is held: its answers and votes stay as they are; proposals it did not decide
    are free for the next one; the minutes come next."""
    with transaction.atomic():
        meeting = locked_meeting(meeting)
        require(policies.can_hold(actor, meeting), "Only the president or the secretary close a meeting that started.")
        if room_quorum(meeting) is None:
            raise ActionRefused(_("Record who is in the room before closing the meeting."))
        touch_meeting(meeting, status=MeetingStatus.HELD, held_at=timezone.now())
        record(actor, MeetingAction.HELD, meeting)
    return meeting
