"""What the forums add to the member's home (``intranet.activity``): new threads in the forums the
reader may read, and new replies in the threads they follow. Two queries, whatever the number
of forums and threads."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from forums.models import FollowLevel, Thread
from forums.selectors import thread_url, visible_forums
from intranet.activity import LINES_PER_SOURCE, Happening, place_of


def new_threads(user, since: datetime) -> list[Happening]:
    threads = (
        Thread.objects.filter(forum__in=visible_forums(user).values("pk"), created_at__gte=since)
        .exclude(author=user)
        .select_related("forum__college", "author")
        .order_by("-created_at")[:LINES_PER_SOURCE]
    )
    return [
        Happening(
            kind="thread",
            kind_label=_("New threads"),
            title=thread.title,
            url=thread_url(thread.pk),
            at=thread.created_at,
            place=place_of(thread.forum.college),
            actor=thread.author.get_full_name(),
            detail=thread.forum.name,
            key=f"thread-{thread.pk}",
        )
        for thread in threads
    ]


def replies_in_followed_threads(user, since: datetime) -> list[Happening]:
    """The threads the reader follows with replies by others since then, and how many."""
    new_replies = Q(posts__created_at__gte=since, posts__number__gt=1, posts__deleted_at__isnull=True) & ~Q(
        posts__author=user
    )
    threads = (
        Thread.objects.filter(
            forum__in=visible_forums(user).values("pk"),
            last_activity_at__gte=since,
            read_states__user=user,
            read_states__follow=FollowLevel.FOLLOWING,
        )
        .annotate(new_replies=Count("posts", filter=new_replies))
        .filter(new_replies__gt=0)
        .select_related("forum__college")
        .order_by("-last_activity_at")[:LINES_PER_SOURCE]
    )
    return [
        Happening(
            kind="replies",
            kind_label=_("New replies in threads I follow"),
            title=thread.title,
            url=thread_url(thread.pk),
            at=thread.last_activity_at,
            place=place_of(thread.forum.college),
            detail=thread.forum.name,
            count=thread.new_replies,
            key=f"thread-{thread.pk}",
            number=thread.post_count,
        )
        for thread in threads
    ]
