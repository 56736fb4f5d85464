"""The home page: part of the project's shell, which may know every app (docs/architecture.md).

What waits for the person and what happened since their last visit come from ``intranet.activity``,
which the apps feed; the forums' card is the forums' own, live."""

from __future__ import annotations

from django.shortcuts import render

from forums.selectors import forums_with_unread, latest_event_id, visible_forums
from intranet import activity, selectors
from intranet.actions import record_home_visit

# ?depuis=7 or ?depuis=30: further back than the last visit.
SINCE_PARAMETER = "depuis"


def home(request):
    choice = request.GET.get(SINCE_PARAMETER, "visit")
    if choice not in activity.CHOICES:
        choice = "visit"
    visit = record_home_visit(request.user)
    since = activity.window(request.user, choice, visit=visit)
    forums = list(visible_forums(request.user))
    live_since = latest_event_id(forums=forums)  # before the counts: nothing falls between
    return render(
        request,
        "intranet/home.html",
        {
            "activity": activity.activity_for(request.user, since=since, choice=choice),
            "since_parameter": SINCE_PARAMETER,
            "colleges": list(selectors.my_colleges(request.user)),
            "board": selectors.board_for_member(request.user),
            "forums": forums_with_unread(request.user, forums, for_live_page=True),
            "live_since": live_since,
        },
    )
