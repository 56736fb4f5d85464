"""What the archive adds to other apps' pages."""

from __future__ import annotations

from intranet.plugins import Panel
from workflows.archives import selectors


def waiting_fonds(user, _nothing) -> Panel | None:
    """On "My tasks": the fonds whose step waits for the reader."""
    waiting = selectors.waiting_fonds(user)
    return Panel("archives/_tasks_panel.html", {"waiting": waiting}) if waiting else None
