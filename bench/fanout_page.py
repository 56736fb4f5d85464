"""Page-script mode of bench/fanout.py: when is a reply *in* every reader's page, and at what cost.

Each reader is one member with the thread page open: the client GETs the thread page (its last
page, where new replies appear) with the member's session, keeps the page's cookies and CSRF
token, opens the page's WebSocket and subscribes as ``realtime/live.js`` does, then reacts to
every ``post.created`` frame as the page's script of one version does, making each request for
real (keep-alive HTTP/1.1, up to 6 connections per page as a browser has):

- ``main``, the script at ``--baseline-ref`` (``forums/static/forums/forums.js``): GET
  ``/forums/messages/<post>/`` and insert the fragment; the reply is in the page when that
  answer (200, holding ``data-post="<post>"``) is read. Then POST ``/forums/fils/<thread>/lu/``
  with ``number`` at once (the page is visible).
- ``new``, the frame contract of the rendered message: the frame's ``data.html`` holds
  ``<article … data-post="<post>" …>``; the reply is in the page when the frame is received.
  A frame with ``"fetch": true`` and no ``html`` (a message too large for a frame) is fetched as
  in ``main``, timed and counted (since bc2ddac ``fetch`` is the address to GET). The page
  subscribes with its ``<html lang>``, as that version's ``live.js`` does. Reading is batched:
  the highest number inserted is told on the page's socket (``{"type": "read", …}``, no HTTP
  request; counted apart), 5 s after the first untold insertion, at most once per 5 s per page,
  and once more when the page is left (at the end of the run), on the socket too as the script's
  ``pagehide`` does: the benchmark waits for the server's ``thread.read`` answer to it, so that
  recording it is within the measured CPU. Scripts before this change told it by one POST
  ``…/lu/`` (counted as "mark-read at leave"); so does this one when the socket is gone.

The ``main`` server runs from a temporary ``git worktree`` of ``--baseline-ref`` (its own code,
migrations and ``bench/setup_db.py``, translations compiled there; removed at the end); the
``new`` server runs from this checkout, or from a worktree of ``--new-ref`` (e.g. ``HEAD``) when
this checkout holds someone's unfinished work. Each has its own throwaway SQLite database, or,
with ``--database-url`` naming a PostgreSQL server, its own database on that server (created,
then dropped at the end).
``--large-reply-every K`` makes every K-th reply too large for a frame, to exercise the fetch. Runs
alternate: main N=50, new N=50, main N=200, …, one fresh server process per run.

For each (version, layer, N) it reports the time from just before the reply's POST to the
message being in each page (p50, p95 over every reply × page, a page that never had it within
``--page-wait`` counting as infinitely late; max over those that had it), the share in page
within the wait, the HTTP requests the readers' pages made per reply (fetches, mark-reads) and
the poster's own, the server's CPU time per reply (user + system ticks of the server process from
just before the first POST to the last page request answered, leave included), and the cores used
meanwhile by the server, this client and every other process.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
import os
import re
import shutil
import statistics
import subprocess
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

import fanout  # bench/fanout.py, registered under this name by its main()
from fanout import PYTHON, ROOT, BenchError, CpuUse, Poster, Server
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

MARK_READ_EVERY = 5.0  # the new script's batching period (s)
CONNECTIONS_PER_PAGE = 6  # a browser's limit per host
LAST_PAGE = 999_999  # Paginator.get_page() answers the last page for a number beyond it
SOCKET_READ = "read on the socket"  # a record of a read told on the socket: no HTTP request
READ_RECORDED_TIMEOUT = 10.0  # waiting for the server's answer to a read told as the page goes
OPEN_PAGES_AT_ONCE = 20  # thread pages loaded at once while the readers arrive (not measured)

# Every wait is bounded (seconds).
PAGE_REQUEST_TIMEOUT = 60
OPEN_TIMEOUT = 300  # all N pages loaded, their sockets subscribed
DRAIN_TIMEOUT = 120  # after the wait for the last reply: requests the pages still have in flight
GIT_TIMEOUT = 120

CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')
LIVE_SINCE = re.compile(r'data-live-since="(\d+)"')
LAST_PAGE_FLAG = re.compile(r'data-last-page="(true|false)"')
BELL_HREF = re.compile(r'<a class="bell" href="([^"]+)"')
POST_IN_PAGE = re.compile(r'data-post="(\d+)"')
HTML_LANG = re.compile(r'<html[^>]* lang="([^"]*)"')


# --- A small HTTP/1.1 client: one page's keep-alive connections ----------------------------------


class ConnectionLost(Exception):
    """The server closed a keep-alive connection before answering."""


@dataclass
class PageAnswer:
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    started_at: float  # perf_counter() when the script asked (before waiting for a connection)
    answered_at: float  # perf_counter() once the whole answer was read

    @property
    def ms(self) -> float:
        return (self.answered_at - self.started_at) * 1000

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


class Connection:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter):
        self.reader, self.writer = reader, writer
        self.keep_alive = True

    def usable(self) -> bool:
        return self.keep_alive and not self.reader.at_eof() and not self.writer.is_closing()

    def close(self) -> None:
        self.keep_alive = False
        self.writer.close()

    async def exchange(self, raw: bytes) -> tuple[int, list[tuple[str, str]], bytes]:
        self.writer.write(raw)
        reader = self.reader
        status_line = await reader.readline()
        if not status_line:
            raise ConnectionLost
        status = int(status_line.split()[1])
        headers = []
        while (line := await reader.readline()) not in (b"\r\n", b"\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            headers.append((name.strip().lower(), value.strip()))
        values = dict(headers)
        if values.get("transfer-encoding", "").lower() == "chunked":
            chunks = []
            while size := int((await reader.readline()).split(b";")[0], 16):
                chunks.append(await reader.readexactly(size))
                await reader.readline()
            while (await reader.readline()) not in (b"\r\n", b"\n", b""):
                pass  # trailers
            body = b"".join(chunks)
        elif "content-length" in values:
            body = await reader.readexactly(int(values["content-length"]))
        elif status in (204, 304) or status < 200:
            body = b""
        else:
            body = await reader.read()
            self.keep_alive = False
        if values.get("connection", "").lower() == "close":
            self.keep_alive = False
        return status, headers, body


class PageHttp:
    """What one page's fetch() goes through: its cookies and up to 6 keep-alive connections."""

    def __init__(self, port: int, cookies: dict[str, str]):
        self.port = port
        self.host = f"127.0.0.1:{port}"
        self.cookies = dict(cookies)
        self.idle: list[Connection] = []
        self.slots = asyncio.Semaphore(CONNECTIONS_PER_PAGE)

    async def request(
        self, method: str, path: str, *, headers: dict[str, str] | None = None, form: dict | None = None
    ) -> PageAnswer:
        started_at = time.perf_counter()
        body = urlencode(form).encode() if form is not None else b""
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self.host}", "Accept: */*", "Accept-Language: fr"]
        lines.append("Cookie: " + "; ".join(f"{name}={value}" for name, value in self.cookies.items()))
        for name, value in (headers or {}).items():
            lines.append(f"{name}: {value}")
        if form is not None:
            lines += ["Content-Type: application/x-www-form-urlencoded;charset=UTF-8", f"Content-Length: {len(body)}"]
        raw = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body
        async with self.slots, asyncio.timeout(PAGE_REQUEST_TIMEOUT):
            for attempt in (1, 2):
                connection = None
                while self.idle and connection is None:
                    candidate = self.idle.pop()
                    if candidate.usable():
                        connection = candidate
                    else:
                        candidate.close()
                reused = connection is not None
                if connection is None:
                    connection = Connection(*await asyncio.open_connection("127.0.0.1", self.port))
                try:
                    status, answer_headers, answer_body = await connection.exchange(raw)
                except (ConnectionLost, ConnectionResetError, BrokenPipeError, asyncio.IncompleteReadError):
                    connection.close()
                    # A keep-alive connection the server had just closed (its idle timeout is
                    # 5 s): a browser sends again on a new one, and so do we, once.
                    if not reused or attempt == 2:
                        raise
                    continue
                except BaseException:
                    connection.close()
                    raise
                break
        answered_at = time.perf_counter()
        if connection.keep_alive:
            self.idle.append(connection)
        else:
            connection.close()
        for name, value in answer_headers:
            if name == "set-cookie":
                self.cookies.update({key: morsel.value for key, morsel in SimpleCookie(value).items()})
        return PageAnswer(status, answer_headers, answer_body, started_at, answered_at)

    def close(self) -> None:
        for connection in self.idle:
            connection.close()
        self.idle.clear()


# --- One reader's open thread page ----------------------------------------------------------------


@dataclass
class RequestRecord:
    kind: str  # "fetch", "mark-read", "mark-read at leave", "read on the socket" (no HTTP)
    ms: float
    status: int | None  # None: no answer
    error: str = ""


@dataclass
class RunState:
    """What the pages of one run share: their pending requests, the problems they met, and the
    server's CPU ticks when each reply was in every live page (where the time goes)."""

    script: str
    thread: int
    server_pid: int = 0
    live_pages: int = 0  # set once the pages are open
    pending: set[asyncio.Task] = field(default_factory=set)
    problems: Counter = field(default_factory=Counter)
    pages_with: Counter = field(default_factory=Counter)  # post number -> pages that show it
    everywhere_ticks: dict[int, int] = field(default_factory=dict)  # post number -> server ticks then

    def inserted(self, number: int) -> None:
        self.pages_with[number] += 1
        if self.live_pages and self.pages_with[number] == self.live_pages:
            self.everywhere_ticks[number] = fanout._process_ticks(self.server_pid)

    def spawn(self, coroutine) -> None:
        task = asyncio.create_task(coroutine)
        self.pending.add(task)
        task.add_done_callback(self.pending.discard)


class Page:
    def __init__(self, *, port: int, cookie: tuple[str, str], run: RunState):
        self.port, self.run = port, run
        self.http = PageHttp(port, {cookie[0]: cookie[1]})
        self.thread_path = f"/forums/fils/{run.thread}/"
        self.csrf_token = ""
        self.since = 0
        self.bell_path = ""
        self.lang = ""  # <html lang>: the new live.js subscribes with it (rendered frames come in it)
        self.websocket: ClientConnection | None = None
        self.reader: asyncio.Task | None = None
        self.error: str | None = None
        self.seen: set[int] = set()  # event ids, as live.js drops a replayed duplicate
        self.present: set[int] = set()  # ids of the posts the page shows
        self.inserted: dict[int, float] = {}  # post number -> perf_counter() when it was in the page
        self.requests: list[RequestRecord] = []
        self.opening_requests = 0  # made while the page opened (not per reply)
        # The new script's batched read mark.
        self.highest_inserted = 0
        self.highest_sent = 0
        self.read_timer: asyncio.TimerHandle | None = None
        self.recorded_read = 0  # the highest read the server answered with a thread.read frame
        self.read_recorded = asyncio.Event()

    # Opening: the page, then its socket.

    async def open(self, *, gate: asyncio.Semaphore, handshakes: asyncio.Semaphore) -> None:
        try:
            async with gate:
                answer = await self.http.request("GET", f"{self.thread_path}?page={LAST_PAGE}")
            self.opening_requests += 1
            token, since = CSRF_META.search(answer.text), LIVE_SINCE.search(answer.text)
            last_page, bell = LAST_PAGE_FLAG.search(answer.text), BELL_HREF.search(answer.text)
            if answer.status != 200 or token is None or since is None or "csrftoken" not in self.http.cookies:
                raise BenchError(f"thread page answered {answer.status} without its CSRF token or data-live-since")
            if last_page is None or last_page.group(1) != "true":
                raise BenchError("the reader's thread page is not the last page: its script would not insert")
            self.csrf_token, self.since = token.group(1), int(since.group(1))
            self.bell_path = bell.group(1) if bell else ""
            self.present = {int(post) for post in POST_IN_PAGE.findall(answer.text)}
            lang = HTML_LANG.search(answer.text)
            self.lang = lang.group(1) if lang else ""
            async with handshakes:
                await self._connect_socket()
        except ConnectionClosed as closed:
            self.error = f"closed by the server ({closed.rcvd.code if closed.rcvd else 'no close frame'})"
        except (OSError, TimeoutError, BenchError, ValueError, asyncio.IncompleteReadError) as error:
            self.error = f"{type(error).__name__}: {error}"

    async def _connect_socket(self) -> None:
        self.websocket = await connect(
            f"ws://127.0.0.1:{self.port}/ws/",
            origin=f"http://127.0.0.1:{self.port}",
            additional_headers={"Cookie": "; ".join(f"{k}={v}" for k, v in self.http.cookies.items())},
            open_timeout=fanout.HANDSHAKE_TIMEOUT,
            close_timeout=5,
            ping_interval=None,  # pages send no pings
            proxy=None,
        )
        subscription = {"type": "subscribe", "channel": "thread", "id": self.run.thread, "since": self.since}
        if self.run.script == "new":
            subscription["lang"] = self.lang
        await self.websocket.send(json.dumps(subscription))
        async with asyncio.timeout(fanout.HANDSHAKE_TIMEOUT):
            while True:
                message = json.loads(await self.websocket.recv())
                if message.get("event") == "hello" and self.bell_path:
                    # bell.js asks the unread count once per connection (not per reply).
                    with contextlib.suppress(OSError, TimeoutError, ConnectionLost, asyncio.IncompleteReadError):
                        await self.http.request(
                            "GET", f"{self.bell_path}non-lues/", headers={"X-Requested-With": "fetch"}
                        )
                        self.opening_requests += 1
                elif message.get("event") == "subscribed":
                    break
                elif message.get("event") == "error":
                    raise BenchError(f"subscription refused: {message.get('data')}")
        self.reader = asyncio.create_task(self._read_frames())

    # Live: what the script does with each frame.

    async def _read_frames(self) -> None:
        with contextlib.suppress(ConnectionClosed):
            async for text in self.websocket:
                received_at = time.perf_counter()  # before any parsing
                if "post.created" in text:
                    self._post_created(json.loads(text), received_at)
                elif "thread.read" in text:
                    self._thread_read(json.loads(text))

    def _thread_read(self, message: dict) -> None:
        data = message.get("data") or {}
        if message.get("event") == "thread.read" and data.get("thread") == self.run.thread:
            self.recorded_read = max(self.recorded_read, data.get("read") or 0)
            self.read_recorded.set()

    def _post_created(self, message: dict, received_at: float) -> None:
        if message.get("event") != "post.created":
            return
        if isinstance(message.get("id"), int):
            if message["id"] in self.seen:
                return
            self.seen.add(message["id"])
        data = message.get("data") or {}
        if data.get("thread") != self.run.thread or data.get("post") in self.present:
            return  # a creation the page already shows (replayed after its load) changes nothing
        post, number = data["post"], data["number"]
        if self.run.script == "main":
            self.run.spawn(self._fetch(post, number))
            return
        html = data.get("html")
        if isinstance(html, str):
            if f'data-post="{post}"' in html:
                self._insert(post, number, received_at)
            else:
                self.run.problems['a frame\'s html has no data-post="{post}"'] += 1
        elif isinstance(data.get("fetch"), str):  # since bc2ddac: the address to fetch
            self.run.spawn(self._fetch(post, number, data["fetch"]))
        elif data.get("fetch") is True:  # the first contract: the message's own fragment
            self.run.spawn(self._fetch(post, number))
        else:
            self.run.problems["a post.created frame has neither html nor fetch: is this the new code?"] += 1

    async def _fetch(self, post: int, number: int, path: str = "") -> None:
        answer = await self._request("fetch", "GET", path or f"/forums/messages/{post}/")
        if answer is None or answer.status != 200:
            return
        if f'data-post="{post}"' not in answer.text:
            self.run.problems["a fetched fragment does not hold its data-post"] += 1
            return
        if post not in self.present:
            self._insert(post, number, answer.answered_at)

    def _insert(self, post: int, number: int, at: float) -> None:
        self.present.add(post)
        self.inserted[number] = at
        self.run.inserted(number)
        if self.run.script == "main":
            self.run.spawn(self._mark_read(number, "mark-read"))  # at once: the page is visible
            return
        self.highest_inserted = max(self.highest_inserted, number)
        if self.read_timer is None:
            self.read_timer = asyncio.get_running_loop().call_later(MARK_READ_EVERY, self._send_batched_read)

    def _send_batched_read(self) -> None:
        self.read_timer = None
        if self.highest_inserted > self.highest_sent:
            self.highest_sent = self.highest_inserted
            self.run.spawn(self._tell_read(self.highest_sent))

    async def _tell_read(self, number: int) -> None:
        """As the page's script: on its socket (no request); by HTTP only if the socket is gone."""
        message = {"type": "read", "channel": "thread", "id": self.run.thread, "number": number}
        try:
            await self.websocket.send(json.dumps(message))
        except ConnectionClosed:
            await self._mark_read(number, "mark-read")
            return
        self.requests.append(RequestRecord("read on the socket", 0.0, None))

    async def leave(self) -> None:
        """pagehide: the new script tells what it has not marked yet, on its socket while open."""
        if self.read_timer is not None:
            self.read_timer.cancel()
            self.read_timer = None
        if self.run.script != "new" or self.highest_inserted <= self.highest_sent:
            return
        self.highest_sent = number = self.highest_inserted
        try:
            await self.websocket.send(
                json.dumps({"type": "read", "channel": "thread", "id": self.run.thread, "number": number})
            )
        except ConnectionClosed:
            await self._mark_read(number, "mark-read at leave")
            return
        self.requests.append(RequestRecord(SOCKET_READ, 0.0, None))
        # The server's work for it (recorded in a batch, then its frame) counts: wait for the answer.
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(READ_RECORDED_TIMEOUT):
                while self.recorded_read < number:
                    self.read_recorded.clear()
                    await self.read_recorded.wait()
        if self.recorded_read < number:
            self.run.problems[f"a read told on leaving not answered within {READ_RECORDED_TIMEOUT:g} s"] += 1

    async def _mark_read(self, number: int, kind: str) -> None:
        await self._request(
            kind,
            "POST",
            f"{self.thread_path}lu/",
            headers={
                "X-CSRFToken": self.csrf_token,
                "X-Requested-With": "fetch",
                "Origin": f"http://127.0.0.1:{self.port}",
                "Referer": f"http://127.0.0.1:{self.port}{self.thread_path}?page={LAST_PAGE}",
            },
            form={"number": number},
        )

    async def _request(self, kind: str, method: str, path: str, **options) -> PageAnswer | None:
        started = time.perf_counter()
        try:
            answer = await self.http.request(method, path, **options)
        except (OSError, TimeoutError, ConnectionLost, asyncio.IncompleteReadError, ValueError) as error:
            took_ms = (time.perf_counter() - started) * 1000
            self.requests.append(RequestRecord(kind, took_ms, None, type(error).__name__))
            self.run.problems[f"{kind}: {type(error).__name__} (no answer)"] += 1
            return None
        self.requests.append(RequestRecord(kind, answer.ms, answer.status))
        if answer.status != 200:
            self.run.problems[f"{kind} answered {answer.status}"] += 1
        return answer

    async def close(self) -> None:
        if self.websocket is not None:
            with contextlib.suppress(Exception):
                async with asyncio.timeout(5):
                    await self.websocket.close()
        if self.reader is not None:
            self.reader.cancel()
        self.http.close()


# --- Checkouts: the baseline worktree and this one -----------------------------------------------


@dataclass
class Checkout:
    script: str
    root: Path  # where the server runs from
    var_dir: Path  # its database, logs
    people: dict = field(default_factory=dict)
    database_url: str | None = None  # its own PostgreSQL database (--database-url), else SQLite in var_dir

    def environment(self, env: dict[str, str]) -> dict[str, str]:
        own = {"INTRANET_VAR_DIR": str(self.var_dir)}
        if self.database_url:
            own["DATABASE_URL"] = self.database_url
        return {**env, **own}


def throwaway_database(server_url: str, name: str) -> str:
    """A new, empty database on the PostgreSQL server of ``server_url`` (one left over by an
    interrupted run is dropped first); its URL."""
    import psycopg

    with psycopg.connect(server_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(urlsplit(server_url)._replace(path=f"/{name}"))


def drop_database(server_url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(server_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def database_name(script: str) -> str:
    return f"bench_fanout_pages_{script}_{os.getpid()}"


def git(*arguments: str) -> str:
    done = subprocess.run(  # noqa: S603 - fixed command lines
        ["git", "-C", str(ROOT), *arguments],  # noqa: S607 - git from PATH, as a developer runs it
        capture_output=True,
        text=True,
        timeout=GIT_TIMEOUT,
        check=False,
    )
    if done.returncode != 0:
        raise BenchError(f"git {' '.join(arguments)} failed: {done.stderr.strip()}")
    return done.stdout.strip()


@contextlib.contextmanager
def worktree(ref: str, path: Path):
    """A detached worktree of `ref` for a server; removed on leaving, whatever happened."""
    commit = git("rev-parse", "--verify", f"{ref}^{{commit}}")
    git("worktree", "add", "--detach", str(path), commit)
    print(f"  worktree of {ref} ({commit[:12]}) in {path}", flush=True)
    try:
        yield commit
    finally:
        try:
            git("worktree", "remove", "--force", str(path))
        except BenchError:
            shutil.rmtree(path, ignore_errors=True)
            with contextlib.suppress(BenchError):
                git("worktree", "prune")


def check_imports_from(root: Path, env: dict[str, str]) -> str:
    """The checkout's own packages must be the ones imported: returns forums.__file__ there."""
    done = subprocess.run(  # noqa: S603 - fixed command line
        [PYTHON, "-c", "import forums; print(forums.__file__)"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    location = done.stdout.strip()
    if done.returncode != 0 or not Path(location).resolve().is_relative_to(root.resolve()):
        raise BenchError(f"from {root}, forums is imported from {location or done.stderr.strip()!r}")
    return location


def prepare_checkout(checkout: Checkout, env: dict[str, str], members: int) -> None:
    checkout.var_dir.mkdir(parents=True, exist_ok=True)
    env = checkout.environment(env)
    print(f"  {checkout.script}: forums imported from {check_imports_from(checkout.root, env)}", flush=True)
    if checkout.root != ROOT:
        # .mo files are not in git: the worktree needs its own.
        fanout.run_step([PYTHON, "manage.py", "compile_translations"], env, "compile_translations", root=checkout.root)
    checkout.people = fanout.prepare_database(env, members, checkout.var_dir, root=checkout.root)


# --- One measurement ------------------------------------------------------------------------------


@dataclass
class PageMeasure:
    script: str
    layer: str
    size: int
    wait_s: float
    latencies_ms: list[float]  # one per (reply × page); math.inf where never in the page
    requests: list[RequestRecord]  # the readers' pages, during the posting phase and at leave
    replies: int
    post_ms: list[float]  # the poster's reply POSTs
    server_cpu_ms: float  # server user + system time over the posting phase
    cpu: CpuUse | None
    connected: int
    problems: list[str]
    # Server CPU from just before a reply's POST to the reply being in every live page, averaged
    # over the replies that got there: the delivery's share of cpu_ms_per_reply.
    delivery_cpu_ms: float = math.nan

    def percentile(self, p: float) -> float:
        values = sorted(self.latencies_ms)
        return values[max(1, math.ceil(p / 100 * len(values))) - 1] if values else math.nan

    @property
    def max_in_page(self) -> float:
        return max((v for v in self.latencies_ms if math.isfinite(v)), default=math.nan)

    @property
    def in_page_percent(self) -> float:
        within = sum(1 for v in self.latencies_ms if v <= self.wait_s * 1000)
        return 100.0 * within / len(self.latencies_ms) if self.latencies_ms else math.nan

    def per_reply(self, *kinds: str) -> float:
        count = sum(1 for r in self.requests if r.kind in kinds and (r.status is not None or r.kind == SOCKET_READ))
        return count / self.replies if self.replies else math.nan

    @property
    def cpu_ms_per_reply(self) -> float:
        return self.server_cpu_ms / self.replies if self.replies else math.nan

    def request_ms(self, kind: str, p: float) -> float:
        values = sorted(r.ms for r in self.requests if r.kind == kind and r.status is not None)
        return values[max(1, math.ceil(p / 100 * len(values))) - 1] if values else math.nan


def reply_text(index: int, args) -> str:
    """A short reply; with --large-reply-every K, every K-th is too large for a frame (20,000 "&"
    escape to 100 kB of HTML, over the 64 KiB a frame may hold): the page has to fetch it."""
    if args.large_reply_every and (index + 1) % args.large_reply_every == 0:
        return "&" * 20_000
    return f"Message {index + 1} du banc."


async def measure_pages(
    checkout: Checkout, layer: str, size: int, *, env: dict[str, str], args, log_dir: Path
) -> PageMeasure:
    problems: list[str] = []
    if args.quiet_wait > 0:
        other = await fanout.wait_for_quiet_machine(args.quiet_wait)
        if other is not None and other >= 0.3:
            problems.append(f"machine still busy before the run: other processes used {other:.1f} cores")
    people = checkout.people
    run = RunState(checkout.script, people["thread"])
    env = checkout.environment(env)
    log_path = log_dir / f"{args.server}-{checkout.script}-{layer}-{size}.log"
    pages: list[Page] = []
    live: list[Page] = []
    sent: dict[int, float] = {}  # post number -> t0
    start_ticks: dict[int, int] = {}  # post number -> server ticks at t0
    post_ms: list[float] = []
    cpu_before = cpu_after = None
    with Server(fanout.APPLICATIONS["optimized"], env, log_path, server=args.server, root=checkout.root) as server:
        run.server_pid = server.process.pid
        poster = Poster(server.port, people["thread"], people["cookie_name"], people["poster_session"])
        await asyncio.to_thread(poster.open_thread)
        await asyncio.to_thread(poster.reply, "Échauffement du banc.")  # warms the request path
        await asyncio.to_thread(poster.open_thread)

        pages = [
            Page(port=server.port, cookie=(people["cookie_name"], key), run=run)
            for key in people["member_sessions"][:size]
        ]
        gate, handshakes = asyncio.Semaphore(OPEN_PAGES_AT_ONCE), asyncio.Semaphore(fanout.HANDSHAKES_AT_ONCE)
        try:
            try:
                async with asyncio.timeout(OPEN_TIMEOUT):
                    await asyncio.gather(*(page.open(gate=gate, handshakes=handshakes) for page in pages))
            except TimeoutError:
                problems.append(f"pages not all open within {OPEN_TIMEOUT} s")
            live = [page for page in pages if page.reader is not None]
            if len(live) < size:
                errors = sorted({page.error for page in pages if page.error})
                problems.append(f"{size - len(live)} of {size} pages not live: {'; '.join(errors[:3])}")
            run.live_pages = len(live)
            await asyncio.sleep(fanout.SETTLE_SECONDS)

            async def post(index: int, start: float) -> None:
                # On a fixed clock, so that a slow answer does not lower the rate.
                await asyncio.sleep(max(0.0, start + index / args.rate - time.perf_counter()))
                ticks = fanout._process_ticks(server.process.pid)
                try:
                    t0, took_ms, number = await asyncio.to_thread(poster.reply, reply_text(index, args))
                except (OSError, BenchError) as error:
                    problems.append(f"post {index + 1}: {error}")
                else:
                    sent[number], start_ticks[number] = t0, ticks
                    post_ms.append(took_ms)

            cpu_before = fanout.cpu_sample(server.process.pid)
            start = time.perf_counter()
            await asyncio.gather(*(post(index, start) for index in range(args.posts)))
            # Until every page has every reply, or the wait is over for the last one.
            deadline = max(sent.values(), default=start) + args.page_wait
            while time.perf_counter() < deadline and not all(sent.keys() <= p.inserted.keys() for p in live):
                await asyncio.sleep(0.05)
            # What the pages still have in flight is work the replies caused: let it finish (bounded).
            drain_deadline = time.perf_counter() + DRAIN_TIMEOUT
            while run.pending and time.perf_counter() < drain_deadline:
                await asyncio.wait(set(run.pending), timeout=drain_deadline - time.perf_counter())
            if run.pending:
                problems.append(f"{len(run.pending)} page requests still unanswered {DRAIN_TIMEOUT} s after the wait")
                for task in list(run.pending):
                    task.cancel()
            await asyncio.gather(*(page.leave() for page in live))
            cpu_after = fanout.cpu_sample(server.process.pid)
        finally:
            await asyncio.gather(*(page.close() for page in pages), return_exceptions=True)

    cpu = CpuUse.between(cpu_before, cpu_after)
    ticks = (cpu_after.server - cpu_before.server) if cpu_before and cpu_after else 0
    server_cpu_ms = ticks * 1000 / os.sysconf("SC_CLK_TCK")
    if cpu is not None and cpu.client > 0.85:
        problems.append(f"the client used {cpu.client:.2f} cores: it may have been the bottleneck")
    problems += [f"{count} × {what}" for what, count in run.problems.most_common()]
    delivered = [number for number in sent if number in run.everywhere_ticks]
    delivery_ticks = [run.everywhere_ticks[number] - start_ticks[number] for number in delivered]
    delivery_cpu_ms = statistics.mean(delivery_ticks) * 1000 / os.sysconf("SC_CLK_TCK") if delivery_ticks else math.nan
    ends = {number: max(page.inserted[number] for page in live) for number in delivered}
    if any(t0 < ends[other] for number, t0 in sent.items() for other in delivered if other < number):
        problems.append("a reply was posted before the previous one was in every page: delivery CPU overlaps")
    latencies = [
        (page.inserted[number] - t0) * 1000 if number in page.inserted else math.inf
        for page in pages
        for number, t0 in sent.items()
    ]
    if args.per_post:
        print_per_post(sent, pages)
    return PageMeasure(
        checkout.script,
        layer,
        size,
        args.page_wait,
        latencies,
        [record for page in pages for record in page.requests],
        len(sent),
        post_ms,
        server_cpu_ms,
        cpu,
        sum(1 for page in pages if page.reader is not None),
        problems,
        delivery_cpu_ms,
    )


def print_per_post(sent: dict[int, float], pages: list[Page]) -> None:
    start = min(sent.values(), default=0.0)
    for number, t0 in sorted(sent.items()):
        times = sorted((p.inserted[number] - t0) * 1000 for p in pages if number in p.inserted)
        if times:
            print(
                f"      post {number:>4} at +{t0 - start:6.2f} s: first {times[0]:7.1f}, "
                f"median {statistics.median(times):7.1f}, last {times[-1]:7.1f} ms ({len(times)}/{len(pages)})"
            )


# --- Report ----------------------------------------------------------------------------------------


def _ms(value: float) -> str:
    return "never" if value == math.inf else ("—" if math.isnan(value) else f"{value:.0f}")


def print_run(m: PageMeasure) -> None:
    cpu = m.cpu
    cores = f"server {cpu.server:.2f}, client {cpu.client:.2f}, others {cpu.other:.2f}" if cpu else "not measured"
    print(
        f"  {m.script:<4} {m.layer:<6} N={m.size:<4} p50 {_ms(m.percentile(50)):>6}  p95 {_ms(m.percentile(95)):>6}  "
        f"max {_ms(m.max_in_page):>6} ms  in page ≤ {m.wait_s:g} s {m.in_page_percent:6.2f}%  "
        f"({m.connected} pages, {m.replies} replies)",
        flush=True,
    )
    print(
        f"      per reply: {m.per_reply('fetch'):.1f} fetches (p50 {_ms(m.request_ms('fetch', 50))} ms, "
        f"p95 {_ms(m.request_ms('fetch', 95))} ms), {m.per_reply('mark-read'):.1f} mark-reads + "
        f"{m.per_reply('mark-read at leave'):.1f} at leave (p50 {_ms(m.request_ms('mark-read', 50))} ms), "
        f"{m.per_reply(SOCKET_READ):.1f} reads on the socket, "
        f"poster's POST p50 {_ms(statistics.median(m.post_ms) if m.post_ms else math.nan)} ms; "
        f"server CPU {m.cpu_ms_per_reply:.0f} ms per reply ({_ms(m.delivery_cpu_ms)} until in every page); "
        f"cores used: {cores}",
        flush=True,
    )
    for problem in m.problems:
        print(f"    problem: {problem}", flush=True)


def print_page_table(measures: list[PageMeasure], args) -> None:
    layer_names = {"memory": "in-memory", "redis": "Redis pub/sub"}
    cpu_by_key = {(m.script, m.layer, m.size): m.cpu_ms_per_reply for m in measures}
    print(
        f"\nReply in the reader's page ({args.server}; "
        f"{', '.join(f'{script} = {commit}' for script, commit in args.commits.items())}; "
        f"t0 = reply POST sent; {args.posts} replies, one every "
        f"{1 / args.rate:g} s; wait {args.page_wait:g} s; {time.strftime('%Y-%m-%d %H:%M')}, load average "
        f"{' / '.join(f'{v:.2f}' for v in os.getloadavg())})\n"
    )
    print(
        "| version | layer | N | p50 ms | p95 ms | max ms | in page ≤ "
        f"{args.page_wait:g} s | page requests / reply (fetch + mark-read) | poster POST / reply "
        "| reads on the socket / reply | page requests failed | server CPU ms / reply (until in every page) "
        "| CPU main/new | other load (cores) |"
    )
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for m in measures:
        main_cpu, new_cpu = cpu_by_key.get(("main", m.layer, m.size)), cpu_by_key.get(("new", m.layer, m.size))
        ratio = f"{main_cpu / new_cpu:.1f}×" if m.script == "new" and main_cpu and new_cpu else ""
        fetches, reads = m.per_reply("fetch"), m.per_reply("mark-read", "mark-read at leave")
        posts = len(m.post_ms) / m.replies if m.replies else 0
        failed = sum(1 for r in m.requests if r.status != 200 and r.kind != SOCKET_READ)
        socket_reads = m.per_reply(SOCKET_READ)
        other = f"{m.cpu.other:.2f}" if m.cpu else "—"
        print(
            f"| {m.script} | {layer_names.get(m.layer, m.layer)} | {m.size} | {_ms(m.percentile(50))} | "
            f"{_ms(m.percentile(95))} | {_ms(m.max_in_page)} | {m.in_page_percent:.1f} % | "
            f"{fetches + reads:.1f} ({fetches:.1f} + {reads:.1f}) | {posts:.0f} | {socket_reads:.1f} | {failed} | "
            f"{m.cpu_ms_per_reply:.0f} ({_ms(m.delivery_cpu_ms)}) | {ratio} | {other} |"
        )
    print(
        "\np50/p95 over every reply × page (a page that never had it counts as infinitely late); max over those"
        " in the page. Page requests: made by the readers' pages, answered, divided by the replies (mark-reads"
        " include the new script's one at leave); failed: answered other than 200, or not at all. Server CPU:"
        " user + system time of the server process from the first reply to the last page request answered; in"
        " brackets, from a reply's POST to the reply being in every page, averaged over the replies."
    )


# --- Main --------------------------------------------------------------------------------------------


def page_environment(var_dir: Path, args) -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "intranet.settings",
        "DEBUG": "false",
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    }
    for name in ("REDIS_URL", "DATABASE_URL", "PYTHONPATH", "INTRANET_VAR_DIR"):
        env.pop(name, None)  # each checkout imports its own code, with its own database
    return env


async def run_pages(args, var_dir: Path, roots: dict[str, Path]) -> list[PageMeasure]:
    env = page_environment(var_dir, args)
    checkouts = {script: Checkout(script, roots[script], var_dir / f"var-{script}") for script in args.scripts}
    if args.database_url:  # each version on its own database of that server, dropped at the end
        for script, checkout in checkouts.items():
            checkout.database_url = throwaway_database(args.database_url, database_name(script))
    print(f"Preparing {', '.join(args.scripts)} ({max(args.sizes)} members each)…", flush=True)
    for checkout in checkouts.values():
        await asyncio.to_thread(prepare_checkout, checkout, env, max(args.sizes))

    measures = []
    for layer in args.layers:
        layer_env = dict(env)
        if layer == "redis":
            if not fanout.redis_answers(args.redis_url):
                print(f"NOTE: Redis at {args.redis_url} does not answer: Redis runs skipped.", flush=True)
                continue
            layer_env["REDIS_URL"] = args.redis_url
        for size in args.sizes:
            for script in args.scripts:  # side by side: main N, new N, main next N…
                if layer == "redis":
                    layer_env["CHANNEL_LAYER_PREFIX"] = f"bench-fanout-{os.getpid()}-{script}-{size}"
                try:
                    m = await measure_pages(
                        checkouts[script], layer, size, env=layer_env, args=args, log_dir=checkouts[script].var_dir
                    )
                except BenchError as error:
                    m = PageMeasure(script, layer, size, args.page_wait, [], [], 0, [], 0.0, None, 0, [str(error)])
                print_run(m)
                measures.append(m)
    return measures


def run_loop(coroutine):
    """uvloop when it is there (it comes with uvicorn[standard]): it keeps the client's own CPU down."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(coroutine)
    return uvloop.run(coroutine)


def main(args) -> int:
    fanout.raise_open_files_limit()
    args.commits = {}  # script -> the commit its server ran
    var_dir = Path(tempfile.mkdtemp(prefix="bench-fanout-pages-"))
    print(
        f"Fan-out to pages ({args.server}): scripts {args.scripts}, sizes {args.sizes}, "
        f"{args.posts} replies, one every {1 / args.rate:g} s, layers {args.layers}, "
        f"{'PostgreSQL' if args.database_url else 'SQLite'}, {os.cpu_count()} CPUs, "
        f"load average {' / '.join(f'{v:.2f}' for v in os.getloadavg())}; files in {var_dir}",
        flush=True,
    )
    measures: list[PageMeasure] = []
    try:
        with contextlib.ExitStack() as worktrees:
            # main: the baseline's own checkout. new: this one, or a worktree of --new-ref when
            # this checkout holds others' unfinished work.
            refs = {"main": args.baseline_ref, "new": args.new_ref}
            roots = dict.fromkeys(args.scripts, ROOT)
            for script in args.scripts:
                if refs[script]:
                    roots[script] = var_dir / f"checkout-{script}"
                    args.commits[script] = worktrees.enter_context(worktree(refs[script], roots[script]))[:12]
            for script in args.scripts:
                if roots[script] == ROOT:
                    dirty = git("status", "--porcelain", "--untracked-files=no", "--", ".", ":!bench")
                    args.commits[script] = git("rev-parse", "--short=12", "HEAD") + (" + uncommitted" if dirty else "")
                    print(f"  {script}: this checkout, {args.commits[script]}", flush=True)
            measures = run_loop(run_pages(args, var_dir, roots))
    except BenchError as error:
        print(f"Benchmark aborted: {error}")
        return 1
    finally:
        if args.keep:
            print(f"Kept {var_dir}")
        else:
            shutil.rmtree(var_dir, ignore_errors=True)
        for script in args.scripts if args.database_url else ():
            with contextlib.suppress(Exception):
                drop_database(args.database_url, database_name(script))
    if measures:
        print_page_table(measures, args)
    return 0
