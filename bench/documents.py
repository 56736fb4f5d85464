"""Document spaces benchmark: page and selector latencies at 100,000 documents, and the server's
memory while a 1 GB upload streams.

1. A throwaway database is migrated and filled by ``bench/documents_setup.py`` (bulk inserts, not
   the actions: 2,000 people in the 4 collèges and 40 project groups, 2,000 folders with restricted
   ones and grants through groups, a chain of 12 nested folders per collège space, 100,000
   documents with one version each). By default it is SQLite under a temporary
   ``INTRANET_VAR_DIR``; with ``DATABASE_URL`` (or ``--database-url``) pointing at a PostgreSQL
   server, a dedicated database (``--database-name``, default ``bench_documents``) is created on
   that server, used, then dropped; the database named in the URL is never written to.
2. In-process, with Django's test ``Client`` (real middleware, templates and sessions; a new user
   object per request, so a person's grants are read once per request as on the site), it times N
   requests each of:

   - the folder page (``documents:folder``) of a folder with ~50 documents, as a plain member of
     the collège (not a coordinator, not staff);
   - "documents I can see": the recent-documents page (``documents:recent``: every document the
     member may open, the 50 latest and their count), and the same selector without the page;
   - the effective-access page (``documents:folder_access``) of the deepest folder of a chain of
     12, as a coordinator of the collège (who manages it); every member of the collège sees it;
   - ``who_has_access.effective_access(folder)`` alone, for the same folder.

   It prints p50 / p95 / max in ms, the queries of one request, and PASS / MISS against the
   issue's target (p95 ≤ 50 ms).
3. It starts the real ASGI application in its own server process (uvicorn as ``manage.py serve
   --server uvicorn`` runs it, or daphne), logs in a member (a database session, reused as the
   cookie), takes the CSRF token from the folder page, and streams a generated 1 GB ``film.mp4``
   as the raw request body the page's script sends (``POST .../deposer/``, 1 MB ``send()`` calls).
   The server's RSS is read from ``/proc/<pid>/status`` every 50 ms; it prints the idle RSS
   (after a warm-up page and a 1 MB upload), the peak during the upload (``VmHWM`` too) and
   peak − idle, PASS / MISS against the target (< 100 MB above idle).

Usage, from the repository root::

    .venv/bin/python bench/documents.py                          # the issue's sizes, uvicorn (≈ 1.5–2 min)
    .venv/bin/python bench/documents.py --server uvicorn,daphne  # both servers
    .venv/bin/python bench/documents.py --documents 10000 --folders 200 --users 200 --requests 50 --upload-mb 64
    .venv/bin/python bench/documents.py --skip-upload --queries   # print every query of one request each
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python bench/documents.py

The client runs on the same machine as the server (and, for the latencies, in the same
process): on a busy machine the figures are worse, not better.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import math
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = Path(__file__).resolve().parent
# Run as a script, this file's folder comes first on sys.path, and this module ("documents")
# would hide the application of the same name: look up modules from the repository root instead.
sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != BENCH_DIR]
sys.path.insert(0, str(ROOT))

PYTHON = sys.executable
TARGET_MS = 50.0
TARGET_MEMORY_MB = 100.0
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
SAMPLE_EVERY = 0.05  # s, RSS sampling period
CHUNK = 1024 * 1024  # bytes per send() of the upload
SERVER_START_TIMEOUT = 60
UPLOAD_TIMEOUT = 900
CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


class BenchError(Exception):
    """The benchmark could not measure; the message says why."""


# --- Figures -------------------------------------------------------------------------------------


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    if not ordered:
        return math.nan
    return ordered[max(1, math.ceil(p / 100 * len(ordered))) - 1]


@dataclass
class Timing:
    name: str
    values_ms: list[float]
    queries: int | None = None
    sql_ms: float | None = None
    other_cpu: float = math.nan  # cores used by other processes while timing
    target: bool = True  # measured against the 50 ms target

    @property
    def p95(self) -> float:
        return percentile(self.values_ms, 95)

    def line(self) -> str:
        queries = "" if self.queries is None else f"{self.queries:>4} q, {self.sql_ms:6.1f} ms SQL"
        verdict = ("PASS" if self.p95 <= TARGET_MS else "MISS") if self.target else "(info)"
        return (
            f"  {self.name:<44} {len(self.values_ms):>4} {percentile(self.values_ms, 50):>8.1f} "
            f"{self.p95:>8.1f} {max(self.values_ms):>8.1f}  {queries:<20} {self.other_cpu:>5.2f}  {verdict}"
        )


def timed(function, count: int, warmup: int = 3) -> list[float]:
    for _attempt in range(warmup):
        function()
    values = []
    for _attempt in range(count):
        started = time.perf_counter()
        function()
        values.append((time.perf_counter() - started) * 1000)
    return values


def cpu_ticks() -> tuple[int, int] | None:
    """(busy, total) clock ticks of all CPUs since boot, from /proc/stat; None if not Linux."""
    try:
        ticks = [int(value) for value in Path("/proc/stat").read_text().splitlines()[0].split()[1:9]]
    except (OSError, ValueError):
        return None
    return sum(ticks) - ticks[3] - ticks[4], sum(ticks)


def own_ticks() -> int:
    """utime + stime of this process (all threads), in clock ticks."""
    times = os.times()
    return round((times.user + times.system) * os.sysconf("SC_CLK_TCK"))


class OtherCpu:
    """Cores used by every other process while the block runs: is the machine quiet?"""

    def __enter__(self) -> OtherCpu:
        self.before, self.own_before, self.cores = cpu_ticks(), own_ticks(), math.nan
        return self

    def __exit__(self, *exc_info) -> None:
        after = cpu_ticks()
        if self.before is None or after is None or after[1] <= self.before[1]:
            return
        one_core = (after[1] - self.before[1]) / (os.cpu_count() or 1)
        others = after[0] - self.before[0] - (own_ticks() - self.own_before)
        self.cores = max(0.0, others / one_core)


def wait_for_quiet_machine(limit: float, threshold: float = 0.3) -> float:
    """Wait (at most ``limit`` s) until other processes use less than ``threshold`` cores."""
    deadline = time.monotonic() + limit
    announced = False
    while True:
        with OtherCpu() as other:
            time.sleep(1.0)
        if not other.cores >= threshold or time.monotonic() >= deadline:
            return other.cores
        if not announced:
            print(
                f"  waiting up to {limit:.0f} s for the machine to calm down (others use {other.cores:.1f} cores)…",
                flush=True,
            )
            announced = True


def captured(function, *, show: int = 3, dump: bool = False) -> tuple[int, float, list[str]]:
    """Run once, timing every query: (count, SQL ms, the slowest ones for the report)."""
    from django.db import connection

    queries: list[tuple[float, str]] = []

    def timer(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            queries.append(((time.perf_counter() - started) * 1000, sql))

    with connection.execute_wrapper(timer):
        function()
    if dump:
        for ms, sql in queries:
            print(f"      {ms:7.2f} ms  {sql[:400]}")
    slowest = [f"{ms:7.2f} ms  {sql[:300]}" for ms, sql in sorted(queries, reverse=True)[:show]]
    return len(queries), sum(ms for ms, _sql in queries), slowest


# --- Environment and database --------------------------------------------------------------------


def machine_description() -> str:
    model = "unknown CPU"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    memory = ""
    with contextlib.suppress(OSError, ValueError, IndexError):
        kib = int(Path("/proc/meminfo").read_text().splitlines()[0].split()[1])
        memory = f", {kib / 1024 / 1024:.0f} GB RAM"
    return f"{os.cpu_count()} cores ({model}){memory}, Linux {platform.release()}, Python {platform.python_version()}"


@dataclass
class Database:
    url: str | None  # None: SQLite under INTRANET_VAR_DIR
    admin_url: str | None = None  # the server's URL given by the user, to create and drop ours
    name: str | None = None

    def create(self) -> None:
        if self.admin_url is None:
            return
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True) as connection:
            exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [self.name]).fetchone()
            if exists:
                print(f"  dropping the leftover database {self.name} of an earlier run", flush=True)
                connection.execute(f'DROP DATABASE "{self.name}" WITH (FORCE)')
            connection.execute(f'CREATE DATABASE "{self.name}"')

    def drop(self) -> None:
        if self.admin_url is None:
            return
        import psycopg

        with contextlib.suppress(Exception):
            from django.db import connections

            connections.close_all()
        with psycopg.connect(self.admin_url, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def database_for(args) -> Database:
    if not args.database_url:
        return Database(url=None)
    parts = urlsplit(args.database_url)
    if not parts.scheme.startswith("postgres"):
        raise BenchError("only PostgreSQL URLs are supported besides the default SQLite")
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", args.database_name):
        raise BenchError("--database-name: lower-case letters, digits and _ only")
    if parts.path.strip("/") == args.database_name:
        raise BenchError("--database-name must differ from the database of the URL (it is dropped at the end)")
    own = urlunsplit(parts._replace(path=f"/{args.database_name}"))
    return Database(url=own, admin_url=args.database_url, name=args.database_name)


def benchmark_environment(args, var_dir: Path, database: Database) -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "intranet.settings",
        "INTRANET_ENV": "development",  # ALLOWED_HOSTS then defaults to 127.0.0.1, localhost
        "INTRANET_VAR_DIR": str(var_dir),
        "DOCUMENTS_ROOT": str(var_dir / "documents"),
        "DOCUMENTS_MAX_UPLOAD_MB": str(max(2048, args.upload_mb + 64)),
        "DEBUG": "false",  # as in production: no query log kept per request
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    }
    for name in ("REDIS_URL", "DATABASE_URL", "MEDIA_ROOT", "SEARCH_INDEX_DIR", "ALLOWED_HOSTS"):
        env.pop(name, None)
    if database.url:
        env["DATABASE_URL"] = database.url
    return env


# --- Latencies -----------------------------------------------------------------------------------


@dataclass
class Subjects:
    member: object
    coordinator: object
    listing_folder: object
    deep_folder: object
    college: str


def pick_subjects(built) -> Subjects:
    from django.db.models import Count

    from documents.models import Folder
    from intranet.models import User

    college = next(iter(built.deep_folder))
    # Tiny runs may have no folder at depth 2–4 outside the chain: any folder with documents then.
    candidates = built.listing_candidates[college] or list(built.documents_per_folder)
    # A folder with about 50 documents and a few subfolders, as an everyday folder page.
    listing = (
        Folder.objects.filter(pk__in=candidates)
        .annotate(children_count=Count("children"))
        .filter(children_count__gt=0)
        .order_by("-children_count", "pk")
        .first()
    ) or Folder.objects.get(pk=candidates[0])
    # A plain member who is also in project groups (their grants count too).
    members = built.members[college]
    member = (
        User.objects.filter(pk__in=members).annotate(group_count=Count("groups")).order_by("-group_count", "pk").first()
    )
    coordinator = User.objects.get(pk=built.coordinators[college][0])
    return Subjects(member, coordinator, listing, Folder.objects.get(pk=built.deep_folder[college]), college)


def new_client(user):
    from django.test import Client

    # No setup_test_environment(): no template instrumentation, and "testserver" is not an allowed
    # host, so the requests name 127.0.0.1.
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user, backend=MODEL_BACKEND)
    return client


def get_ok(client, url: str):
    def run():
        response = client.get(url)
        if response.status_code != 200:
            raise BenchError(f"GET {url} answered {response.status_code}")
        return response

    return run


def grants_read_every_request(client, url: str) -> bool:
    """Each request gets a new user object, so the grants cache of policies.grants_of is empty."""
    from django.db import connection

    reads = []
    for _attempt in range(3):
        statements: list[str] = []

        def spy(execute, sql, params, many, context, statements=statements):
            statements.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(spy):
            client.get(url)
        # policies.grants_of: one UNION of the personal grants and the grants through groups.
        reads.append(
            sum(
                "documents_folderuserpermission" in sql and "documents_foldergrouppermission" in sql
                for sql in statements
            )
        )
    return all(count == 1 for count in reads)


def measure_latencies(args, built) -> tuple[list[Timing], dict]:
    from django.urls import reverse

    from documents import policies, selectors, who_has_access

    subjects = pick_subjects(built)
    member_client, coordinator_client = new_client(subjects.member), new_client(subjects.coordinator)
    folder_url = reverse("documents:folder", args=[subjects.listing_folder.pk])
    recent_page = get_ok(member_client, reverse("documents:recent"))
    # The period's new documents and versions are among the home's news.
    home_page = get_ok(member_client, reverse("home") + "?depuis=30")
    access_url = reverse("documents:folder_access", args=[subjects.deep_folder.pk])
    folder_page, access_page = get_ok(member_client, folder_url), get_ok(coordinator_client, access_url)
    member = subjects.member

    def visible_page_and_count():
        policies.forget_grants(member)  # as on a new request
        documents = selectors.visible_documents(member)
        page = list(documents.select_related("folder", "current_version").order_by("-updated_at")[:50])
        return page, documents.count()

    def visible_page_only():
        policies.forget_grants(member)
        return list(
            selectors.visible_documents(member).select_related("folder", "current_version").order_by("-updated_at")[:50]
        )

    def visible_count_only():
        policies.forget_grants(member)
        return selectors.visible_documents(member).count()

    deep = subjects.deep_folder

    def effective_access():
        return who_has_access.effective_access(deep)

    context = {
        "college": subjects.college,
        "listing_folder": subjects.listing_folder.pk,
        "listing_documents": built.documents_per_folder.get(subjects.listing_folder.pk, 0),
        "listing_subfolders": subjects.listing_folder.children.count(),
        "listing_depth": len(subjects.listing_folder.ancestor_ids()) - 1,
        "deep_folder": deep.pk,
        "deep_depth": len(deep.ancestor_ids()) - 1,
        "people_who_see_deep": len(effective_access()),
        "member": subjects.member.pk,
        "member_groups": subjects.member.groups.count(),
        "visible_documents": visible_count_only(),
        "visible_folders": selectors.visible_folders(member).count(),
        "grants_every_request": grants_read_every_request(member_client, folder_url),
    }
    items = [
        ("folder page (GET documents:folder)", folder_page, True),
        ("documents I can see (GET documents:recent)", recent_page, True),
        ("the member's home, last 30 days (GET home)", home_page, True),
        ("  selector alone: page of 50 + count", visible_page_and_count, False),
        ("  of which the page of 50 (-updated_at)", visible_page_only, False),
        ("  of which count()", visible_count_only, False),
        ("effective-access page (GET folder_access)", access_page, True),
        ("who_has_access.effective_access(deep folder)", effective_access, False),
    ]
    timings, slowest = [], {}
    for name, function, target in items:
        print(f"  timing {name.strip()}…", flush=True)
        with OtherCpu() as other:
            values = timed(function, args.requests)
        if args.queries:
            print(f"    queries of one run of {name.strip()}:")
        queries, sql_ms, top = captured(function, dump=args.queries)
        timings.append(Timing(name, values, queries, sql_ms, other_cpu=other.cores, target=target))
        slowest[name] = top
    context["slowest"] = slowest
    return timings, context


# --- Memory during an upload ---------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def proc_status(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM of a process, in kB."""
    values = {}
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(("VmRSS:", "VmHWM:")):
                name, value = line.split(":", 1)
                values[name] = int(value.split()[0])
    return values


