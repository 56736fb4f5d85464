"""Load benchmark: 50 simulated members browse, post and vote for 60 s against a 2-worker server.

For each database (SQLite; then, when ``DATABASE_URL`` / ``--database-url`` names a PostgreSQL
server, PostgreSQL + Redis in the same invocation):

1. A throwaway database — SQLite under a temporary ``INTRANET_VAR_DIR``, or a database
   ``bench_load_<random>`` created on the PostgreSQL server and dropped at the end (the database
   named in the URL is never written to) — is migrated and filled with the demo
   (``manage.py seed_demo``: 41 people, 6 forums, 25 threads, 24 folders, 17 documents, 7
   proposals, one open board vote). With PostgreSQL, Redis database 10 (``--redis-url``) is
   flushed before and after and serves the channel layer and the cache, and the search runs on
   the PostgreSQL engine (``SEARCH_BACKEND=postgres``, the several-node set-up); on SQLite the
   channel layer and the cache are in memory and the search is Whoosh, as ``make run`` has them.
2. A ``manage.py shell`` step reads, through the pages' own selectors, what each demo person may
   open (forums, threads they may reply to, folders, documents, proposals) and makes sure the
   board has an open vote with one board member who never votes in the run (so that the vote
   does not close when everyone has voted).
3. The server is started as ``make run`` starts it — the uvicorn command line of
   ``manage.py serve`` (uvloop, sans-I/O WebSockets, access log on) plus ``--workers 2``, and
   beside it the background worker (``manage.py worker``: periodic jobs, search indexing,
   e-mails, text extraction) — with ``DEBUG=false``.
4. 50 simulated members (member *i* is demo person *i* mod 41: nine people have two sessions)
   each log in once through the login page (the form, its CSRF token, the demo password; their
   session cookie is kept), do two unmeasured page views (warm-up), then for 60 s loop: pick an
   action, do it, wait a think time (uniform in [0.5, 1.5] × ``--think``, default 1 s). Each
   member has one keep-alive HTTP/1.1 connection, as a browser tab would. The actions:

   - browsing (weights in ``PAGES``): home, forums index, a forum, a thread, documents index, a
     folder, a document page, proposals, a proposal page, my tasks, the decision register, search;
   - **post a reply** (5 %): open a thread they may reply to, POST the reply form with the page's
     CSRF token, follow the redirect to the thread;
   - **vote** (15 % of the board voters' actions): open the proposal under vote, POST a ballot
     (for, against or abstention) with the page's CSRF token, follow the redirect.

   Every request is timed from its first byte sent to its last byte received. Expected answers
   are 200 for pages and 302 for the two forms; anything else counts as an error (5xx apart).
5. At the end the script counts, in the database, the replies and ballots recorded during the run
   and compares them with the forms the client saw accepted.

It prints, per page and per action, the count, p50, p95, max and errors, the totals, PASS/MISS
against the target (p95 ≤ 100 ms for every page and action, zero 5xx), the request rate, the
load average before and after, and the cores used during the measured minute by the server's
workers, by the background worker beside it, by this client and by everything else.

Usage, from the repository root::

    .venv/bin/python bench/load.py                      # SQLite (≈ 2 min)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/load.py   # both (≈ 3.5 min)
    .venv/bin/python bench/load.py --duration 20 --members 10               # smoke run
    .venv/bin/python bench/load.py --layout nginx       # 2 processes behind nginx, as deploy/ runs them

With ``--layout nginx`` the pages are answered by ``--workers`` uvicorn processes on their own
ports behind nginx's upstream (keep-alive connections to them, as ``deploy/nginx/intranet.conf``),
instead of uvicorn's ``--workers``: nginx spreads requests over the processes whatever connection
a member's requests come on, where uvicorn's workers keep each connection, and so each member,
on the process that accepted it. The report gives the cores used by each process.

Everything runs on one machine: the client, the server, the workers and the databases share its
cores. The client is plain asyncio (a few dozen lines of HTTP/1.1), to keep its own CPU small.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = Path(__file__).resolve().parent
# Run as a script, this file's folder comes first on sys.path, and bench/documents.py would hide
# the application of the same name: look up modules from the repository root instead.
sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != BENCH_DIR]
sys.path.insert(0, str(ROOT))

from bench.documents import (  # noqa: E402 - after the sys.path fix
    BenchError,
    free_port,
    machine_description,
    percentile,
)

PYTHON = sys.executable
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
TARGET_MS = 100.0
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/10"  # tests use 0, the two-node check 9
REQUEST_TIMEOUT = 30.0
SERVER_START_TIMEOUT = 60.0
CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SEARCHES = [
    "festival",
    "budget",
    "tournage",
    "assemblée générale",
    "court métrage",
    "subvention",
    "cinéma",
    "archives",
    "projection",
    "éducation",
]
# Browsing: (page, weight). Replies and ballots are drawn apart (REPLY_SHARE, VOTE_SHARE).
PAGES = [
    ("home", 5),
    ("forums index", 8),
    ("forum", 10),
    ("thread", 18),
    ("documents index", 6),
    ("folder", 10),
    ("document", 8),
    ("proposals", 5),
    ("proposal", 6),
    ("my tasks", 4),
    ("register", 4),
    ("search", 6),
]
REPLY_SHARE = 0.05
VOTE_SHARE = 0.15  # of a board voter's actions
ROW_ORDER = [name for name, _weight in PAGES] + ["post reply", "cast ballot"]

# Run inside `manage.py shell` against the benchmark's database: what each person may open, and
# an open vote with one board member left out of the voting.
SETUP_CODE = r"""
import json
from datetime import timedelta
from django.utils import timezone
from documents.selectors import visible_documents, visible_folders
from forums import policies as forum_policies
from forums.selectors import threads_of_forum, visible_forums
from intranet.demo import DEMO_PASSWORD
from intranet.models import BoardMembership, User
from workflows import actions as workflow_actions
from workflows.models import BoardVote, Proposal, ProposalStatus
from workflows.selectors import visible_proposals

