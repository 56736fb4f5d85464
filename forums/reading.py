"""A reader's own state in the forums: how far they have read, and what they follow.

Like every action, each runs in one transaction and tells the reader's other pages only after
commit; marks only ever move forward, however many pages send them at once.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F, OuterRef, Subquery
from django.utils.translation import gettext as _

from forums import frames, notifications, policies
from forums.models import FollowLevel, Forum, ForumFollow, ReadState, Thread
from intranet.exceptions import ActionRefused
from intranet.models import User


def mark_thread_read(user: User, *, thread: Thread, up_to: int) -> int:
    """Move the reader's mark forward (never back); returns the number now read."""
    with transaction.atomic():
        # The count as it is now: the caller's thread may have been read before the last replies.
        post_count = Thread.objects.filter(pk=thread.pk).values_list("post_count", flat=True).get()
        up_to = max(0, min(up_to, post_count))
        state, _created = ReadState.objects.get_or_create(user=user, thread=thread)
        # Conditional, so that two pages marking at once never move the mark back.
        moved = ReadState.objects.filter(pk=state.pk, last_read_number__lt=up_to).update(last_read_number=up_to)
        if moved:
            thread.post_count = post_count
            muted = state.follow == FollowLevel.MUTED
            frames.send_thread_read_on_commit(user, thread, read=up_to, was=state.last_read_number, muted=muted)
            notifications.read_in_the_page(user, thread, up_to)
    return max(up_to, state.last_read_number)


def mark_threads_read(marks: list[tuple[User, int, int]]) -> None:
    """Many readers' marks at once, (person, thread id, post number), as their pages told them on
    their sockets (gathered by ``realtime.readmarks``): per thread, one question for who may still
    read it, one insert, one update per number reached, one frame per reader. Never moves back."""
    wanted: dict[int, dict[int, int]] = {}
    for user, thread_id, number in marks:
        readers = wanted.setdefault(thread_id, {})
        readers[user.pk] = max(number, readers.get(user.pk, 0))
    with transaction.atomic():
        threads = Thread.objects.select_related("forum", "forum__college").in_bulk(list(wanted))
        for thread_id, readers in wanted.items():
            if thread_id in threads:
                _mark_read_by(threads[thread_id], readers)


def _mark_read_by(thread: Thread, readers: dict[int, int]) -> None:
    allowed = User.objects.filter(policies.forum_readers_q(thread.forum), pk__in=list(readers))
    allowed_ids = set(allowed.values_list("pk", flat=True))
    up_to = {user_id: max(0, min(n, thread.post_count)) for user_id, n in readers.items() if user_id in allowed_ids}
    ReadState.objects.bulk_create(
        [ReadState(user_id=user_id, thread=thread) for user_id in up_to], ignore_conflicts=True
    )
    # Plain values: hundreds of readers at once, no model instances needed.
    states = ReadState.objects.filter(thread=thread, user_id__in=list(up_to))
    before = {
        user_id: (read, follow) for user_id, read, follow in states.values_list("user_id", "last_read_number", "follow")
    }
    moved = {user_id: n for user_id, n in up_to.items() if before[user_id][0] < n}
    by_number: dict[int, list[int]] = {}
    for user_id, n in moved.items():
        by_number.setdefault(n, []).append(user_id)
    for n, user_ids in by_number.items():
        # Conditional, so that a mark recorded meanwhile by another page is never moved back.
        ReadState.objects.filter(thread=thread, user_id__in=user_ids, last_read_number__lt=n).update(last_read_number=n)
    frames.send_threads_read_on_commit(
        thread,
        {user_id: (n, before[user_id][0], before[user_id][1] == FollowLevel.MUTED) for user_id, n in moved.items()},
    )
    notifications.read_in_the_pages(thread, moved)


def mark_forum_read(user: User, *, forum: Forum) -> None:
    if not policies.can_read_forum(user, forum):
        raise PermissionDenied("Cannot read this forum.")
    with transaction.atomic():
        threads = Thread.objects.filter(forum=forum)
        ReadState.objects.bulk_create(
            [ReadState(user=user, thread_id=pk) for pk in threads.values_list("pk", flat=True)],
            ignore_conflicts=True,
        )
        ReadState.objects.filter(user=user, thread__forum=forum, last_read_number__lt=F("thread__post_count")).update(
            last_read_number=Subquery(Thread.objects.filter(pk=OuterRef("thread_id")).values("post_count")[:1])
        )
        frames.send_forum_read_on_commit(user, forum)


def set_follow(user: User, *, thread: Thread, level: str) -> None:
    if not policies.can_read_forum(user, thread.forum):
        raise PermissionDenied("Cannot read this thread.")
    if level not in FollowLevel.values:
        raise ActionRefused(_("Unknown choice."))
    with transaction.atomic():
        ReadState.objects.update_or_create(user=user, thread=thread, defaults={"follow": level})
        frames.send_follow_on_commit(user, thread, level)


def set_forum_follow(user: User, *, forum: Forum, following: bool) -> None:
    """Hear (or stop hearing) of every new thread in a forum the member reads."""
    if not policies.can_read_forum(user, forum):
        raise PermissionDenied("Cannot read this forum.")
    with transaction.atomic():
        if following:
            ForumFollow.objects.get_or_create(user=user, forum=forum)
        else:
            ForumFollow.objects.filter(user=user, forum=forum).delete()
