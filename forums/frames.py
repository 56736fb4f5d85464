"""Live frames that carry what a forum page shows, so that no open page asks the server back.

A message is rendered once per event for each group of readers who see the same thing — the
documents it names that they may open, whether they may read a hidden text — in each interface
language; each page's socket forwards its group's rendering (``realtime.events.Renderings``).
Controls that depend on who reads (edit, delete, moderation, quote) are in every rendering and
shown by the page for its own reader; the actions still ask the policy of whoever acts. A page
that reconnects gets the messages it missed rendered for its reader alone.
"""

from __future__ import annotations

import json
from functools import partial

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from documents.models import Document
from documents.references import referenced_ids
from documents.selectors import readers_of_documents
from forums import policies, post_views, selectors
from forums.models import FollowLevel, Forum, ForumEvent, Post, ReadState, Thread
from intranet.models import User
from realtime.events import (
    MAX_FRAME_BYTES,
    Renderings,
    rendering_key,
    send_per_user_on_commit,
    send_rendered_on_commit,
    tell_group_access_changed_on_commit,
    user_group,
)
from realtime.events import send_on_commit as send_text_on_commit

# Events whose frame carries the message as the thread page shows it.
POST_EVENTS = frozenset(
    {"thread.created", "post.created", "post.edited", "post.hidden", "post.unhidden", "post.deleted", "post.reacted"}
)
# Events whose frame to the forum lists carries the reader's own reading state of the thread.
MOVE_EVENTS = frozenset({"thread.moved", "thread.moved_out"})
# A shared rendering cannot hold a person's CSRF token: the page puts its own in the forms.
CSRF_PLACEHOLDER = "csrf-from-the-page"


def thread_group(thread_id: int) -> str:
    return f"forum-thread.{thread_id}"


def forum_group(forum_id: int) -> str:
    return f"forum.{forum_id}"


def encode(kind: str, event_id: int | None, data: dict) -> str:
    frame = {"event": kind, "data": data} if event_id is None else {"event": kind, "id": event_id, "data": data}
    return json.dumps(frame, separators=(",", ":"), ensure_ascii=False)


def encode_event(event: ForumEvent) -> str:
    return encode(event.kind, event.pk, event.data)


def encode_with_html(event: ForumEvent, html: str, **extra) -> str:
    """The event with its rendering, or, when that would not fit in a frame, with ``fetch``: the
    address where the pages that show it ask for that one message."""
    text = encode(event.kind, event.pk, {**event.data, **extra, "html": html})
    if len(text.encode()) <= MAX_FRAME_BYTES:
        return text
    # Only messages are ever that large (a row is a few hundred bytes).
    return encode(
        event.kind, event.pk, {**event.data, **extra, "fetch": reverse("forums:post", args=[event.data["post"]])}
    )


def _languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def send_event_on_commit(event: ForumEvent) -> None:
    """After commit: the thread's pages get the message rendered (post events) or the event as is;
    the forum lists get the event, with a row to insert or the reader's state of a moved thread."""
    thread_pages, forum_lists = thread_group(event.thread_id), forum_group(event.forum_id)
    if event.kind in POST_EVENTS:
        send_rendered_on_commit(partial(post_renderings, event), group=thread_pages)
    else:
        send_text_on_commit(encode_event(event), groups=[thread_pages])
    if event.kind == "thread.created":
        send_rendered_on_commit(partial(row_renderings, event), group=forum_lists)
    elif event.kind in MOVE_EVENTS:
        send_rendered_on_commit(partial(moved_renderings, event), group=forum_lists)
    else:
        send_text_on_commit(encode_event(event), groups=[forum_lists])


def tell_thread_access_changed_on_commit(thread: Thread) -> None:
    """The thread's open pages ask again whether their reader may still read it (a move)."""
    tell_group_access_changed_on_commit(thread_group(thread.pk))


# --- A reader's own state, for their other pages ---------------------------------------------


def send_my_reaction_on_commit(user: User, post, *, kind: str, given: bool) -> None:
    """The reaction just given or taken back, to its giver's pages only: the others see counts."""
    data = {"thread": post.thread_id, "post": post.pk, "kind": kind, "given": given}
    send_text_on_commit(encode("reaction.mine", None, data), groups=[user_group(user.pk)])


def send_forum_read_on_commit(user: User, forum: Forum) -> None:
    send_text_on_commit(encode("forum.read", None, {"forum": forum.pk}), groups=[user_group(user.pk)])


def _thread_read_frame(thread: Thread, *, read: int, was: int, muted: bool) -> str:
    data = {"thread": thread.pk, "forum": thread.forum_id, "read": read, "was": was, "muted": muted}
    return encode("thread.read", None, {**data, "post_count": thread.post_count})