vote = BoardVote.objects.filter(closed_at__isnull=True, deadline__gt=timezone.now()).order_by("pk").first()
board = list(BoardMembership.objects.select_related("user").order_by("pk"))
voted = set(vote.ballots.values_list("voter_id", flat=True)) if vote else set()
abstainer = next((m.user for m in board if m.user_id not in voted), None) if vote else None
if vote is None or abstainer is None:
    officer = next(m.user for m in board if m.role in ("president", "secretary"))
    proposal = Proposal.objects.filter(status=ProposalStatus.ON_AGENDA).order_by("pk").first()
    vote = workflow_actions.open_board_vote(officer, proposal=proposal, deadline=timezone.now() + timedelta(days=3))
    abstainer = board[-1].user
voters = {m.user_id for m in board} - {abstainer.pk}
people = []
for user in User.objects.filter(is_active=True).order_by("pk"):
    forums = list(visible_forums(user))
    threads, repliable = [], []
    for forum in forums:
        for thread in threads_of_forum(user, forum).select_related("forum"):
            threads.append(thread.pk)
            if forum_policies.can_reply(user, thread):
                repliable.append(thread.pk)
    people.append({
        "email": user.email,
        "forums": [forum.slug for forum in forums],
        "threads": threads,
        "repliable": repliable,
        "folders": list(visible_folders(user).values_list("pk", flat=True)),
        "documents": list(visible_documents(user).values_list("pk", flat=True)),
        "proposals": list(visible_proposals(user).values_list("pk", flat=True)),
        "votes": user.pk in voters,
    })
