"""Reads of the forums, filtered by the forum policy, with reading state and counters."""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import timedelta

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest
from django.http import Http404
from django.urls import reverse

from forums import policies
from forums.models import (
    FollowLevel,
    Forum,
    ForumEvent,
    ForumFollow,
    Post,
    ReadState,
    Thread,
)
from intranet import plugins
from intranet import policies as core
from intranet.links import address_maker
from intranet.models import HANDLE_PATTERN, User

POSTS_PER_PAGE = 20
THREADS_PER_PAGE = 30
REPLAY_LIMIT = 500
REPLAY_MARGIN = timedelta(seconds=10)


def visible_forums(user, *, with_latest_event: bool = False) -> QuerySet[Forum]:
    forums = Forum.objects.filter(policies.readable_forums_q(user)).distinct().select_related("college")
    if with_latest_event:  # where a live page of these forums starts
        forums = forums.annotate(live_since=Coalesce(_latest_event(forum=OuterRef("pk")), 0))
    return forums


READABLE_FORUMS = "readable_forums"  # the question read once per page (``core.read_once``)


def readable_forums(user) -> list[Forum]:
    """``visible_forums``, read once while a page is read (``roles_read_once``): the home and its
    parts ask the same question (ids in a list, not a subquery compiled by each)."""
    return core.read_once(user, READABLE_FORUMS, lambda: list(visible_forums(user)))


def readable_forum_ids(user) -> list[int] | QuerySet:
    """The ids of the forums ``user`` reads, for a filter: those of ``readable_forums`` when the
    page already read them (no subquery compiled again), else a subquery."""
    if core.answered_once(user, READABLE_FORUMS):
        return [forum.pk for forum in readable_forums(user)]
    return visible_forums(user).values("pk")


def _last_read(user) -> Subquery:
    return Subquery(
        ReadState.objects.filter(user=user, thread=OuterRef("pk")).values("last_read_number")[:1],
        output_field=IntegerField(),
    )


def _follow(user) -> Subquery:
    return Subquery(ReadState.objects.filter(user=user, thread=OuterRef("pk")).values("follow")[:1])


def threads_with_reading_state(user) -> QuerySet[Thread]:
    return Thread.objects.annotate(
        last_read=Coalesce(_last_read(user), Value(0)),
        follow_level=Coalesce(_follow(user), Value(FollowLevel.NORMAL)),
    ).annotate(unread=Greatest(F("post_count") - F("last_read"), Value(0)))


def forums_with_unread(user, forums: list[Forum] | None = None, *, for_live_page: bool = False) -> list[Forum]:
    """The forums the member reads (or these, already read from ``visible_forums``), each with
    ``unread`` (posts not yet read, muted threads aside) and ``thread_count``; for a live page,
    also ``muted_threads``, which its counters leave out as replies arrive. One query: for a live
    page, each muted thread is a group of its own beside its forum's."""
    forums = readable_forums(user) if forums is None else forums
    muted_group = {}
    if for_live_page:
        muted_group["muted_thread"] = Case(When(follow_level=FollowLevel.MUTED, then="pk"), output_field=IntegerField())
    rows = (
        threads_with_reading_state(user)
        .filter(forum__in=[forum.pk for forum in forums])
        .values("forum", **muted_group)
        .annotate(total=Sum("unread", filter=~Q(follow_level=FollowLevel.MUTED)), threads=Count("pk"))
        .order_by()
    )
    unread: dict[int, int] = defaultdict(int)
    thread_count: dict[int, int] = defaultdict(int)
    muted: dict[int, list[int]] = defaultdict(list)
    for row in rows:
        unread[row["forum"]] += row["total"] or 0
        thread_count[row["forum"]] += row["threads"]
        if row.get("muted_thread"):
            muted[row["forum"]].append(row["muted_thread"])
    for forum in forums:
        forum.unread, forum.thread_count = unread[forum.pk], thread_count[forum.pk]
        forum.muted_threads = " ".join(map(str, sorted(muted[forum.pk])))
    return forums


