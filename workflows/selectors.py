"""Reads of proposals and the decision register, filtered by the workflow policy."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from intranet import policies as core
from intranet.audit import action_label
from intranet.models import AuditEntry
from workflows import policies
from workflows.models import Decision, Proposal


def visible_proposals(user) -> QuerySet[Proposal]:
    return Proposal.objects.filter(policies.visible_proposals_q(user)).distinct()


def get_proposal_for_user(user, proposal_id: int) -> Proposal:
    proposal = Proposal.objects.select_related("college", "author", "thread").filter(pk=proposal_id).first()
    if proposal is None or not policies.can_view_proposal(user, proposal):
        raise Http404
    return proposal


def register(user, *, year: int | None = None, college: str = "", outcome: str = "") -> QuerySet[Decision]:
    """The decision register as every member reads it, with its filters."""
    if not core.is_member(user):
        return Decision.objects.none()
    decisions = Decision.objects.select_related("proposal__college", "amends", "repeals").order_by("-year", "-sequence")
    if year:
        decisions = decisions.filter(year=year)
    if college:
        decisions = decisions.filter(proposal__college__slug=college)
    if outcome:
        decisions = decisions.filter(outcome=outcome)
    return decisions


def register_years() -> list[int]:
    return list(Decision.objects.order_by("-year").values_list("year", flat=True).distinct())


def get_decision_for_user(user, number: str) -> Decision:
    decision = (
        Decision.objects.select_related("proposal__college", "proposal__thread", "vote", "amends", "repeals")
        .filter(number=number)
        .first()
    )
    if decision is None or not core.is_member(user):
        raise Http404
    return decision


def timeline(proposal: Proposal) -> list[AuditEntry]:
    """Who did what to the proposal, and when, from the audit log (oldest first)."""
    entries = list(
        AuditEntry.objects.filter(target_type="proposal", target_id=str(proposal.pk))
        .select_related("actor")
        .order_by("created_at", "id")
    )
    for entry in entries:
        entry.action_label = action_label(entry.action)
    return entries
