"""How the audit log names the meetings' changes and their details, in the reader's language."""

from django.utils.translation import gettext_lazy as _

from intranet.audit import AuditDetail
from workflows.meetings.actions import MeetingAction
from workflows.meetings.models import Answer
from workflows.models import VoteResult

ACTIONS = {
    MeetingAction.PLANNED: _("board meeting planned"),
    MeetingAction.AGENDA_CHANGED: _("meeting agenda changed"),
    MeetingAction.ITEM_WITHDRAWN: _("agenda item withdrawn by its author"),
    MeetingAction.CONVENED: _("board convened"),
    MeetingAction.ANSWERED: _("answer to a convocation"),
    MeetingAction.PRESENCE_RECORDED: _("presence recorded"),
    MeetingAction.VOTE_RECORDED: _("vote held in session recorded"),
    MeetingAction.HELD: _("board meeting held"),
    MeetingAction.RULES_CHANGED: _("meeting rules changed"),
}

DETAILS = {
    "starts_at": AuditDetail(_("date and time")),
    "added": AuditDetail(_("added")),
    "removed": AuditDetail(_("removed")),
    "moved": AuditDetail(_("moved")),
    "withdrawn": AuditDetail(_("withdrawn by its author")),
    "late": AuditDetail(_("later than the statutes' notice")),
    "answer": AuditDetail(_("answer"), values=dict(Answer.choices)),
    "proxy": AuditDetail(_("proxy to")),
    "present": AuditDetail(_("present")),
    "item": AuditDetail(_("agenda item")),
    "result": AuditDetail(_("result"), values=dict(VoteResult.choices)),
    "convocation_days": AuditDetail(_("convened at least this many days before")),
    "max_proxies_held": AuditDetail(_("proxies one board member may hold")),
    "quorum_percent": AuditDetail(_("quorum (% of the board present or represented)")),
}
