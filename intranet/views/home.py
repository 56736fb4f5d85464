"""The home page: part of the project's shell, which may know every app (docs/architecture.md)."""

from __future__ import annotations

from django.shortcuts import render

from forums.selectors import forums_with_unread, latest_event_id, visible_forums
from intranet import selectors


def home(request):
    forums = list(visible_forums(request.user))
    live_since = latest_event_id(forums=forums)  # before the counts: nothing falls between
    return render(
        request,
        "intranet/home.html",
        {
            "colleges": selectors.my_colleges_with_members(request.user),
            "board": selectors.board_for_member(request.user),
            "forums": forums_with_unread(request.user, forums, for_live_page=True),
            "live_since": live_since,
        },
    )
