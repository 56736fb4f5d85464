"""What the forums add to other apps' pages (declared in ForumsConfig.ready())."""

from __future__ import annotations

from forums.selectors import forums_with_unread, latest_event_id, visible_forums
from intranet.models import College
from intranet.plugins import Panel


def college_forum(user, college: College) -> Panel | None:
    """On a collège's page: its forum, with the unread counter, for the collège's own members."""
    own_forum = list(visible_forums(user).filter(college=college))
    if not own_forum:
        return None
    live_since = latest_event_id(forums=own_forum)  # before the counts: nothing falls between
    forum = forums_with_unread(user, own_forum, for_live_page=True)[0]
    return Panel("forums/_college_panel.html", {"forum": forum}, scripts=("forums/forums.js",), live_since=live_since)