print("LOAD-SETUP " + json.dumps({
    "people": people, "password": DEMO_PASSWORD, "vote": vote.pk, "vote_proposal": vote.proposal_id,
    "abstainer": abstainer.email,
}))
"""

COUNT_CODE = r"""
import json
from intranet.models import AuditEntry
from forums.models import Post
marker = "MARKER"
print("LOAD-COUNT " + json.dumps({
    "replies": Post.objects.filter(body__contains=marker).count(),
    "ballots": AuditEntry.objects.filter(
        action__in=["vote.ballot_cast", "vote.ballot_changed"], created_at__gte="SINCE"
    ).count(),
}))
"""


# --- A small HTTP/1.1 client ----------------------------------------------------------------------


class ConnectionLost(Exception):
    """The server closed the keep-alive connection before answering."""


@dataclass
class Answer:
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    ms: float

    def header(self, name: str) -> str:
        return next((value for key, value in self.headers if key == name), "")

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


class Browser:
    """One member's tab: one keep-alive connection and its cookies."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.host = f"127.0.0.1:{port}"
        self.cookies: dict[str, str] = {}
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None
        self.csrf = ""

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(Exception):
                await self.writer.wait_closed()
        self.reader = self.writer = None

    async def request(self, method: str, path: str, form: dict[str, str] | None = None) -> Answer:
        body = urlencode(form).encode() if form is not None else b""
        lines = [
            f"{method} {path} HTTP/1.1",
            f"Host: {self.host}",
            "User-Agent: bench-load",
            "Accept: text/html",
            "Accept-Language: fr",
        ]
        if self.cookies:
            lines.append("Cookie: " + "; ".join(f"{name}={value}" for name, value in self.cookies.items()))
        if form is not None:
            lines += [
                "Content-Type: application/x-www-form-urlencoded",
                f"Content-Length: {len(body)}",
                f"Origin: http://{self.host}",
            ]
        raw = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body
        started = time.perf_counter()
        for attempt in (1, 2):
            reused = self.writer is not None
            if not reused:
                self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
            try:
                self.writer.write(raw)
                answer = await asyncio.wait_for(self._read(), REQUEST_TIMEOUT)
                break
            except (ConnectionLost, ConnectionResetError, BrokenPipeError):
                await self.close()
                # A keep-alive connection the server had just closed: send again on a new one.
                if not reused or attempt == 2:
                    raise
            except BaseException:
                await self.close()
                raise
        answer.ms = (time.perf_counter() - started) * 1000
        for name, value in answer.headers:
            if name == "set-cookie":
                cookie, _, attributes = value.partition(";")
                key, _, cookie_value = cookie.strip().partition("=")
                if "max-age=0" in attributes.lower().replace(" ", "") or not cookie_value:
                    self.cookies.pop(key, None)
                else:
                    self.cookies[key] = cookie_value
        if answer.status == 200:
            token = CSRF_META.search(answer.text) or CSRF_INPUT.search(answer.text)
            if token:
                self.csrf = token.group(1)
        return answer

    async def _read(self) -> Answer:
        reader = self.reader
        status_line = await reader.readline()
        if not status_line:
            raise ConnectionLost
        status = int(status_line.split()[1])
        headers = []
        while True:
            line = await reader.readline()
            if line in (b"\r\n", b"\n", b""):
                break
            name, _, value = line.decode("latin-1").partition(":")
            headers.append((name.strip().lower(), value.strip()))
        values = dict(headers)
        if values.get("transfer-encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int((await reader.readline()).split(b";")[0], 16)
                if size == 0:
                    while (await reader.readline()) not in (b"\r\n", b"\n", b""):
                        pass
                    break
                chunks.append(await reader.readexactly(size))
                await reader.readline()
            body = b"".join(chunks)
        elif "content-length" in values:
            body = await reader.readexactly(int(values["content-length"]))
        else:
            body = await reader.read()
            values["connection"] = "close"
        if values.get("connection", "").lower() == "close":
            await self.close()
        return Answer(status, headers, body, 0.0)


# --- Figures ----------------------------------------------------------------------------------------


@dataclass
class Row:
    times_ms: list[float] = field(default_factory=list)
    server_errors: int = 0  # 5xx
    other_errors: int = 0  # an unexpected status
    failures: int = 0  # no answer: connection lost, timeout
    examples: list[str] = field(default_factory=list)

    @property
    def errors(self) -> int:
        return self.server_errors + self.other_errors + self.failures

    def note(self, text: str) -> None:
        if len(self.examples) < 3:
            self.examples.append(text)


class Recorder:
    def __init__(self) -> None:
        self.rows: dict[str, Row] = defaultdict(Row)
        self.measuring = False
        self.accepted = {"post reply": 0, "cast ballot": 0}

    def add(self, name: str, answer: Answer | None, expected: int, path: str, error: str = "") -> None:
        if not self.measuring:
            return
        row = self.rows[name]
        if answer is None:
            row.failures += 1
            row.note(f"{path}: {error}")
            return
        row.times_ms.append(answer.ms)
        if answer.status >= 500:
            row.server_errors += 1
            row.note(f"{path}: {answer.status}")
        elif answer.status != expected:
            row.other_errors += 1
            row.note(f"{path}: {answer.status} {answer.header('location')}")
        elif name in self.accepted:
            self.accepted[name] += 1


# --- Simulated members --------------------------------------------------------------------------------


class Member:
    def __init__(self, index: int, person: dict, port: int, run: RunContext) -> None:
        self.index, self.person, self.run = index, person, run
        self.browser = Browser(port)
        self.random = random.Random(run.seed * 1000 + index)  # noqa: S311 - a benchmark's choices

    async def get(self, name: str, path: str) -> Answer | None:
        try:
            answer = await self.browser.request("GET", path)
        except (TimeoutError, OSError, asyncio.IncompleteReadError, ConnectionLost, ValueError) as error:
            self.run.recorder.add(name, None, 200, path, f"{type(error).__name__} {error}")
            return None
        self.run.recorder.add(name, answer, 200, path)
        return answer

    async def post(self, name: str, path: str, form: dict[str, str], then: str) -> None:
        form = {"csrfmiddlewaretoken": self.browser.csrf, **form}
        try:
            answer = await self.browser.request("POST", path, form)
        except (TimeoutError, OSError, asyncio.IncompleteReadError, ConnectionLost, ValueError) as error:
            self.run.recorder.add(name, None, 302, path, f"{type(error).__name__} {error}")
            return
        self.run.recorder.add(name, answer, 302, path)
        location = answer.header("location")
        if answer.status == 302 and location:
            await self.get(then, urlsplit(location)._replace(fragment="").geturl())

    async def login(self) -> float:
        await self.browser.request("GET", "/compte/connexion/")
        form = {
            "csrfmiddlewaretoken": self.browser.csrf,
            "username": self.person["email"],
            "password": self.run.password,
        }
        answer = await self.browser.request("POST", "/compte/connexion/", form)
        if answer.status != 302 or "sessionid" not in self.browser.cookies:
            raise BenchError(f"login of {self.person['email']} answered {answer.status}")
        return answer.ms

    def path_of(self, page: str) -> str:
        person, pick = self.person, self.random.choice
        if page == "home":
            return "/"
        if page == "forums index":
            return "/forums/"
        if page == "forum":
            return f"/forums/{pick(person['forums'])}/"
        if page == "thread":
            return f"/forums/fils/{pick(person['threads'])}/"
        if page == "documents index":
            return "/documents/"
        if page == "folder":
            return f"/documents/dossiers/{pick(person['folders'])}/"
        if page == "document":
            return f"/documents/documents/{pick(person['documents'])}/"
        if page == "proposals":
            return "/propositions/"
        if page == "proposal":
            return f"/propositions/{pick(person['proposals'])}/"
        if page == "my tasks":
            return "/propositions/mes-taches/"
        if page == "register":
            return "/deliberations/"
        if page == "search":
            return f"/recherche/?q={quote(pick(SEARCHES))}"
        raise ValueError(page)

    def possible(self, page: str) -> bool:
        needs = {"forum": "forums", "thread": "threads", "folder": "folders", "document": "documents"}
        needs["proposal"] = "proposals"
        return page not in needs or bool(self.person[needs[page]])

    async def browse(self) -> None:
        pages = [(name, weight) for name, weight in PAGES if self.possible(name)]
        page = self.random.choices([name for name, _w in pages], [weight for _n, weight in pages])[0]
        await self.get(page, self.path_of(page))

    async def reply(self) -> None:
        thread = self.random.choice(self.person["repliable"])
        if await self.get("thread", f"/forums/fils/{thread}/") is None:
            return
        self.run.replies_sent += 1
        body = f"Réponse {self.run.replies_sent} de la charge {self.run.marker} : d'accord pour la projection."
        await self.post("post reply", f"/forums/fils/{thread}/repondre/", {"body": body}, "thread")

    async def vote(self) -> None:
        if await self.get("proposal", f"/propositions/{self.run.vote_proposal}/") is None:
            return
        choice = self.random.choice(["for", "against", "abstain"])
        path = f"/propositions/votes/{self.run.vote}/voter/"
        await self.post("cast ballot", path, {"choice": choice, "comment": ""}, "proposal")

    async def act(self) -> None:
        draw = self.random.random()
        if self.person["votes"] and draw < VOTE_SHARE:
            await self.vote()
        elif self.person["repliable"] and draw > 1 - REPLY_SHARE:
            await self.reply()
        else:
            await self.browse()

    def think(self) -> float:
        return self.run.think * self.random.uniform(0.5, 1.5)

    async def live(self, start: float, end: float) -> None:
        await asyncio.sleep(max(0.0, start - time.perf_counter()) + self.random.uniform(0, self.run.think))
        while time.perf_counter() < end:
            await self.act()
            await asyncio.sleep(self.think())


@dataclass
class RunContext:
    seed: int
    think: float
    password: str
    vote: int
    vote_proposal: int
    marker: str
    recorder: Recorder = field(default_factory=Recorder)
    replies_sent: int = 0


# --- CPU accounting ---------------------------------------------------------------------------------


def process_ticks(pid: int) -> int:
    with contextlib.suppress(OSError, ValueError, IndexError):
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])  # utime + stime
    return 0


