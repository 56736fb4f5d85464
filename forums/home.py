"""What the forums add to the member's home (``intranet.activity``): new threads in the forums the
reader may read, and new replies in the threads they follow. Two queries, whatever the number
of forums and threads."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Count, FilteredRelation, Q
from django.utils.translation import gettext_lazy as _

from forums.models import FollowLevel, Thread
from forums.selectors import readable_forums
from intranet.activity import LINES_PER_SOURCE, Happening, place_named
from intranet.builtins import builtin_text
from intranet.links import address_maker
from intranet.models import full_name


def new_threads(user, since: datetime) -> list[Happening]:
    rows = (
        Thread.objects.filter(forum__in=[forum.pk for forum in readable_forums(user)], created_at__gte=since)
        .exclude(author=user)
        .order_by("-created_at")
        .values_list(
            "pk",
            "title",
            "created_at",
            "forum__name",
            "forum__college__slug",
            "forum__college__name",
            "author__first_name",
            "author__last_name",
        )[:LINES_PER_SOURCE]
    )
    url = address_maker("forums:thread")
    return [
        Happening(
            kind="thread",
            kind_label=_("New threads"),
            title=title,
            url=url(pk),
            at=created_at,
            place=place_named(college_slug, college_name),
            actor=full_name(first, last),
            detail=builtin_text(forum),  # the general and the board's forums: in the reader's language
            key=f"thread-{pk}",
        )
        for pk, title, created_at, forum, college_slug, college_name, first, last in rows
    ]


def replies_in_followed_threads(user, since: datetime) -> list[Happening]:
    """The threads the reader follows with replies by others since then, and how many."""
    # The condition is in the join, so that only the posts written since then are read.
    since_then = FilteredRelation("posts", condition=Q(posts__created_at__gte=since))
    new_replies = Q(since_then__number__gt=1, since_then__deleted_at__isnull=True) & ~Q(since_then__author=user)
    threads = (
        Thread.objects.annotate(since_then=since_then)
        .filter(
            forum__in=[forum.pk for forum in readable_forums(user)],
            last_activity_at__gte=since,
            read_states__user=user,
            read_states__follow=FollowLevel.FOLLOWING,
        )
        .annotate(new_replies=Count("since_then", filter=new_replies))
        .filter(new_replies__gt=0)
        .order_by("-last_activity_at")
        .values_list(
            "pk",
            "title",
            "last_activity_at",
            "post_count",
            "new_replies",
            "forum__name",
            "forum__college__slug",
            "forum__college__name",
        )[:LINES_PER_SOURCE]
    )
    url = address_maker("forums:thread")
    return [
        Happening(
            kind="replies",
            kind_label=_("New replies in threads I follow"),
            title=title,
            url=url(pk),
            at=last_activity_at,
            place=place_named(college_slug, college_name),
            detail=builtin_text(forum),
            count=new_replies,
            key=f"thread-{pk}",
            number=post_count,
        )
        for pk, title, last_activity_at, post_count, new_replies, forum, college_slug, college_name in threads
    ]
