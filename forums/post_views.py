"""A page of posts as a reader sees it: reactions, the controls the policy allows, document
references filled in for this reader. Built once here for the thread's page, its live frames and
the API."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, Value

from documents.models import Document
from documents.references import fill_references, get_referenced_documents_for_user
from forums import policies
from forums.models import Post, Reaction, ReactionKind, Thread
from forums.selectors import thread_url
from intranet.links import address_maker


@dataclass
class ReactionCount:
    kind: str
    emoji: str
    count: int
    mine: bool


def reactions_for(user, posts: list[Post]) -> dict[int, list[ReactionCount]]:
    """Per post: each reaction used, its count and whether the viewer gave it (one query).
    Without a viewer (``None``: a rendering shared by many readers), none is "mine"."""
    mine = Count("pk", filter=Q(user=user)) if user is not None else Value(0)
    rows = (
        Reaction.objects.filter(post__in=[post.pk for post in posts])
        .values("post", "kind")
        .annotate(count=Count("pk"), mine=mine)
    )
    result: dict[int, list[ReactionCount]] = {post.pk: [] for post in posts}
    labels = dict(ReactionKind.choices)
    for row in rows:
        result[row["post"]].append(
            ReactionCount(row["kind"], labels.get(row["kind"], "?"), row["count"], row["mine"] > 0)
        )
    order = list(labels)
    for counts in result.values():
        counts.sort(key=lambda reaction: order.index(reaction.kind) if reaction.kind in order else 99)
    return result


@dataclass
class PostView:
    """A post as a reader sees it: the post, its reactions and what the policy lets them do.

    ``shared`` marks a rendering sent to many readers at once (a live frame): its controls are
    those of any reader, and each page shows the ones that apply to its own reader.
    """

    post: Post
    reactions: list[ReactionCount]
    allowed: policies.PostPermissions
    unread: bool  # after the reader's reading mark, when the caller asked it
    url: str
    body: str  # the post's HTML with its document references filled in for this reader
    shared: bool = False
    links: dict[str, str] | None = None  # its controls' addresses (``PostLinks``)


class PostLinks:
    """The addresses of a post's controls, resolved once and filled in per post: a page of fifty
    posts would otherwise resolve three hundred and fifty URLs."""

    NAMES = {
        "author": "member_detail",
        "history": "forums:history",
        "react": "forums:react",
        "edit": "forums:edit",
        "delete": "forums:delete",
        "hide": "forums:hide",
        "unhide": "forums:unhide",
    }

    def __init__(self):
        self.makers = {key: address_maker(name) for key, name in self.NAMES.items()}

    def of(self, post: Post) -> dict[str, str]:
        return {key: make(post.author_id if key == "author" else post.pk) for key, make in self.makers.items()}


def post_views(user, thread: Thread, posts: list[Post], last_read: int | None = None) -> list[PostView]:
    """The posts of a page as ``user`` sees them (a fixed number of queries for the page), for
    the thread's page, its live frames and the API alike. Without ``last_read`` (the API, which
    shows no reading mark per post) none is unread."""
    moderator = policies.can_moderate_forum(user, thread.forum)
    can_reply = policies.can_reply(user, thread)
    reactions = reactions_for(user, posts)
    documents = get_referenced_documents_for_user(user, [post.body_html for post in posts])
    links = PostLinks()
    views = []
    for post in posts:
        post.thread = thread  # already loaded: the policy reads it without a query
        views.append(
            PostView(
                post=post,
                reactions=reactions.get(post.pk, []),
                allowed=policies.post_permissions(user, post, moderator=moderator, can_reply_to_thread=can_reply),
                unread=last_read is not None and post.number > last_read,
                url=thread_url(thread.pk, post.number),
                body=fill_references(post.body_html, documents),
                links=links.of(post),
            )
        )
    return views


def shared_post_view(
    post: Post, reactions: list[ReactionCount], *, documents: dict[int, Document], show_text: bool
) -> PostView:
    """The post as every reader of a group sees it: those who may open ``documents`` and, with
    ``show_text``, who may read a hidden text."""
    links = PostLinks()
    return PostView(
        post=post,
        reactions=reactions,
        allowed=policies.post_permissions_for_any_reader(post, show_text=show_text),
        unread=False,
        url=thread_url(post.thread_id, post.number),
        body=fill_references(post.body_html, documents),
        shared=True,
        links=links.of(post),
    )
