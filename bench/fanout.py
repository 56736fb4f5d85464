"""Fan-out benchmark of the forums' live events: latency and delivery to N subscribed sockets.

For each channel layer (in-memory, Redis pub/sub), each consumer (the project's ``LiveConsumer``,
and the naive one of ``bench/naive_asgi.py``) and each number N of subscribers, it:

1. starts the real ASGI application in its own daphne process (the in-memory layer lives inside
   one process, so the posting action must run in the server, hence the HTTP POSTs below);
2. opens N authenticated WebSockets on ``/ws/`` (one per member, as N open thread pages) and
   subscribes each to the benchmark thread;
3. posts replies at a fixed rate through the real reply view (session + CSRF token), recording
   t0 just before each POST is sent;
4. records, on every socket, when the matching ``post.created`` event arrives (matched by post
   number, read from the view's redirect).

Latency is receipt − t0, so it includes the request's own handling (transaction, rendering of
the Markdown, commit): it is an upper bound of commit → receipt. The client runs on the same
machine as the server and shares its cores.

The database is a throwaway SQLite file under a temporary INTRANET_VAR_DIR (or the PostgreSQL
database given with ``--database-url``, which must be empty and disposable), migrated and filled
by ``bench/setup_db.py`` through the project's own actions.

The machine may be shared: before each run the script waits (bounded, ``--quiet-wait``) for
other processes to go quiet, and it reports the cores used while posting by the server, by
itself and by everything else, so that a disturbed figure can be recognised.

Usage, from the repository root::

    .venv/bin/python bench/fanout.py --quick          # smoke run: N = 20, 50; 10 posts
    .venv/bin/python bench/fanout.py                  # N = 50, 200, 500; 20 posts at 4/s
    .venv/bin/python bench/fanout.py --repeat 3       # medians of 3 runs (what BENCHMARKS.md shows)
    .venv/bin/python bench/fanout.py --layers redis --consumers optimized --sizes 500 --per-post --profile

Page-script mode (``--scripts``, in ``bench/fanout_page.py``): each socket is a reader's open thread
page and the client does what the page's script does with each ``post.created`` frame, every
request made for real, timed and counted, so the figure is when the reply is *in the page*.
``main`` is the script (and the server, run from a temporary ``git worktree`` of
``--baseline-ref``) that fetches every new message and marks it read at once; ``new`` is the
script of frames carrying the rendered message (batched read marks), served from this checkout.
Per (version, layer, N): p50/p95/max ms to the page, % in page within ``--page-wait``, the
readers' HTTP requests per reply, server CPU ms per reply and the ratio main/new, other load::

    .venv/bin/python bench/fanout.py --scripts main,new --quick      # smoke run: N = 20, 50; 8 replies at 1/s
    .venv/bin/python bench/fanout.py --scripts main,new              # N = 50, 200, 500; 6 replies, one every 40 s
    .venv/bin/python bench/fanout.py --scripts main,new --new-ref HEAD   # new from a worktree of HEAD, not this tree
    .venv/bin/python bench/fanout.py --scripts main --sizes 20,50 --layers memory --baseline-ref 567b590
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import http.client
import json
import math
import os
import re
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
APPLICATIONS = {"optimized": "intranet.asgi:application", "naive": "bench.naive_asgi:application"}
LAYERS = ("memory", "redis")
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
PORTS = range(8100, 8200)  # 8000 belongs to the developer's own server

# Every wait is bounded (seconds).
SERVER_START_TIMEOUT = 60
HTTP_TIMEOUT = 30
HANDSHAKE_TIMEOUT = 30
SUBSCRIBE_TIMEOUT = 180  # all N sockets connected and subscribed
DELIVERY_GRACE = 10  # after the last POST was answered
CLOSE_TIMEOUT = 20
SETUP_TIMEOUT = 900
# Handshakes in flight at once: daphne's listen backlog is 50, and a burst beyond it only adds
# SYN retries (whole seconds) to the connection phase.
HANDSHAKES_AT_ONCE = 50
SETTLE_SECONDS = 1.0  # between the last subscription and the first post

CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')
LIVE_SINCE = re.compile(r'data-live-since="(\d+)"')
POST_NUMBER = re.compile(r"#post-(\d+)")


class BenchError(Exception):
    """The benchmark could not measure (server down, refused request…); the message says why."""


# --- HTTP, with the standard library (run in threads so that the event loop keeps receiving) ---


@dataclass
class HttpAnswer:
    status: int
    headers: http.client.HTTPMessage
    body: str
    sent_at: float  # perf_counter() just before the request left
    answered_at: float  # perf_counter() once the whole answer was read


def http_request(
    port: int, method: str, path: str, *, cookies: dict[str, str], headers: dict | None = None, body=None
) -> HttpAnswer:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=HTTP_TIMEOUT)
    try:
        connection.connect()  # outside the timed part: t0 is taken when the request is written
        all_headers = {"Cookie": "; ".join(f"{name}={value}" for name, value in cookies.items()), **(headers or {})}
        sent_at = time.perf_counter()
        connection.request(method, path, body=body, headers=all_headers)
        response = connection.getresponse()
        body = response.read().decode("utf-8", "replace")
        return HttpAnswer(response.status, response.headers, body, sent_at, time.perf_counter())
    finally:
        connection.close()


class Poster:
    """The member who replies in the thread, through the reply view like a browser would."""

    def __init__(self, port: int, thread: int, cookie_name: str, session: str):
        self.port = port
        self.origin = f"http://127.0.0.1:{port}"
        self.thread_path = f"/forums/fils/{thread}/"
        self.cookies = {cookie_name: session}
        self.csrf_token = ""

    def open_thread(self) -> int:
        """GET the thread page: takes the CSRF cookie and token; returns the page's latest event id."""
        answer = http_request(self.port, "GET", self.thread_path, cookies=self.cookies)
        if answer.status != 200:
            raise BenchError(f"GET {self.thread_path} answered {answer.status} (session not accepted?)")
        for header in answer.headers.get_all("Set-Cookie") or []:
            self.cookies.update({name: morsel.value for name, morsel in SimpleCookie(header).items()})
        token, since = CSRF_META.search(answer.body), LIVE_SINCE.search(answer.body)
        if token is None or since is None or "csrftoken" not in self.cookies:
            raise BenchError("the thread page has no csrf-token meta tag, data-live-since or csrftoken cookie")
        self.csrf_token = token.group(1)
        return int(since.group(1))

    def reply(self, text: str) -> tuple[float, float, int]:
        """POST a reply; returns (t0, time the answer took in ms, number of the new post)."""
        answer = http_request(
            self.port,
            "POST",
            f"{self.thread_path}repondre/",
            cookies=self.cookies,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "X-CSRFToken": self.csrf_token,
                "Origin": self.origin,
                "Referer": self.origin + self.thread_path,
            },
            body=urlencode({"body": text}),
        )
        number = POST_NUMBER.search(answer.headers.get("Location") or "")
        if answer.status != 302 or number is None:
            raise BenchError(f"reply answered {answer.status}, Location {answer.headers.get('Location')!r}")
        return answer.sent_at, (answer.answered_at - answer.sent_at) * 1000, int(number.group(1))


