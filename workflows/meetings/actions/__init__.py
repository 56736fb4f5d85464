"""Every change to board meetings: planning, the agenda, the convocation, answers and proxies,
and who was in the room. Each runs in one transaction that locks the meeting, writes its audit
row, and notifies after commit through the notifications' outbox.

They live in ``planning`` (a meeting planned and convened, a person's calendar address),
``agenda`` (what waits for a meeting, items added, moved, removed) and ``attendance`` (answers,
proxies, the roll call), with what they share in ``common``; callers name them from here.
"""

from workflows.meetings.actions.agenda import (
    FINISHED,
    TITLE_MAX_LENGTH,
    add_free_item,
    add_minutes_approval,
    add_proposals,
    minutes_waiting_for_approval,
    move_item,
    proposals_waiting_for_a_meeting,
    remove_item,
    renumber,
    touch_agenda,
)
from workflows.meetings.actions.attendance import answer, record_presence
from workflows.meetings.actions.common import MeetingAction, locked_meeting, require, touch_meeting
from workflows.meetings.actions.planning import (
    PLACE_MAX_LENGTH,
    PLAN_AHEAD_MAX,
    VIDEO_LINK_MAX_LENGTH,
    LateConvocation,
    convene,
    plan_meeting,
    renew_calendar_feed,
)

__all__ = [
    "FINISHED",
    "PLACE_MAX_LENGTH",
    "PLAN_AHEAD_MAX",
    "TITLE_MAX_LENGTH",
    "VIDEO_LINK_MAX_LENGTH",
    "LateConvocation",
    "MeetingAction",
    "add_free_item",
    "add_minutes_approval",
    "add_proposals",
    "answer",
    "convene",
    "locked_meeting",
    "minutes_waiting_for_approval",
    "move_item",
    "plan_meeting",
    "proposals_waiting_for_a_meeting",
    "record_presence",
    "remove_item",
    "renew_calendar_feed",
    "renumber",
    "require",
    "touch_agenda",
    "touch_meeting",
]
