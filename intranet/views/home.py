"""The home page: part of the project's shell, which may know every app (docs/architecture.md).

What waits for the person and what happened since their last visit come from ``intranet.activity``,
which the apps feed; the forums' card is the forums' own, live."""

from __future__ import annotations

from dataclasses import asdict

from django.shortcuts import render
from django.views.decorators.http import require_GET

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
    # Where a new thread's line goes when its frame arrives: the forum's collège.
    forum_places = {forum.pk: {**asdict(activity.place_of(forum.college)), "forum": forum.name} for forum in forums}
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
            "forum_places": forum_places,
        },
    )


@require_GET
def home_waiting(request):
    """The "waiting for me" card alone: the home asks for it again when the person's notifications
    change (a frame only they receive), so it follows what lands on their desk."""
    return render(request, "intranet/_home_waiting.html", {"waiting": activity.waiting_for(request.user)})
