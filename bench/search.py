"""Search benchmark: index rebuild rate, query latencies and freshness at 100,000 forum posts and
10,000 documents of ~1,400 words, for the Whoosh engine and (on PostgreSQL) the PostgreSQL one.

1. A throwaway database is migrated and filled by ``bench/search_setup.py`` (bulk inserts, not
   the actions): 2,000 people in the 4 collèges, 100,000 posts of ~80 French-like words in
   threads of the four collège forums and the general forum, 400 folders in the four collège
   spaces and 10,000 documents whose current version has ~1,400 words of extracted text. The
   words come from a vocabulary of ~3,000 French words with accents; ``projet`` is in about a
   third of the posts. By default the database is SQLite under a temporary
   ``INTRANET_VAR_DIR`` (the Whoosh index goes there too); with ``DATABASE_URL`` (or
   ``--database-url``) pointing at a PostgreSQL server, a dedicated database
   (``--database-name``, default ``bench_search``) is created on that server, used, then dropped;
   the database named in the URL is never written to.
2. For each engine (Whoosh; then, on PostgreSQL, ``SEARCH_BACKEND="postgres"`` when
   ``intranet/search/postgres_engine.py`` exists):

   - **rebuild**: ``indexer.rebuild(engine, progress)``, timed; it prints the rate in index
     entries per second overall (target ≥ 1,500/s), and for the forum part (threads with their
     opening post, replies) and the documents on their own (from the progress marks; the final
     commit is counted in the total only);
   - **queries**: N timed calls each of ``intranet.search.search(user, text, Filters())``, the
     facade the results page calls (the person's scopes from the pages' selectors, the engine,
     the hits read back from the database and cut into snippets), for a single word, two words,
     a phrase in double quotes and a very common word, as a plain member of ONE collège (who reads
     their collège's forum and the general forum, their collège's space and the association's
     space); a fresh user object per query, as on a new request (read before the timer starts).
     It prints p50 / p95 / max in ms against the target (p95 ≤ 50 ms), the hits shown, the
     queries to the database and where the time goes (median of: scopes, engine, hits read and
     described). For Whoosh also the first search after an index commit (its per-segment scope
     cache emptied, as after every commit of the indexer);
   - **freshness**: ``manage.py worker --only search.index`` runs as a subprocess against the same
     database and index (the search job of the worker ``make run`` starts); the member replies with
     ``forums.actions.reply`` (which records the pending change in its transaction) a message
     holding a word never seen before, and searches for it (every 20 ms, as the author) until the
     reply is found. Freshness = time from the commit to the end of the search that found it
     (target ≤ 2 s); repeated ``--fresh`` times (default 10), p50 / max printed.
3. At the end, the figures as Markdown tables to paste into BENCHMARKS.md.

Usage, from the repository root::

    .venv/bin/python bench/search.py                                  # the issue's sizes (≈ 12 min on SQLite, 2 cores)
    .venv/bin/python bench/search.py --posts 5000 --documents 500     # quick run (< 1 min)
    .venv/bin/python bench/search.py --profile                        # + cProfile of one run of each query
    .venv/bin/python bench/search.py --profile-rebuild --fresh 0      # where the rebuild's time goes
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/search.py

Everything runs on one machine: the client, the indexer subprocess and, with PostgreSQL, the
database server share its cores.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import importlib.util
import io
import os
import platform
import pstats
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = Path(__file__).resolve().parent
# Run as a script, this file's folder comes first on sys.path, and bench/documents.py would hide
# the application of the same name: look up modules from the repository root instead.
sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != BENCH_DIR]
sys.path.insert(0, str(ROOT))

from bench.documents import (  # noqa: E402 - after the sys.path fix
    BenchError,
    Database,
    OtherCpu,
    captured,
    database_for,
    machine_description,
    percentile,
    wait_for_quiet_machine,
)

PYTHON = sys.executable
TARGET_RATE = 1500.0  # index entries per second
TARGET_MS = 50.0  # p95 of a search
TARGET_FRESH_S = 2.0
POLL_EVERY = 0.02  # s between the author's searches for their new reply
FRESH_TIMEOUT = 30.0
WORKER_START_TIMEOUT = 60.0

QUERIES = [
    ("single word", "cinéma"),
    ("two words", "tournage subvention"),
    ("phrase", '"assemblée générale"'),
    ("very common word", "projet"),
]


# --- Figures -------------------------------------------------------------------------------------


@dataclass
class RebuildFigures:
    written: int
    seconds: float
    cpu_seconds: float
    per_kind: dict[str, tuple[int, float]]  # kind → (entries, seconds)
    commit_seconds: float
    size: str

    @property
    def rate(self) -> float:
        return self.written / self.seconds if self.seconds else 0.0

    def part(self, kinds: tuple[str, ...]) -> tuple[int, float]:
        entries = sum(self.per_kind.get(kind, (0, 0.0))[0] for kind in kinds)
        seconds = sum(self.per_kind.get(kind, (0, 0.0))[1] for kind in kinds)
        return entries, seconds


@dataclass
class QueryFigures:
    name: str
    text: str
    values_ms: list[float]
    total: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    shown: int = 0
    queries: int = 0
    sql_ms: float = 0.0
    scopes_ms: float = 0.0
    engine_ms: float = 0.0
    described_ms: float = 0.0
    other_cpu: float = float("nan")
    target: bool = True

    @property
    def p50(self) -> float:
        return percentile(self.values_ms, 50)

    @property
    def p95(self) -> float:
        return percentile(self.values_ms, 95)

    @property
    def verdict(self) -> str:
        if not self.target:
            return "(info)"
        return "PASS" if self.p95 <= TARGET_MS else "MISS"


@dataclass
class FreshFigures:
    values_s: list[float] = field(default_factory=list)
    finding_search_ms: list[float] = field(default_factory=list)  # the search that found the reply
    failures: list[str] = field(default_factory=list)

    @property
    def verdict(self) -> str:
        if self.failures or not self.values_s:
            return "MISS"
        return "PASS" if max(self.values_s) <= TARGET_FRESH_S else "MISS"


@dataclass
class EngineFigures:
    engine: str
    rebuild: RebuildFigures | None = None
    queries: list[QueryFigures] = field(default_factory=list)
    fresh: FreshFigures | None = None
    note: str = ""


# --- Environment ---------------------------------------------------------------------------------


def benchmark_environment(var_dir: Path, database: Database) -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "intranet.settings",
        "INTRANET_ENV": "development",
        "INTRANET_VAR_DIR": str(var_dir),
        "DOCUMENTS_ROOT": str(var_dir / "documents"),
        "DEBUG": "false",  # as in production: no query log kept
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
        "SEARCH_BACKEND": "whoosh",
    }
    for name in ("REDIS_URL", "DATABASE_URL", "MEDIA_ROOT", "SEARCH_INDEX_DIR", "ALLOWED_HOSTS"):
        env.pop(name, None)
    if database.url:
        env["DATABASE_URL"] = database.url
    return env


def postgres_engine_available() -> bool:
    return importlib.util.find_spec("intranet.search.postgres_engine") is not None


def directory_size(path: Path) -> int:
    return sum(entry.stat().st_size for entry in path.rglob("*") if entry.is_file())


# --- Rebuild -------------------------------------------------------------------------------------


def measure_rebuild(engine, profile: bool = False, profile_top: int = 25) -> RebuildFigures:
    from django.db import connection

    from intranet.search import indexer
    from intranet.search.sources import sources

    counts = {kind: sum(1 for _id in source.all_ids()) for kind, source in sources().items()}
    marks: list[tuple[int, float]] = []
    done = 0

    def progress(count: int) -> None:
        nonlocal done
        done += count
        marks.append((done, time.perf_counter()))

    profiler = cProfile.Profile() if profile else None
    cpu_before = time.process_time()
    started = time.perf_counter()
    if profiler:
        profiler.enable()
    written = indexer.rebuild(engine, progress)
    if profiler:
        profiler.disable()
    finished = time.perf_counter()
    cpu = time.process_time() - cpu_before
    if profiler:
        print_profile(profiler, "the rebuild (its timings below are inflated by the profiler)", profile_top)
    # The sources are indexed one after the other, in this order: cut the marks at their counts.
    per_kind, boundary, previous = {}, 0, started
    for kind, count in counts.items():
        boundary += count
        at = next((when for cumulative, when in marks if cumulative >= boundary), previous) if count else previous
        per_kind[kind] = (count, at - previous)
        previous = at
    if written != sum(counts.values()):
        print(f"  note: rebuild wrote {written} entries, the sources hold {sum(counts.values())}", flush=True)
    if engine.name == "whoosh":
        size = f"{directory_size(Path(engine.directory)) / 1024 / 1024:.0f} MB on disk"
    else:
        size = ""
        with contextlib.suppress(Exception), connection.cursor() as cursor:
            from intranet.models import SearchEntry

            cursor.execute("SELECT pg_total_relation_size(%s)", [SearchEntry._meta.db_table])
            size = f"{cursor.fetchone()[0] / 1024 / 1024:.0f} MB ({SearchEntry._meta.db_table}, with its indexes)"
    return RebuildFigures(written, finished - started, cpu, per_kind, finished - previous, size)


def print_rebuild(figures: RebuildFigures, built) -> None:
    verdict = "PASS" if figures.rate >= TARGET_RATE else "MISS"
    print(
        f"  rebuild: {figures.written} entries in {figures.seconds:.1f} s → {figures.rate:,.0f} entries/s "
        f"→ {verdict} (target ≥ {TARGET_RATE:,.0f}/s); this process's CPU {figures.cpu_seconds:.1f} s; "
        f"index {figures.size}",
        flush=True,
    )
    for label, kinds, characters in (
        ("forum (threads + replies)", ("thread", "post"), built.post_characters),
        ("documents", ("document",), built.document_characters),
        ("members", ("member",), 0),
    ):
        entries, seconds = figures.part(kinds)
        if not entries:
            continue
        rate = entries / seconds if seconds else float("inf")
        text = f", {characters / seconds / 1e6:.1f} M characters/s" if characters and seconds else ""
        print(f"    {label:<28} {entries:>7} entries in {seconds:6.1f} s → {rate:8,.0f} entries/s{text}")
    print(f"    {'final commit':<28} {'':>7}         {figures.commit_seconds:6.1f} s", flush=True)


# --- Queries -------------------------------------------------------------------------------------


def fresh_user(pk: int):
    from intranet.models import User

    return User.objects.get(pk=pk)


def measure_queries(args, member_pk: int, engine_name: str) -> list[QueryFigures]:
    from intranet import search
    from intranet.search import _described
    from intranet.search.engine import Filters
    from intranet.search.query import parse
    from intranet.search.sources import allowed_scopes

    results = []
    for name, text in QUERIES:
        for _attempt in range(3):  # warm-up
            search.search(fresh_user(member_pk), text, Filters())
        values = []
        with OtherCpu() as other:
            for _attempt in range(args.queries):
                user = fresh_user(member_pk)
                started = time.perf_counter()
                page = search.search(user, text, Filters())
                values.append((time.perf_counter() - started) * 1000)
        if page.unavailable:
            raise BenchError(f"search for {text!r} answered 'unavailable' (see the log above)")
        figures = QueryFigures(name, text, values, other_cpu=other.cores)
        figures.total, figures.counts, figures.shown = (
            len(page.hits),
            {g.kind: len(g.hits) for g in page.groups},
            len(page.hits),
        )
        figures.queries, figures.sql_ms, _top = captured(
            lambda text=text: search.search(fresh_user(member_pk), text, Filters())
        )
        figures.queries -= 1  # the fresh user's own read
        # Where the time goes: the same steps as the facade, timed one by one.
        parts: dict[str, list[float]] = {"scopes": [], "engine": [], "described": []}
        parsed = parse(text)
        for _attempt in range(min(args.queries, 20)):
            user = fresh_user(member_pk)
            t0 = time.perf_counter()
            scopes = allowed_scopes(user)
            t1 = time.perf_counter()
            # The facade's engine step: every word first, then some of them if the page is not full.
            found = search._found(parsed, scopes, Filters(), offset=0, limit=search.PER_PAGE)
            t2 = time.perf_counter()
            _described(user, found.hits, parsed, scopes)
            t3 = time.perf_counter()
            parts["scopes"].append((t1 - t0) * 1000)
            parts["engine"].append((t2 - t1) * 1000)
            parts["described"].append((t3 - t2) * 1000)
        figures.scopes_ms = statistics.median(parts["scopes"])
        figures.engine_ms = statistics.median(parts["engine"])
        figures.described_ms = statistics.median(parts["described"])
        results.append(figures)
        print(f"  {query_line(figures)}", flush=True)

    if engine_name == "whoosh":
        # Every commit of the indexer makes new segments: the first search after it computes the
        # documents of each scope again, and the set a person's scopes allow (whoosh_scopes'
        # caches keyed by segment). Emptied here, as by a commit.
        from intranet.search import whoosh_scopes

        name, text = QUERIES[0]
        values = []
        with OtherCpu() as other:
            for _attempt in range(max(5, args.queries // 5)):
                user = fresh_user(member_pk)
                whoosh_scopes.forget()
                started = time.perf_counter()
                page = search.search(user, text, Filters())
                values.append((time.perf_counter() - started) * 1000)
        figures = QueryFigures(f"{name}, first after a commit", text, values, other_cpu=other.cores, target=False)
        figures.total, figures.counts, figures.shown = (
            len(page.hits),
            {g.kind: len(g.hits) for g in page.groups},
            len(page.hits),
        )
        results.append(figures)
        print(f"  {query_line(figures)}", flush=True)
    return results


QUERY_HEADER = (
    f"{'query':<34} {'text':<22} {'n':>4} {'p50 ms':>7} {'p95 ms':>7} {'max ms':>7} {'found':>7}  "
    f"{'SQL':>3} {'scopes':>6} {'engine':>6} {'hits':>6}  {'other':>5}  target p95 ≤ 50 ms"
)


def query_line(figures: QueryFigures) -> str:
    steps = (
        f"{figures.queries:>3} {figures.scopes_ms:>6.1f} {figures.engine_ms:>6.1f} {figures.described_ms:>6.1f}"
        if figures.target
        else f"{'':>3} {'':>6} {'':>6} {'':>6}"
    )
    return (
        f"{figures.name:<34} {figures.text:<22} {len(figures.values_ms):>4} {figures.p50:>7.1f} "
        f"{figures.p95:>7.1f} {max(figures.values_ms):>7.1f} {figures.total:>7}  {steps}  "
        f"{figures.other_cpu:>5.2f}  {figures.verdict}"
    )


def profile_queries(member_pk: int, top: int) -> None:
    from intranet import search
    from intranet.search.engine import Filters

    for name, text in QUERIES:
        user = fresh_user(member_pk)
        profiler = cProfile.Profile()
        profiler.enable()
        search.search(user, text, Filters())
        profiler.disable()
        print_profile(profiler, f"one search for {text!r} ({name})", top)


def print_profile(profiler: cProfile.Profile, what: str, top: int) -> None:
    for order in ("cumulative", "tottime"):
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).strip_dirs().sort_stats(order).print_stats(top)
        lines = [line for line in out.getvalue().splitlines() if line.strip()]
        print(f"\n  cProfile of {what}, by {order} time:")
        for line in lines[lines.index(next(line for line in lines if "ncalls" in line)) :]:
            print(f"    {line}")
    sys.stdout.flush()


# --- Freshness -----------------------------------------------------------------------------------


class Worker:
    """The worker's search indexing alone (``manage.py worker --only search.index``) in its own
    process; stopped (then killed) on leaving."""

    def __init__(self, env: dict[str, str], log_path: Path):
        self.env, self.log_path, self.process = env, log_path, None

    def __enter__(self) -> Worker:
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(  # noqa: S603 - fixed command line
                [PYTHON, "manage.py", "worker", "--only", "search.index", "--stop-with-parent"],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return self

    def __exit__(self, *exc_info) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)

    def check(self) -> None:
        if self.process.poll() is not None:
            raise BenchError(f"the indexer exited with {self.process.returncode}:\n{self.log_tail()}")

    def log_tail(self, lines: int = 20) -> str:
        with contextlib.suppress(OSError):
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        return "(no log)"


def reply_and_find(author_pk: int, thread_pk: int, word: str, text, worker: Worker, timeout: float):
    """Reply with ``word`` in the message; (seconds from the commit to found, ms of that search)."""
    from django.db import transaction

    from forums import actions as forum_actions
    from forums.models import Thread
    from intranet import search
    from intranet.search.engine import Filters

    author, thread = fresh_user(author_pk), Thread.objects.get(pk=thread_pk)
    committed: list[float] = []
    body = f"{text.sentences(60)} {word}."
    # The reply's own transaction, inside this one, which commits it: the first callback after
    # the commit notes the moment (before the live events the reply sends on commit).
    with transaction.atomic():
        transaction.on_commit(lambda: committed.append(time.perf_counter()))
        post = forum_actions.reply(author, thread=thread, body=body)
    t0 = committed[0]
    while True:
        started = time.perf_counter()
        page = search.search(fresh_user(author_pk), word, Filters())
        now = time.perf_counter()
        if any(hit.kind == "post" and hit.object_id == post.pk for hit in page.hits):
            return now - t0, (now - started) * 1000
        if now - t0 > timeout:
            worker.check()
            return None, (now - started) * 1000
        time.sleep(POLL_EVERY)


def measure_freshness(args, env: dict[str, str], var_dir: Path, built, member_pk: int, engine_name: str, text):
    from forums.models import Forum
    from intranet.models import College

    college = College.objects.get(memberships__user_id=member_pk)
    forums = [Forum.objects.get(college=college).pk, Forum.objects.get(kind="general").pk]
    threads = [pk for forum in forums for pk in built.threads_of_forum.get(forum, [])[:5]]
    if not threads:
        raise BenchError("no thread to reply to")
    rng = random.Random(7)  # noqa: S311
    figures = FreshFigures()
    worker_env = {**env, "SEARCH_BACKEND": engine_name}
    with Worker(worker_env, var_dir / f"indexer-{engine_name}.log") as worker:
        # Until the worker answers (Django's start, its first look at the queue): not measured.
        seconds, _ms = reply_and_find(member_pk, threads[0], "echauffementbanc", text, worker, WORKER_START_TIMEOUT)
        if seconds is None:
            raise BenchError(f"the indexer did not index a reply within {WORKER_START_TIMEOUT:.0f} s")
        for trial in range(args.fresh):
            time.sleep(rng.uniform(0.3, 1.0))  # somewhere in the indexer's idle pause
            word = f"fraicheur{trial:02d}q{rng.randrange(10**6):06d}"
            seconds, search_ms = reply_and_find(
                member_pk, threads[trial % len(threads)], word, text, worker, FRESH_TIMEOUT
            )
            if seconds is None:
                figures.failures.append(f"{word}: not found within {FRESH_TIMEOUT:.0f} s")
            else:
                figures.values_s.append(seconds)
                figures.finding_search_ms.append(search_ms)
    return figures


def print_freshness(figures: FreshFigures) -> None:
    if figures.values_s:
        print(
            f"  freshness, commit → found by the author's search, {len(figures.values_s)} replies: "
            f"p50 {percentile(figures.values_s, 50):.2f} s, max {max(figures.values_s):.2f} s "
            f"→ {figures.verdict} (target ≤ {TARGET_FRESH_S:.0f} s); the search that found it: "
            f"median {statistics.median(figures.finding_search_ms):.0f} ms, "
            f"max {max(figures.finding_search_ms):.0f} ms",
            flush=True,
        )
    for failure in figures.failures:
        print(f"  freshness problem: {failure}", flush=True)


# --- Main ----------------------------------------------------------------------------------------


def pick_member(built) -> int:
    """A plain member of exactly one collège, not a coordinator, not staff, not on the board."""
    from intranet.models import BoardMembership

    board = set(BoardMembership.objects.values_list("user_id", flat=True))
    for pks in built.single_college_members.values():
        for pk in pks:
            if pk not in board:
                return pk
    raise BenchError("no plain member of a single collège")


def member_context(member_pk: int) -> str:
    from documents.selectors import visible_documents, visible_folders
    from forums.selectors import visible_forums

    user = fresh_user(member_pk)
    forums = ", ".join(forum.name for forum in visible_forums(user))
    colleges = ", ".join(user.college_memberships.values_list("college__slug", flat=True))
    return (
        f"member #{member_pk} (collège {colleges}) reads forums [{forums}], "
        f"{visible_folders(user).count()} folders, {visible_documents(user).count()} documents"
    )


def run_engine(args, env, var_dir, built, member_pk, engine_name, text) -> EngineFigures:
    from django.conf import settings

    from intranet.search import engine

    figures = EngineFigures(engine_name)
    settings.SEARCH_BACKEND = engine_name
    current = engine()
    print(f"\n== Engine: {engine_name} ==", flush=True)
    figures.rebuild = measure_rebuild(current, args.profile_rebuild, args.profile_top)
    print_rebuild(figures.rebuild, built)
    if args.quiet_wait > 0:
        wait_for_quiet_machine(args.quiet_wait)
    print(f"  queries, {args.queries} timed runs each, as {member_context(member_pk)}:")
    print(f"  {QUERY_HEADER}")
    print("  " + "-" * len(QUERY_HEADER))
    figures.queries = measure_queries(args, member_pk, engine_name)
    print(
        "  found: results in all (kinds: "
        + "; ".join(f"{q.text} {q.counts}" for q in figures.queries[: len(QUERIES)])
        + ")\n  SQL: queries per search; scopes / engine / hits: median ms of the facade's steps "
        "(allowed_scopes, engine.search, reading and describing the page of hits); other: cores used "
        "meanwhile by other processes",
        flush=True,
    )
    if args.profile:
        profile_queries(member_pk, args.profile_top)
    if args.fresh > 0:
        try:
            figures.fresh = measure_freshness(args, env, var_dir, built, member_pk, engine_name, text)
        except BenchError as error:
            figures.fresh = FreshFigures(failures=[str(error)])
        print_freshness(figures.fresh)
    return figures


def markdown(args, all_figures: list[EngineFigures], header: str, built) -> str:
    lines = [
        f"### Results, {args.started_at:%Y-%m-%d}: {built.posts:,} posts, {built.documents:,} documents",
        "",
        header,
        "",
        "| engine | entries | rebuild | rate (entries/s) | forum part (/s) | documents (/s) | final commit | index |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for figures in all_figures:
        r = figures.rebuild
        if r is None:
            lines.append(f"| {figures.engine} | {figures.note} | | | | | | |")
            continue
        forum, documents = r.part(("thread", "post")), r.part(("document",))
        forum_rate = forum[0] / forum[1] if forum[1] else 0
        documents_rate = documents[0] / documents[1] if documents[1] else 0
        verdict = "PASS" if r.rate >= TARGET_RATE else "MISS"
        lines.append(
            f"| {figures.engine} | {r.written:,} | {r.seconds:.1f} s | **{r.rate:,.0f}** {verdict} | "
            f"{forum_rate:,.0f} | {documents_rate:,.0f} | "
            f"{r.commit_seconds:.1f} s | {r.size} |"
        )
    lines += [
        "",
        f"Queries through `intranet.search.search` as a plain member of one collège, {args.queries} runs each (ms):",
        "",
        "| engine | query | shown | p50 | p95 | max | SQL queries | scopes | engine | hits | target p95 ≤ 50 ms |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for figures in all_figures:
        for q in figures.queries:
            steps = (
                f"{q.queries} | {q.scopes_ms:.1f} | {q.engine_ms:.1f} | {q.described_ms:.1f}" if q.target else " | | "
            )
            lines.append(
                f"| {figures.engine} | {q.name}: `{q.text}` | {q.total:,} | {q.p50:.1f} | **{q.p95:.1f}** | "
                f"{max(q.values_ms):.1f} | {steps} | {q.verdict} |"
            )
    lines += [
        "",
        "Freshness: reply committed → found by the author's search (the indexing job in its own process):",
        "",
        "| engine | replies | p50 | max | search that found it (median) | target ≤ 2 s |",
        "| --- | ---: | ---: | ---: | ---: | --- |",
    ]
    for figures in all_figures:
        f = figures.fresh
        if f is None or not f.values_s:
            problem = "; ".join(f.failures) if f else "not measured"
            lines.append(f"| {figures.engine} | 0 | | | | {problem} |")
            continue
        lines.append(
            f"| {figures.engine} | {len(f.values_s)} | {percentile(f.values_s, 50):.2f} s | "
            f"**{max(f.values_s):.2f} s** | {statistics.median(f.finding_search_ms):.0f} ms | {f.verdict} |"
        )
    return "\n".join(lines)


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=100_000, help="forum posts (default 100,000)")
    parser.add_argument("--documents", type=int, default=10_000, help="documents (default 10,000)")
    parser.add_argument("--folders", type=int, default=400, help="folders in the 4 collège spaces (default 400)")
    parser.add_argument("--users", type=int, default=2_000, help="people (default 2,000)")
    parser.add_argument("--queries", type=int, default=50, help="timed runs per query (default 50)")
    parser.add_argument("--fresh", type=int, default=10, help="replies timed for freshness (default 10; 0: skip)")
    parser.add_argument(
        "--engines",
        default="",
        help="whoosh, postgres or whoosh,postgres (default: whoosh, and postgres on PostgreSQL)",
    )
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL"),
        help="a PostgreSQL server (default: $DATABASE_URL, else SQLite); its database is never written to",
    )
    parser.add_argument("--database-name", default="bench_search", help="database created, then dropped, there")
    parser.add_argument(
        "--quiet-wait",
        type=float,
        default=30,
        help="before timing queries, wait up to this many seconds for other processes to use < 0.3 cores",
    )
    parser.add_argument("--profile", action="store_true", help="print a cProfile of one run of each query")
    parser.add_argument(
        "--profile-rebuild", action="store_true", help="run the rebuild under cProfile (its rate is then inflated)"
    )
    parser.add_argument("--profile-top", type=int, default=25, help="lines of each profile (default 25)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory (index, logs, SQLite)")
    args = parser.parse_args()
    if min(args.posts, args.documents, args.queries) < 1 or args.users < 20 or args.folders < 4 or args.fresh < 0:
        parser.error("at least 1 post, 1 document, 1 query run, 20 people and 4 folders")
    args.engine_list = [name.strip() for name in args.engines.split(",") if name.strip()]
    if any(name not in {"whoosh", "postgres"} for name in args.engine_list):
        parser.error("--engines: whoosh, postgres or whoosh,postgres")
    return args


def run(args, var_dir: Path, database: Database) -> int:
    env = benchmark_environment(var_dir, database)
    os.environ.clear()
    os.environ.update(env)
    import django

    django.setup()
    import whoosh
    from django.core.management import call_command
    from django.db import connection

    from bench import search_setup

    if connection.vendor == "sqlite":
        import sqlite3

        db = f"SQLite {sqlite3.sqlite_version} (WAL)"
    else:
        version = connection.cursor().connection.info.server_version
        db = f"PostgreSQL {version // 10000}.{version % 10000}"
    header = (
        f"Machine: {machine_description()}; {os.cpu_count()} CPUs; Django {django.get_version()}, "
        f"Whoosh {whoosh.versionstring()}; database: {db}; {args.started_at:%Y-%m-%d %H:%M %Z}"
    )
    print(header, flush=True)

    started = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    migrated = time.perf_counter()
    built = search_setup.build(users=args.users, posts=args.posts, folders=args.folders, documents=args.documents)
    filled = time.perf_counter()
    print(
        f"Setup: migrate {migrated - started:.1f} s, data {filled - migrated:.1f} s: {built.users} people, "
        f"{built.threads} threads, {built.posts} posts ({built.post_characters / 1e6:.1f} M characters), "
        f"{built.folders} folders, {built.documents} documents ({built.document_characters / 1e6:.1f} M "
        f"characters); vocabulary of {built.vocabulary} words",
        flush=True,
    )
    member_pk = pick_member(built)
    text = search_setup.Text(random.Random(99))  # noqa: S311 - the freshness replies' words

    engines = args.engine_list or (["whoosh", "postgres"] if connection.vendor == "postgresql" else ["whoosh"])
    all_figures, failed = [], False
    for engine_name in engines:
        if engine_name == "postgres":
            if connection.vendor != "postgresql":
                print("\nPostgreSQL engine: not available (the database is not PostgreSQL: set DATABASE_URL)")
                all_figures.append(EngineFigures("postgres", note="not available (SQLite)"))
                continue
            if not postgres_engine_available():
                print("\nPostgreSQL engine: not available (no intranet/search/postgres_engine.py)")
                all_figures.append(EngineFigures("postgres", note="not available"))
                continue
        try:
            figures = run_engine(args, env, var_dir, built, member_pk, engine_name, text)
        except BenchError as error:
            print(f"  {engine_name}: could not measure: {error}", flush=True)
            all_figures.append(EngineFigures(engine_name, note=f"could not measure: {error}"))
            failed = True
            continue
        except Exception as error:  # an engine being written: report it and go on with the others
            traceback.print_exc()
            print(f"  {engine_name}: failed: {error!r}", flush=True)
            all_figures.append(EngineFigures(engine_name, note=f"failed: {error!r}"))
            failed = True
            continue
        all_figures.append(figures)
        failed |= bool(figures.fresh and figures.fresh.failures)
    if "postgres" not in engines:
        reason = "no DATABASE_URL" if connection.vendor != "postgresql" else "not asked for"
        print(f"\nPostgreSQL engine: not available ({reason})")
    print("\nFor BENCHMARKS.md:\n")
    print(markdown(args, all_figures, header, built))
    return 1 if failed else 0


def main() -> int:
    args = parse_arguments()
    args.started_at = datetime.now().astimezone()
    var_dir = Path(tempfile.mkdtemp(prefix="bench-search-"))
    try:
        database = database_for(args)
    except BenchError as error:
        print(f"Benchmark aborted: {error}", file=sys.stderr)
        return 2
    where = f"PostgreSQL database {database.name}" if database.url else "SQLite"
    print(
        f"Search benchmark: {args.posts} posts, {args.documents} documents, {args.folders} folders, "
        f"{args.users} people; {where}; files in {var_dir}; Python {platform.python_version()}",
        flush=True,
    )
    total = time.perf_counter()
    try:
        database.create()
        return run(args, var_dir, database)
    except BenchError as error:
        print(f"Benchmark aborted: {error}", file=sys.stderr)
        return 1
    finally:
        database.drop()
        if args.keep:
            print(f"Kept {var_dir}")
        else:
            shutil.rmtree(var_dir, ignore_errors=True)
        print(f"Total time {time.perf_counter() - total:.0f} s")


if __name__ == "__main__":
    sys.exit(main())