# --- WebSocket subscribers ----------------------------------------------------------------------


@dataclass
class Subscriber:
    cookie: str
    received: dict[int, float] = field(default_factory=dict)  # post number -> perf_counter() at receipt
    websocket: ClientConnection | None = None
    reader: asyncio.Task | None = None
    error: str | None = None


async def open_subscriber(
    subscriber: Subscriber, *, port: int, thread: int, since: int, gate: asyncio.Semaphore
) -> None:
    """Connect, subscribe to the thread, wait for "subscribed", then keep reading in a task."""
    try:
        async with gate:
            websocket = await connect(
                f"ws://127.0.0.1:{port}/ws/",
                origin=f"http://127.0.0.1:{port}",
                additional_headers={"Cookie": subscriber.cookie},
                open_timeout=HANDSHAKE_TIMEOUT,
                close_timeout=5,
                ping_interval=None,  # pages send no pings; keep the wire to what is measured
                proxy=None,  # never route the benchmark through a proxy from the environment
            )
            subscriber.websocket = websocket
            await websocket.send(json.dumps({"type": "subscribe", "channel": "thread", "id": thread, "since": since}))
            async with asyncio.timeout(HANDSHAKE_TIMEOUT):
                while True:
                    message = json.loads(await websocket.recv())
                    if message.get("event") == "subscribed":
                        break
                    if message.get("event") == "error":
                        raise BenchError(f"subscription refused: {message.get('data')}")
    except ConnectionClosed as closed:
        subscriber.error = f"closed by the server ({closed.rcvd.code if closed.rcvd else 'no close frame'})"
        return
    except (OSError, TimeoutError, BenchError, ValueError) as error:
        subscriber.error = f"{type(error).__name__}: {error}"
        return
    subscriber.reader = asyncio.create_task(read_events(subscriber))