def children_of(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, ValueError, IndexError):
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry.name))
    return found


def machine_ticks() -> tuple[int, int]:
    ticks = [int(value) for value in Path("/proc/stat").read_text().splitlines()[0].split()[1:9]]
    return sum(ticks) - ticks[3] - ticks[4], sum(ticks)


class CpuMeter:
    """Cores used, between start() and stop(), by named groups of processes and by the rest."""

    def __init__(self, groups: dict[str, list[int]]) -> None:
        self.groups = groups

    def snapshot(self) -> tuple[dict[str, int], tuple[int, int], int]:
        per_group = {name: sum(process_ticks(pid) for pid in pids) for name, pids in self.groups.items()}
        return per_group, machine_ticks(), process_ticks(os.getpid())

    def start(self) -> None:
        self.before = self.snapshot()

    def stop(self) -> dict[str, float]:
        (groups, (busy, total), own), (groups0, (busy0, total0), own0) = self.snapshot(), self.before
        one_core = max(1, total - total0) / (os.cpu_count() or 1)
        cores = {name: (groups[name] - groups0[name]) / one_core for name in groups}
        cores["client"] = (own - own0) / one_core
        cores["everything else"] = max(0.0, (busy - busy0) / one_core - sum(cores.values()))
        cores["machine"] = (busy - busy0) / one_core
        return cores


