"""The member's home, live for what the forums' frames do not carry: a document uploaded, a
proposal that moved, a decision entered. The app that changed something calls
``tell_open_homes`` in its transaction; once committed, the open homes of those who may see the
place's news (the collège's members, or every member for the association's) are told that it
changed, and each reads its "since" again (``home_news``), asking the policies as the page does.
The frame names nothing (no document, no proposal): a restricted folder stays unnamed.
"""

from __future__ import annotations

import json

from intranet import policies
from intranet.models import College
from realtime import events, subscriptions

# What the home page subscribes to: its reader's collèges, and 0 for the association's news.
CHANNEL = "activity"
ASSOCIATION_ID = 0


def activity_group(college_id: int | None) -> str:
    return f"activity.{college_id or 'association'}"


def tell_open_homes(*college_ids: int | None) -> None:
    """After commit: the open homes that show these collèges' news (None: the association's) read
    it again. Called inside the changing transaction."""
    groups = {activity_group(college_id) for college_id in college_ids}
    frame = json.dumps({"event": "activity.changed", "data": {}}, separators=(",", ":"))
    events.send_on_commit(frame, groups=groups)


def _authorize(user, college_id: int) -> str | None:
    if college_id == ASSOCIATION_ID:
        return activity_group(None) if policies.is_member(user) else None
    college = College.objects.filter(pk=college_id, is_active=True).first()
    if college is None or not policies.can_follow_college_news(user, college.pk):
        return None
    return activity_group(college.pk)


def _replay(user, college_id: int, since: int) -> tuple[list[str], bool]:
    # Nothing kept to replay: after a reconnection the home reads its news again anyway.
    return [], True


SUBSCRIPTIONS = {CHANNEL: subscriptions.SubscriptionKind(_authorize, _replay)}