async def read_events(subscriber: Subscriber) -> None:
    """Time every post.created event. The receipt time is taken before any parsing."""
    with contextlib.suppress(ConnectionClosed):
        async for text in subscriber.websocket:
            received_at = time.perf_counter()
            # Cheap filter first; the naive consumer re-encodes with spaces, so no exact prefix.
            if "post.created" in text:
                event = json.loads(text)
                if event.get("event") == "post.created":
                    subscriber.received.setdefault(event["data"]["number"], received_at)


async def close_all(subscribers: list[Subscriber]) -> None:
    sockets = [s.websocket for s in subscribers if s.websocket is not None]
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(CLOSE_TIMEOUT):
            await asyncio.gather(*(websocket.close() for websocket in sockets), return_exceptions=True)
    for subscriber in subscribers:
        if subscriber.reader is not None:
            subscriber.reader.cancel()


# --- The server under test ---------------------------------------------------------------------

_next_port = PORTS.start


def free_port() -> int:
    """A free port of 8100–8199, rotating so that a restarted server never meets TIME_WAIT."""
    global _next_port
    for _attempt in range(len(PORTS)):
        port, _next_port = _next_port, PORTS.start + (_next_port + 1 - PORTS.start) % len(PORTS)
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise BenchError("no free port in 8100–8199")


class Server:
    """One daphne process serving the application; stopped (then killed) on leaving the block."""

    def __init__(
        self,
        application: str,
        env: dict[str, str],
        log_path: Path,
        profile_path: Path | None = None,
        server: str = "daphne",
        root: Path = ROOT,
    ):
        self.application, self.env, self.log_path, self.profile_path = application, env, log_path, profile_path
        self.server, self.root = server, root  # root: the checkout whose code the server runs
        self.port = free_port()
        # The only origin its pages' sockets are accepted from (realtime.origins).
        self.env = {**env, "SITE_URL": f"http://127.0.0.1:{self.port}"}
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Server:
        with self.log_path.open("ab") as log:
            # Under cProfile, the statistics are written when daphne stops on SIGTERM (Twisted exits cleanly).
            profiler = ["-m", "cProfile", "-o", str(self.profile_path)] if self.profile_path else []
            if self.server == "uvicorn":
                # The settings STACK-NOTES measured best: uvloop, the sans-I/O websockets
                # implementation, no per-message deflate.
                command = [
                    *("-m", "uvicorn", "--host", "127.0.0.1", "--port", str(self.port)),
                    *("--loop", "uvloop", "--ws", "websockets-sansio", "--ws-per-message-deflate", "false"),
                    *("--no-access-log", "--log-level", "warning", self.application),
                ]
            else:
                command = ["-m", "daphne", "-b", "127.0.0.1", "-p", str(self.port), self.application]
            self.process = subprocess.Popen(  # noqa: S603 - fixed command line
                [PYTHON, *profiler, *command],
                cwd=self.root,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
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
                raise BenchError(f"{self.server} exited with {self.process.returncode}:\n{self.log_tail()}")
            with contextlib.suppress(OSError):
                http_request(self.port, "GET", "/compte/connexion/", cookies={})
                return
            time.sleep(0.2)
        raise BenchError(f"{self.server} did not answer within {SERVER_START_TIMEOUT} s:\n{self.log_tail()}")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)

    def log_tail(self, lines: int = 30) -> str:
        with contextlib.suppress(OSError):
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        return "(no log)"


