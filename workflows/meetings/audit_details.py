"""How the audit log names the meetings' changes and their details, in the reader's language."""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from intranet.audit import AuditDetail, describe_date_time
from workflows.meetings.actions import MeetingAction
from workflows.meetings.minutes import MinutesAction
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
    MinutesAction.SAVED: _("minutes written"),
    MinutesAction.APPROVAL_VOTED: _("approval of the minutes voted"),
}


def target(label: str) -> str | None:
    """A meeting is kept by its ISO date-time; rows written before, as "2026-12-19 17:30" in UTC."""
    return describe_date_time(label, naive_in_utc=True)


def _meeting_held(value) -> str | None:
    """Where minutes were approved: the meeting's date-time (its id in rows written before)."""
    if isinstance(value, int):
        return gettext("meeting no. %(number)s") % {"number": value}
    return describe_date_time(value)


DETAILS = {
    "starts_at": AuditDetail(_("date and time"), describe=describe_date_time),
    "revision": AuditDetail(_("version")),
    "public": AuditDetail(_("every member reads them once approved")),
    "at": AuditDetail(_("voted in the meeting of"), describe=_meeting_held),
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
