"""The forum pages' live subscriptions: a thread, or a forum (its list and unread counters)."""

from __future__ import annotations

from forums import policies, selectors
from forums.actions import encode_event, forum_group, thread_group
from forums.models import Forum, Thread
from realtime import subscriptions


def _authorize_thread(user, thread_id: int) -> str | None:
    thread = Thread.objects.select_related("forum", "forum__college").filter(pk=thread_id).first()
    if thread is None or not policies.can_read_forum(user, thread.forum):
        return None
    return thread_group(thread.pk)


def _authorize_forum(user, forum_id: int) -> str | None:
    forum = Forum.objects.select_related("college").filter(pk=forum_id).first()
    if forum is None or not policies.can_read_forum(user, forum):
        return None
    return forum_group(forum.pk)


def _replay_thread(user, thread_id: int, since: int) -> list[str]:
    if _authorize_thread(user, thread_id) is None:
        return []
    return [encode_event(event) for event in selectors.thread_events_since(user, thread_id, since)]


def _replay_forum(user, forum_id: int, since: int) -> list[str]:
    if _authorize_forum(user, forum_id) is None:
        return []
    return [encode_event(event) for event in selectors.forum_events_since(user, forum_id, since)]


def register_subscriptions() -> None:
    subscriptions.register("thread", subscriptions.SubscriptionKind(_authorize_thread, _replay_thread))
    subscriptions.register("forum", subscriptions.SubscriptionKind(_authorize_forum, _replay_forum))
