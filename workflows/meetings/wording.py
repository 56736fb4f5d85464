"""How a meeting is named and its agenda told, the same in notifications, e-mails and calendars."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from intranet.links import absolute_url
from workflows.meetings.models import Meeting


def meeting_title(meeting: Meeting) -> str:
    when = date_format(timezone.localtime(meeting.starts_at), "DATETIME_FORMAT")
    return _("meeting of %(when)s") % {"when": when}


def agenda_text(meeting: Meeting) -> str:
    """Where, then each item; a proposal's with the address of its page and its documents."""
    lines = [
        f"{item.position}. {item.title}"
        + (f" — {absolute_url(reverse('proposals:detail', args=[item.proposal_id]))}" if item.proposal_id else "")
        for item in meeting.items.order_by("position")
    ]
    where = ", ".join(part for part in (meeting.place, meeting.video_link) if part)
    return "\n".join([where, *lines])
