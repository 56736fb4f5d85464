"""Board votes: their rules, opening, ballots, closing (by hand, when all voted, or past the deadline)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from intranet import policies as core_policies
from intranet import search
from intranet.audit import record
from intranet.exceptions import ActionRefused
from intranet.groups import ALL_MEMBERS_GROUP, system_group
from intranet.models import BoardMembership, BoardRole, User
from workflows import notifications, policies
from workflows.actions.common import _complete_step, _lock_process, _locked_proposal
from workflows.actions.documents import _open_folder
from workflows.actions.register import _record_decision
from workflows.audit_details import WorkflowAudit
from workflows.models import (
    Ballot,
    BallotChoice,
    BoardVote,
    CloseReason,
    Proposal,
    ProposalStatus,
    VoteResult,
    VoteSettings,
)
from workflows.proposals.flows import ProposalFlow
from workflows.selectors import waiting_task
from workflows.vote_rules import Choice, Tally, count_votes, rules_as_json, rules_from_json


def _board_voters() -> dict[int, str]:
    """Active board members → their role."""
    return dict(BoardMembership.objects.filter(user__is_active=True).values_list("user_id", "role"))


def _voters_of(vote: BoardVote, board: dict[int, str] | None = None) -> dict[int, str]:
    """Who votes in this vote: the board (``_board_voters``, when already read), or those in the
    meeting's room it was opened for."""
    voters = _board_voters() if board is None else board
    if not vote.for_the_room:
        return voters
    in_room = set(vote.room_voters.values_list("pk", flat=True))
    return {voter: role for voter, role in voters.items() if voter in in_room}


def _locked_vote(vote: BoardVote) -> BoardVote:
    proposal_id = vote.proposal_id or BoardVote.objects.values_list("proposal_id", flat=True).get(pk=vote.pk)
    _lock_process(proposal_id)
    return BoardVote.objects.select_for_update().select_related("proposal").get(pk=vote.pk)


def change_vote_rules(
    actor: User, *, quorum_percent: int, abstentions_count_for_quorum: bool, majority: str, president_casting_vote: bool
) -> VoteSettings:
    if not core_policies.can_manage_association(actor):
        raise PermissionDenied("Only staff set the voting rules.")
    with transaction.atomic():
        settings = VoteSettings.objects.select_for_update().order_by("pk").first() or VoteSettings()
        before = rules_as_json(settings.rules())
        settings.quorum_percent, settings.majority = quorum_percent, majority
        settings.abstentions_count_for_quorum = abstentions_count_for_quorum
        settings.president_casting_vote = president_casting_vote
        settings.save()
        after = rules_as_json(settings.rules())
        changes = {key: {"from": before[key], "to": after[key]} for key in after if before[key] != after[key]}
        record(actor, WorkflowAudit.VOTE_RULES_CHANGED, settings, **changes)
    return settings


def open_board_vote(
    actor: User, *, proposal: Proposal, deadline: datetime, voter_ids: list[int] | None = None
) -> BoardVote:
    """An online vote of the board, or, with ``voter_ids``, of those in a meeting's room."""
    if not policies.can_run_board_votes(actor):
        raise PermissionDenied("Only the president or the secretary open a board vote.")
    if deadline <= timezone.now():
        raise ActionRefused(_("The deadline must be in the future."), field="deadline")
    with transaction.atomic():
        proposal = _locked_proposal(proposal)
        if proposal.status != ProposalStatus.ON_AGENDA:
            raise ActionRefused(_("This proposal is not on the board's agenda: no vote can be opened."))
        vote = BoardVote.objects.create(
            proposal=proposal,
            opened_by=actor,
            deadline=deadline,
            rules=rules_as_json(VoteSettings.current().rules()),
            for_the_room=voter_ids is not None,
        )
        if voter_ids is not None:
            vote.room_voters.set(voter_ids)
        Proposal.objects.filter(pk=proposal.pk).update(status=ProposalStatus.VOTING, updated_at=timezone.now())
        _complete_step(actor, proposal, ProposalFlow.agenda)
        record(
            actor, WorkflowAudit.VOTE_OPENED, proposal, deadline=deadline.isoformat(), vote=vote.pk, in_room=voter_ids
        )
        notifications.vote_opened(actor, vote)
    return vote