# --- CPU accounting (Linux /proc): the machine is shared, so say how busy it was ----------------


@dataclass
class CpuSample:
    busy: int  # clock ticks of all CPUs not idle
    total: int  # clock ticks of all CPUs
    client: int  # ticks of this process (all its threads)
    server: int  # ticks of the daphne process


def _process_ticks(pid: int | str) -> int:
    with contextlib.suppress(OSError, IndexError, ValueError):
        # Fields after the ")" that closes the command name: utime and stime are the 12th and 13th.
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])
    return 0


def cpu_sample(server_pid: int | None = None) -> CpuSample | None:
    try:
        ticks = [int(value) for value in Path("/proc/stat").read_text().splitlines()[0].split()[1:9]]
    except (OSError, ValueError):
        return None  # not Linux: no accounting
    idle = ticks[3] + ticks[4]  # idle + iowait
    return CpuSample(sum(ticks) - idle, sum(ticks), _process_ticks("self"), _process_ticks(server_pid or 0))


@dataclass
class CpuUse:
    """Cores used on average over a window: by the server, by this client, by everything else."""

    server: float
    client: float
    other: float

    @classmethod
    def between(cls, before: CpuSample | None, after: CpuSample | None) -> CpuUse | None:
        if before is None or after is None or after.total <= before.total:
            return None
        one_cpu = (after.total - before.total) / (os.cpu_count() or 1)  # ticks of one core over the window
        server, client = after.server - before.server, after.client - before.client
        other = max(0, after.busy - before.busy - server - client)
        return cls(server / one_cpu, client / one_cpu, other / one_cpu)


async def wait_for_quiet_machine(limit_seconds: float, threshold: float = 0.3) -> float | None:
    """Wait (bounded) until other processes use less than `threshold` cores; returns their last use."""
    deadline = time.monotonic() + limit_seconds
    announced = False
    while True:
        before = cpu_sample()
        await asyncio.sleep(1.0)
        use = CpuUse.between(before, cpu_sample())
        if use is None or use.other < threshold or time.monotonic() >= deadline:
            return None if use is None else use.other
        if not announced:
            print(f"    waiting for the machine to calm down (other processes use {use.other:.1f} cores)…", flush=True)
            announced = True


# --- One measurement -----------------------------------------------------------------------------


@dataclass
class Measure:
    layer: str
    consumer: str
    size: int
    latencies_ms: list[float]
    expected: int  # size × posts asked for: a failed post or socket counts as undelivered
    request_ms: list[float]  # how long each reply POST took to be answered
    cpu: CpuUse | None  # while posting and delivering
    connected: int
    posts_ok: int
    problems: list[str]

    @property
    def delivered_percent(self) -> float:
        return 100.0 * len(self.latencies_ms) / self.expected if self.expected else math.nan

    @property
    def cpu_text(self) -> str:
        if self.cpu is None:
            return "CPU not measured"
        return f"cores used: server {self.cpu.server:.2f}, client {self.cpu.client:.2f}, others {self.cpu.other:.2f}"

    def percentile(self, p: float) -> float:
        """Nearest-rank percentile of the delivered latencies (ms)."""
        values = sorted(self.latencies_ms)
        if not values:
            return math.nan
        return values[max(1, math.ceil(p / 100 * len(values))) - 1]


