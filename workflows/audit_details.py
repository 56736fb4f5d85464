"""How the audit log describes the proposals' and votes' details in the reader's language."""

import re

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from intranet.audit import AuditAction, AuditDetail
from workflows.models import BallotChoice, CloseReason, VoteResult, VoteSettings
from workflows.proposals.flows import ProposalFlow


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
            "proposal submitted": AuditAction.PROPOSAL_SUBMITTED.label,
            "proposal forwarded to the board": AuditAction.PROPOSAL_FORWARDED.label,
            "proposal returned to its author": AuditAction.PROPOSAL_RETURNED.label,
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
