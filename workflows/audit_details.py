"""How the audit log describes the proposals' and votes' details in the reader's language."""

import re

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from intranet.audit import AuditDetail
from workflows.models import BallotChoice, CloseReason, VoteResult, VoteSettings
from workflows.proposals.flows import ProposalFlow


class WorkflowAudit(models.TextChoices):
    """The audit codes of proposals, board votes and the register, with their labels (not the core's)."""

    PROPOSAL_CREATED = "proposal.created", _("proposal drafted")
    PROPOSAL_UPDATED = "proposal.updated", _("proposal edited")
    PROPOSAL_SUBMITTED = "proposal.submitted", _("proposal submitted to the collège")
    PROPOSAL_FORWARDED = "proposal.forwarded", _("proposal forwarded to the board")
    PROPOSAL_RETURNED = "proposal.returned", _("proposal returned to its author")
    PROPOSAL_DECLINED = "proposal.declined", _("proposal declined")
    PROPOSAL_WITHDRAWN = "proposal.withdrawn", _("proposal withdrawn")
    PROPOSAL_DOCUMENT_ATTACHED = "proposal.document_attached", _("document attached to the proposal")
    PROPOSAL_DOCUMENT_DETACHED = "proposal.document_detached", _("document detached from the proposal")
    TASK_CLAIMED = "task.claimed", _("task taken")
    TASK_RELEASED = "task.released", _("task released")
    VOTE_RULES_CHANGED = "vote.rules_changed", _("voting rules changed")
    VOTE_OPENED = "vote.opened", _("board vote opened")
    BALLOT_CAST = "vote.ballot_cast", _("vote cast")
    BALLOT_CHANGED = "vote.ballot_changed", _("vote changed")
    VOTE_CLOSING_SOON = "vote.closing_soon", _("board vote closes within 24 hours")
    VOTE_CLOSED = "vote.closed", _("board vote closed")
    DECISION_RECORDED = "decision.recorded", _("decision recorded in the register")


ACTIONS = dict(WorkflowAudit.choices)


def _folder_reason(value) -> str | None:
    """The reason a proposal's folder opened: a step of the process, or a decision's number."""
    decision = re.fullmatch(r"decision (\S+)", str(value))
    if decision:
        return gettext("decision %(number)s") % {"number": decision.group(1)}
    return None


def _step(value) -> str | None:
    node = getattr(ProposalFlow, str(value), None)
    title = getattr(node, "task_title", None)
    return str(title) if title else None


DETAILS = {
    "choice": AuditDetail(_("vote"), values=dict(BallotChoice.choices)),
    "reason": AuditDetail(
        values={
            **dict(CloseReason.choices),
            "proposal submitted": WorkflowAudit.PROPOSAL_SUBMITTED.label,
            "proposal forwarded to the board": WorkflowAudit.PROPOSAL_FORWARDED.label,
            "proposal returned to its author": WorkflowAudit.PROPOSAL_RETURNED.label,
        },
        describe=_folder_reason,
    ),
    "result": AuditDetail(_("result"), values=dict(VoteResult.choices)),
    "outcome": AuditDetail(_("outcome"), values=dict(VoteResult.choices)),
    "number": AuditDetail(_("number")),
    "vote": AuditDetail(_("board vote")),
    "in_session": AuditDetail(_("held in session")),
    "roll_call": AuditDetail(_("roll-call vote")),
    "step": AuditDetail(_("step"), describe=_step),
    "owner": AuditDetail(_("owner")),
    "quorum": AuditDetail(_("quorum")),
    "abstentions_count_for_quorum": AuditDetail(_("abstentions count for the quorum")),
    "majority": AuditDetail(_("majority"), values=dict(VoteSettings._meta.get_field("majority").choices)),
    "president_casting_vote": AuditDetail(_("president's casting vote")),
}
