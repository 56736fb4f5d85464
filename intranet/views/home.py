"""The home page: part of the project's shell, which may know every app (docs/architecture.md).

What waits for the person and what happened since their last visit come from ``intranet.activity``,
which the apps feed; the forums' card is the forums' own, live."""

from __future__ import annotations

from dataclasses import asdict

from django.http import HttpResponseBadRequest
from django.shortcuts import render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from forums.selectors import forums_with_unread, latest_event_id, readable_forums
from intranet import activity, policies, selectors
from intranet.actions import record_home_visit

# ?depuis=7 or ?depuis=30: further back than the last visit.
SINCE_PARAMETER = "depuis"
# The moment an open home shows news since, when it reads them again (``home_news``).
NEWS_PARAMETER = "depuis_le"


def home(request):
    choice = request.GET.get(SINCE_PARAMETER, "visit")
    if choice not in activity.CHOICES:
        choice = "visit"
    visit = record_home_visit(request.user)
    since = activity.window(request.user, choice, visit=visit)
    forums = readable_forums(request.user)
    live_since = latest_event_id(forums=forums)  # before the counts: nothing falls between
    # Where a new thread's line goes when its frame arrives: the forum's collège.
    forum_places = {
        forum.pk: {**asdict(activity.place_of(forum.college)), "forum": forum.display_name} for forum in forums
    }
    colleges = list(selectors.my_colleges(request.user))
    # Staff's home shows every collège's news; a member's, their collèges' (the policy's rule:
    # can_follow_college_news, which the subscription asks), with no query more.
    followed = selectors.active_colleges() if policies.can_manage_association(request.user) else colleges
    return render(
        request,
        "intranet/home.html",
        {
            "activity": activity.activity_for(request.user, since=since, choice=choice),
            "since_parameter": SINCE_PARAMETER,
            "news_parameter": NEWS_PARAMETER,
            "colleges": colleges,
            "live_college_ids": [college.pk for college in followed],
            "board": selectors.get_board_for_user(request.user),
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


@require_GET
def home_news(request):
    """The "since" part alone, from the moment the open home shows (never moving the visit): the
    home reads it again when a collège's news changed (``intranet.activity_live``)."""
    try:
        since = parse_datetime(request.GET.get(NEWS_PARAMETER, ""))
    except ValueError:
        since = None
    if since is None or timezone.is_naive(since) or since > timezone.now():
        return HttpResponseBadRequest(_("This period cannot be shown."), content_type="text/plain; charset=utf-8")
    return render(request, "intranet/_home_places.html", {"places": activity.happened_since(request.user, since)})
