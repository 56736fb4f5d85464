"""How the audit log describes the proposals' and votes' details in the reader's language."""

import re

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from intranet.audit import AuditAction, register_detail
from workflows.models import BallotChoice, CloseReason, VoteResult, VoteSettings


def _folder_reason(value) -> str | None:
    """The reason a proposal's folder opened: a step of the process, or a decision's number."""
    decision = re.fullmatch(r"decision (\S+)", str(value))
    if decision:
        return gettext("decision %(number)s") % {"number": decision.group(1)}
    return None


def _step(value) -> str | None:
    from workflows.proposals.flows import ProposalFlow

    node = getattr(ProposalFlow, str(value), None)
    title = getattr(node, "task_title", None)
    return str(title) if title else None


def register() -> None:
    register_detail("choice", _("vote"), values=dict(BallotChoice.choices))
    register_detail(
        "reason",
        values={
            **dict(CloseReason.choices),
            "proposal submitted": AuditAction.PROPOSAL_SUBMITTED.label,
            "proposal forwarded to the board": AuditAction.PROPOSAL_FORWARDED.label,
            "proposal returned to its author": AuditAction.PROPOSAL_RETURNED.label,
        },
        describe=_folder_reason,
    )
    register_detail("result", _("result"), values=dict(VoteResult.choices))
    register_detail("outcome", _("outcome"), values=dict(VoteResult.choices))
    register_detail("number", _("number"))
    register_detail("vote", _("board vote"))
    register_detail("step", _("step"), describe=_step)
    register_detail("owner", _("owner"))
    register_detail("quorum", _("quorum"))
    register_detail("abstentions_count_for_quorum", _("abstentions count for the quorum"))
    register_detail("majority", _("majority"), values=dict(VoteSettings._meta.get_field("majority").choices))
    register_detail("president_casting_vote", _("president's casting vote"))
