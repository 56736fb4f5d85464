"""Every change in the forums: threads, posts, moderation, reactions and reading state.

Each action runs in one transaction, writes its event to ``ForumEvent`` (the log pages catch up
from) and its audit row for moderation, and sends live events only after commit, only to the
groups of the thread and forum concerned (whose sockets joined after asking the policy).
"""

from __future__ import annotations

import unicodedata

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from forums import frames, notifications, policies
from forums.audit_details import ForumAudit
from forums.models import (
    FollowLevel,
    Forum,
    ForumEvent,
    ForumKind,
    Mention,
    Post,
    PostRevision,
    Reaction,
    ReactionKind,
    ReadState,
    Thread,
)
from forums.selectors import mention_resolver
from intranet import policies as core
from intranet import search
from intranet.audit import record
from intranet.exceptions import ActionRefused
from intranet.markdown import MAX_LENGTH, render_markdown
from intranet.models import College, User

TITLE_MAX_LENGTH = 200


def _emit(event_kind: str, *, thread: Thread, forum: Forum | None = None, **data) -> ForumEvent:
    forum = forum or thread.forum
    data = {"thread": thread.pk, "forum": forum.pk, **data}
    event = ForumEvent.objects.create(forum=forum, thread=thread, kind=event_kind, data=data)
    frames.send_event_on_commit(event)
    return event


def _activity(thread: Thread) -> dict:
    return {
        "post_count": thread.post_count,
        "last_activity": thread.last_activity_at.isoformat(),
        "pinned": thread.pinned,
        "locked": thread.locked,
    }


def _clean_body(body: str) -> str:
    body = (body or "").replace("\x00", "").strip()
    if not body:
        raise ActionRefused(_("Write a message first."), field="body")
    if len(body) > MAX_LENGTH:
        raise ActionRefused(
            _("A message is limited to %(limit)s characters (this one has %(length)s).")
            % {"limit": MAX_LENGTH, "length": len(body)},
            field="body",
        )
    return body


# What a title drops: characters that show nothing or reorder the text around them
# (U+202E, U+200B, controls...). Emoji keep theirs: the joiner between two pictographs (a woman
# and a laptop make a coder) and the tags after a black flag (the flag of Scotland).
INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp"})
EMOJI_JOINER, BLACK_FLAG = "\u200d", "\U0001f3f4"
TAG_CHARACTERS = "".join(chr(code) for code in range(0xE0020, 0xE0080))


def _pictograph_side(character: str) -> bool:
    return character == "\ufe0f" or unicodedata.category(character) in {"So", "Sk"}


def _part_of_emoji(title: str, index: int) -> bool:
    character = title[index]
    if character == EMOJI_JOINER:
        return 0 < index < len(title) - 1 and _pictograph_side(title[index - 1]) and _pictograph_side(title[index + 1])
    return character in TAG_CHARACTERS and title[:index].rstrip(TAG_CHARACTERS).endswith(BLACK_FLAG)


def _without_invisible_characters(title: str) -> str:
    return "".join(
        character
        for index, character in enumerate(title)
        if unicodedata.category(character) not in INVISIBLE_CATEGORIES or _part_of_emoji(title, index)
    )


def _clean_title(title: str) -> str:
    # Dropped rather than refused: titles also come from proposals and archive offers, typed
    # elsewhere (a soft hyphen pasted from a word processor must not stop a submission).
    title = " ".join(_without_invisible_characters(title or "").split())
    if not title:
        raise ActionRefused(_("Give the thread a title."), field="title")
    if len(title) > TITLE_MAX_LENGTH:
        raise ActionRefused(
            _("A title is limited to %(limit)s characters.") % {"limit": TITLE_MAX_LENGTH}, field="title"
        )
    return title


def _render(forum: Forum, body: str):
    return render_markdown(body, resolve_mention=mention_resolver(forum, body))


