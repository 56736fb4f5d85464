"""What the meeting actions share: their audit codes, the meeting's lock, its revision, and the
refusal of what a policy does not allow."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from workflows.meetings.models import Meeting


class MeetingAction:
    """Audit codes of board meetings (their labels: ``workflows.meetings.audit_details``)."""

    PLANNED = "meeting.planned"
    AGENDA_CHANGED = "meeting.agenda_changed"
    ITEM_WITHDRAWN = "meeting.item_withdrawn"
    CONVENED = "meeting.convened"
    ANSWERED = "meeting.answered"
    PRESENCE_RECORDED = "meeting.presence_recorded"
    VOTE_RECORDED = "meeting.vote_recorded"
    HELD = "meeting.held"
    RULES_CHANGED = "meeting.rules_changed"


def locked_meeting(meeting: Meeting) -> Meeting:
    return Meeting.objects.select_for_update().get(pk=meeting.pk)


def touch_meeting(meeting: Meeting, **changes) -> Meeting:
    for name, value in changes.items():
        setattr(meeting, name, value)
    meeting.revision += 1
    meeting.save()
    return meeting


def require(allowed: bool, why: str) -> None:
    if not allowed:
        raise PermissionDenied(why)