def send_thread_read_on_commit(user: User, thread: Thread, *, read: int, was: int, muted: bool) -> None:
    """The reader's other pages move their counters by what was just read, from this frame alone."""
    send_text_on_commit(_thread_read_frame(thread, read=read, was=was, muted=muted), groups=[user_group(user.pk)])


def send_threads_read_on_commit(thread: Thread, reads: dict[int, tuple[int, int, bool]]) -> None:
    """The same for many readers at once (user id → read, was, muted): one frame each."""
    texts = {
        user_id: _thread_read_frame(thread, read=read, was=was, muted=muted)
        for user_id, (read, was, muted) in reads.items()
    }
    if texts:
        send_per_user_on_commit(lambda: texts)


def send_follow_on_commit(user: User, thread: Thread, level: str) -> None:
    """Muting or not changes what the forum's counter counts: the reader's other pages get their
    count of the forum, read once the change is committed."""

    def frame() -> dict[int, str]:
        state = selectors.read_state(user, thread)
        data = {
            "thread": thread.pk,
            "forum": thread.forum_id,
            "level": level,
            "read": state.last_read_number,
            "muted": level == FollowLevel.MUTED,
            "forum_unread": selectors.unread_in_forum(user, thread.forum_id),
        }
        return {user.pk: encode("thread.follow", None, data)}

    send_per_user_on_commit(frame)


# --- A message, for the readers of its thread -----------------------------------------------


def _post(post_id: int) -> Post | None:
    return (
        Post.objects.select_related("thread", "thread__forum", "thread__forum__college", "author", "hidden_by")
        .filter(pk=post_id)
        .first()
    )


def _render_post(view: post_views.PostView) -> str:
    return render_to_string(
        "forums/_post.html",
        {"view": view, "csrf_token": CSRF_PLACEHOLDER},
    )


def post_renderings(event: ForumEvent) -> Renderings | None:
    """The message of ``event`` as it is now, once per group of readers and language."""
    post = _post(event.data.get("post"))
    if post is None:
        return None
    groups, routes = reader_groups(post)
    documents = Document.objects.in_bulk({pk for document_ids, _text in groups.values() for pk in document_ids})
    # A message just written has none yet (one given since sends its own post.reacted).
    new = event.kind in ("thread.created", "post.created")
    reactions = [] if new else post_views.reactions_for(None, [post])[post.pk]
    texts = {}
    for variant, (document_ids, show_text) in groups.items():
        view = post_views.shared_post_view(
            post, reactions, documents={pk: documents[pk] for pk in document_ids}, show_text=show_text
        )
        for language in _languages():
            with translation.override(language):
                texts[rendering_key(language, variant)] = encode_with_html(event, _render_post(view))
    return Renderings(texts=texts, routes=routes)


def reader_groups(post: Post) -> tuple[dict[str | None, tuple[frozenset[int], bool]], dict[str, str]]:
    """Who sees what of ``post``: variant → (documents they may open, whether they read its text),
    and person → variant for those who see more than the default (``None``), which is never more
    than every reader of the thread may see."""
    forum = post.thread.forum
    hidden = post.is_hidden and not post.is_deleted
    document_ids = referenced_ids([post.body_html])
    if not document_ids and not hidden:
        return {None: (frozenset(), True)}, {}
    text_readers: set[int] = set()
    if hidden:
        text_readers = set(User.objects.filter(policies.forum_moderators_q(forum)).values_list("pk", flat=True))
        text_readers.add(post.author_id)
    openers = readers_of_documents(document_ids)
    readers = None
    if openers:
        readers = set(User.objects.filter(policies.forum_readers_q(forum)).values_list("pk", flat=True))
    # A document every reader may open is named for all; the others only to those who may.
    for_all = frozenset(pk for pk, people in openers.items() if readers <= people)
    restricted = {pk: people for pk, people in openers.items() if pk not in for_all}
    people = set(text_readers).union(*restricted.values())
    if readers is not None:
        people &= readers
    seen_by: dict[int, tuple[frozenset[int], bool]] = {}
    for person in people:
        seen = (frozenset(pk for pk, openers_of in restricted.items() if person in openers_of), person in text_readers)
        if seen != (frozenset(), False):
            seen_by[person] = seen
    names = {seen: str(number) for number, seen in enumerate(sorted(set(seen_by.values()), key=repr), start=1)}
    groups = {None: (for_all, not hidden)}
    for (extra_documents, reads_text), name in names.items():
        groups[name] = (for_all | extra_documents, reads_text or not hidden)
    return groups, {str(person): names[seen] for person, seen in seen_by.items()}


