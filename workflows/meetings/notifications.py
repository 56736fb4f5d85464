"""The meetings' part of notifications: the board hears of a convocation, with the agenda in the
e-mail. A meeting is shown only to those who may see meetings."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from intranet.models import User
from intranet.notifications.actions import notify
from intranet.notifications.kinds import Kind
from intranet.notifications.targets import Target
from workflows.meetings import policies
from workflows.meetings.models import Meeting

SENTENCES = {
    "meeting_convened": lambda: _("%(actor)s convenes the board: %(title)s"),
}


def meeting_title(meeting: Meeting) -> str:
    when = date_format(timezone.localtime(meeting.starts_at), "DATETIME_FORMAT")
    return _("meeting of %(when)s") % {"when": when}


def agenda_text(meeting: Meeting) -> str:
    lines = [f"{item.position}. {item.title}" for item in meeting.items.order_by("position")]
    where = ", ".join(part for part in (meeting.place, meeting.video_link) if part)
    return "\n".join([where, *lines])


def describe_meetings(user, ids: list[int]) -> dict[int, Target]:
    if not policies.can_see_meetings(user):
        return {}
    return {
        meeting.pk: Target(
            title=meeting_title(meeting),
            url=reverse("meetings:detail", args=[meeting.pk]),
            excerpt=agenda_text(meeting),
        )
        for meeting in Meeting.objects.filter(pk__in=ids)
    }


def convened(actor: User, meeting: Meeting, board: set[int]) -> None:
    notify(
        kind=Kind.MEETING,
        event="meeting_convened",
        recipients=board,
        target_type="meeting",
        target_id=meeting.pk,
        actor=actor,
    )
