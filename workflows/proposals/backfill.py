"""Processes for proposals written before the process existed: each is placed in the step its
status says, so it can move on like any other. Run by a data migration; idempotent."""

from __future__ import annotations

from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import PROCESS, STATUS

from workflows import policies
from workflows.models import Proposal, ProposalProcess, ProposalStatus
from workflows.proposals.flows import ProposalFlow


def start_missing_processes() -> int:
    waiting_in = {
        ProposalStatus.DRAFT: ProposalFlow.write,
        ProposalStatus.RETURNED: ProposalFlow.write,
        ProposalStatus.IN_REVIEW: ProposalFlow.review,
        ProposalStatus.ON_AGENDA: ProposalFlow.agenda,
        ProposalStatus.VOTING: ProposalFlow.vote,
    }
    ended_in = {
        ProposalStatus.DECLINED: ProposalFlow.declined,
        ProposalStatus.ADOPTED: ProposalFlow.adopted,
        ProposalStatus.REJECTED: ProposalFlow.rejected,
    }
    started = 0
    for proposal in Proposal.objects.filter(process__isnull=True).select_related("college"):
        now = timezone.now()
        process = ProposalProcess.objects.create(proposal=proposal, flow_class=ProposalFlow, status=PROCESS.NEW)
        Task.objects.create(process=process, flow_task=ProposalFlow.start, status=STATUS.DONE, finished=now)
        node = waiting_in.get(proposal.status) or ended_in.get(proposal.status)
        if node is ProposalFlow.write:
            Task.objects.create(process=process, flow_task=node, status=STATUS.ASSIGNED, owner=proposal.author)
        elif node is ProposalFlow.review:
            permission = policies.review_permission(proposal.college_id)
            Task.objects.create(process=process, flow_task=node, status=STATUS.NEW, owner_permission=permission)
        elif node is ProposalFlow.agenda:
            Task.objects.create(
                process=process, flow_task=node, status=STATUS.NEW, owner_permission=policies.RUN_BOARD_VOTES
            )
        elif node is ProposalFlow.vote:
            Task.objects.create(process=process, flow_task=node, status=STATUS.NEW)
        elif node is not None:
            Task.objects.create(process=process, flow_task=node, status=STATUS.DONE, finished=now)
            ProposalProcess.objects.filter(pk=process.pk).update(status=PROCESS.DONE, finished=now)
        else:  # withdrawn
            ProposalProcess.objects.filter(pk=process.pk).update(status=PROCESS.CANCELED, finished=now)
        started += 1
    return started