def cast_ballot(actor: User, *, vote: BoardVote, choice: str, comment: str = "") -> Ballot:
    """The actor's own ballot (a board member never votes for another), changeable until the close."""
    if choice not in BallotChoice.values:
        raise ActionRefused(_("Choose for, against or abstention."), field="choice")
    with transaction.atomic():
        vote = _locked_vote(vote)
        board = _board_voters()
        voters = _voters_of(vote, board)
        if actor.pk not in board or not ProposalFlow.vote.can_vote(actor):
            raise PermissionDenied("Only board members vote.")
        if actor.pk not in voters:
            raise ActionRefused(_("This vote is for the board members in the meeting's room."))
        if not vote.is_open or vote.deadline <= timezone.now():
            raise ActionRefused(_("This vote is closed: your vote was not recorded."))
        ballot, created = Ballot.objects.update_or_create(
            vote=vote, voter=actor, defaults={"choice": choice, "comment": comment.strip()}
        )
        record(
            actor,
            WorkflowAudit.BALLOT_CAST if created else WorkflowAudit.BALLOT_CHANGED,
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
        return _close(vote, actor=actor, reason=CloseReason.CLOSED_BY_OFFICER, voters=_voters_of(vote))


def close_votes_past_deadline(now: datetime | None = None) -> list[BoardVote]:
    """The periodic job: close every open vote whose deadline has passed. Safe to run often and
    twice at once: each vote is closed under its lock, and a vote already closed is skipped."""
    now = now or timezone.now()
    closed = []
    for vote_id in BoardVote.objects.filter(closed_at__isnull=True, deadline__lte=now).values_list("pk", flat=True):
        with transaction.atomic():
            vote = _locked_vote(BoardVote(pk=vote_id))
            if vote.is_open and vote.deadline <= now:
                closed.append(_close(vote, actor=None, reason=CloseReason.DEADLINE, voters=_voters_of(vote)))
    return closed


REMINDER_BEFORE = timedelta(hours=24)


def remind_votes_closing_soon(now: datetime | None = None) -> list[BoardVote]:
    """Mark (once) every open vote that closes within 24 hours; the audit row is the event the
    notifications will deliver. Two runs at once remind once: the mark is a conditional update."""
    now = now or timezone.now()
    reminded = []
    due = BoardVote.objects.filter(
        closed_at__isnull=True, reminder_sent_at__isnull=True, deadline__lte=now + REMINDER_BEFORE
    )
    for vote in due.select_related("proposal"):
        with transaction.atomic():
            if BoardVote.objects.filter(pk=vote.pk, reminder_sent_at__isnull=True).update(reminder_sent_at=now):
                record(
                    None,
                    WorkflowAudit.VOTE_CLOSING_SOON,
                    vote.proposal,
                    vote=vote.pk,
                    deadline=vote.deadline.isoformat(),
                )
                notifications.vote_closing(vote)
                reminded.append(vote)
    return reminded


def check_counts_in_session(
    votes_for: int, votes_against: int, abstentions: int, *, voters_in_room: int, president_choice: str = ""
) -> None:
    """The counts of a vote held in the room, refused with a reason when the room cannot hold them."""
    counts = (votes_for, votes_against, abstentions)
    if min(counts) < 0:
        raise ActionRefused(_("A number of votes cannot be negative."), field="votes_for")
    if sum(counts) > voters_in_room:
        raise ActionRefused(
            _("%(cast)s votes recorded, but only %(voters)s board members are present or represented.")
            % {"cast": sum(counts), "voters": voters_in_room},
            field="votes_for",
        )
    if president_choice and president_choice not in BallotChoice.values:
        raise ActionRefused(_("Choose for, against or abstention."), field="president_choice")


def tally_in_session(
    votes_for: int, votes_against: int, abstentions: int, *, board_size: int, rules, president_choice: str = ""
) -> Tally:
    """A vote held in the room, counted by the same pure rules as an online vote."""
    choices = [Choice.FOR] * votes_for + [Choice.AGAINST] * votes_against + [Choice.ABSTAIN] * abstentions
    return count_votes(
        choices,
        board_size=board_size,
        rules=rules,
        president_choice=Choice(president_choice) if president_choice else None,
    )


def record_vote_in_session(
    actor: User,
    *,
    proposal: Proposal,
    votes_for: int,
    votes_against: int,
    abstentions: int,
    voters_in_room: int,
    president_choice: str = "",
    ballots: Mapping[int, str] | None = None,
    proxies: Mapping[int, int] | None = None,
) -> BoardVote:
    """A vote held in a board meeting, as the secretary counted it (proxies included): counted by
    the same rules as an online vote, and decided (or put back on the agenda) the same way. By
    roll call, ``ballots`` names each voter's choice (board member id → choice): the counts and
    the president's vote come from it, and the ballots are kept as an online vote's are, each with
    who gave it for a represented voter (``proxies``: voter id → the holder's id)."""
    if not policies.can_run_board_votes(actor):
        raise PermissionDenied("Only the president or the secretary record a vote held in session.")
    if ballots is not None:
        if set(ballots.values()) - set(BallotChoice.values):
            raise ActionRefused(_("Choose for, against or abstention."), field="ballots")
        if not ballots:
            raise ActionRefused(_("Give at least one voter's choice."), field="ballots")
        chosen = list(ballots.values())
        votes_for, votes_against = chosen.count(BallotChoice.FOR), chosen.count(BallotChoice.AGAINST)
        abstentions = chosen.count(BallotChoice.ABSTAIN)
        president_choice = ""
    check_counts_in_session(
        votes_for, votes_against, abstentions, voters_in_room=voters_in_room, president_choice=president_choice
    )
    with transaction.atomic():
        proposal = _locked_proposal(proposal)
        if proposal.status != ProposalStatus.ON_AGENDA:
            raise ActionRefused(_("This proposal is no longer waiting for the board's vote: reload the page."))
        voters = _board_voters()
        if voters_in_room > len(voters):
            raise ActionRefused(_("More voters than board members: record who is in the room again."))
        if ballots is not None:
            if set(ballots) - set(voters):
                raise ActionRefused(_("Only board members vote."), field="ballots")
            president = next((voter for voter, role in voters.items() if role == BoardRole.PRESIDENT), None)
            president_choice = ballots.get(president, "")
        now = timezone.now()
        vote = BoardVote.objects.create(
            proposal=proposal, opened_by=actor, deadline=now, rules=rules_as_json(VoteSettings.current().rules())
        )
        Proposal.objects.filter(pk=proposal.pk).update(status=ProposalStatus.VOTING, updated_at=now)
        _complete_step(actor, proposal, ProposalFlow.agenda)
        record(actor, WorkflowAudit.VOTE_OPENED, proposal, vote=vote.pk, in_session=True, roll_call=ballots is not None)
        if ballots is not None:
            Ballot.objects.bulk_create(
                [
                    Ballot(vote=vote, voter_id=voter, choice=choice, cast_by_id=(proxies or {}).get(voter))
                    for voter, choice in ballots.items()
                ]
            )
        tally = tally_in_session(
            votes_for, votes_against, abstentions,
            board_size=len(voters), rules=rules_from_json(vote.rules), president_choice=president_choice,
        )  # fmt: skip
        return _settle(vote, tally, actor=actor, reason=CloseReason.HELD_IN_SESSION)


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
    return _settle(vote, tally, actor=actor, reason=reason)


def _settle(vote: BoardVote, tally, *, actor: User | None, reason: str) -> BoardVote:
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
    record(actor, WorkflowAudit.VOTE_CLOSED, proposal, vote=vote.pk, reason=reason, result=vote.result)
    notifications.vote_closed(actor, vote)
    if vote.result == VoteResult.NO_QUORUM:
        # Nothing decided: back on the board's agenda, where a new vote can be opened.
        Proposal.objects.filter(pk=proposal.pk).update(status=ProposalStatus.ON_AGENDA, updated_at=now)
        _finish_vote_step(proposal)
        notifications.agenda_waiting(actor, proposal)
        return vote
    status = ProposalStatus.ADOPTED if vote.result == VoteResult.ADOPTED else ProposalStatus.REJECTED
    Proposal.objects.filter(pk=proposal.pk).update(status=status, updated_at=now)
    _finish_vote_step(proposal)
    decision = _record_decision(vote, proposal, decided_at=now)
    _open_folder(proposal, system_group(ALL_MEMBERS_GROUP), actor, f"decision {decision.number}")
    record(actor, WorkflowAudit.DECISION_RECORDED, decision, number=decision.number, outcome=decision.outcome)
    search.record_change("decision", [decision.pk])
    notifications.decision_recorded(actor, decision, proposal)
    return vote


def _finish_vote_step(proposal: Proposal) -> None:
    """The close completes the board-vote step; its gateway routes on the status just set."""
    task = waiting_task(proposal, ProposalFlow.vote)
    if task is not None:
        ProposalFlow.vote.run(task)