# --- One run ----------------------------------------------------------------------------------------


@dataclass
class Backend:
    name: str  # "SQLite" or "PostgreSQL + Redis"
    env: dict[str, str]
    var_dir: Path
    admin_url: str | None = None  # PostgreSQL: the server's URL, to create and drop our database
    database: str | None = None
    redis_url: str | None = None

    def create(self) -> None:
        if self.admin_url:
            import psycopg
            import redis

            redis.Redis.from_url(self.redis_url).flushdb()
            with psycopg.connect(self.admin_url, autocommit=True) as connection:
                connection.execute(f'CREATE DATABASE "{self.database}"')

    def drop(self) -> None:
        if self.admin_url:
            import psycopg
            import redis

            with psycopg.connect(self.admin_url, autocommit=True) as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')
            with contextlib.suppress(Exception):
                redis.Redis.from_url(self.redis_url).flushdb()


def base_environment(var_dir: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "intranet.settings",
        "INTRANET_ENV": "development",  # ALLOWED_HOSTS then 127.0.0.1, localhost
        "INTRANET_VAR_DIR": str(var_dir),
        "DEBUG": "false",  # as in production: no query log kept per request
        "PYTHONUNBUFFERED": "1",
        "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
    }
    for name in ("REDIS_URL", "DATABASE_URL", "MEDIA_ROOT", "SEARCH_INDEX_DIR", "DOCUMENTS_ROOT", "ALLOWED_HOSTS"):
        env.pop(name, None)
    return env


def backends_for(args) -> list[Backend]:
    backends = []
    if "sqlite" in args.backend_list:
        var_dir = Path(tempfile.mkdtemp(prefix="bench-load-sqlite-"))
        backends.append(Backend("SQLite", {**base_environment(var_dir), "SEARCH_BACKEND": "whoosh"}, var_dir))
    if "postgres" in args.backend_list:
        parts = urlsplit(args.database_url)
        name = f"bench_load_{secrets.token_hex(4)}"
        var_dir = Path(tempfile.mkdtemp(prefix="bench-load-postgres-"))
        env = {
            **base_environment(var_dir),
            "DATABASE_URL": urlunsplit(parts._replace(path=f"/{name}")),
            "REDIS_URL": args.redis_url,
            "CHANNEL_LAYER_PREFIX": name,  # pub/sub channels are shared by every Redis database
            "SEARCH_BACKEND": "postgres",
        }
        backends.append(Backend("PostgreSQL + Redis", env, var_dir, args.database_url, name, args.redis_url))
    return backends


def manage(backend: Backend, *arguments: str, log: Path) -> str:
    with log.open("a") as output:
        output.write(f"\n$ manage.py {' '.join(arguments)[:80]}\n")
    result = subprocess.run(  # noqa: S603 - fixed command line, our own manage.py
        [PYTHON, "manage.py", *arguments], cwd=ROOT, env=backend.env, capture_output=True, text=True
    )
    with log.open("a") as output:
        output.write(result.stdout[-5000:] + result.stderr[-5000:])
    if result.returncode != 0:
        raise BenchError(f"manage.py {arguments[0]} failed:\n{result.stderr[-3000:]}")
    return result.stdout


def shell_json(backend: Backend, code: str, prefix: str, log: Path) -> dict:
    printed = manage(backend, "shell", "-c", code, log=log)
    line = next((line for line in printed.splitlines() if line.startswith(prefix)), None)
    if line is None:
        raise BenchError(f"the shell step printed no {prefix.strip()} line")
    return json.loads(line[len(prefix) :])


NGINX_SITE = """daemon off;
worker_processes 1;
pid DIR/nginx.pid;
error_log DIR/nginx-error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path DIR/nginx-body;
    proxy_temp_path DIR/nginx-proxy;
    fastcgi_temp_path DIR/nginx-fastcgi;
    uwsgi_temp_path DIR/nginx-uwsgi;
    scgi_temp_path DIR/nginx-scgi;
    # As deploy/nginx/intranet.conf: one upstream of the processes, connections kept to them.
    upstream intranet {
UPSTREAMS
        keepalive 32;
    }
    server {
        listen 127.0.0.1:PORT;
        client_max_body_size 201m;
        location / {
            proxy_pass http://intranet;
            proxy_http_version 1.1;
            proxy_set_header Host $http_host;
            proxy_set_header Connection "";
        }
    }
}
"""


