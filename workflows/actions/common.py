"""What the workflow's transitions share: the locks, in their order, and completing a step."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from viewflow.workflow.models import Task

from intranet.exceptions import ActionRefused
from intranet.models import User
from workflows import policies
from workflows.models import Proposal, ProposalProcess
from workflows.selectors import waiting_task


def _lock_process(proposal_id: int) -> None:
    """The process row first, then the proposal or its vote: every transition locks in this order."""
    list(ProposalProcess.objects.select_for_update().filter(proposal_id=proposal_id).values("pk"))


def lock_proposals(proposal_ids) -> None:
    """For another app's action that changes proposals under its own lock (a meeting's agenda or
    vote): it takes the proposals' locks first, in the order every transition takes them, then
    its own. A withdrawal holds the proposal while it updates the meetings' agendas; taking the
    meeting first would make each wait for the other."""
    for proposal_id in sorted(set(proposal_ids)):
        _lock_process(proposal_id)


def _locked_proposal(proposal: Proposal) -> Proposal:
    _lock_process(proposal.pk)
    return Proposal.objects.select_for_update().get(pk=proposal.pk)


def _complete_step(actor: User, proposal: Proposal, node) -> None:
    """Complete the step ``node`` as ``actor``, asking the permission the node declares: a task
    nobody has taken is taken on the way; one another person has taken is refused."""
    task = waiting_task(proposal, node)
    if task is None:
        raise ActionRefused(_("This step is no longer waiting: reload the page to see what changed."))
    activation = node.activation_class(task)
    _free_if_owner_left(task, activation)
    if task.owner_id is None:
        if not node.can_assign(actor, task):
            raise PermissionDenied("This step is not offered to this person.")
        activation.assign(actor)
    elif not node.can_execute(actor, task):
        raise ActionRefused(
            _("%(name)s has taken this task: ask them, or staff, to release it.") % {"name": task.owner.get_full_name()}
        )
    activation.start(None)
    activation.execute()


def _free_if_owner_left(task: Task, activation) -> None:
    """A group's task taken by someone who has since lost the role (or their account) goes back
    to the group, instead of waiting for staff to release it."""
    owner_left = task.owner_id is not None and task.owner_permission not in policies.step_permissions(task.owner)
    if task.owner_permission and owner_left:
        activation.unassign()


def _refuse_if_changed(proposal: Proposal, revision: int | None) -> None:
    if revision is not None and proposal.revision != revision:
        raise ActionRefused(
            _("Someone else acted on this proposal in the meantime. Reload the page to see what changed.")
        )
