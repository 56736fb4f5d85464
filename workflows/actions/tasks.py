"""The process's tasks offered to a group: taking one, giving it back."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _
from viewflow.workflow.models import Task

from intranet.audit import record
from intranet.exceptions import ActionRefused
from intranet.models import User
from workflows import policies
from workflows.actions.common import _free_if_owner_left, _locked_proposal
from workflows.audit_details import WorkflowAudit
from workflows.models import Proposal
from workflows.selectors import WAITING


def _locked_task(task_id: int) -> tuple[Task, Proposal]:
    """The task and its proposal, under the process lock. Its state is for the caller to tell,
    once it has checked that the actor may know it."""
    proposal_id = Task.objects.filter(pk=task_id).values_list("process__proposalprocess__proposal", flat=True).first()
    if proposal_id is None:
        raise ActionRefused(_("This task no longer exists."))
    proposal = _locked_proposal(Proposal(pk=proposal_id))
    return Task.objects.select_related("owner").get(pk=task_id), proposal


def _refuse_if_done(task: Task) -> None:
    if task.status not in WAITING:
        raise ActionRefused(_("This task is already done: reload the page to see what changed."))


def claim_task(actor: User, *, task_id: int) -> Task:
    """Take a task offered to a group one belongs to, so that the others know who handles it."""
    with transaction.atomic():
        task, proposal = _locked_task(task_id)
        node = task.flow_task
        offered = task.owner_id == actor.pk or (task.owner_permission and node.can_assign_to_group(actor, task))
        if not offered or not policies.can_view_proposal(actor, proposal):
            raise PermissionDenied("This task is not offered to this person.")
        _refuse_if_done(task)
        if task.owner_id == actor.pk:
            return task
        activation = node.activation_class(task)
        _free_if_owner_left(task, activation)
        if task.owner_id is not None:
            raise ActionRefused(_("%(name)s has already taken this task.") % {"name": task.owner.get_full_name()})
        activation.assign(actor)
        record(actor, WorkflowAudit.TASK_CLAIMED, proposal, step=node.name)
    return task


def release_task(actor: User, *, task_id: int) -> Task:
    """Give a taken task back to its group: by the person who took it, or by staff."""
    with transaction.atomic():
        task, proposal = _locked_task(task_id)
        node = task.flow_task
        if not policies.can_release_task(actor, task) or not policies.can_view_proposal(actor, proposal):
            raise PermissionDenied("Only the person who took a task, or staff, release it.")
        _refuse_if_done(task)
        if task.owner_id is None:
            return task
        if not task.owner_permission:
            raise ActionRefused(_("This task belongs to its author: it cannot be released."))
        node.activation_class(task).unassign()
        record(actor, WorkflowAudit.TASK_RELEASED, proposal, step=node.name, owner=task.owner_id)
    return task