class Sampler(threading.Thread):
    """Reads the server's RSS every SAMPLE_EVERY seconds until stopped."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.samples, self.stopping = pid, [], threading.Event()

    def run(self) -> None:
        while not self.stopping.is_set():
            rss = proc_status(self.pid).get("VmRSS")
            if rss is not None:
                self.samples.append((time.perf_counter(), rss))
            self.stopping.wait(SAMPLE_EVERY)

    def stop(self) -> list[tuple[float, int]]:
        self.stopping.set()
        self.join(5)
        return self.samples


class Server:
    """The ASGI application in its own process; stopped (then killed) on leaving the block."""

    def __init__(self, kind: str, env: dict[str, str], log_path: Path):
        self.kind, self.env, self.log_path, self.port = kind, env, log_path, free_port()
        # The only origin its pages' sockets are accepted from (realtime.origins).
        self.env = {**env, "SITE_URL": f"http://127.0.0.1:{self.port}"}
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Server:
        if self.kind == "uvicorn":
            # What `manage.py serve --server uvicorn` runs.
            command = [
                *("-m", "uvicorn", "--host", "127.0.0.1", "--port", str(self.port)),
                *("--loop", "uvloop", "--ws", "websockets-sansio", "--ws-per-message-deflate", "false"),
                *("--no-access-log", "--log-level", "warning", "intranet.asgi:application"),
            ]
        else:
            command = ["-m", "daphne", "-b", "127.0.0.1", "-p", str(self.port), "intranet.asgi:application"]
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(  # noqa: S603 - fixed command line
                [PYTHON, *command], cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        try:
            self._wait_until_answering()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def _wait_until_answering(self) -> None:
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BenchError(f"{self.kind} exited with {self.process.returncode}:\n{self.log_tail()}")
            with contextlib.suppress(OSError):
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                connection.request("GET", "/compte/connexion/")
                connection.getresponse().read()
                connection.close()
                return
            time.sleep(0.2)
        raise BenchError(f"{self.kind} did not answer within {SERVER_START_TIMEOUT} s:\n{self.log_tail()}")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)

    def log_tail(self, lines: int = 30) -> str:
        with contextlib.suppress(OSError):
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        return "(no log)"


@dataclass
class UploadFigures:
    server: str
    size_mb: int
    idle_mb: float = math.nan
    peak_mb: float = math.nan
    hwm_mb: float = math.nan
    seconds: float = math.nan
    status: int = 0
    answer: str = ""
    stored_size: int | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def above_idle(self) -> float:
        return self.peak_mb - self.idle_mb


class Browser:
    """A logged-in member talking to the live server as the folder page's script does."""

    def __init__(self, port: int, session_cookie: tuple[str, str], csrf_cookie_name: str):
        self.port, self.origin = port, f"http://127.0.0.1:{port}"
        self.cookies = dict([session_cookie])
        self.csrf_cookie_name, self.token = csrf_cookie_name, ""

    def cookie_header(self) -> str:
        return "; ".join(f"{name}={value}" for name, value in self.cookies.items())

    def open_folder(self, folder_id: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            connection.request("GET", f"/documents/dossiers/{folder_id}/", headers={"Cookie": self.cookie_header()})
            response = connection.getresponse()
            body = response.read().decode("utf-8", "replace")
        finally:
            connection.close()
        if response.status != 200:
            raise BenchError(f"GET the folder page answered {response.status} (session not accepted?)")
        for header in response.headers.get_all("Set-Cookie") or []:
            self.cookies.update({name: morsel.value for name, morsel in SimpleCookie(header).items()})
        token = CSRF_META.search(body)
        if token is None or self.csrf_cookie_name not in self.cookies:
            raise BenchError("the folder page has no csrf-token meta tag or no CSRF cookie")
        self.token = token.group(1)

    def upload(self, folder_id: int, name: str, size: int) -> tuple[int, str, float]:
        """Stream ``size`` generated bytes of an MP4-looking file; returns (status, body, seconds)."""
        path = f"/documents/dossiers/{folder_id}/deposer/"
        block = bytearray(os.urandom(CHUNK))
        first = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2avc1mp41" + bytes(block[32:])
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=UPLOAD_TIMEOUT)
        started = time.perf_counter()
        try:
            connection.putrequest("POST", path, skip_host=True, skip_accept_encoding=True)
            for header, value in (
                ("Host", f"127.0.0.1:{self.port}"),
                ("Content-Type", "application/octet-stream"),
                ("Content-Length", str(size)),
                ("X-File-Name", name),
                ("X-CSRFToken", self.token),
                ("X-Requested-With", "XMLHttpRequest"),
                ("Cookie", self.cookie_header()),
                ("Origin", self.origin),
                ("Referer", f"{self.origin}/documents/dossiers/{folder_id}/"),
            ):
                connection.putheader(header, value)
            connection.endheaders()
            sent, view = 0, memoryview(block)
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # refused early: read the answer
                while sent < size:
                    part = first if sent == 0 else view
                    part = part[: min(len(part), size - sent)]
                    connection.send(part)
                    sent += len(part)
            response = connection.getresponse()
            body = response.read().decode("utf-8", "replace")
            return response.status, body, time.perf_counter() - started
        finally:
            connection.close()


