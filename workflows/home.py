"""What proposals and the board's votes add to the member's home (``intranet.activity``): the
steps and ballots waiting for the reader, and the proposals that moved and decisions entered
since a moment, among what the reader may open now. A fixed number of queries."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from intranet.activity import LINES_PER_SOURCE, Happening, Waiting, place_of
from workflows import selectors


def waiting_steps_and_ballots(user) -> list[Waiting]:
    steps, ballots = selectors.task_list(user)
    waiting = [
        Waiting(
            kind="task",
            title=step.proposal.title,
            url=reverse("proposals:detail", args=[step.proposal.pk]) + "#current-step",
            action=str(step.task.flow_task.task_title),
            since=step.task.created,
        )
        for step in steps
    ]
    waiting += [
        Waiting(
            kind="vote",
            title=vote.proposal.title,
            url=reverse("proposals:detail", args=[vote.proposal_id]) + "#vote-title",
            action=_("Cast your vote"),
            due=vote.deadline,
            since=vote.opened_at,
        )
        for vote in ballots
    ]
    return waiting


def proposals_that_moved(user, since: datetime) -> list[Happening]:
    """Submitted to their collège or forwarded to the board since then (the decisions follow)."""
    moved = (
        selectors.visible_proposals(user)
        .filter(Q(submitted_at__gte=since) | Q(forwarded_at__gte=since))
        .select_related("college", "author")
        .order_by("-updated_at")[:LINES_PER_SOURCE]
    )
    lines = []
    for proposal in moved:
        forwarded = proposal.forwarded_at is not None and proposal.forwarded_at >= since
        lines.append(
            Happening(
                kind="proposal",
                kind_label=_("Proposals that moved"),
                title=proposal.title,
                url=reverse("proposals:detail", args=[proposal.pk]),
                at=proposal.forwarded_at if forwarded else proposal.submitted_at,
                place=place_of(proposal.college),
                actor=proposal.author.get_full_name(),
                detail=_("forwarded to the board") if forwarded else _("submitted to the collège"),
            )
        )
    return lines


def decisions_entered(user, since: datetime) -> list[Happening]:
    decisions = (
        selectors.register(user)
        .filter(decided_at__gte=since)
        .select_related("proposal__college")
        .order_by("-decided_at")[:LINES_PER_SOURCE]
    )
    return [
        Happening(
            kind="decision",
            kind_label=_("Decisions entered in the register"),
            title=f"{decision.number} — {decision.title}",
            url=reverse("workflows:decision", args=[decision.number]),
            at=decision.decided_at,
            place=place_of(decision.proposal.college),
            detail=decision.get_outcome_display(),
        )
        for decision in decisions
    ]