def _reindex(post: Post) -> None:
    """The opening message is searched with its thread; the others on their own."""
    if post.number == 1:
        search.record_change("thread", [post.thread_id])
    else:
        search.record_change("post", [post.pk])


def _add_post(actor: User, thread: Thread, body: str, rendered) -> Post:
    """Number the post, store it rendered, record mentions, and make the author follow the thread.
    ``thread`` is locked by this transaction (or new in it): its count in memory is the row's."""
    now = timezone.now()
    thread.post_count, thread.last_activity_at = thread.post_count + 1, now
    Thread.objects.filter(pk=thread.pk).update(post_count=thread.post_count, last_activity_at=now)
    post = Post.objects.create(
        thread=thread, number=thread.post_count, author=actor, body=body, body_html=rendered.html, created_at=now
    )
    Mention.objects.bulk_create([Mention(post=post, user_id=user_id) for user_id in rendered.mentioned_user_ids])
    state, _created = ReadState.objects.get_or_create(user=actor, thread=thread)
    was, state.last_read_number = state.last_read_number, post.number
    if state.follow == FollowLevel.NORMAL:
        state.follow = FollowLevel.FOLLOWING
    state.save(update_fields=["last_read_number", "follow"])
    _reindex(post)
    # One's own words are read: the author's other pages take them off their counters.
    frames.send_thread_read_on_commit(actor, thread, read=post.number, was=was, muted=state.follow == FollowLevel.MUTED)
    return post


def start_thread(actor: User, *, forum: Forum, title: str, body: str) -> Thread:
    if not policies.can_start_thread(actor, forum):
        raise PermissionDenied("Cannot start a thread here.")
    title, body = _clean_title(title), _clean_body(body)
    with transaction.atomic():
        thread = Thread.objects.create(forum=forum, title=title, author=actor)
        rendered = _render(forum, body)
        post = _add_post(actor, thread, body, rendered)
        notifications.notify_new_thread(actor, thread, post, rendered.mentioned_user_ids)
        _emit(
            "thread.created",
            thread=thread,
            post=post.pk,
            number=post.number,
            author=actor.pk,
            author_name=actor.get_full_name(),  # the member's home writes the line from the frame
            title=thread.title,
            **_activity(thread),
        )
    return thread


def reply(actor: User, *, thread: Thread, body: str) -> Post:
    body = _clean_body(body)
    # Rendered before taking the thread's lock, which every reply to this thread waits for.
    rendered, rendered_forum_id = _render(thread.forum, body), thread.forum_id
    with transaction.atomic():
        # The thread row is the lock that numbers posts one after the other (its row only).
        thread = Thread.objects.select_for_update(of=("self",)).select_related("forum__college").get(pk=thread.pk)
        with core.roles_read_once(actor):  # both questions, one read of the roles
            if not policies.can_read_forum(actor, thread.forum):
                raise PermissionDenied("Cannot read this thread.")
            if not policies.can_reply(actor, thread):
                raise ActionRefused(_("This thread is locked: no new replies."))
        if thread.forum_id != rendered_forum_id:
            rendered = _render(thread.forum, body)  # moved meanwhile: mentions follow the new readers
        post = _add_post(actor, thread, body, rendered)
        notifications.notify_new_post(actor, post, rendered.mentioned_user_ids)
        _emit("post.created", thread=thread, post=post.pk, number=post.number, author=actor.pk, **_activity(thread))
    return post


def ensure_can_edit_post(actor: User, post: Post) -> None:
    """PermissionDenied unless ``post`` is the actor's to edit; ActionRefused, said to its author,
    when only the thread's lock stands in the way (their new text is not lost to a 403)."""
    if policies.can_edit_post(actor, post):
        return
    if policies.edit_stopped_by_lock(actor, post):
        raise ActionRefused(_("This thread is locked: its messages can no longer be edited."))
    raise PermissionDenied("Cannot edit this post.")