async def measure(
    layer: str, consumer: str, size: int, *, people: dict, env: dict[str, str], args, log_dir: Path
) -> Measure:
    problems: list[str] = []
    log_path = log_dir / f"daphne-{layer}-{consumer}-{size}.log"
    profile_path = log_dir / f"daphne-{layer}-{consumer}-{size}.prof" if args.profile else None
    if args.quiet_wait > 0:
        other = await wait_for_quiet_machine(args.quiet_wait)
        if other is not None and other >= 0.3:
            problems.append(f"machine still busy before the run: other processes used {other:.1f} cores")
    with Server(APPLICATIONS[consumer], env, log_path, profile_path, server=args.server) as server:
        poster = Poster(server.port, people["thread"], people["cookie_name"], people["poster_session"])
        await asyncio.to_thread(poster.open_thread)
        # One unmeasured reply warms the request path (imports, Markdown, first queries).
        await asyncio.to_thread(poster.reply, "Échauffement du banc.")
        since = await asyncio.to_thread(poster.open_thread)

        cookie_name = people["cookie_name"]
        subscribers = [Subscriber(f"{cookie_name}={key}") for key in people["member_sessions"][:size]]
        gate = asyncio.Semaphore(HANDSHAKES_AT_ONCE)
        try:
            try:
                async with asyncio.timeout(SUBSCRIBE_TIMEOUT):
                    await asyncio.gather(
                        *(
                            open_subscriber(s, port=server.port, thread=people["thread"], since=since, gate=gate)
                            for s in subscribers
                        )
                    )
            except TimeoutError:
                problems.append(f"subscriptions not all done within {SUBSCRIBE_TIMEOUT} s")
            live = [s for s in subscribers if s.reader is not None]
            errors = sorted({s.error for s in subscribers if s.error})
            if len(live) < size:
                problems.append(f"{size - len(live)} of {size} sockets not subscribed: {'; '.join(errors[:3])}")
            await asyncio.sleep(SETTLE_SECONDS)

            sent: dict[int, float] = {}  # post number -> t0
            request_ms: dict[int, float] = {}  # post number -> time the POST took to be answered

            async def post(index: int, start: float) -> None:
                # Scheduled on a fixed clock, so a slow answer does not lower the rate.
                await asyncio.sleep(max(0.0, start + index / args.rate - time.perf_counter()))
                try:
                    t0, took_ms, number = await asyncio.to_thread(
                        poster.reply, f"Message {index + 1} du banc de diffusion."
                    )
                except (OSError, BenchError) as error:
                    problems.append(f"post {index + 1}: {error}")
                else:
                    sent[number] = t0
                    request_ms[number] = took_ms

            cpu_before = cpu_sample(server.process.pid)
            start = time.perf_counter()
            await asyncio.gather(*(post(index, start) for index in range(args.posts)))

            deadline = time.perf_counter() + DELIVERY_GRACE
            while time.perf_counter() < deadline and not all(sent.keys() <= s.received.keys() for s in live):
                await asyncio.sleep(0.05)
            cpu = CpuUse.between(cpu_before, cpu_sample(server.process.pid))
        finally:
            await close_all(subscribers)

    latencies = [
        (subscriber.received[number] - t0) * 1000
        for subscriber in subscribers
        for number, t0 in sent.items()
        if number in subscriber.received
    ]
    if args.per_post:
        print_per_post(sent, request_ms, subscribers)
    expected = size * args.posts
    answers = list(request_ms.values())
    return Measure(layer, consumer, size, latencies, expected, answers, cpu, len(live), len(sent), problems)


def print_per_post(sent: dict[int, float], request_ms: dict[int, float], subscribers: list[Subscriber]) -> None:
    """One line per post: is the tail made of a few slow posts, or of the last sockets of every post?"""
    start = min(sent.values(), default=0.0)
    for number, t0 in sorted(sent.items()):
        times = sorted((s.received[number] - t0) * 1000 for s in subscribers if number in s.received)
        if times:
            print(
                f"      post {number:>4} at +{t0 - start:5.2f} s: POST {request_ms[number]:6.1f} ms, "
                f"first {times[0]:6.1f}, median {statistics.median(times):6.1f}, last {times[-1]:6.1f} ms "
                f"({len(times)}/{len(subscribers)})"
            )


# --- Preparation ---------------------------------------------------------------------------------


def redis_answers(url: str) -> bool:
    """PING the Redis of REDIS_URL (host and port only) without any client library."""
    match = re.match(r"rediss?://(?:[^@/]*@)?([^:/]+)(?::(\d+))?", url)
    if match is None:
        return False
    try:
        with socket.create_connection((match.group(1), int(match.group(2) or 6379)), timeout=2) as connection:
            connection.sendall(b"PING\r\n")
            return connection.recv(64).startswith(b"+PONG")
    except OSError:
        return False


