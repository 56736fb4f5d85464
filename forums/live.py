"""The forum pages' live subscriptions: a thread, or a forum (its list and unread counters).
What a page missed comes rendered for its reader (``frames.replay_for_reader``)."""

from __future__ import annotations

from django.http import Http404

from forums import frames, policies, reading, selectors
from forums.frames import forum_group, thread_group
from forums.models import Forum
from realtime import subscriptions


def _authorize_thread(user, thread_id: int) -> str | None:
    try:
        return thread_group(selectors.get_thread_for_user(user, thread_id).pk)
    except Http404:
        return None


def _authorize_forum(user, forum_id: int) -> str | None:
    forum = Forum.objects.select_related("college").filter(pk=forum_id).first()
    if forum is None or not policies.can_read_forum(user, forum):
        return None
    return forum_group(forum.pk)


def _replay_thread(user, thread_id: int, since: int) -> tuple[list[str], bool]:
    if _authorize_thread(user, thread_id) is None:
        return [], True
    events, complete = selectors.events_since(since=since, thread_id=thread_id)
    return frames.replay_for_reader(user, events), complete


def _replay_forum(user, forum_id: int, since: int) -> tuple[list[str], bool]:
    if _authorize_forum(user, forum_id) is None:
        return [], True
    events, complete = selectors.events_since(since=since, forum_id=forum_id)
    if not events:
        return [], complete
    # Replayed events may be counted twice by the page: its counts, as they are now, come last.
    replayed = frames.replay_for_reader(user, events, for_forum_lists=True)
    return [*replayed, frames.forum_counts_frame(user, forum_id)], complete


def _mark_threads_read(marks: list) -> None:
    reading.mark_threads_read(marks)  # looked up when called: tests replace it


# Declared in ForumsConfig.ready() (intranet.plugins).
SUBSCRIPTIONS = {
    "thread": subscriptions.SubscriptionKind(_authorize_thread, _replay_thread, mark_read=_mark_threads_read),
    "forum": subscriptions.SubscriptionKind(_authorize_forum, _replay_forum),
}
