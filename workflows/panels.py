"""What the workflow adds to other apps' pages (declared in WorkflowsConfig.ready())."""

from __future__ import annotations

from forums.models import Thread
from intranet.plugins import Panel
from workflows.policies import can_view_proposal


def thread_proposal(user, thread: Thread) -> Panel | None:
    """On a thread's page: the proposal the thread discusses, if the reader may open it."""
    proposal = getattr(thread, "proposal", None)  # the reverse one-to-one, loaded with the thread
    if proposal is None or not can_view_proposal(user, proposal):
        return None
    return Panel("workflows/_thread_panel.html", {"proposal": proposal})
