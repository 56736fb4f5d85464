"""Who may read, write and moderate in which forum. Pages, actions, the socket and mentions ask here."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from forums.models import Forum, ForumKind, Post, Thread
from intranet import policies as core
from intranet.models import BOARD_OFFICES, CollegeRole


def readable_forums_q(user) -> Q:
    """The forums ``user`` may read, as a filter usable in any query on Forum."""
    if not core.is_member(user):
        return Q(pk__in=[])
    if core.can_manage_association(user):
        return Q()
    readable = Q(kind=ForumKind.GENERAL) | Q(
        kind=ForumKind.COLLEGE,
        college__is_active=True,
        college__memberships__user=user,
    )
    if core.is_board_member(user):
        readable |= Q(kind=ForumKind.BOARD)
    return readable


def can_read_forum(user, forum: Forum) -> bool:
    if not core.is_member(user):
        return False
    if core.can_manage_association(user) or forum.kind == ForumKind.GENERAL:
        return True
    if forum.kind == ForumKind.BOARD:
        return core.is_board_member(user)
    return forum.college.is_active and core.belongs_to_college(user, forum.college_id)


def forum_readers_q(forum: Forum) -> Q:
    """The people who may read ``forum``, as a filter on User: ``can_read_forum`` for many
    people in one query (who hears of a new post)."""
    readers = Q(is_staff=True)
    if forum.kind == ForumKind.GENERAL:
        readers = Q()
    elif forum.kind == ForumKind.BOARD:
        readers |= Q(board_membership__isnull=False)
    elif forum.college.is_active:
        readers |= Q(college_memberships__college_id=forum.college_id)
    return Q(is_active=True) & readers


def forum_moderators_q(forum: Forum) -> Q:
    """The people who may moderate ``forum``, as a filter on User (``can_moderate_forum`` for
    many people in one query: who sees a hidden text in a live thread)."""
    moderators = Q(is_staff=True)
    if forum.kind == ForumKind.COLLEGE:
        moderators |= Q(
            college_memberships__college_id=forum.college_id, college_memberships__role=CollegeRole.COORDINATOR
        )
    elif forum.kind == ForumKind.BOARD:
        moderators |= Q(board_membership__role__in=BOARD_OFFICES)
    return Q(is_active=True) & moderators


def can_moderate_forum(user, forum: Forum) -> bool:
    """Staff moderate everything; a collège's coordinators its forum; the board's officers theirs."""
    if not core.is_member(user):
        return False
    if core.can_manage_association(user):
        return True
    if forum.kind == ForumKind.COLLEGE:
        return core.coordinates_college(user, forum.college_id)
    if forum.kind == ForumKind.BOARD:
        return core.is_board_member(user, roles=BOARD_OFFICES)
    return False


def can_start_thread(user, forum: Forum) -> bool:
    return can_read_forum(user, forum)


def can_reply(user, thread: Thread) -> bool:
    if not can_read_forum(user, thread.forum):
        return False
    return not thread.locked or can_moderate_forum(user, thread.forum)


def can_edit_post(user, post: Post) -> bool:
    """Authors edit their own words, while the thread is open and the post neither hidden nor deleted."""
    return post.author_id == user.pk and not post.is_deleted and not post.is_hidden and can_reply(user, post.thread)


def edit_stopped_by_lock(user, post: Post) -> bool:
    """The author's own visible post, theirs to edit but for the thread's lock: they are told so
    (their new text kept) rather than refused as for someone else's post."""
    return not can_edit_post(user, post) and can_delete_post(user, post)


def can_delete_post(user, post: Post) -> bool:
    """Not a hidden post: its text is the moderators' evidence."""
    return (
        post.author_id == user.pk
        and not post.is_deleted
        and not post.is_hidden
        and can_read_forum(user, post.thread.forum)
    )


def can_react(user, post: Post) -> bool:
    return not post.is_deleted and not post.is_hidden and can_read_forum(user, post.thread.forum)


def can_see_hidden_text(user, post: Post) -> bool:
    return post.author_id == user.pk or can_moderate_forum(user, post.thread.forum)


@dataclass(frozen=True)
class PostPermissions:
    show_text: bool
    can_edit: bool
    can_delete: bool
    can_moderate: bool
    can_react: bool
    can_quote: bool


def post_permissions(user, post: Post, *, moderator: bool, can_reply_to_thread: bool) -> PostPermissions:
    """Everything one reader may do with one post, for a page of posts: the thread-wide answers
    (``moderator``, ``can_reply_to_thread``) are asked once by the caller."""
    mine = post.author_id == user.pk
    visible = not post.is_deleted and not post.is_hidden
    return PostPermissions(
        show_text=not post.is_deleted and (not post.is_hidden or mine or moderator),
        can_edit=mine and visible and can_reply_to_thread,
        can_delete=mine and visible,
        can_moderate=moderator and not post.is_deleted,
        can_react=visible,
        can_quote=visible and can_reply_to_thread,
    )


def post_permissions_for_any_reader(post: Post, *, show_text: bool) -> PostPermissions:
    """What some reader of the thread may do with the post, for a rendering shared by many
    readers: each page shows the controls that apply to its own reader (author, moderator, one who
    may reply), and the actions still ask the policy of the person who acts."""
    visible = not post.is_deleted and not post.is_hidden
    return PostPermissions(
        show_text=show_text,
        can_edit=visible,
        can_delete=visible,
        can_moderate=not post.is_deleted,
        can_react=visible,
        can_quote=visible,
    )