# --- A thread's row, for the forum lists ------------------------------------------------------


def _render_row(thread: Thread, *, last_read: int, muted: bool) -> str:
    thread.last_read = last_read
    thread.unread = max(0, thread.post_count - last_read)
    thread.follow_level = "muted" if muted else "normal"
    return render_to_string("forums/_thread_row.html", {"thread": thread})


def _thread(thread_id: int) -> Thread | None:
    return Thread.objects.select_related("author", "forum").filter(pk=thread_id).first()


def row_renderings(event: ForumEvent) -> Renderings | None:
    """A new thread's row, the same for every reader (its author's page counts it read)."""
    thread = _thread(event.thread_id)
    if thread is None:
        return None
    texts = {}
    for language in _languages():
        with translation.override(language):
            row = _render_row(thread, last_read=0, muted=False)
            texts[rendering_key(language)] = encode_with_html(event, row)
    return Renderings(texts=texts)


def moved_renderings(event: ForumEvent) -> Renderings | None:
    """A moved thread, for each reader with where they stopped reading it and whether they muted it:
    the lists insert or drop its row and move its unread messages between their counters."""
    thread = _thread(event.thread_id)
    if thread is None:
        return None
    states = {
        str(user_id): (last_read, follow == "muted")
        for user_id, last_read, follow in ReadState.objects.filter(thread=thread).values_list(
            "user_id", "last_read_number", "follow"
        )
    }
    variants = {state: str(number) for number, state in enumerate(sorted(set(states.values())), start=1)}
    texts = {}
    for language in _languages():
        with translation.override(language):
            for (last_read, muted), variant in [((0, False), None), *variants.items()]:
                row = _render_row(thread, last_read=last_read, muted=muted)
                texts[rendering_key(language, variant)] = encode_with_html(
                    event, row, read=last_read, muted=muted, post_count=thread.post_count
                )
    return Renderings(texts=texts, routes={person: variants[state] for person, state in states.items()})


# --- What a page missed, for its reader alone ------------------------------------------------


def replay_for_reader(user, events: list[ForumEvent], *, for_forum_lists: bool = False) -> list[str]:
    """The missed events in order, as this reader sees them now: messages for a thread's page,
    rows of new and moved threads for the forum lists."""
    messages = {}
    if not for_forum_lists:
        messages = _messages_for_reader(user, {event.data.get("post") for event in events if event.kind in POST_EVENTS})
    thread_ids = set()
    if for_forum_lists:
        thread_ids = {
            event.thread_id for event in events if event.kind == "thread.created" or event.kind in MOVE_EVENTS
        }
    states = {
        thread_id: (last_read, follow == "muted")
        for thread_id, last_read, follow in ReadState.objects.filter(user=user, thread_id__in=thread_ids).values_list(
            "thread_id", "last_read_number", "follow"
        )
    }
    threads = Thread.objects.select_related("author", "forum").in_bulk(thread_ids)
    texts = []
    for event in events:
        if event.data.get("post") in messages and event.kind in POST_EVENTS:
            texts.append(encode_with_html(event, messages[event.data["post"]], personal=True))
        elif event.thread_id in threads:
            last_read, muted = states.get(event.thread_id, (0, False))
            row = _render_row(threads[event.thread_id], last_read=last_read, muted=muted)
            texts.append(encode_with_html(event, row, read=last_read, muted=muted))
        else:
            texts.append(encode_event(event))
    return texts


def _messages_for_reader(user, post_ids) -> dict[int, str]:
    posts = Post.objects.filter(pk__in=post_ids).select_related("author", "hidden_by", "thread__forum__college")
    by_thread: dict[int, list[Post]] = {}
    for post in sorted(posts, key=lambda post: post.number):
        by_thread.setdefault(post.thread_id, []).append(post)
    rendered = {}
    for thread_posts in by_thread.values():
        thread = thread_posts[0].thread
        last_read = selectors.read_state(user, thread).last_read_number
        for view in post_views.post_views(user, thread, thread_posts, last_read):
            rendered[view.post.pk] = _render_post(view)
    return rendered


def forum_counts_frame(user, forum_id: int) -> str:
    """The reader's unread count of a forum and the threads they mute there, as they are now: sent
    after a forum list's replay, it corrects whatever the replayed events counted twice."""
    muted = selectors.muted_thread_ids(user, forum_id)
    return encode(
        "forum.unread",
        None,
        {"forum": forum_id, "unread": selectors.unread_in_forum(user, forum_id), "muted": sorted(muted)},
    )