def measure_upload(
    kind: str, args, env: dict[str, str], var_dir: Path, member_id: int, folder_id: int
) -> UploadFigures:
    from django.conf import settings
    from django.test import Client

    from documents.models import DocumentVersion
    from intranet.models import User

    figures = UploadFigures(kind, args.upload_mb)
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(pk=member_id), backend=MODEL_BACKEND)  # a database session
    session = (settings.SESSION_COOKIE_NAME, client.cookies[settings.SESSION_COOKIE_NAME].value)
    server_env = {**env, "TMPDIR": str(var_dir / "tmp")}  # where the server spools request bodies
    (var_dir / "tmp").mkdir(exist_ok=True)
    with Server(kind, server_env, var_dir / f"server-{kind}.log") as server:
        pid = server.process.pid
        browser = Browser(server.port, session, settings.CSRF_COOKIE_NAME)
        browser.open_folder(folder_id)
        status, body, _seconds = browser.upload(folder_id, "echauffement.mp4", CHUNK)  # warm-up
        if status != 201:
            raise BenchError(f"warm-up upload answered {status}: {body[:300]}\n{server.log_tail()}")
        time.sleep(1.0)
        idle = []
        for _attempt in range(5):
            idle.append(proc_status(pid).get("VmRSS", 0))
            time.sleep(0.1)
        figures.idle_mb = statistics.median(idle) / 1024
        hwm_before = proc_status(pid).get("VmHWM", 0)

        sampler = Sampler(pid)
        sampler.start()
        try:
            figures.status, figures.answer, figures.seconds = browser.upload(
                folder_id, "film.mp4", args.upload_mb * 1024 * 1024
            )
        finally:
            samples = sampler.stop()
        hwm_after = proc_status(pid).get("VmHWM", 0)
        sampled_peak = max((rss for _when, rss in samples), default=0)
        # VmHWM is the process's all-time peak: it says something about the upload only if it grew.
        peak = max(sampled_peak, hwm_after if hwm_after > hwm_before else 0)
        figures.peak_mb, figures.hwm_mb = peak / 1024, hwm_after / 1024
        if figures.status != 201:
            figures.problems.append(f"answered {figures.status}: {figures.answer[:300]}")
            figures.problems.append(server.log_tail(10))
        else:
            with contextlib.suppress(ValueError):
                if not json.loads(figures.answer).get("ok"):
                    figures.problems.append(f"answer without ok: {figures.answer[:300]}")
    version = (
        DocumentVersion.objects.filter(document__folder_id=folder_id, original_name="film.mp4").order_by("-pk").first()
    )
    if version is not None:
        figures.stored_size = version.size
        from documents import storage

        storage.delete_stored(version.stored_name)  # 1 GB less on the disk for the next server
    if figures.stored_size != args.upload_mb * 1024 * 1024:
        figures.problems.append(f"stored size {figures.stored_size}, expected {args.upload_mb * 1024 * 1024}")
    return figures


