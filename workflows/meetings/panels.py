"""What board meetings add to other apps' pages."""

from __future__ import annotations

from intranet.plugins import Panel
from workflows.meetings import policies, selectors
from workflows.meetings.room import roll_calls_of


def meetings_waiting(user, _nothing) -> Panel | None:
    """On "My tasks": the convocations the reader has not answered, and for the president and the
    secretary the meetings still to convene."""
    waiting = selectors.meetings_waiting_for(user)
    return Panel("meetings/_tasks_panel.html", {"waiting": waiting}) if waiting else None


def register_links(user, _nothing) -> Panel:
    """On the register: the board's meetings (board and staff), and the minutes every member reads."""
    return Panel("meetings/_register_panel.html", {"sees_meetings": policies.can_see_meetings(user)})


def decision_meeting(user, decision) -> Panel | None:
    """On a decision taken in session: its meeting, linked for those who may open it."""
    meeting = selectors.meeting_of_decision(decision)
    if meeting is None:
        return None
    vote = getattr(decision, "vote", None)
    sees_meetings = policies.can_see_meetings(user)
    context = {
        "meeting": meeting,
        "sees_meetings": sees_meetings,
        # The tally alone ("2 for, 2 against: adopted") would not say what decided it.
        "casting_vote_used": bool(vote and vote.casting_vote_used),
        # Named as on the meeting's page, for those who read it (members read them in public minutes).
        "roll_call": roll_calls_of(meeting, [vote]).get(vote.pk, []) if sees_meetings and vote else [],
    }
    return Panel("meetings/_decision_panel.html", context)