class Server:
    """As `make run` starts it, with more than one process: uvicorn's ``--workers`` (layout
    "workers"), or one uvicorn process per port behind nginx's upstream as `deploy/` runs them
    (layout "nginx"); the background worker beside them."""

    def __init__(self, backend: Backend, workers: int, log_dir: Path, layout: str = "workers") -> None:
        self.backend, self.workers, self.log_dir, self.layout = backend, workers, log_dir, layout
        self.port = free_port()  # where the members connect: uvicorn, or nginx in front
        # The only origin its pages' sockets are accepted from (realtime.origins).
        self.env = {**backend.env, "SITE_URL": f"http://127.0.0.1:{self.port}"}
        self.processes: dict[str, subprocess.Popen] = {}

    def _uvicorn(self, port: int, *more: str) -> list[str]:
        return [
            *("-m", "uvicorn", "--host", "127.0.0.1", "--port", str(port)),
            *("--loop", "uvloop", "--ws", "websockets-sansio", "--ws-per-message-deflate", "false"),
            *("--ws-max-size", "65536", *more, "intranet.asgi:application"),
        ]

    def start(self) -> None:
        if self.layout == "nginx":
            ports = [free_port() for _ in range(self.workers)]
            for index, port in enumerate(ports):
                self._start(f"server {index + 1}", self._uvicorn(port), log="server")
            site = self.log_dir / "nginx.conf"
            upstreams = "\n".join(f"        server 127.0.0.1:{port};" for port in ports)
            text = NGINX_SITE.replace("UPSTREAMS", upstreams).replace("PORT", str(self.port))
            site.write_text(text.replace("DIR", str(self.log_dir)))
            self._start("nginx", ["-c", str(site), "-p", str(self.log_dir)], program=NGINX)
        else:
            self._start("server", self._uvicorn(self.port, "--workers", str(self.workers)))
        self._start("worker", ["manage.py", "worker", "--stop-with-parent"])
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while time.monotonic() < deadline:
            exited = [role for role, process in self.processes.items() if process.poll() is not None]
            if exited:
                raise BenchError(f"{exited[0]} exited:\n{self.log_tail('server')}")
            if len(self.worker_pids()) >= self.workers and self._answers():
                return
            time.sleep(0.2)
        raise BenchError(f"the server did not answer within {SERVER_START_TIMEOUT:.0f} s:\n{self.log_tail('server')}")

    def _start(self, role: str, arguments: list[str], *, log: str = "", program: str = PYTHON) -> None:
        with (self.log_dir / f"{log or role}.log").open("ab") as output:
            self.processes[role] = subprocess.Popen(  # noqa: S603 - fixed command line, our own programs
                [program, *arguments],
                cwd=ROOT,
                env=self.env,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def _answers(self) -> bool:
        import http.client

        with contextlib.suppress(OSError):
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
            connection.request("GET", "/compte/connexion/")
            status = connection.getresponse().status
            connection.close()
            return status == 200
        return False

    def worker_pids(self) -> list[int]:
        """The processes that answer pages: uvicorn's workers (its supervisor's children, the
        multiprocessing helper aside), or the processes behind nginx."""
        if self.layout == "nginx":
            return [process.pid for role, process in self.processes.items() if role.startswith("server ")]
        pids = []
        for pid in children_of(self.processes["server"].pid):
            with contextlib.suppress(OSError):
                if "resource_tracker" not in Path(f"/proc/{pid}/cmdline").read_text():
                    pids.append(pid)
        return pids

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)

    def log_tail(self, role: str, lines: int = 30) -> str:
        with contextlib.suppress(OSError):
            return "\n".join((self.log_dir / f"{role}.log").read_text(errors="replace").splitlines()[-lines:])
        return "(no log)"

    def tracebacks(self) -> list[str]:
        """The last line of each distinct traceback in the server's log."""
        with contextlib.suppress(OSError):
            text = (self.log_dir / "server.log").read_text(errors="replace")
            found = []
            for block in text.split("Traceback (most recent call last):")[1:]:
                last = next(
                    (line for line in block.splitlines() if line and not line.startswith((" ", "\t"))),
                    "?",
                )
                if last not in found:
                    found.append(last)
            return found
        return []


@dataclass
class Result:
    backend: str
    rows: dict[str, Row]
    seconds: float
    members: int
    logins_ms: list[float]
    cores: dict[str, float]
    load_before: tuple[float, float, float]
    load_after: tuple[float, float, float]
    accepted: dict[str, int]
    recorded: dict[str, int]
    tracebacks: list[str]
    worker_cores: list[float]

    @property
    def all_times(self) -> list[float]:
        return [ms for row in self.rows.values() for ms in row.times_ms]

    @property
    def server_errors(self) -> int:
        return sum(row.server_errors for row in self.rows.values())

    @property
    def errors(self) -> int:
        return sum(row.errors for row in self.rows.values())

    @property
    def passed(self) -> bool:
        return self.server_errors == 0 and all(
            percentile(row.times_ms, 95) <= TARGET_MS for row in self.rows.values() if row.times_ms
        )


