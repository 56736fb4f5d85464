"""Meetings as iCalendar (RFC 5545), with the ``icalendar`` library: one meeting's invitation,
and each board member's feed of the meetings they are convened to."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.core import signing
from django.utils import timezone
from django.utils.text import capfirst
from icalendar import Calendar, Event

from intranet.links import site_hostname
from workflows.meetings.models import CalendarFeed, Meeting, MeetingStatus
from workflows.meetings.wording import agenda_text, meeting_title

DURATION = timedelta(hours=2)  # a board meeting's usual length: calendars need an end
FEED_SALT = "meetings.calendar-feed"


def event_uid(meeting: Meeting) -> str:
    """The same in the e-mailed invitation, the downloaded .ics and the personal feed, whatever
    address the page was asked at: a calendar that reads two of them keeps one event."""
    return f"meeting-{meeting.pk}@{site_hostname()}"


def calendar_of(meetings: Iterable[Meeting], *, name: str) -> bytes:
    """Each meeting as an event whose ``SEQUENCE`` is the meeting's revision: every change (the
    agenda after the convocation included) raises it, so that calendars replace their copy."""
    calendar = Calendar()
    calendar.add("prodid", "-//Intranet de la fédération//Séances du CA//FR")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    for meeting in meetings:
        event = Event()
        event.add("uid", event_uid(meeting))
        event.add("dtstamp", timezone.now())
        event.add("dtstart", meeting.starts_at)
        event.add("dtend", meeting_end(meeting))
        event.add("summary", capfirst(meeting_title(meeting)))
        event.add("description", agenda_text(meeting))
        if meeting.place:
            event.add("location", meeting.place)
        if meeting.video_link:
            event.add("url", meeting.video_link)
        event.add("status", "CONFIRMED" if meeting.status != MeetingStatus.PLANNED else "TENTATIVE")
        event.add("sequence", meeting.revision)
        calendar.add_component(event)
    return calendar.to_ical()


def meeting_end(meeting: Meeting) -> datetime:
    """The usual length after the start; a meeting stored at the end of time (planned before
    the actions bounded the date) ends when it starts instead of breaking the calendar."""
    try:
        return meeting.starts_at + DURATION
    except OverflowError:
        return meeting.starts_at


def feed_token(feed: CalendarFeed) -> str:
    return signing.dumps({"u": feed.user_id, "k": feed.key}, salt=FEED_SALT, compress=True)


def feed_owner(token: str) -> CalendarFeed | None:
    """The feed a token opens, or None (forged, or revoked by a new key)."""
    try:
        data = signing.loads(token, salt=FEED_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    feed = CalendarFeed.objects.select_related("user").filter(user_id=data.get("u")).first()
    if feed is None or feed.key != data.get("k") or not feed.user.is_active:
        return None
    return feed
