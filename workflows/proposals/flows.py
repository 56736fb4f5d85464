"""The proposal process, as Viewflow nodes.

    written ─▶ write (author) ─▶ review (collège coordinators) ─▶ forwarded? ─▶ agenda (president
    or secretary open a vote) ─▶ vote (the board) ─▶ outcome? ─▶ adopted | rejected
                  ▲                                  │ returned                    │ no quorum
                  └──────────────────────────────────┘ declined ─▶ declined        └─▶ agenda

Each step declares who may take it; the pages drive the flow through ``workflows.actions``,
which ask the same node permissions (``ProposalFlow.<node>.can_assign`` / ``can_execute``) and
change the proposal before completing the step, so the gateways route on the proposal's status.
Withdrawal cancels the process. Nothing here sends or publishes: side effects wait for the commit.
"""

from __future__ import annotations

from contextlib import contextmanager

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow
from viewflow.workflow.nodes.mixins import NodePermissionMixin

from workflows import policies
from workflows.models import Proposal, ProposalProcess, ProposalStatus


class ProcessRowLock:
    """Locks the process row and waits for it (no NOWAIT, no retry loop): a second transition
    on the same proposal runs after the first has committed, and sees what it did. On SQLite
    the immediate transaction already serialises writers; ``select_for_update`` is a no-op."""

    @contextmanager
    def __call__(self, flow_class, process_pk):
        with transaction.atomic():
            list(flow_class.process_class._default_manager.select_for_update().filter(pk=process_pk).values("pk"))
            yield


class Step(flow.View):
    """A step for people: assigned to one person, or offered to whoever holds the permission it
    declares. The permission is asked of the workflow policy directly, so a superuser's
    "has every permission" does not make them a collège's coordinator."""

    def can_assign_to_group(self, user, task) -> bool:
        return bool(task.owner_permission) and task.owner_permission in policies.step_permissions(user)

    def can_assign(self, user, task) -> bool:
        return task.owner_id is None and self.can_assign_to_group(user, task)


class BoardVoteStep(NodePermissionMixin, flow.Handle):
    """The board vote: every board member may cast a ballot while it waits; the close (everyone
    voted, the deadline, or the president or secretary) completes it."""

    def can_vote(self, user) -> bool:
        return self._owner_permission in policies.step_permissions(user)


def _status(activation) -> str:
    # Read afresh: the action has just changed the proposal this activation's process points to.
    return Proposal.objects.values_list("status", flat=True).get(pk=activation.process.proposal_id)


def _is(*statuses):
    return lambda activation: _status(activation) in statuses


class ProposalFlow(flow.Flow):
    """Proposal to the board"""

    process_class = ProposalProcess
    lock_impl = ProcessRowLock()

    start = flow.StartHandle(this.start_process).Annotation(title=_("Drafted")).Next(this.write)
    write = (
        Step(None)
        .Assign(lambda activation: activation.process.proposal.author)
        .Annotation(title=_("Written by its author"), description=_("Finish the proposal and submit it."))
        .Next(this.review)
    )
    review = (
        Step(None)
        .Permission(lambda activation: policies.review_permission(activation.process.proposal.college_id))
        .Annotation(
            title=_("Collège review"), description=_("Forward it to the board, return it to its author, or decline it.")
        )
        .Next(this.review_outcome)
    )
    review_outcome = (
        flow.Switch()
        .Annotation(title=_("Forwarded?"))
        .Case(this.agenda, _is(ProposalStatus.ON_AGENDA))
        .Case(this.write, _is(ProposalStatus.RETURNED))
        .Case(this.declined, _is(ProposalStatus.DECLINED))
    )
    agenda = (
        Step(None)
        .Permission(policies.RUN_BOARD_VOTES)
        .Annotation(title=_("On the board's agenda"), description=_("Open the board vote."))
        .Next(this.vote)
    )
    vote = BoardVoteStep().Permission(policies.VOTE_IN_BOARD).Annotation(title=_("Board vote")).Next(this.vote_outcome)
    vote_outcome = (
        flow.Switch()
        .Annotation(title=_("Outcome"))
        .Case(this.adopted, _is(ProposalStatus.ADOPTED))
        .Case(this.rejected, _is(ProposalStatus.REJECTED))
        .Case(this.agenda, _is(ProposalStatus.ON_AGENDA))  # no quorum: back on the agenda
    )
    declined = flow.End().Annotation(title=_("Declined"))
    adopted = flow.End().Annotation(title=_("Adopted"))
    rejected = flow.End().Annotation(title=_("Rejected"))

    def start_process(self, activation, proposal: Proposal):
        activation.process.proposal = proposal
        activation.process.save()
        return activation.process