async def drive(args, server: Server, setup: dict, backend: Backend) -> Result:
    people = setup["people"]
    context = RunContext(
        seed=args.seed,
        think=args.think,
        password=setup["password"],
        vote=setup["vote"],
        vote_proposal=setup["vote_proposal"],
        marker=secrets.token_hex(4),
    )
    members = [Member(index, people[index % len(people)], server.port, context) for index in range(args.members)]
    print(f"  logging in {len(members)} members through the login page…", flush=True)
    gate = asyncio.Semaphore(4)

    async def login(member: Member) -> float:
        async with gate:
            return await member.login()

    logins = await asyncio.gather(*(login(member) for member in members))
    print("  warm-up: two unmeasured page views per member…", flush=True)
    for _round in range(2):
        await asyncio.gather(*(member.browse() for member in members))

    workers = server.worker_pids()
    beside = [server.processes["worker"].pid]
    groups = {"server": [*(process.pid for role, process in server.processes.items() if role == "server"), *workers]}
    if "nginx" in server.processes:
        groups["nginx"] = [server.processes["nginx"].pid, *children_of(server.processes["nginx"].pid)]
    meter = CpuMeter({**groups, "background worker": beside})
    per_worker_before = [process_ticks(pid) for pid in workers]
    load_before = os.getloadavg()
    since = datetime.now().astimezone()
    print(
        f"  measuring for {args.duration:.0f} s ({args.members} members, think {args.think:g} s; "
        f"load average {load_before[0]:.2f})…",
        flush=True,
    )
    context.recorder.measuring = True
    meter.start()
    started = time.perf_counter()
    await asyncio.gather(*(member.live(started, started + args.duration) for member in members))
    seconds = time.perf_counter() - started
    cores = meter.stop()
    context.recorder.measuring = False
    one_core = seconds * os.sysconf("SC_CLK_TCK")
    worker_cores = [
        (process_ticks(pid) - before) / one_core for pid, before in zip(workers, per_worker_before, strict=True)
    ]
    load_after = os.getloadavg()
    for member in members:
        await member.browser.close()
    count = COUNT_CODE.replace("MARKER", context.marker).replace("SINCE", since.isoformat())
    recorded = shell_json(backend, count, "LOAD-COUNT ", server.log_dir / "setup.log")
    return Result(
        backend=backend.name,
        rows=dict(context.recorder.rows),
        seconds=seconds,
        members=args.members,
        logins_ms=list(logins),
        cores=cores,
        load_before=load_before,
        load_after=load_after,
        accepted=context.recorder.accepted,
        recorded={"post reply": recorded["replies"], "cast ballot": recorded["ballots"]},
        tracebacks=server.tracebacks(),
        worker_cores=worker_cores,
    )


def run_backend(args, backend: Backend) -> Result:
    log_dir = backend.var_dir / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    setup_log = log_dir / "setup.log"
    print(f"\n== {backend.name} (files in {backend.var_dir})", flush=True)
    began = time.perf_counter()
    manage(backend, "migrate", "--noinput", log=setup_log)
    manage(backend, "seed_demo", log=setup_log)
    setup = shell_json(backend, SETUP_CODE, "LOAD-SETUP ", setup_log)
    voters = sum(1 for index in range(args.members) if setup["people"][index % len(setup["people"])]["votes"])
    print(
        f"  database ready in {time.perf_counter() - began:.0f} s: {len(setup['people'])} people; open vote "
        f"{setup['vote']} (proposal {setup['vote_proposal']}), {setup['abstainer']} never votes; "
        f"{voters} of the {args.members} members are board voters",
        flush=True,
    )
    server = Server(backend, args.workers, log_dir, args.layout)
    try:
        server.start()
        print(
            f"  {'nginx' if args.layout == 'nginx' else 'uvicorn'} on port {server.port}, "
            f"{len(server.worker_pids())} processes answering pages "
            f"(pids {', '.join(map(str, server.worker_pids()))}), with the background worker",
            flush=True,
        )
        return asyncio.run(drive(args, server, setup, backend))
    finally:
        server.stop()


# --- Report -------------------------------------------------------------------------------------


