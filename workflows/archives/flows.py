"""The archive deposit process, as Viewflow nodes.

    offered ─▶ triage (staff) ─▶ assigned? ─▶ appraisal (archivist) ─▶ appraised? ─▶ agreement
                                   │ declined        ▲        │ opinion asked      │ (archivist)
                                   ▼                 │        ▼                    ▼      │
                                declined       opinion (Patrimoine)        not retained   ▼
                                                                               intake (archivist)
                                                                                      ▼
                                                                                 catalogued

Each step declares who may take it, asked of ``workflows.archives.policies``; the pages drive
the flow through ``workflows.archives.actions``, which change the fonds before completing the
step, so the gateways route on the fonds's status. Withdrawal cancels the process.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from viewflow import this
from viewflow.workflow import flow

from intranet.models import College
from workflows import policies as workflow_policies
from workflows.archives import policies
from workflows.archives.models import ArchiveProcess, Fonds, FondsStatus
from workflows.proposals.flows import ProcessRowLock

TRIAGE_OFFERS = "workflows.archives_triage"  # held by staff


def step_permissions(user) -> frozenset[str]:
    """The permissions of this process's group steps: triage for staff, the opinion for the
    collège Patrimoine's coordinators (their collège's review permission)."""
    permissions = set()
    if policies.can_triage(user):
        permissions.add(TRIAGE_OFFERS)
    return frozenset(permissions) | workflow_policies.step_permissions(user)


class Step(flow.View):
    """A step for people, assigned to one person or offered to a group by permission, asked of
    the archive's policy (a superuser's "every permission" makes nobody an archivist)."""

    def can_assign_to_group(self, user, task) -> bool:
        return bool(task.owner_permission) and task.owner_permission in step_permissions(user)

    def can_assign(self, user, task) -> bool:
        return task.owner_id is None and self.can_assign_to_group(user, task)

    def can_execute(self, user, task) -> bool:
        # Staff act for an absent archivist: the step is theirs too.
        return task.owner_id == user.pk or (not task.owner_permission and policies.can_triage(user))


def _status(activation) -> str:
    return Fonds.objects.values_list("status", flat=True).get(pk=activation.process.fonds_id)


def _is(*statuses):
    return lambda activation: _status(activation) in statuses


def _opinion_pending(activation) -> bool:
    return policies.opinion_pending(Fonds.objects.get(pk=activation.process.fonds_id))


def _archivist(activation):
    return activation.process.fonds.archivist


def _heritage_review_permission(activation) -> str:
    college_id = College.objects.values_list("pk", flat=True).get(slug=policies.HERITAGE_COLLEGE)
    return workflow_policies.review_permission(college_id)


class ArchiveFlow(flow.Flow):
    """Archive deposit"""

    process_class = ArchiveProcess
    lock_impl = ProcessRowLock()

    start = flow.StartHandle(this.start_process).Annotation(title=_("Offer recorded")).Next(this.triage)
    triage = (
        Step(None)
        .Permission(TRIAGE_OFFERS)
        .Annotation(title=_("Triage"), description=_("Assign an archivist, or decline the offer with a reason."))
        .Next(this.triage_outcome)
    )
    triage_outcome = (
        flow.Switch()
        .Annotation(title=_("Assigned?"))
        .Case(this.appraisal, _is(FondsStatus.IN_APPRAISAL))
        .Case(this.declined, _is(FondsStatus.DECLINED))
    )
    appraisal = (
        Step(None)
        .Assign(_archivist)
        .Annotation(
            title=_("Appraisal"),
            description=_("Appraise each item and say whether it is retained; ask the collège Patrimoine if needed."),
        )
        .Next(this.appraisal_outcome)
    )
    appraisal_outcome = (
        flow.Switch()
        .Annotation(title=_("Appraised?"))
        .Case(this.opinion, _opinion_pending)
        .Case(this.agreement, _is(FondsStatus.IN_AGREEMENT))
        .Case(this.not_retained, _is(FondsStatus.NOT_RETAINED))
    )
    opinion = (
        Step(None)
        .Permission(_heritage_review_permission)
        .Annotation(title=_("Opinion of the collège Patrimoine"), description=_("Give the collège's opinion."))
        .Next(this.appraisal)
    )
    agreement = (
        Step(None)
        .Assign(_archivist)
        .Annotation(
            title=_("Rights and agreement"),
            description=_("Record deposit or gift and the allowed uses; upload the signed agreement."),
        )
        .Next(this.intake)
    )
    intake = (
        Step(None)
        .Assign(_archivist)
        .Annotation(title=_("Intake"), description=_("Give the retained items their call numbers and places."))
        .Next(this.catalogued)
    )
    # Declined by staff at triage: not the proposals' "Declined" (by a collège).
    declined = flow.End().Annotation(title=pgettext_lazy("archive offer", "Declined"))
    not_retained = flow.End().Annotation(title=_("Not retained"))
    catalogued = flow.End().Annotation(title=_("Catalogued"))

    def start_process(self, activation, fonds: Fonds):
        activation.process.fonds = fonds
        activation.process.save()
        return activation.process
