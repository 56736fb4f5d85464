"""The decision register: numbers without gaps, and the decision a closed vote records."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from intranet.activity_live import tell_open_homes
from workflows.models import BoardVote, Decision, DecisionCounter, Proposal, VoteResult

DECISION_PREFIX = "CA"


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
    tell_open_homes(None)  # every member reads the register
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
        # Only an adopted proposal changes the earlier decision it names.
        amends_id=proposal.amends_id if vote.result == VoteResult.ADOPTED else None,
        repeals_id=proposal.repeals_id if vote.result == VoteResult.ADOPTED else None,
    )
