"""What proposals and the board's votes add to the member's home (``intranet.activity``): the
steps and ballots waiting for the reader, and the proposals that moved and decisions entered
since a moment, among what the reader may open now. A fixed number of queries."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from intranet.activity import LINES_PER_SOURCE, Happening, Waiting, place_named
from intranet.links import address_maker
from intranet.models import full_name
from workflows import selectors
from workflows.models import VoteResult


def waiting_steps_and_ballots(user) -> list[Waiting]:
    steps, ballots = selectors.waiting_summaries(user)
    proposal_url = address_maker("proposals:detail")
    waiting = [
        Waiting(
            kind="task",
            title=step.proposal_title,
            url=proposal_url(step.proposal_id) + "#current-step",
            action=str(step.node.task_title),
            since=step.since,
        )
        for step in steps
    ]
    waiting += [
        Waiting(
            kind="vote",
            title=vote.proposal_title,
            url=proposal_url(vote.proposal_id) + "#vote-title",
            action=_("Cast your vote"),
            due=vote.deadline,
            since=vote.since,
        )
        for vote in ballots
    ]
    return waiting


def proposals_that_moved(user, since: datetime) -> list[Happening]:
    """Submitted to their collège or forwarded to the board since then (the decisions follow)."""
    rows = (
        selectors.visible_proposals(user)
        .filter(Q(submitted_at__gte=since) | Q(forwarded_at__gte=since))
        .order_by("-updated_at")
        .values_list(
            "pk",
            "title",
            "submitted_at",
            "forwarded_at",
            "college__slug",
            "college__name",
            "author__first_name",
            "author__last_name",
        )[:LINES_PER_SOURCE]
    )
    url = address_maker("proposals:detail")
    lines = []
    for pk, title, submitted_at, forwarded_at, college_slug, college_name, first, last in rows:
        forwarded = forwarded_at is not None and forwarded_at >= since
        lines.append(
            Happening(
                kind="proposal",
                kind_label=_("Proposals that moved"),
                title=title,
                url=url(pk),
                at=forwarded_at if forwarded else submitted_at,
                place=place_named(college_slug, college_name),
                actor=full_name(first, last),
                detail=_("forwarded to the board") if forwarded else _("submitted to the collège"),
            )
        )
    return lines


def decisions_entered(user, since: datetime) -> list[Happening]:
    rows = (
        selectors.register(user)
        .filter(decided_at__gte=since)
        .order_by("-decided_at")
        .values_list("number", "title", "decided_at", "outcome", "proposal__college__slug", "proposal__college__name")[
            :LINES_PER_SOURCE
        ]
    )
    url = address_maker("workflows:decision")
    outcomes = dict(VoteResult.choices)
    return [
        Happening(
            kind="decision",
            kind_label=_("Decisions entered in the register"),
            title=f"{number} — {title}",
            url=url(number),
            at=decided_at,
            place=place_named(college_slug, college_name),
            detail=outcomes.get(outcome, outcome),
        )
        for number, title, decided_at, outcome, college_slug, college_name in rows
    ]
