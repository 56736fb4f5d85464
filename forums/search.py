"""Threads and replies as the search sees them: a thread is found by its title and opening
message, a reply by its text; both are readable by whoever reads their forum."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from forums.models import Post, Thread
from forums.selectors import thread_url, visible_forums
from intranet.builtins import builtin_text
from intranet.markdown import plain_text
from intranet.models import full_name
from intranet.search.sources import Display, Entry, Source, ids_in


def _scopes(user) -> set[str]:
    return {f"forum:{forum_id}" for forum_id in visible_forums(user).values_list("pk", flat=True)}


def _colleges(forum) -> list[str]:
    return [forum.college.slug] if forum.college_id else []


class ThreadSource(Source):
    kind = "thread"
    position = 10
    label = _("Discussions")
    scope_family = "forum"

    def entries(self, ids):
        threads = Thread.objects.filter(pk__in=ids).select_related("forum__college")
        openings = dict(
            Post.objects.filter(
                thread_id__in=ids, number=1, hidden_at__isnull=True, deleted_at__isnull=True
            ).values_list("thread_id", "body")
        )
        return {
            thread.pk: Entry(
                kind=self.kind,
                object_id=thread.pk,
                scope=f"forum:{thread.forum_id}",
                title=thread.title,
                body=openings.get(thread.pk, ""),
                date=thread.created_at,
                colleges=_colleges(thread.forum),
                author_id=thread.author_id,
            )
            for thread in threads
        }

    def all_ids(self):
        # Forum by forum: a rebuilt index keeps each forum's entries together, which a search
        # within some forums skips through by blocks.
        return Thread.objects.order_by("forum_id", "pk").values_list("pk", flat=True).iterator(chunk_size=2000)

    def allowed_scopes(self, user):
        return _scopes(user)

    def allowed_ids(self, user):
        return "forum", visible_forums(user)

    def display(self, user, ids, scopes):
        threads = Thread.objects.filter(pk__in=ids, forum_id__in=ids_in(scopes, "forum")).select_related("forum")
        # Snippets are cut from the rendered message's text, not from its Markdown.
        openings = dict(
            Post.objects.filter(
                thread_id__in=ids, number=1, hidden_at__isnull=True, deleted_at__isnull=True
            ).values_list("thread_id", "body_html")
        )
        return {
            thread.pk: Display(
                title=thread.title,
                url=reverse("forums:thread", args=[thread.pk]),
                text=plain_text(openings.get(thread.pk, "")),
                context=thread.forum.display_name,
                date=thread.created_at,
            )
            for thread in threads
        }


class PostSource(Source):
    """Replies (the opening message is found with its thread). Hidden or deleted: not searchable."""

    kind = "post"
    position = 20
    label = _("Messages")
    scope_family = "forum"

    def entries(self, ids):
        posts = Post.objects.filter(
            pk__in=ids, number__gt=1, hidden_at__isnull=True, deleted_at__isnull=True
        ).select_related("thread__forum__college")
        return {
            post.pk: Entry(
                kind=self.kind,
                object_id=post.pk,
                scope=f"forum:{post.thread.forum_id}",
                title="",
                body=post.body,
                date=post.created_at,
                colleges=_colleges(post.thread.forum),
                author_id=post.author_id,
            )
            for post in posts
        }

    def all_ids(self):
        return (
            Post.objects.filter(number__gt=1)
            .order_by("thread__forum_id", "pk")
            .values_list("pk", flat=True)
            .iterator(chunk_size=5000)
        )

    def allowed_scopes(self, user):
        return _scopes(user)

    def allowed_ids(self, user):
        return "forum", visible_forums(user)

    def display(self, user, ids, scopes):
        # As values: a page of hits is often twenty posts of a few threads.
        rows = Post.objects.filter(
            pk__in=ids, thread__forum_id__in=ids_in(scopes, "forum"), hidden_at__isnull=True, deleted_at__isnull=True
        ).values_list(
            "pk",
            "thread_id",
            "number",
            "body_html",
            "created_at",
            "thread__title",
            "thread__forum__name",
            "author__first_name",
            "author__last_name",
        )
        return {
            pk: Display(
                title=title,
                url=thread_url(thread_id, number),
                text=plain_text(body_html),
                context=f"{builtin_text(forum)} · {full_name(first, last)}",
                date=created_at,
            )
            for pk, thread_id, number, body_html, created_at, title, forum, first, last in rows
        }