def edit_post(actor: User, *, post: Post, body: str) -> Post:
    ensure_can_edit_post(actor, post)  # asked first: not yours is a 403, whatever the text
    body = _clean_body(body)
    with transaction.atomic():
        post = Post.objects.select_for_update().select_related("thread", "thread__forum").get(pk=post.pk)
        ensure_can_edit_post(actor, post)
        if body == post.body:
            return post
        PostRevision.objects.create(
            post=post, body=post.body, body_html=post.body_html, written_at=post.edited_at or post.created_at
        )
        rendered = _render(post.thread.forum, body)
        post.body, post.body_html, post.edited_at = body, rendered.html, timezone.now()
        post.save(update_fields=["body", "body_html", "edited_at"])
        # The stored mentions are those of the current text.
        post.mentions.exclude(user_id__in=rendered.mentioned_user_ids).delete()
        already = set(post.mentions.values_list("user_id", flat=True))
        Mention.objects.bulk_create(
            [Mention(post=post, user_id=user_id) for user_id in rendered.mentioned_user_ids - already]
        )
        notifications.notify_mentions(actor, post, rendered.mentioned_user_ids - already)
        _reindex(post)
        _emit("post.edited", thread=post.thread, post=post.pk, number=post.number)
    return post


def delete_post(actor: User, *, post: Post) -> Post:
    """The author withdraws their words: the text and its history go; the place in the thread stays."""
    with transaction.atomic():
        post = Post.objects.select_for_update().select_related("thread", "thread__forum").get(pk=post.pk)
        if not policies.can_delete_post(actor, post):
            raise PermissionDenied("Cannot delete this post.")
        post.revisions.all().delete()
        post.body, post.body_html, post.deleted_at = "", "", timezone.now()
        post.save(update_fields=["body", "body_html", "deleted_at"])
        _reindex(post)
        _emit("post.deleted", thread=post.thread, post=post.pk, number=post.number)
    return post


def hide_post(actor: User, *, post: Post, reason: str) -> Post:
    if not policies.can_moderate_forum(actor, post.thread.forum):  # asked first: a 403 whatever the reason
        raise PermissionDenied("Cannot moderate this forum.")
    reason = " ".join((reason or "").split())[:300]
    if not reason:
        raise ActionRefused(_("Say why the message is hidden."), field="reason")
    with transaction.atomic():
        post = Post.objects.select_for_update().select_related("thread", "thread__forum").get(pk=post.pk)
        if not policies.can_moderate_forum(actor, post.thread.forum):
            raise PermissionDenied("Cannot moderate this forum.")
        if post.is_deleted:
            raise ActionRefused(_("Its author deleted this message: there is nothing left to hide."))
        if post.is_hidden:
            return post  # already hidden: the first moderator's reason and audit row stand
        post.hidden_at, post.hidden_by, post.hidden_reason = timezone.now(), actor, reason
        post.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
        record(actor, ForumAudit.POST_HIDDEN, post, thread=post.thread_id, reason=reason)
        _reindex(post)
        _emit("post.hidden", thread=post.thread, post=post.pk, number=post.number)
    return post


def unhide_post(actor: User, *, post: Post) -> Post:
    with transaction.atomic():
        post = Post.objects.select_for_update().select_related("thread", "thread__forum").get(pk=post.pk)
        if not policies.can_moderate_forum(actor, post.thread.forum):
            raise PermissionDenied("Cannot moderate this forum.")
        if post.hidden_at is None:
            return post
        post.hidden_at, post.hidden_by, post.hidden_reason = None, None, ""
        post.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
        record(actor, ForumAudit.POST_UNHIDDEN, post, thread=post.thread_id)
        _reindex(post)
        _emit("post.unhidden", thread=post.thread, post=post.pk, number=post.number)
    return post


