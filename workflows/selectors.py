"""Reads of proposals and the decision register, filtered by the workflow policy."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from documents.models import Document
from documents.selectors import visible_document_ids
from intranet import policies as core
from intranet.audit import action_label
from intranet.models import AuditEntry
from workflows import policies
from workflows.models import BoardVote, Decision, Proposal, ProposalProcess
from workflows.proposals.flows import ProposalFlow


def visible_proposals(user) -> QuerySet[Proposal]:
    return Proposal.objects.filter(policies.visible_proposals_q(user)).distinct()


def get_proposal_for_user(user, proposal_id: int) -> Proposal:
    proposal = Proposal.objects.select_related("college", "author", "thread").filter(pk=proposal_id).first()
    if proposal is None or not policies.can_view_proposal(user, proposal):
        raise Http404
    return proposal


def get_vote_for_user(user, vote_id: int) -> BoardVote:
    """A board vote of a proposal ``user`` may open; the same 404 for any other and a missing one."""
    vote = BoardVote.objects.select_related("proposal").filter(pk=vote_id).first()
    if vote is None or not policies.can_view_proposal(user, vote.proposal):
        raise Http404
    return vote


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


def proposal_documents(user, proposal: Proposal) -> list[Document]:
    """The proposal's documents (those attached, then those of its folder), each marked
    ``visible`` when ``user`` may open it; the page names only those."""
    attached = list(proposal.documents.filter(deleted_at__isnull=True).order_by("name"))
    in_folder = (
        list(Document.objects.filter(folder_id=proposal.folder_id, deleted_at__isnull=True).order_by("name"))
        if proposal.folder_id
        else []
    )
    seen, documents = set(), []
    for document in attached + in_folder:
        if document.pk not in seen:
            seen.add(document.pk)
            document.attached = document in attached
            documents.append(document)
    visible = visible_document_ids(user, [document.pk for document in documents])
    for document in documents:
        document.visible = document.pk in visible
    return documents


# --- "Mes tâches" ----------------------------------------------------------------------------


def waiting_tasks(user, permissions: frozenset[str] | None = None) -> QuerySet[Task]:
    """The process's steps waiting for ``user``: those they took (or that are theirs as author),
    and those nobody took yet that a permission they hold offers them, as in Viewflow's
    ``user_queue`` but from the workflow policy (and without its superuser shortcut)."""
    if not core.is_member(user):
        return Task.objects.none()
    if permissions is None:
        permissions = policies.step_permissions(user)
    personal = Q(owner_permission__isnull=True) | Q(owner_permission="")
    return Task.objects.filter(
        # Mine (a group's task only while I still hold the group's permission), or my group's.
        Q(owner=user) & (personal | Q(owner_permission__in=permissions))
        | Q(owner__isnull=True, owner_permission__in=permissions),
        flow_task_type="HUMAN",
        status__in=(STATUS.NEW, STATUS.ASSIGNED),
        process__flow_class=ProposalFlow,
        # Someone who lost a role keeps no sight of a task they had taken.
        process__proposalprocess__proposal__in=Proposal.objects.filter(
            policies.visible_proposals_q(user, on_board=policies.VOTE_IN_BOARD in permissions)
        ).values("pk"),
    )


def waiting_step(proposal: Proposal) -> Task | None:
    """The step for people the proposal waits in (none while the board votes or once ended)."""
    return (
        Task.objects.filter(
            process__proposalprocess__proposal=proposal.pk,
            flow_task_type="HUMAN",
            status__in=(STATUS.NEW, STATUS.ASSIGNED),
        )
        .select_related("owner")
        .first()
    )


def get_task_for_user(user, task_id: int) -> int:
    """The id of a task of a proposal ``user`` may open; a 404 for any other, as for a missing one."""
    proposal_id = (
        Task.objects.filter(pk=task_id, process__flow_class=ProposalFlow)
        .values_list("process__proposalprocess__proposal", flat=True)
        .first()
    )
    if proposal_id is None:
        raise Http404
    get_proposal_for_user(user, proposal_id)
    return task_id


def ballots_waiting(user, permissions: frozenset[str] | None = None) -> QuerySet[BoardVote]:
    """Open board votes in which ``user``, on the board, has not voted yet."""
    if permissions is None:
        permissions = policies.step_permissions(user)
    if policies.VOTE_IN_BOARD not in permissions:
        return BoardVote.objects.none()
    return BoardVote.objects.filter(closed_at__isnull=True, deadline__gt=timezone.now()).exclude(ballots__voter=user)


def task_count(user) -> int:
    """The count shown beside "Mes tâches" in the navigation."""
    permissions = policies.step_permissions(user)
    return waiting_tasks(user, permissions).count() + ballots_waiting(user, permissions).count()


def task_list(user) -> tuple[list[Task], list[BoardVote]]:
    permissions = policies.step_permissions(user)
    tasks = list(waiting_tasks(user, permissions).select_related("owner").order_by("created"))
    proposals = {
        process.pk: process.proposal
        for process in ProposalProcess.objects.filter(pk__in=[task.process_id for task in tasks]).select_related(
            "proposal__college", "proposal__author"
        )
    }
    for task in tasks:
        task.proposal = proposals[task.process_id]
    ballots = list(ballots_waiting(user, permissions).select_related("proposal__college").order_by("deadline"))
    return tasks, ballots
