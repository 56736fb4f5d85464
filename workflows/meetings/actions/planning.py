"""A meeting planned and convened (the statutes' notice, the rules in force kept), and the
address of a person's calendar of meetings."""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from intranet.audit import record
from intranet.exceptions import ActionRefused
from intranet.models import User
from workflows.meetings import agenda_changes, notifications, policies
from workflows.meetings.actions.agenda import minutes_waiting_for_approval, put_minutes_approval_first
from workflows.meetings.actions.common import MeetingAction, locked_meeting, require, touch_meeting
from workflows.meetings.models import CalendarFeed, Meeting, MeetingSettings, MeetingStatus, new_feed_key
from workflows.meetings.room import board_ids

PLACE_MAX_LENGTH = 300
VIDEO_LINK_MAX_LENGTH = 500
# Planned further ahead is a typing mistake (and a date past 9999 breaks calendars).
PLAN_AHEAD_MAX = timedelta(days=2 * 365)


class LateConvocation(ActionRefused):
    """Fewer days before the meeting than the statutes ask: the officer confirms, and the
    minutes will say so."""


def _refuse_if_changed(meeting: Meeting, revision: int | None) -> None:
    if revision is not None and meeting.revision != revision:
        raise ActionRefused(
            _("Someone else changed this meeting in the meantime. Reload the page to see what changed.")
        )


def plan_meeting(actor: User, *, starts_at: datetime, place: str = "", video_link: str = "") -> Meeting:
    require(policies.can_run_meetings(actor), "Only the president or the secretary plan a meeting.")
    place, video_link = place.strip(), video_link.strip()
    if starts_at <= timezone.now():
        raise ActionRefused(_("A meeting is planned in the future."), field="starts_at")
    if starts_at - timezone.now() > PLAN_AHEAD_MAX:
        raise ActionRefused(_("A meeting is planned at most two years ahead."), field="starts_at")
    if not place and not video_link:
        raise ActionRefused(_("Give a place, a video link, or both."), field="place")
    if len(place) > PLACE_MAX_LENGTH:
        raise ActionRefused(_("A place is at most %(max)s characters long.") % {"max": PLACE_MAX_LENGTH}, field="place")
    _check_video_link(video_link)
    with transaction.atomic():
        meeting = Meeting.objects.create(starts_at=starts_at, place=place, video_link=video_link, planned_by=actor)
        record(actor, MeetingAction.PLANNED, meeting, starts_at=meeting.starts_at.isoformat())
        # The minutes of the meetings before, written and not approved yet, come first.
        for minutes in minutes_waiting_for_approval():
            put_minutes_approval_first(meeting, minutes)
    return meeting


def _check_video_link(link: str) -> None:
    """An https address or nothing: the link is shown as a link in the page, calendars and e-mails."""
    if not link:
        return
    try:
        parts = urlsplit(link)
    except ValueError:
        parts = None
    if parts is None or parts.scheme.lower() != "https" or not parts.hostname or any(c.isspace() for c in link):
        raise ActionRefused(
            _("Give the video link as a secure web address, starting with https://."), field="video_link"
        )
    if len(link) > VIDEO_LINK_MAX_LENGTH:
        raise ActionRefused(
            _("A video link is at most %(max)s characters long.") % {"max": VIDEO_LINK_MAX_LENGTH}, field="video_link"
        )


def convene(actor: User, *, meeting: Meeting, confirm_late: bool = False, revision: int | None = None) -> Meeting:
    """Every board member is told, in the page and by e-mail, with the agenda; the meeting keeps
    the rules in force. Later than the statutes' notice, the officer confirms first."""
    settings = MeetingSettings.current()
    with transaction.atomic():
        meeting = locked_meeting(meeting)
        require(policies.can_convene(actor, meeting), "Only the president or the secretary convene a planned meeting.")
        _refuse_if_changed(meeting, revision)
        if not meeting.items.exists():
            raise ActionRefused(_("Put at least one item on the agenda before convening."))
        now = timezone.now()
        if meeting.starts_at <= now:
            # As planning in the past is: nobody could answer or give a proxy any more.
            raise ActionRefused(_("This meeting's time has passed: plan a new meeting to convene the board."))
        late = meeting.starts_at - now < timedelta(days=settings.convocation_days)
        if late and not confirm_late:
            raise LateConvocation(
                _(
                    "The statutes ask for %(days)s days' notice and the meeting is on %(date)s: confirm to convene "
                    "it all the same; the minutes will say so."
                )
                % {"days": settings.convocation_days, "date": date_format(timezone.localtime(meeting.starts_at))},
                field="confirm_late",
            )
        touch_meeting(
            meeting,
            status=MeetingStatus.CONVENED,
            convened_at=now,
            convened_late=late,
            convened_agenda=agenda_changes.snapshot(meeting.items.order_by("position")),
            quorum_percent=settings.quorum_percent,
            max_proxies_held=settings.max_proxies_held,
        )
        record(actor, MeetingAction.CONVENED, meeting, late=late)
        notifications.convened(actor, meeting, board_ids())
    return meeting


def renew_calendar_feed(user: User) -> CalendarFeed:
    """A new address for the person's calendar: the old one stops working at once."""
    feed, created = CalendarFeed.objects.get_or_create(user=user)
    if not created:
        feed.key = new_feed_key()
        feed.save(update_fields=["key", "created_at"])
    return feed
