"""Who is in the room of a meeting, from the secretary's roll call: the quorum, who votes, and
whether the counts of a vote in the room count anything."""

from __future__ import annotations

from django.utils.translation import gettext as _

from intranet.exceptions import ActionRefused
from intranet.models import BoardMembership
from workflows.meetings import rules
from workflows.meetings.models import Attendance, Meeting


def board_ids() -> set[int]:
    return set(BoardMembership.objects.filter(user__is_active=True).values_list("user_id", flat=True))


def _rows(meeting: Meeting) -> list[tuple[int, str, int | None, bool | None]]:
    return list(
        Attendance.objects.filter(meeting=meeting).values_list("member_id", "answer", "proxy_to_id", "present_in_room")
    )


def room_quorum(meeting: Meeting) -> rules.Quorum | None:
    """Who may vote in the room (present, and represented by a present holder), from the roll
    call; None before the secretary recorded one."""
    quorum, from_roll_call = rules.quorum_of_attendance(
        board_ids(), _rows(meeting), quorum=meeting.quorum, max_held=meeting.max_proxies_held or 0
    )
    return quorum if from_roll_call else None


def room_voters_of(meeting: Meeting) -> dict[int, int | None]:
    """Each board member who votes in the room → None when present, or the present member who
    holds their proxy."""
    return rules.room_voters(board_ids(), _rows(meeting), max_held=meeting.max_proxies_held or 0)


def refuse_empty_counts(votes_for: int, votes_against: int, abstentions: int) -> None:
    """Counts that add up to nothing were not counted (a form left at zero): not a vote."""
    if votes_for + votes_against + abstentions == 0:
        raise ActionRefused(
            _("Nothing was counted: give the number of votes for, against and abstentions."), field="votes_for"
        )
