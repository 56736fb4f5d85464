"""What the main pages cost in queries, pinned: a page read again (steady state, signed in) asks
the same number of queries however many posts, threads, members and documents there are.

The budgets are the page-cost issue's: at most 8 for a thread page, 6 for a list; the others are
pinned where they stand so that a change that adds a query per page is seen here (bench/pages.py
measures the time)."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from documents.models import Folder
from forums import actions as forum_actions
from forums.models import Forum, Post, Thread
from tests.factories import make_incoming, make_member, make_proposal

BUDGETS = {
    "thread, first page": 7,
    "thread, last page": 7,
    "forum's thread list": 6,
    "forums index": 6,
    "folder": 8,
    "proposal": 10,
    "register": 7,
    "search": 9,
}


def add_posts(thread: Thread, count: int) -> None:
    """Bulk rows, as many as a long thread has (the actions would take minutes)."""
    start = thread.post_count + 1
    now = timezone.now()
    Post.objects.bulk_create(
        Post(
            thread=thread,
            number=number,
            author=thread.author,
            body=f"Message {number}",
            body_html=f"<p>Message {number}</p>",
            created_at=now + timedelta(seconds=number),
        )
        for number in range(start, start + count)
    )
    Thread.objects.filter(pk=thread.pk).update(post_count=start + count - 1)


def add_content(cast, forum: Forum, folder: Folder, *, size: int) -> Thread:
    """``size`` more of everything: threads, posts in the long thread, members, documents."""
    from documents.actions import upload_document

    long_thread = Thread.objects.filter(forum=forum, title="Le long fil").first() or forum_actions.start_thread(
        cast.production_member, forum=forum, title="Le long fil", body="Bonjour à tous"
    )
    add_posts(long_thread, 60 * size)
    for index in range(size):
        forum_actions.start_thread(cast.production_member, forum=forum, title=f"Fil {index}", body="Bonjour")
        make_member(actor=cast.staff, college="production")
        upload_document(cast.coordinator, folder=folder, incoming=make_incoming(f"note-{index}.txt", b"texte"))
    return long_thread


def queries_of(client, url: str) -> int:
    assert client.get(url).status_code == 200  # the first reading moves read marks, fills caches
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.fixture
def pages(cast):
    forum = Forum.objects.get(college__slug="production")
    folder = Folder.objects.get(space__college__slug="production", parent__isnull=True)
    proposal = make_proposal(cast.production_member, stage="in_review")

    def urls(thread: Thread) -> dict[str, str]:
        last_page = -(-thread.post_count // 20)
        return {
            "thread, first page": reverse("forums:thread", args=[thread.pk]) + "?page=1",
            "thread, last page": reverse("forums:thread", args=[thread.pk]) + f"?page={last_page}",
            "forum's thread list": reverse("forums:forum", args=[forum.slug]),
            "forums index": reverse("forums:index"),
            "folder": reverse("documents:folder", args=[folder.pk]),
            "proposal": reverse("proposals:detail", args=[proposal.pk]),
            "register": reverse("workflows:register"),
            "search": reverse("search") + "?q=message",
        }

    return forum, folder, urls


def test_the_main_pages_keep_their_query_budget_as_content_grows(cast, login, pages):
    forum, folder, urls = pages
    thread = add_content(cast, forum, folder, size=1)
    call_command("search_index", "rebuild")  # what the worker keeps up to date
    member = login(cast.production_member)
    small = {name: queries_of(member, url) for name, url in urls(thread).items()}
    thread = add_content(cast, forum, folder, size=4)
    call_command("search_index", "rebuild")
    thread.refresh_from_db()
    member = login(cast.production_member)
    large = {name: queries_of(member, url) for name, url in urls(thread).items()}
    assert large == small  # constant in posts, threads, members and documents
    assert small == BUDGETS