# --- Main ----------------------------------------------------------------------------------------


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=100_000, help="documents (default 100,000)")
    parser.add_argument("--folders", type=int, default=2_000, help="folders in the 4 collège spaces (default 2,000)")
    parser.add_argument("--users", type=int, default=2_000, help="people (default 2,000)")
    parser.add_argument("--requests", type=int, default=200, help="timed requests per item (default 200)")
    parser.add_argument("--upload-mb", type=int, default=1024, help="size of the streamed upload (default 1024)")
    parser.add_argument("--skip-upload", action="store_true", help="latencies only, no server")
    parser.add_argument(
        "--server", default="uvicorn", help="uvicorn, daphne, or both as uvicorn,daphne (default uvicorn)"
    )
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL"),
        help="a PostgreSQL server (default: $DATABASE_URL, else SQLite); its database is never written to",
    )
    parser.add_argument(
        "--database-name", default="bench_documents", help="database created, then dropped, on that server"
    )
    parser.add_argument(
        "--quiet-wait",
        type=float,
        default=60,
        help="before timing, wait up to this many seconds for other processes to use < 0.3 cores (0: never)",
    )
    parser.add_argument("--queries", action="store_true", help="print every query of one run of each item")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory (server logs, SQLite)")
    args = parser.parse_args()
    args.servers = [name.strip() for name in args.server.split(",") if name.strip()]
    if any(name not in {"uvicorn", "daphne"} for name in args.servers) or not args.servers:
        parser.error("--server: uvicorn, daphne or uvicorn,daphne")
    if min(args.documents, args.folders, args.requests, args.upload_mb) < 1 or args.users < 20 or args.folders < 4:
        parser.error("at least 1 document, 4 folders, 20 people, 1 request and 1 MB")
    return args


