"""The forums' part of notifications: who hears of a new post or thread, and how posts and
threads are shown in a notification (only to those who may read them now)."""

from __future__ import annotations

from datetime import timedelta

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from forums import policies
from forums.models import FollowLevel, ForumFollow, Post, ReadState, Thread
from forums.selectors import readable_forum_ids, thread_url
from intranet.markdown import plain_text
from intranet.models import User
from intranet.notifications.actions import mark_read_about, mark_read_about_for, notify
from intranet.notifications.kinds import MENTION, NotificationKind
from intranet.notifications.targets import Target, excerpt

# Its kinds of notification (registered in apps.py): a burst in a thread or a forum makes one e-mail.
REPLY = NotificationKind("reply", _l("A reply in a thread I follow"), 20, grouping_window=timedelta(minutes=5))
NEW_THREAD = NotificationKind(
    "new_thread", _l("A new thread in a forum I follow"), 30, grouping_window=timedelta(minutes=5)
)
KINDS = [REPLY, NEW_THREAD]

SENTENCES = {
    "mentioned": lambda: _("%(actor)s mentioned you in “%(title)s”"),
    "replied": lambda: _("%(actor)s replied in “%(title)s”"),
    "thread_started": lambda: _("%(actor)s started the thread “%(title)s”"),
}


def describe_posts(user, ids: list[int]) -> dict[int, Target]:
    posts = Post.objects.filter(
        pk__in=ids, deleted_at__isnull=True, thread__forum__in=readable_forum_ids(user)
    ).select_related("thread__forum")
    moderated: dict[int, bool] = {}  # per forum: one question, however many hidden posts

    def shown(post: Post) -> bool:
        if not post.is_hidden or post.author_id == user.pk:
            return True
        forum = post.thread.forum
        if forum.pk not in moderated:
            moderated[forum.pk] = policies.can_moderate_forum(user, forum)
        return moderated[forum.pk]

    return {
        post.pk: Target(
            title=post.thread.title,
            url=thread_url(post.thread_id, post.number),
            excerpt="" if post.is_hidden else excerpt(plain_text(post.body_html)),
        )
        for post in posts
        if shown(post)
    }


def describe_threads(user, ids: list[int]) -> dict[int, Target]:
    threads = Thread.objects.filter(pk__in=ids, forum__in=readable_forum_ids(user))
    return {thread.pk: Target(title=thread.title, url=thread_url(thread.pk)) for thread in threads}


def read_in_the_page(user: User, thread: Thread, number: int) -> None:
    """The member has read the thread up to post ``number``: what notified them of those posts
    (and of the thread's start) is read too, so the bell drops and the digest leaves it out."""
    posts = Post.objects.filter(thread=thread, number__lte=number).values("pk")
    mark_read_about(user, target_type="post", target_ids=posts)
    mark_read_about(user, target_type="thread", target_ids=[thread.pk])


def read_in_the_pages(thread: Thread, reads: dict[int, int]) -> None:
    """The same for many members at once (user id → post number): one update per number."""
    by_number: dict[int, list[int]] = {}
    for user_id, number in reads.items():
        by_number.setdefault(number, []).append(user_id)
    for number, user_ids in by_number.items():
        posts = Post.objects.filter(thread=thread, number__lte=number).values("pk")
        mark_read_about_for(user_ids, target_type="post", target_ids=posts)
    if reads:
        mark_read_about_for(list(reads), target_type="thread", target_ids=[thread.pk])


def _readers(user_ids, thread: Thread) -> set[int]:
    """Of these people (ids, or a query of ids: then one query in all), those who may read the
    thread's forum now."""
    readers = User.objects.filter(policies.forum_readers_q(thread.forum), pk__in=user_ids)
    return set(readers.values_list("pk", flat=True).order_by().distinct())  # a set: no sorting


def _muted(thread: Thread) -> set[int]:
    return set(ReadState.objects.filter(thread=thread, follow=FollowLevel.MUTED).values_list("user_id", flat=True))


def notify_mentions(actor: User, post: Post, mentioned: set[int]) -> set[int]:
    """The people mentioned (already limited to the thread's readers when the post was rendered),
    except those who muted the thread. Returns who was notified."""
    if not mentioned:  # most replies: no question to ask
        return set()
    recipients = _readers(mentioned, post.thread) - _muted(post.thread) - {actor.pk}
    notify(
        kind=MENTION,
        event="mentioned",
        recipients=recipients,
        target_type="post",
        target_id=post.pk,
        actor=actor,
        group_key=f"thread:{post.thread_id}",
    )
    return recipients


def notify_new_post(actor: User, post: Post, mentioned: set[int]) -> None:
    """A reply: its mentions, then the thread's followers who were not mentioned."""
    already = notify_mentions(actor, post, mentioned)
    following = ReadState.objects.filter(thread=post.thread, follow=FollowLevel.FOLLOWING).values_list(
        "user_id", flat=True
    )
    notify(
        kind=REPLY,
        event="replied",
        recipients=_readers(following, post.thread) - already - {actor.pk},
        target_type="post",
        target_id=post.pk,
        actor=actor,
        group_key=f"thread:{post.thread_id}",
    )


def notify_new_thread(actor: User, thread: Thread, post: Post, mentioned: set[int]) -> None:
    already = notify_mentions(actor, post, mentioned)
    followers = ForumFollow.objects.filter(forum=thread.forum).values_list("user_id", flat=True)
    notify(
        kind=NEW_THREAD,
        event="thread_started",
        recipients=_readers(followers, thread) - already - {actor.pk},
        target_type="thread",
        target_id=thread.pk,
        actor=actor,
        group_key=f"forum:{thread.forum_id}",
    )
