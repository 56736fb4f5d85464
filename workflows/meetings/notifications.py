"""The meetings' part of notifications: the board hears of a convocation, and of each change to
the agenda since, with the agenda (and what changed) in the e-mail. A meeting is shown only to
those who may see meetings."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from intranet.models import User
from intranet.notifications.actions import notify
from intranet.notifications.kinds import Delivery, NotificationKind
from intranet.notifications.targets import Target
from workflows.meetings import calendar, policies
from workflows.meetings.models import Meeting
from workflows.meetings.wording import agenda_html, agenda_text, meeting_title, told_agenda

# Its kind of notification (registered in apps.py): a convocation goes at once.
MEETING = NotificationKind(
    "meeting", _l("Board meetings I am convened to"), 80, Delivery.IMMEDIATELY, may_change_waiting=True
)

SENTENCES = {
    "meeting_convened": lambda: _("%(actor)s convenes the board: %(title)s"),
    "meeting_item_withdrawn": lambda: _("%(actor)s withdrew their proposal from the agenda: %(title)s"),
    "meeting_agenda_changed": lambda: _("%(actor)s changed the agenda after the convocation: %(title)s"),
}
# The agenda changed after the convocation: told in the page at once; the e-mail waits a little,
# so that the secretary's few clicks in a row make one e-mail with all of them.
AGENDA_CHANGE = NotificationKind(
    "meeting_agenda",
    _l("Changes to the agenda of a meeting I am convened to"),
    81,
    Delivery.IMMEDIATELY,
    grouping_window=timedelta(minutes=5),
)
AGENDA_CHANGED = "meeting_agenda_changed"


def invitation(meeting: Meeting) -> tuple[str, bytes, str]:
    """The meeting's .ics, as its page gives it: a calendar program adds it in one click."""
    content = calendar.calendar_of([meeting], name=_("Board meetings"))
    return f"seance-{meeting.starts_at:%Y-%m-%d}.ics", content, "text/calendar"


def describe_meetings(user, ids: list[int]) -> dict[int, Target]:
    if not policies.can_see_meetings(user):
        return {}
    described = {}
    for meeting in Meeting.objects.filter(pk__in=ids):
        told = told_agenda(meeting)
        described[meeting.pk] = Target(
            title=meeting_title(meeting),
            url=reverse("meetings:detail", args=[meeting.pk]),
            excerpt=agenda_text(meeting, told),
            excerpt_html=agenda_html(meeting, told),
            attachment=(lambda meeting=meeting: invitation(meeting)) if meeting.convened_at else None,
        )
    return described


def _tell_board(
    actor: User,
    meeting: Meeting,
    board: set[int],
    event: str,
    group_key: str = "",
    *,
    kind: NotificationKind = MEETING,
    once_while_unread: bool = False,
) -> None:
    notify(
        kind=kind,
        event=event,
        recipients=board,
        target_type="meeting",
        target_id=meeting.pk,
        actor=actor,
        group_key=group_key,
        once_while_unread=once_while_unread,
    )


def convened(actor: User, meeting: Meeting, board: set[int]) -> None:
    _tell_board(actor, meeting, board, "meeting_convened")


def item_withdrawn(actor: User, meeting: Meeting, board: set[int]) -> None:
    """The board convened learns that an item of the agenda will not be voted on (which one is
    on the meeting's page, for those who may still open the proposal)."""
    _tell_board(actor, meeting, board, "meeting_item_withdrawn", group_key=f"meeting:{meeting.pk}:withdrawn")


def agenda_changed(actor: User, meeting: Meeting, board: set[int]) -> None:
    """The board convened learns that the agenda changed: once while the last notice is unread
    and not e-mailed yet, since that one is written when sent and tells every change since the
    convocation."""
    _tell_board(
        actor,
        meeting,
        board,
        AGENDA_CHANGED,
        group_key=f"meeting:{meeting.pk}:agenda",
        kind=AGENDA_CHANGE,
        once_while_unread=True,
    )