def run_step(command: list[str], env: dict[str, str], what: str, root: Path = ROOT) -> None:
    try:
        done = subprocess.run(  # noqa: S603 - fixed command lines
            command, cwd=root, env=env, capture_output=True, text=True, timeout=SETUP_TIMEOUT, check=False
        )
    except subprocess.TimeoutExpired as error:
        raise BenchError(f"{what} took more than {SETUP_TIMEOUT} s") from error
    if done.returncode != 0:
        raise BenchError(f"{what} failed ({done.returncode}):\n{done.stdout[-3000:]}{done.stderr[-3000:]}")


def prepare_database(env: dict[str, str], members: int, var_dir: Path, root: Path = ROOT) -> dict:
    """Migrate and fill with `root`'s own code (a baseline worktree brings its own bench/setup_db.py)."""
    print(f"Preparing the database (migrate, {members} members, sessions)…", flush=True)
    started = time.monotonic()
    run_step([PYTHON, "manage.py", "migrate", "--noinput"], env, "manage.py migrate", root)
    output = var_dir / "people.json"
    run_step(
        [PYTHON, "-m", "bench.setup_db", "--members", str(members), "--output", str(output)],
        env,
        "bench.setup_db",
        root,
    )
    print(f"  ready in {time.monotonic() - started:.0f} s", flush=True)
    return json.loads(output.read_text(encoding="utf-8"))


def raise_open_files_limit() -> None:
    """500 client sockets plus the server's own (it inherits the limit): go to the hard limit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or hard > soft:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


# --- Report --------------------------------------------------------------------------------------


@dataclass
class Summary:
    """A configuration over its repeats: medians of the percentiles, worst delivery."""

    layer: str
    consumer: str
    size: int
    measures: list[Measure]

    def median(self, p: float) -> float:
        values = [m.percentile(p) for m in self.measures if m.latencies_ms]
        return statistics.median(values) if values else math.nan

    @property
    def delivered(self) -> float:
        return min(m.delivered_percent for m in self.measures)

    @property
    def request_median(self) -> float:
        values = [ms for m in self.measures for ms in m.request_ms]
        return statistics.median(values) if values else math.nan

    def cpu_median(self, who: str) -> float:
        values = [getattr(m.cpu, who) for m in self.measures if m.cpu is not None]
        return statistics.median(values) if values else math.nan


def print_table(summaries: list[Summary], repeat: int) -> None:
    note = f" (median of {repeat} runs; delivered: worst run)" if repeat > 1 else ""
    print(f"\nFan-out latency, t0 = reply POST sent → post.created received{note}")
    header = (
        f"{'layer':<7} {'consumer':<10} {'N':>4} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'delivered':>10}"
        f" {'POST p50 ms':>12} {'server CPU':>11} {'other CPU':>10}"
    )
    print(header)
    print("-" * len(header))
    for s in summaries:
        print(
            f"{s.layer:<7} {s.consumer:<10} {s.size:>4} {s.median(50):>8.1f} {s.median(95):>8.1f} "
            f"{s.median(99):>8.1f} {s.delivered:>9.2f}% {s.request_median:>12.1f}"
            f" {s.cpu_median('server'):>11.2f} {s.cpu_median('other'):>10.2f}"
        )
    print("POST p50 ms: median time for the reply POST itself to be answered (part of every latency).")
    print("server CPU / other CPU: cores used while posting by the server / by all other processes but this one.")


def print_comparison(summaries: list[Summary], target_ms: float = 150.0) -> None:
    """Optimized vs naive p95 at the largest N, and the issue's targets."""
    largest = max(s.size for s in summaries)
    by_key = {(s.layer, s.consumer, s.size): s for s in summaries}
    for layer in LAYERS:
        optimized, naive = by_key.get((layer, "optimized", largest)), by_key.get((layer, "naive", largest))
        if optimized is None:
            continue
        p95 = optimized.median(95)
        verdict = [
            f"p95 {p95:.0f} ms {'≤' if p95 <= target_ms else '>'} {target_ms:.0f} ms",
            f"delivered {optimized.delivered:.2f}%",
        ]
        if naive is not None:
            ratio = naive.median(95) / p95 if p95 else math.nan
            verdict.append(f"naive p95 {naive.median(95):.0f} ms = {ratio:.2f}× optimized")
        print(f"{layer}, N={largest}: optimized " + ", ".join(verdict))


