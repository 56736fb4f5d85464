"""How a meeting is named and its agenda told, the same in notifications, e-mails and calendars."""

from __future__ import annotations

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from workflows.meetings.models import Meeting


def meeting_title(meeting: Meeting) -> str:
    when = date_format(timezone.localtime(meeting.starts_at), "DATETIME_FORMAT")
    return _("meeting of %(when)s") % {"when": when}


def agenda_text(meeting: Meeting) -> str:
    lines = [f"{item.position}. {item.title}" for item in meeting.items.order_by("position")]
    where = ", ".join(part for part in (meeting.place, meeting.video_link) if part)
    return "\n".join([where, *lines])