def _muted(user, forum_ids: list[int]) -> QuerySet[ReadState]:
    return ReadState.objects.filter(user=user, follow=FollowLevel.MUTED, thread__forum__in=forum_ids)


def muted_thread_ids(user, forum_id: int) -> set[int]:
    return set(_muted(user, [forum_id]).values_list("thread", flat=True))


def unread_in_forum(user, forum_id: int) -> int:
    """The reader's unread messages in one forum, muted threads aside (as ``forums_with_unread``)."""
    return (
        threads_with_reading_state(user)
        .filter(forum_id=forum_id)
        .exclude(follow_level=FollowLevel.MUTED)
        .aggregate(total=Sum("unread"))["total"]
        or 0
    )


def get_forum_for_user(user, slug: str, *, for_page: bool = False) -> Forum:
    """The forum, or 404. ``for_page``: with what its page shows beside its threads, in the
    same query (``live_since``, ``thread_count``, ``followed`` by the reader)."""
    forums = visible_forums(user).filter(slug=slug)
    if for_page:
        forums = forums.annotate(
            live_since=Coalesce(_latest_event(forum=OuterRef("pk")), 0),
            thread_count=Coalesce(
                Subquery(
                    Thread.objects.filter(forum=OuterRef("pk")).values("forum").annotate(n=Count("pk")).values("n"),
                    output_field=IntegerField(),
                ),
                0,
            ),
            followed=Exists(ForumFollow.objects.filter(user=user, forum=OuterRef("pk"))),
        )
    forum = forums.first()
    if forum is None:
        raise Http404
    return forum


def threads_of_forum(user, forum: Forum) -> QuerySet[Thread]:
    return (
        threads_with_reading_state(user)
        .filter(forum=forum)
        .select_related("author")
        .order_by("-pinned", "-last_activity_at", "-pk")
    )


def get_thread_for_user(user, thread_id: int) -> Thread:
    """The thread, or 404 for a missing one and for one the member may not read."""
    thread = Thread.objects.select_related("forum", "forum__college", "author").filter(pk=thread_id).first()
    if thread is None or not policies.can_read_forum(user, thread.forum):
        raise Http404
    return thread


def _latest_event(**scope) -> Subquery:
    return Subquery(ForumEvent.objects.filter(**scope).order_by("-pk").values("pk")[:1], output_field=IntegerField())


def get_thread_for_page(user, thread_id: int) -> tuple[Thread, ReadState, int]:
    """The thread as its page opens, in one query: the thread (404 as ``get_thread_for_user``),
    the reader's read state, and the last event, where the page's live updates start (read
    before the posts: nothing falls between), with what other apps' panels read of it."""
    states = ReadState.objects.filter(user=user, thread=OuterRef("pk"))
    thread = (
        Thread.objects.select_related(
            "forum", "forum__college", "author", *plugins.panel_relations(plugins.THREAD_PAGE)
        )
        .annotate(
            live_since=Coalesce(_latest_event(thread=OuterRef("pk")), 0),
            reader_state=Subquery(states.values("pk")[:1]),
            reader_last_read=Subquery(states.values("last_read_number")[:1], output_field=IntegerField()),
            reader_follow=Subquery(states.values("follow")[:1]),
        )
        .filter(pk=thread_id)
        .first()
    )
    if thread is None or not policies.can_read_forum(user, thread.forum):
        raise Http404
    state = ReadState(user=user, thread=thread, last_read_number=thread.reader_last_read or 0)
    if thread.reader_state is not None:
        state.pk, state.follow, state._state.adding = thread.reader_state, thread.reader_follow, False
    return thread, state, thread.live_since


def get_post_for_user(user, post_id: int) -> Post:
    post = (
        Post.objects.select_related("thread", "thread__forum", "thread__forum__college", "author")
        .filter(pk=post_id)
        .first()
    )
    if post is None or not policies.can_read_forum(user, post.thread.forum):
        raise Http404
    return post


