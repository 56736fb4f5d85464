"""Fill a throwaway database for bench/pages.py, then count each page's queries and bytes.

Run as ``python -m bench.pages_setup --output pages.json`` from the root of the checkout being
measured, after ``manage.py migrate`` and ``manage.py seed_demo`` (41 people, forums, folders,
documents, proposals, a register), with the benchmark's environment. It adds, as bulk rows, the
size the page-cost issue names: one thread of 5,000 posts and 200 threads of 20 posts spread over
the four collèges' forums, then makes one ordinary member of the Production collège the reader:
a signed-in session, and the thread pages already seen once (steady state).

It prints nothing but writes, for each measured page, its address, the queries of the second
request (the first one warms caches and moves read marks) and the HTML bytes, as
``django.test.Client`` sees them in this process.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import sys
from datetime import timedelta
from pathlib import Path

import django

# Run by path (bench/pages.py runs it against another checkout, on PYTHONPATH): this folder's
# documents.py would hide the application of the same name.
sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != Path(__file__).resolve().parent]

BIG_THREAD_POSTS = 5_000
THREADS = 200
POSTS_PER_THREAD = 20
BATCH = 1_000
SEARCH_WORD = "restauration"  # also in the demo's threads and documents


def _body(text, number: int) -> str:
    words = text.sentences(40)
    if number % 7 == 0:
        words += f" La {SEARCH_WORD} des bobines avance."
    return words


def _seed_threads(rng: random.Random) -> tuple[int, str]:
    """Bulk rows, as bench/search_setup.py writes them: returns the big thread's id and the
    reader's collège forum slug."""
    from django.core.management.color import no_style
    from django.db import connection, transaction
    from django.db.models import Max
    from django.utils import timezone

    from bench.search_setup import Text, _html
    from forums.models import Forum, ForumKind, Post, Thread
    from intranet.models import CollegeMembership

    text = Text(rng)
    now = timezone.now()
    forums = list(Forum.objects.filter(kind=ForumKind.COLLEGE).order_by("pk")[:4])
    production = next(forum for forum in forums if forum.college.slug == "production")
    writers = {
        forum.pk: list(CollegeMembership.objects.filter(college=forum.college_id).values_list("user_id", flat=True))
        for forum in forums
    }
    next_thread = (Thread.objects.aggregate(top=Max("pk"))["top"] or 0) + 1
    next_post = (Post.objects.aggregate(top=Max("pk"))["top"] or 0) + 1
    plan = [(production, BIG_THREAD_POSTS)] + [(forums[index % 4], POSTS_PER_THREAD) for index in range(THREADS)]
    threads, posts = [], []
    with transaction.atomic():
        for index, (forum, count) in enumerate(plan):
            started = now - timedelta(days=400 - index)
            thread = Thread(
                pk=next_thread + index,
                forum=forum,
                title=text.title(),
                author_id=rng.choice(writers[forum.pk]),
                created_at=started,
                last_activity_at=started + timedelta(minutes=count),
                post_count=count,
            )
            threads.append(thread)
            for number in range(1, count + 1):
                body = _body(text, number)
                posts.append(
                    Post(
                        pk=next_post,
                        thread=thread,
                        number=number,
                        author_id=thread.author_id if number == 1 else rng.choice(writers[forum.pk]),
                        body=body,
                        body_html=_html(body),
                        created_at=started + timedelta(minutes=number),
                    )
                )
                next_post += 1
        Thread.objects.bulk_create(threads, batch_size=BATCH)
        Post.objects.bulk_create(posts, batch_size=BATCH)
        # Explicit keys leave PostgreSQL's sequences behind: a reply must get a fresh id.
        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(no_style(), [Thread, Post]):
                cursor.execute(statement)
    return threads[0].pk, production.slug


def _reader():
    from intranet.models import CollegeMembership, CollegeRole

    membership = (
        CollegeMembership.objects.filter(college__slug="production", role=CollegeRole.MEMBER, user__is_staff=False)
        .select_related("user")
        .order_by("user_id")
        .first()
    )
    return membership.user


def _pages(big_thread: int, forum_slug: str) -> dict[str, str]:
    from django.urls import reverse

    from documents.models import Folder
    from forums.selectors import POSTS_PER_PAGE
    from workflows.models import Proposal

    folder = Folder.objects.filter(space__college__slug="production", parent__isnull=False).order_by("pk").first()
    proposal = Proposal.objects.filter(college__slug="production").order_by("pk").first()
    last_page = -(-BIG_THREAD_POSTS // POSTS_PER_PAGE)
    return {
        "thread, first page": reverse("forums:thread", args=[big_thread]) + "?page=1",
        "thread, last page": reverse("forums:thread", args=[big_thread]) + f"?page={last_page}",
        "forum's thread list": reverse("forums:forum", args=[forum_slug]),
        "forums index": reverse("forums:index"),
        "home": reverse("home"),
        "folder": reverse("documents:folder", args=[folder.pk]),
        "proposal": reverse("proposals:detail", args=[proposal.pk]),
        "register": reverse("workflows:register"),
        "search": reverse("search") + f"?q={SEARCH_WORD}",
    }


def _count(session_key: str, pages: dict[str, str]) -> dict[str, dict]:
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_ACCEPT_LANGUAGE="fr", HTTP_HOST="127.0.0.1")
    client.cookies[settings.SESSION_COOKIE_NAME] = session_key
    measured = {}
    for name, url in pages.items():
        first = client.get(url)
        if first.status_code != 200:
            raise SystemExit(f"{name} ({url}) answered {first.status_code}")
        if name == "search" and b'class="search-hits"' not in first.content:
            raise SystemExit(f"search ({url}) found nothing: is the index built?")
        with CaptureQueriesContext(connection) as queries:
            second = client.get(url)
        measured[name] = {"url": url, "queries": len(queries), "bytes": len(second.content)}
    return measured


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", required=True, type=Path)
    parser.add_argument("--seed", type=int, default=20261204)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "intranet.settings")
    django.setup()
    from django.core.management import call_command

    from bench.setup_db import _session_for

    big_thread, forum_slug = _seed_threads(random.Random(args.seed))  # noqa: S311 - reproducible data
    # Bulk rows reach no index: without this the search page is measured answering "unavailable".
    call_command("search_index", "rebuild", stdout=io.StringIO())
    reader = _reader()
    session_key = _session_for(reader)
    pages = _pages(big_thread, forum_slug)
    measured = _count(session_key, pages)
    args.output.write_text(
        json.dumps({"reader": reader.pk, "session": session_key, "pages": measured}, ensure_ascii=False)
    )


if __name__ == "__main__":
    main()