# --- Main ----------------------------------------------------------------------------------------


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="50,200,500", help="numbers of subscribers (default 50,200,500)")
    parser.add_argument("--posts", type=int, help="measured replies per run (default 20; with --scripts 6)")
    parser.add_argument("--rate", type=float, help="replies per second (default 4; with --scripts 1 every 40 s)")
    parser.add_argument("--layers", default="memory,redis", help="channel layers: memory,redis")
    parser.add_argument("--consumers", default="optimized,naive", help="consumers: optimized,naive")
    parser.add_argument("--repeat", type=int, default=1, help="runs per configuration, medians reported")
    parser.add_argument(
        "--quick", action="store_true", help="smoke run: sizes 20,50 and 10 posts (with --scripts: 8 posts, 1/s)"
    )
    parser.add_argument(
        "--scripts",
        help="page-script mode (bench/fanout_page.py): the page scripts to run as, e.g. main,new "
        "(main: the server runs from a worktree of --baseline-ref; new: from this checkout)",
    )
    parser.add_argument(
        "--baseline-ref",
        default="567b590",
        help="with --scripts: the commit whose code and page script 'main' is (default 567b590)",
    )
    parser.add_argument(
        "--new-ref",
        help="with --scripts: run 'new' from a worktree of this commit (e.g. HEAD) instead of this checkout",
    )
    parser.add_argument(
        "--large-reply-every",
        type=int,
        default=0,
        help="with --scripts: every K-th reply too large for a frame, so that 'new' pages fetch it (default never)",
    )
    parser.add_argument(
        "--page-wait",
        type=float,
        default=10.0,
        help="with --scripts: a reply not in a page within this many seconds counts as never (default 10)",
    )
    parser.add_argument(
        "--redis-url",
        default=os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS_URL),
        help=f"Redis for the redis layer (default {DEFAULT_REDIS_URL}); skipped with a note if it does not answer",
    )
    parser.add_argument(
        "--database-url",
        help="an EMPTY, disposable database (e.g. PostgreSQL); default SQLite. With --scripts: a PostgreSQL"
        " server, on which each version gets a database of its own, dropped at the end",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory (database, logs)")
    parser.add_argument(
        "--server",
        choices=["daphne", "uvicorn"],
        help="ASGI server of the application (default daphne; with --scripts uvicorn)",
    )
    parser.add_argument("--per-post", action="store_true", help="print the latencies of every post")
    parser.add_argument("--profile", action="store_true", help="run daphne under cProfile (implies --keep)")
    parser.add_argument(
        "--quiet-wait",
        type=float,
        default=120,
        help="before each run, wait up to this many seconds for other processes to use < 0.3 cores (0: never)",
    )
    args = parser.parse_args()
    if args.scripts is not None:
        args.scripts = [name for name in ("main", "new") if name in args.scripts.split(",")]
        if not args.scripts or args.repeat != 1 or args.profile or args.page_wait <= 0:
            parser.error("--scripts takes main and/or new, a --page-wait > 0, and no --repeat or --profile")
        if args.database_url and not args.database_url.startswith("postgres"):
            parser.error("with --scripts, --database-url names a PostgreSQL server: each version gets its own database")
        args.server = args.server or "uvicorn"
        # One reply every 40 s: what the baseline's server keeps up with at 500 pages on 2 shared cores
        # (it spends 25-40 s of CPU per reply there; at one every 5 s it falls over).
        args.rate = args.rate or (1.0 if args.quick else 0.025)
        args.posts = args.posts or 6
        if args.quick:
            args.sizes, args.posts = "20,50", 8
    else:
        args.server = args.server or "daphne"
        args.rate = args.rate or 4.0
        args.posts = args.posts or 20
        if args.quick:
            args.sizes, args.posts = "20,50", 10
    args.keep = args.keep or args.profile
    args.sizes = sorted({int(size) for size in args.sizes.split(",")})
    args.layers = [layer for layer in LAYERS if layer in args.layers.split(",")]
    args.consumers = [name for name in APPLICATIONS if name in args.consumers.split(",")]
    if not (args.sizes and args.layers and args.consumers and args.posts > 0 and args.rate > 0):
        parser.error("nothing to measure: check --sizes, --layers, --consumers, --posts and --rate")
    return args


async def run(args: argparse.Namespace, var_dir: Path) -> list[Summary]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "intranet.settings",
        "INTRANET_VAR_DIR": str(var_dir),
        "DEBUG": "false",  # as in production: no query log kept per request
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("REDIS_URL", None)
    env.pop("DATABASE_URL", None)
    if args.database_url:
        env["DATABASE_URL"] = args.database_url
    people = prepare_database(env, max(args.sizes), var_dir)

    summaries = []
    for layer in args.layers:
        layer_env = dict(env)
        if layer == "redis":
            if not redis_answers(args.redis_url):
                print(f"NOTE: Redis at {args.redis_url} does not answer: Redis runs skipped.", flush=True)
                continue
            # A prefix of our own: other processes on the same Redis never hear our groups.
            layer_env.update(REDIS_URL=args.redis_url, CHANNEL_LAYER_PREFIX=f"bench-fanout-{os.getpid()}")
        for size in args.sizes:
            for consumer in args.consumers:
                summary = Summary(layer, consumer, size, [])
                for attempt in range(args.repeat):
                    try:
                        m = await measure(
                            layer, consumer, size, people=people, env=layer_env, args=args, log_dir=var_dir
                        )
                    except BenchError as error:
                        # One failed run (server crash, refused request) is reported, not fatal.
                        m = Measure(layer, consumer, size, [], size * args.posts, [], None, 0, 0, [str(error)])
                    summary.measures.append(m)
                    print(
                        f"  {layer:<6} {consumer:<9} N={size:<4} run {attempt + 1}: "
                        f"p50 {m.percentile(50):6.1f}  p95 {m.percentile(95):6.1f}  p99 {m.percentile(99):6.1f} ms  "
                        f"delivered {m.delivered_percent:6.2f}%  ({m.connected} sockets, {m.posts_ok} posts, "
                        f"POST p50 {statistics.median(m.request_ms) if m.request_ms else math.nan:.0f} ms; "
                        f"{m.cpu_text})",
                        flush=True,
                    )
                    for problem in m.problems:
                        print(f"    problem: {problem}", flush=True)
                summaries.append(summary)
    return summaries


def main() -> int:
    args = parse_arguments()
    if args.scripts:
        # The page mode lives beside this file and uses its helpers: make this running script
        # importable under its own name, so that both share one module (and one port rotation).
        sys.modules.setdefault("fanout", sys.modules[__name__])
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        import fanout_page

        return fanout_page.main(args)
    raise_open_files_limit()
    var_dir = Path(tempfile.mkdtemp(prefix="bench-fanout-"))
    print(
        f"Fan-out benchmark ({args.server}): sizes {args.sizes}, {args.posts} posts at {args.rate}/s, "
        f"layers {args.layers}, consumers {args.consumers}, {os.cpu_count()} CPUs; files in {var_dir}",
        flush=True,
    )
    try:
        summaries = asyncio.run(run(args, var_dir))
    except BenchError as error:
        print(f"Benchmark aborted: {error}", file=sys.stderr)
        return 1
    finally:
        if args.keep:
            print(f"Kept {var_dir}")
        else:
            shutil.rmtree(var_dir, ignore_errors=True)
    if summaries:
        print_table(summaries, args.repeat)
        print_comparison(summaries)
    return 0


if __name__ == "__main__":
    sys.exit(main())
