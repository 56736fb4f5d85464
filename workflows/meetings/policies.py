"""Who may do what with board meetings. Pages, actions, the calendar and notifications ask here.

The president and the secretary plan, convene and hold meetings; board members answer the
convocation and give proxies to each other; staff see everything, as they do for the board's
votes.
"""

from __future__ import annotations

from django.utils import timezone

from intranet import policies as core
from workflows import policies as workflow_policies
from workflows.meetings.models import Meeting, MeetingStatus, Minutes


def can_see_meetings(user) -> bool:
    return core.is_board_member(user) or core.can_manage_association(user)


def can_set_meeting_rules(user) -> bool:
    """Staff set the statutes' rules of the meetings (notice, proxies, quorum)."""
    return core.can_manage_association(user)


def can_run_meetings(user) -> bool:
    """The president and the secretary (the same officers who run the board's online votes)."""
    return workflow_policies.can_run_board_votes(user)


def can_edit_agenda(user, meeting: Meeting) -> bool:
    return meeting.status in (MeetingStatus.PLANNED, MeetingStatus.CONVENED) and can_run_meetings(user)


def can_convene(user, meeting: Meeting) -> bool:
    return meeting.status == MeetingStatus.PLANNED and can_run_meetings(user)


def answers_convocations(user) -> bool:
    return core.is_board_member(user)


def can_answer(user, meeting: Meeting) -> bool:
    """A board member answers until the meeting starts; then the secretary records who is there."""
    return (
        meeting.status == MeetingStatus.CONVENED and core.is_board_member(user) and timezone.now() < meeting.starts_at
    )


def can_record_presence(user, meeting: Meeting) -> bool:
    """The roll call is taken in the room, once the meeting has started: before, the answers
    count (a roll call taken early would hide the answers given after it from the quorum)."""
    return meeting.status == MeetingStatus.CONVENED and meeting.starts_at <= timezone.now() and can_run_meetings(user)


def can_hold(user, meeting: Meeting) -> bool:
    """Once the meeting has started, the president or the secretary record its votes and close it."""
    return meeting.status == MeetingStatus.CONVENED and meeting.starts_at <= timezone.now() and can_run_meetings(user)


def can_write_minutes(user, meeting: Meeting) -> bool:
    """The officers write the minutes of a held meeting until a later meeting approves them."""
    return meeting.status == MeetingStatus.HELD and can_run_meetings(user)


def can_read_minutes(user, minutes: Minutes) -> bool:
    """The board and staff read every draft; every member reads approved minutes made public."""
    if can_see_meetings(user):
        return True
    return core.is_member(user) and minutes.approved_at is not None and minutes.public_to_members
