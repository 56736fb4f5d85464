"""Every change in the board's votes and the decision register.

A vote's row is locked (``select_for_update`` on PostgreSQL; SQLite's immediate transactions
serialise writers) whenever a ballot is cast or the vote closes, so that a ballot is never lost
to a close that counted without it, and a vote closes once. Decision numbers come from a
per-year counter locked in the same transaction: unique and without gaps.
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from intranet.actions import ActionRefused
from intranet.audit import AuditAction, record
from intranet.models import BoardMembership, BoardRole, User
from workflows import policies
from workflows.models import (
    Ballot,
    BallotChoice,
    BoardVote,
    CloseReason,
    Decision,
    DecisionCounter,
    Proposal,
    ProposalStatus,
    VoteResult,
    VoteSettings,
)
from workflows.proposals.rules import Choice, count_votes, rules_as_json, rules_from_json

DECISION_PREFIX = "CA"


def _board_voters() -> dict[int, str]:
    """Active board members → their role."""
    return dict(BoardMembership.objects.filter(user__is_active=True).values_list("user_id", "role"))


def _locked_vote(vote: BoardVote) -> BoardVote:
    return BoardVote.objects.select_for_update().select_related("proposal").get(pk=vote.pk)


def open_board_vote(actor: User, *, proposal: Proposal, deadline: datetime) -> BoardVote:
    if not policies.can_run_board_votes(actor):
        raise PermissionDenied("Only the president or the secretary open a board vote.")
    if deadline <= timezone.now():
        raise ActionRefused(_("The deadline must be in the future."), field="deadline")
    with transaction.atomic():
        proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
        if proposal.status != ProposalStatus.ON_AGENDA:
            raise ActionRefused(_("This proposal is not on the board's agenda: no vote can be opened."))
        vote = BoardVote.objects.create(
            proposal=proposal, opened_by=actor, deadline=deadline, rules=rules_as_json(VoteSettings.current().rules())
        )
        Proposal.objects.filter(pk=proposal.pk).update(status=ProposalStatus.VOTING, updated_at=timezone.now())
        record(actor, AuditAction.VOTE_OPENED, proposal, deadline=deadline.isoformat(), vote=vote.pk)
    return vote


def cast_ballot(actor: User, *, vote: BoardVote, choice: str, comment: str = "") -> Ballot:
    """The actor's own ballot (a board member never votes for another), changeable until the close."""
    if choice not in BallotChoice.values:
        raise ActionRefused(_("Choose for, against or abstention."), field="choice")
    with transaction.atomic():
        vote = _locked_vote(vote)
        voters = _board_voters()
        if actor.pk not in voters or not actor.is_active:
            raise PermissionDenied("Only board members vote.")
        if not vote.is_open or vote.deadline <= timezone.now():
            raise ActionRefused(_("This vote is closed: your vote was not recorded."))
        ballot, created = Ballot.objects.update_or_create(
            vote=vote, voter=actor, defaults={"choice": choice, "comment": comment.strip()}
        )
        record(
            actor,
            AuditAction.BALLOT_CAST if created else AuditAction.BALLOT_CHANGED,
            vote.proposal,
            vote=vote.pk,
            choice=choice,
        )
        if set(voters) <= set(vote.ballots.values_list("voter_id", flat=True)):
            _close(vote, actor=None, reason=CloseReason.EVERYONE_VOTED, voters=voters)
    return ballot


def close_board_vote(actor: User, *, vote: BoardVote) -> BoardVote:
    """Closed by the president or the secretary before the deadline."""
    if not policies.can_run_board_votes(actor):
        raise PermissionDenied("Only the president or the secretary close a board vote.")
    with transaction.atomic():
        vote = _locked_vote(vote)
        if not vote.is_open:
            raise ActionRefused(_("This vote is already closed."))
        return _close(vote, actor=actor, reason=CloseReason.CLOSED_BY_OFFICER, voters=_board_voters())


def close_votes_past_deadline(now: datetime | None = None) -> list[BoardVote]:
    """The periodic job: close every open vote whose deadline has passed. Safe to run often and
    twice at once: each vote is closed under its lock, and a vote already closed is skipped."""
    now = now or timezone.now()
    closed = []
    for vote_id in BoardVote.objects.filter(closed_at__isnull=True, deadline__lte=now).values_list("pk", flat=True):
        with transaction.atomic():
            vote = _locked_vote(BoardVote(pk=vote_id))
            if vote.is_open and vote.deadline <= now:
                closed.append(_close(vote, actor=None, reason=CloseReason.DEADLINE, voters=_board_voters()))
    return closed


def _close(vote: BoardVote, *, actor: User | None, reason: str, voters: dict[int, str]) -> BoardVote:
    """Inside the vote's lock: count, record the result, and the decision if there is one."""
    ballots = list(vote.ballots.filter(voter_id__in=voters).values_list("voter_id", "choice"))
    president_choice = next(
        (Choice(choice) for voter_id, choice in ballots if voters.get(voter_id) == BoardRole.PRESIDENT), None
    )
    tally = count_votes(
        [Choice(choice) for _voter, choice in ballots],
        board_size=len(voters),
        rules=rules_from_json(vote.rules),
        president_choice=president_choice,
    )
    now = timezone.now()
    vote.closed_at, vote.closed_by, vote.close_reason = now, actor, reason
    vote.result = tally.result.value
    vote.board_size, vote.quorum_needed, vote.quorum_reached = (
        tally.board_size,
        tally.quorum_needed,
        tally.quorum_reached,
    )
    vote.votes_for, vote.votes_against, vote.abstentions = tally.votes_for, tally.votes_against, tally.abstentions
    vote.casting_vote_used = tally.casting_vote_used
    vote.save()
    proposal = vote.proposal
    record(actor, AuditAction.VOTE_CLOSED, proposal, vote=vote.pk, reason=reason, result=vote.result)
    if vote.result == VoteResult.NO_QUORUM:
        # Nothing decided: back on the board's agenda, where a new vote can be opened.
        Proposal.objects.filter(pk=proposal.pk).update(status=ProposalStatus.ON_AGENDA, updated_at=now)
        return vote
    status = ProposalStatus.ADOPTED if vote.result == VoteResult.ADOPTED else ProposalStatus.REJECTED
    Proposal.objects.filter(pk=proposal.pk).update(status=status, updated_at=now)
    decision = _record_decision(vote, proposal, decided_at=now)
    record(actor, AuditAction.DECISION_RECORDED, decision, number=decision.number, outcome=decision.outcome)
    return vote


def allocate_decision_number(year: int) -> tuple[int, str]:
    """The next number of the year, inside the caller's transaction."""
    DecisionCounter.objects.bulk_create([DecisionCounter(year=year)], ignore_conflicts=True)
    counter = DecisionCounter.objects.select_for_update().get(year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last, f"{DECISION_PREFIX}-{year}-{counter.last:03d}"


def _record_decision(vote: BoardVote, proposal: Proposal, *, decided_at: datetime) -> Decision:
    year = timezone.localtime(decided_at).year
    sequence, number = allocate_decision_number(year)
    return Decision.objects.create(
        year=year,
        sequence=sequence,
        number=number,
        proposal=proposal,
        vote=vote,
        title=proposal.title,
        text=proposal.body,
        outcome=vote.result,
        votes_for=vote.votes_for,
        votes_against=vote.votes_against,
        abstentions=vote.abstentions,
        quorum_reached=bool(vote.quorum_reached),
        decided_at=decided_at,
    )