def follows_forum(user, forum: Forum) -> bool:
    return ForumFollow.objects.filter(user=user, forum=forum).exists()


def read_state(user, thread: Thread) -> ReadState:
    return ReadState.objects.filter(user=user, thread=thread).first() or ReadState(
        user=user, thread=thread, last_read_number=0
    )


def page_of_number(number: int) -> int:
    return max(1, (number - 1) // POSTS_PER_PAGE + 1)


def thread_url(thread_id: int, number: int | None = None) -> str:
    """A thread's address, at the page and anchor of post ``number`` if given."""
    url = address_maker("forums:thread")(thread_id)
    if number:
        url += f"?page={page_of_number(number)}#post-{number}"
    return url


def page_count(thread: Thread) -> int:
    return page_of_number(max(thread.post_count, 1))


def posts_of_page(thread: Thread, page: int) -> QuerySet[Post]:
    first = (page - 1) * POSTS_PER_PAGE + 1
    return (
        Post.objects.filter(thread=thread, number__gte=first, number__lt=first + POSTS_PER_PAGE)
        .select_related("author", "hidden_by")
        .order_by("number")
    )


MAX_MENTIONS = 50


def mention_resolver(forum: Forum, source: str):
    """Resolves the @handles of ``source`` to people who can read ``forum`` (one query, at most
    MAX_MENTIONS people); everyone else stays plain text."""
    handles = {match.lower() for match in re.findall(r"(?<![\w@.])@(" + HANDLE_PATTERN + ")", source)}
    people = User.objects.filter(handle__in=list(handles)[: MAX_MENTIONS * 2], is_active=True)
    readable = {}
    for person in people:
        if len(readable) < MAX_MENTIONS and policies.can_read_forum(person, forum):
            readable[person.handle] = (person.pk, reverse("member_detail", args=[person.pk]))
    return readable.get


def moderated_forums(user) -> list[Forum]:
    return [forum for forum in visible_forums(user) if policies.can_moderate_forum(user, forum)]


def latest_event_id(*, thread: Thread | None = None, forums: list[Forum] | None = None) -> int:
    """The last event of what a page shows, where its live updates start from.

    Scoped to the page's own thread or forums: a global number would tell a member how much
    happens in forums they cannot read.
    """
    events = ForumEvent.objects.all()
    if thread is not None:
        events = events.filter(thread=thread)
    else:
        events = events.filter(forum__in=[forum.pk for forum in forums or []])
    return events.order_by("-pk").values_list("pk", flat=True).first() or 0


def events_since(
    *, since: int, thread_id: int | None = None, forum_id: int | None = None
) -> tuple[list[ForumEvent], bool]:
    """The events a page missed, oldest first, and whether that is all of them.

    Also the events of the few seconds before ``since``: ids are given at insert, not at commit,
    so on PostgreSQL an event can become visible after a later one. The page drops duplicates.
    """
    events = (
        ForumEvent.objects.filter(thread_id=thread_id)
        if thread_id is not None
        else ForumEvent.objects.filter(forum_id=forum_id)
    )
    since_time = ForumEvent.objects.filter(pk=since).values_list("created_at", flat=True).first()
    if since_time is not None:
        events = events.filter(Q(pk__gt=since) | Q(created_at__gte=since_time - REPLAY_MARGIN))
    else:
        events = events.filter(pk__gt=since)
    found = list(events.order_by("pk")[: REPLAY_LIMIT + 1])
    return found[:REPLAY_LIMIT], len(found) <= REPLAY_LIMIT


def quotable_post(thread: Thread, post_id: str) -> Post | None:
    """The post a reply quotes, only from this thread, and never a hidden or deleted one."""
    if not post_id.isdecimal() or len(post_id) > 18:
        return None
    return (
        Post.objects.select_related("author")
        .filter(pk=int(post_id), thread=thread, deleted_at=None, hidden_at=None)
        .first()
    )
