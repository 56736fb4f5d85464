"""The workflow's part of notifications: who hears of a step waiting, a proposal moving on, a
board vote and a decision, and how proposals and decisions are shown (to those who may open them)."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from intranet import policies as core
from intranet.models import BoardMembership, BoardRole, CollegeMembership, CollegeRole, User
from intranet.notifications.actions import notify
from intranet.notifications.kinds import Delivery, NotificationKind
from intranet.notifications.targets import Target, excerpt
from workflows.models import Ballot, BoardVote, Decision, Proposal
from workflows.selectors import visible_proposals

# Its kinds of notification (registered in apps.py), shared by the archives' process: a step
# waiting for someone goes at once; votes and decisions in a burst make one e-mail.
TASK = NotificationKind(
    "task", _l("A task waits for me or my group"), 40, Delivery.IMMEDIATELY, may_change_waiting=True
)
PROPOSAL = NotificationKind(
    "proposal", _l("My proposal moves on (forwarded, returned, declined, decided)"), 50, may_change_waiting=True
)
VOTE = NotificationKind(
    "vote",
    _l("Board votes (opened, closing within 24 hours, closed)"),
    60,
    grouping_window=timedelta(minutes=5),
    may_change_waiting=True,
)
DECISION = NotificationKind("decision", _l("A decision is recorded"), 70, grouping_window=timedelta(minutes=5))
KINDS = [TASK, PROPOSAL, VOTE, DECISION]

SENTENCES = {
    "review_waiting": lambda: _("A proposal waits for your collège's review: “%(title)s”"),
    "agenda_waiting": lambda: _("A proposal waits to be put to the board's vote: “%(title)s”"),
    "forwarded": lambda: _("Your proposal “%(title)s” was forwarded to the board"),
    "returned": lambda: _("Your proposal “%(title)s” was returned to you for changes"),
    "declined": lambda: _("Your proposal “%(title)s” was declined by the collège"),
    "decided": lambda: _("The board decided on your proposal “%(title)s”"),
    "vote_opened": lambda: _("A board vote is open: “%(title)s”"),
    "vote_closing": lambda: _("The board vote on “%(title)s” closes within 24 hours"),
    "vote_closed": lambda: _("The board vote on “%(title)s” is closed"),
    "decision_recorded": lambda: _("Decision recorded: “%(title)s”"),
}


def describe_proposals(user, ids: list[int]) -> dict[int, Target]:
    proposals = visible_proposals(user).filter(pk__in=ids)
    return {
        proposal.pk: Target(
            title=proposal.title,
            url=reverse("proposals:detail", args=[proposal.pk]),
            excerpt=excerpt(proposal.summary),
        )
        for proposal in proposals
    }


def describe_decisions(user, ids: list[int]) -> dict[int, Target]:
    if not core.is_member(user):
        return {}
    return {
        decision.pk: Target(
            title=f"{decision.number} — {decision.title}", url=reverse("workflows:decision", args=[decision.number])
        )
        for decision in Decision.objects.filter(pk__in=ids)
    }


def _coordinators(proposal: Proposal) -> list[int]:
    return list(
        CollegeMembership.objects.filter(
            college_id=proposal.college_id, role=CollegeRole.COORDINATOR, college__is_active=True
        ).values_list("user_id", flat=True)
    )


def _board(*, roles=None) -> list[int]:
    members = BoardMembership.objects.all()
    if roles is not None:
        members = members.filter(role__in=roles)
    return list(members.values_list("user_id", flat=True))


def _about_proposal(kind: str, event: str, proposal: Proposal, recipients, actor: User | None) -> None:
    notify(
        kind=kind,
        event=event,
        recipients=recipients,
        target_type="proposal",
        target_id=proposal.pk,
        actor=actor,
        group_key=f"proposal:{proposal.pk}",
    )


def review_waiting(actor: User, proposal: Proposal) -> None:
    """Submitted: the review step waits for the collège's coordinators."""
    _about_proposal(TASK, "review_waiting", proposal, _coordinators(proposal), actor)


def agenda_waiting(actor: User | None, proposal: Proposal) -> None:
    """On the board's agenda (forwarded, or back after a vote without quorum): for the officers."""
    _about_proposal(TASK, "agenda_waiting", proposal, _board(roles=[BoardRole.PRESIDENT, BoardRole.SECRETARY]), actor)


def proposal_moved(actor: User | None, proposal: Proposal, event: str) -> None:
    """To the author: forwarded, returned, declined, decided. A returned proposal is a step
    waiting for its author (the process's "write" task): it is told as a task."""
    kind = TASK if event == "returned" else PROPOSAL
    _about_proposal(kind, event, proposal, [proposal.author_id], actor)


def vote_opened(actor: User, vote: BoardVote) -> None:
    # A vote opened in a meeting concerns those in the room only.
    voters = set(vote.room_voters.values_list("pk", flat=True)) if vote.for_the_room else _board()
    _about_proposal(VOTE, "vote_opened", vote.proposal, voters, actor)


def vote_closing(vote: BoardVote) -> None:
    """A day before the deadline, to the board members who have not voted yet."""
    voted = set(Ballot.objects.filter(vote=vote).values_list("voter_id", flat=True))
    _about_proposal(VOTE, "vote_closing", vote.proposal, set(_board()) - voted, None)


def vote_closed(actor: User | None, vote: BoardVote) -> None:
    _about_proposal(VOTE, "vote_closed", vote.proposal, _board(), actor)


def decision_recorded(actor: User | None, decision: Decision, proposal: Proposal) -> None:
    """Every member hears of a decision; its author hears "decided" instead."""
    everyone = User.objects.filter(is_active=True).exclude(pk=proposal.author_id).values_list("pk", flat=True)
    notify(
        kind=DECISION,
        event="decision_recorded",
        recipients=list(everyone),
        target_type="decision",
        target_id=decision.pk,
        actor=actor,
    )
    proposal_moved(actor, proposal, "decided")