def _moderate_thread(actor: User, thread: Thread) -> Thread:
    thread = Thread.objects.select_for_update().select_related("forum").get(pk=thread.pk)
    if not policies.can_moderate_forum(actor, thread.forum):
        raise PermissionDenied("Cannot moderate this forum.")
    return thread


def set_thread_pinned(actor: User, *, thread: Thread, pinned: bool) -> Thread:
    return _set_thread_flag(actor, thread, "pinned", pinned, ForumAudit.THREAD_PINNED, ForumAudit.THREAD_UNPINNED)


def set_thread_locked(actor: User, *, thread: Thread, locked: bool) -> Thread:
    return _set_thread_flag(actor, thread, "locked", locked, ForumAudit.THREAD_LOCKED, ForumAudit.THREAD_UNLOCKED)


def _set_thread_flag(actor: User, thread: Thread, flag: str, value: bool, audit_on: str, audit_off: str) -> Thread:
    """Pin or lock (or undo it): audited, and announced as ``thread.pinned`` / ``thread.locked``."""
    with transaction.atomic():
        thread = _moderate_thread(actor, thread)
        if getattr(thread, flag) != value:
            setattr(thread, flag, value)
            thread.save(update_fields=[flag])
            record(actor, audit_on if value else audit_off, thread)
            _emit(f"thread.{flag}", thread=thread, **_activity(thread))
    return thread


def move_thread(actor: User, *, thread: Thread, forum: Forum) -> Thread:
    with transaction.atomic():
        thread = _moderate_thread(actor, thread)
        if not policies.can_moderate_forum(actor, forum):
            raise PermissionDenied("Cannot move a thread into a forum one does not moderate.")
        if thread.forum_id == forum.pk:
            return thread
        origin = thread.forum
        thread.forum = forum
        thread.save(update_fields=["forum"])
        record(actor, ForumAudit.THREAD_MOVED, thread, origin=origin.slug, destination=forum.slug)
        search.record_change("thread", [thread.pk])
        search.record_change("post", thread.posts.filter(number__gt=1).values_list("pk", flat=True))
        # Mentions of people who cannot read the new forum are not theirs to be notified of.
        mentions = Mention.objects.filter(post__thread=thread).select_related("user")
        Mention.objects.filter(pk__in=[m.pk for m in mentions if not policies.can_read_forum(m.user, forum)]).delete()
        # First, readers of the old forum who cannot read the new one lose the thread's events;
        # then the events of the move itself.
        frames.tell_thread_access_changed_on_commit(thread)
        _emit("thread.moved_out", thread=thread, forum=origin, destination=forum.pk)
        _emit("thread.moved", thread=thread, title=thread.title, origin=origin.pk, **_activity(thread))
    return thread


def toggle_reaction(actor: User, *, post: Post, kind: str) -> bool:
    """Add the reaction, or take it back if already given; returns whether it is now given."""
    if kind not in ReactionKind.values:
        raise ActionRefused(_("Unknown reaction."))
    with transaction.atomic():
        post = Post.objects.select_related("thread", "thread__forum").get(pk=post.pk)
        if not policies.can_react(actor, post):
            raise PermissionDenied("Cannot react to this post.")
        removed, _details = Reaction.objects.filter(post=post, user=actor, kind=kind).delete()
        if not removed:
            Reaction.objects.get_or_create(post=post, user=actor, kind=kind)
        # Everyone gets the counts; who reacted goes only to that person's pages (as on the page,
        # where reactions are anonymous counts), which show the reaction as theirs.
        _emit("post.reacted", thread=post.thread, post=post.pk, number=post.number)
        frames.send_my_reaction_on_commit(actor, post, kind=kind, given=not removed)
    return not removed


def create_forum_for_college(college: College) -> Forum:
    """Called by the action that creates a collège, in its transaction."""
    return Forum.objects.create(
        kind=ForumKind.COLLEGE,
        college=college,
        slug=college.slug,
        name=college.name,
        position=10 + college.position,
    )