def run(args, var_dir: Path, database: Database) -> int:
    env = benchmark_environment(args, var_dir, database)
    os.environ.clear()
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from bench import documents_setup

    started = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    migrated = time.perf_counter()
    built = documents_setup.build(users=args.users, folders=args.folders, documents=args.documents)
    filled = time.perf_counter()
    if connection.vendor == "sqlite":
        import sqlite3

        version = sqlite3.sqlite_version
    else:
        version = connection.pg_version
    print(
        f"Setup: migrate {migrated - started:.1f} s, data {filled - migrated:.1f} s "
        f"({connection.vendor} {version}): {built.users} people ({len(built.staff_ids)} staff), "
        f"{built.project_groups} project groups, {built.folders} folders ({built.restricted} restricted), "
        f"{built.group_grants} group grants, {built.user_grants} personal grants, {built.documents} documents",
        flush=True,
    )

    if args.quiet_wait > 0:
        wait_for_quiet_machine(args.quiet_wait)
    print(f"Latencies, {args.requests} requests each (in-process test Client, DEBUG=false):", flush=True)
    timings, context = measure_latencies(args, built)
    print(
        f"\nCollège {context['college']}: folder #{context['listing_folder']} at depth {context['listing_depth']} "
        f"({context['listing_documents']} documents, {context['listing_subfolders']} subfolders); member "
        f"#{context['member']} in {context['member_groups']} groups sees {context['visible_folders']} folders, "
        f"{context['visible_documents']} documents; deep folder #{context['deep_folder']} at depth "
        f"{context['deep_depth']}, seen by {context['people_who_see_deep']} people."
    )
    print(
        f"Grants read afresh on every request (new user object): {'yes' if context['grants_every_request'] else 'NO'}"
    )
    header = (
        f"  {'item':<44} {'n':>4} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}  {'one run':<20} {'other':>5}  "
        "target p95 ≤ 50 ms"
    )
    print(header)
    print("  " + "-" * (len(header) - 2))
    for timing in timings:
        print(timing.line())
    print(
        "  one run: queries of one run and their time; other: cores used meanwhile by other processes\n"
        "  (with PostgreSQL, its server is one of them; on SQLite > 0.3 means a busy machine: pessimistic figures)"
    )
    print("Slowest queries of one run:")
    for name, top in context["slowest"].items():
        print(f"  {name.strip()}:")
        for line in top:
            print(f"    {line}")
    sys.stdout.flush()

    failed = False
    if not args.skip_upload:
        for kind in args.servers:
            print(f"\nMemory while a {args.upload_mb} MB upload streams ({kind}):", flush=True)
            try:
                figures = measure_upload(kind, args, env, var_dir, context["member"], context["listing_folder"])
            except BenchError as error:
                print(f"  could not measure: {error}", flush=True)
                failed = True
                continue
            verdict = "PASS" if figures.above_idle < TARGET_MEMORY_MB else "MISS"
            print(
                f"  answered {figures.status} in {figures.seconds:.1f} s "
                f"({args.upload_mb / figures.seconds:.0f} MB/s); stored {figures.stored_size} bytes\n"
                f"  server RSS: idle {figures.idle_mb:.1f} MB, peak {figures.peak_mb:.1f} MB "
                f"(VmHWM {figures.hwm_mb:.1f} MB), peak − idle {figures.above_idle:.1f} MB "
                f"→ {verdict} (target < {TARGET_MEMORY_MB:.0f} MB above idle)",
                flush=True,
            )
            for problem in figures.problems:
                print(f"  problem: {problem}", flush=True)
                failed = True
    return 1 if failed else 0


def main() -> int:
    args = parse_arguments()
    var_dir = Path(tempfile.mkdtemp(prefix="bench-documents-"))
    try:
        database = database_for(args)
    except BenchError as error:
        print(f"Benchmark aborted: {error}", file=sys.stderr)
        return 2
    where = f"PostgreSQL database {database.name}" if database.url else "SQLite"
    print(
        f"Documents benchmark: {args.documents} documents, {args.folders} folders, {args.users} people; "
        f"{where}; files in {var_dir}\nMachine: {machine_description()}",
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