def report(result: Result) -> str:
    lines = [
        f"\n{result.backend}: {result.members} members, {result.seconds:.0f} s, "
        f"{len(result.all_times)} requests ({len(result.all_times) / result.seconds:.1f}/s)",
        f"  {'page / action':<18} {'count':>6} {'p50':>7} {'p95':>7} {'max':>7} {'5xx':>5} {'other':>6}  target",
    ]
    for name in ROW_ORDER:
        row = result.rows.get(name)
        if row is None:
            continue
        p95 = percentile(row.times_ms, 95)
        verdict = "PASS" if p95 <= TARGET_MS and not row.server_errors else "MISS"
        lines.append(
            f"  {name:<18} {len(row.times_ms):>6} {percentile(row.times_ms, 50):>7.1f} {p95:>7.1f} "
            f"{max(row.times_ms, default=float('nan')):>7.1f} {row.server_errors:>5} "
            f"{row.other_errors + row.failures:>6}  {verdict}"
        )
    times = result.all_times
    lines.append(
        f"  {'all':<18} {len(times):>6} {percentile(times, 50):>7.1f} {percentile(times, 95):>7.1f} "
        f"{max(times, default=float('nan')):>7.1f} {result.server_errors:>5} "
        f"{result.errors - result.server_errors:>6}  {'PASS' if result.passed else 'MISS'}"
    )
    for name, row in result.rows.items():
        for example in row.examples:
            lines.append(f"    error on {name}: {example}")
    for traceback_line in result.tracebacks[:5]:
        lines.append(f"    server traceback: {traceback_line}")
    lines.append(
        f"  forms accepted by the client / rows recorded: replies {result.accepted['post reply']} / "
        f"{result.recorded['post reply']}, ballots {result.accepted['cast ballot']} / {result.recorded['cast ballot']}"
    )
    lines.append(
        f"  logins (unmeasured, PBKDF2): p50 {percentile(result.logins_ms, 50):.0f} ms, "
        f"max {max(result.logins_ms):.0f} ms"
    )
    cores = result.cores
    lines.append(
        "  cores used while measuring: "
        + ", ".join(f"{name} {value:.2f}" for name, value in cores.items())
        + f" (per process answering pages: {', '.join(f'{value:.2f}' for value in result.worker_cores)})"
    )
    lines.append(
        "  load average before: {:.2f} {:.2f} {:.2f}; after: {:.2f} {:.2f} {:.2f}".format(
            *result.load_before, *result.load_after
        )
    )
    lines.append(
        f"  target p95 ≤ {TARGET_MS:.0f} ms on every page and action, zero 5xx: {'PASS' if result.passed else 'MISS'}"
    )
    return "\n".join(lines)


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=50, help="simulated members (default 50)")
    parser.add_argument("--duration", type=float, default=60, help="measured seconds (default 60)")
    parser.add_argument("--think", type=float, default=1.0, help="mean think time between actions, s (default 1)")
    parser.add_argument("--workers", type=int, default=2, help="processes answering pages (default 2)")
    parser.add_argument(
        "--layout",
        choices=["workers", "nginx"],
        default="workers",
        help="workers: uvicorn --workers N; nginx: N uvicorn processes behind nginx's upstream, as deploy/ runs them",
    )
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL"),
        help="a PostgreSQL server (default: $DATABASE_URL); its database is never written to",
    )
    parser.add_argument("--postgres", action="store_true", help="also run on PostgreSQL (needs --database-url)")
    parser.add_argument("--backends", default="", help="sqlite, postgres or sqlite,postgres (default: both with a URL)")
    parser.add_argument(
        "--redis-url",
        default=os.environ.get("BENCH_LOAD_REDIS_URL", DEFAULT_REDIS_URL),
        help=f"Redis database of the PostgreSQL run, flushed before and after (default {DEFAULT_REDIS_URL})",
    )
    parser.add_argument("--seed", type=int, default=20261126, help="random seed of the members' choices")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directories (logs, SQLite)")
    args = parser.parse_args()
    if args.backends:
        args.backend_list = [name.strip() for name in args.backends.split(",") if name.strip()]
    else:
        args.backend_list = ["sqlite", "postgres"] if args.database_url else ["sqlite"]
    if any(name not in {"sqlite", "postgres"} for name in args.backend_list):
        parser.error("--backends: sqlite, postgres or sqlite,postgres")
    if "postgres" in args.backend_list or args.postgres:
        if not args.database_url or not urlsplit(args.database_url).scheme.startswith("postgres"):
            parser.error("PostgreSQL needs --database-url (or DATABASE_URL) naming a PostgreSQL server")
        if "postgres" not in args.backend_list:
            args.backend_list.append("postgres")
    if args.members < 1 or args.duration <= 0 or args.think <= 0 or args.workers < 1:
        parser.error("at least one member, one worker, and positive durations")
    return args


def main() -> int:
    args = parse_arguments()
    stamp = datetime.now().astimezone()
    served = f"uvicorn --workers {args.workers}"
    if args.layout == "nginx":
        served = f"{args.workers} uvicorn processes behind nginx"
    print(
        f"Load benchmark, {stamp:%Y-%m-%d %H:%M %Z}: {machine_description()}; {args.members} members, "
        f"{args.duration:.0f} s, think {args.think:g} s, {served}",
        flush=True,
    )
    results, failed = [], False
    for backend in backends_for(args):
        try:
            backend.create()
            results.append(run_backend(args, backend))
        except BenchError as error:
            print(f"  {backend.name}: could not measure: {error}", flush=True)
            failed = True
        finally:
            backend.drop()
            if args.keep:
                print(f"  kept {backend.var_dir}")
            else:
                shutil.rmtree(backend.var_dir, ignore_errors=True)
    for result in results:
        print(report(result))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
