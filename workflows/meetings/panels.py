"""What board meetings add to other apps' pages."""

from __future__ import annotations

from intranet.plugins import Panel
from workflows.meetings import selectors


def meetings_waiting(user, _nothing) -> Panel | None:
    """On "My tasks": the convocations the reader has not answered, and for the president and the
    secretary the meetings still to convene."""
    waiting = selectors.meetings_waiting_for(user)
    return Panel("meetings/_tasks_panel.html", {"waiting": waiting}) if waiting else None
