"""Page cost: queries, server CPU, bytes and requests per second of the main pages, before and after.

For each database (SQLite; PostgreSQL + Redis when ``--database-url`` or ``DATABASE_URL`` names a
server) and each version (``before``: a temporary ``git worktree`` of ``--before``; ``after``:
this checkout), alternating:

1. a throwaway database is migrated and filled with the demo (``seed_demo``), then by
   ``bench/pages_setup.py`` with the issue's size (one thread of 5,000 posts, 200 threads of 20
   posts over the four collèges' forums, bulk rows); the search index is rebuilt (the search
   page must list hits, not "unavailable"). The same
   script signs one ordinary member of the Production collège in and counts, in its own process
   (``django.test.Client``, steady state: the second request), the queries and HTML bytes of
   each page;
2. the server is started as ``make run`` starts it (``manage.py serve``: one uvicorn process,
   ``DEBUG=false``; without the background worker, whose CPU is not the page's);
3. for each page, with that member's session on one keep-alive connection: 5 unmeasured
   requests, then 8 blocks of 10 requests one after the other; the **server CPU per request** is
   the server process's user + system time over a block divided by 10 (so it holds on a shared
   machine), the figure reported is the median block; the wall time of each request is kept too;
4. **requests per second at concurrency 10**: 10 keep-alive connections ask for the page as fast
   as they are answered, for ``--rps-seconds`` (default 5);
5. last, **posting a reply** to the big thread through its form: the server CPU per reply, in the
   same blocks (the write, its live frame rendered and published, the marks after commit).

Every answer must be 200. The pages: the big thread's first and last page, a forum's thread
list (the Production forum: 51 threads), the forums index, the home page, a folder, a proposal,
the decision register and a search for a common word. The load of other processes is printed
with every figure.

Usage, from the repository root::

    .venv/bin/python bench/pages.py                       # SQLite, before and after (≈ 4 min)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/pages.py
    .venv/bin/python bench/pages.py --versions after --blocks 3 --rps-seconds 2   # smoke run
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = Path(__file__).resolve().parent
# As in bench/load.py: bench/documents.py must not hide the application of the same name.
sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != BENCH_DIR]
sys.path.insert(0, str(ROOT))

from bench import fanout as _fanout  # noqa: E402

sys.modules.setdefault("fanout", _fanout)  # bench/fanout_page.py imports it under this name

from bench.documents import BenchError, free_port, machine_description  # noqa: E402
from bench.fanout_page import check_imports_from, git, worktree  # noqa: E402
from bench.load import DEFAULT_REDIS_URL, Backend, Browser, CpuMeter, backends_for, process_ticks  # noqa: E402

PYTHON = sys.executable
SETUP_SCRIPT = BENCH_DIR / "pages_setup.py"
WARM_UP = 5
BLOCK = 10
CONCURRENCY = 10
CPU_TARGET_MS = 15.0
SERVER_START_TIMEOUT = 60.0


@dataclass
class PageResult:
    name: str
    queries: int
    html_bytes: int
    cpu_ms: float  # median over blocks, per request
    wall_ms: float  # median request
    rps: float
    other_cores: float


@dataclass
class Run:
    version: str
    backend: str
    commit: str
    pages: list[PageResult] = field(default_factory=list)
    reply_cpu_ms: float | None = None  # server CPU per reply posted to the big thread


def step(command: list[str], env: dict[str, str], root: Path, log: Path) -> None:
    with log.open("a") as output:
        output.write(f"\n$ {' '.join(command)[:120]}\n")
        output.flush()
        done = subprocess.run(command, cwd=root, env=env, stdout=output, stderr=subprocess.STDOUT, check=False)  # noqa: S603
    if done.returncode != 0:
        tail = "\n".join(log.read_text(errors="replace").splitlines()[-15:])
        raise BenchError(f"{' '.join(command[1:3])} failed:\n{tail}")


def prepare(root: Path, env: dict[str, str], work: Path) -> dict:
    log = work / "setup.log"
    env = {**env, "PYTHONPATH": str(root)}
    check_imports_from(root, env)
    if root != ROOT:
        step([PYTHON, "manage.py", "compile_translations"], env, root, log)  # .mo files are not in git
    step([PYTHON, "manage.py", "migrate", "--noinput"], env, root, log)
    step([PYTHON, "manage.py", "seed_demo"], env, root, log)
    output = work / "pages.json"
    step([PYTHON, str(SETUP_SCRIPT), "--output", str(output)], env, root, log)
    return json.loads(output.read_text())


class Server:
    """``manage.py serve`` as ``make run`` starts it (the process becomes uvicorn itself)."""

    def __init__(self, root: Path, env: dict[str, str], work: Path) -> None:
        self.port = free_port()
        self.root, self.env, self.log = root, {**env, "PYTHONPATH": str(root)}, work / "server.log"
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Server:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(  # noqa: S603 - our own manage.py
                [PYTHON, "manage.py", "serve", "--port", str(self.port), "--no-jobs"],
                cwd=self.root,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BenchError(f"the server exited; see {self.log}")
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port), timeout=1):
                return self
            time.sleep(0.2)
        raise BenchError(f"the server did not answer; see {self.log}")

    def __exit__(self, *exc) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)


async def browser(port: int, session: str) -> Browser:
    from django.conf import global_settings

    tab = Browser(port)
    tab.cookies[global_settings.SESSION_COOKIE_NAME] = session
    return tab


async def fetch(tab: Browser, url: str) -> float:
    answer = await tab.request("GET", url)
    if answer.status != 200:
        raise BenchError(f"{url} answered {answer.status}")
    return answer.ms


async def measure_page(server: Server, session: str, name: str, counted: dict, blocks: int, rps_seconds: float):
    url = counted["url"]
    tab = await browser(server.port, session)
    meter = CpuMeter({"server": [server.process.pid]})
    meter.start()
    try:
        for _ in range(WARM_UP):
            await fetch(tab, url)
        per_request, walls = [], []
        for _ in range(blocks):
            before = process_ticks(server.process.pid)
            for _ in range(BLOCK):
                walls.append(await fetch(tab, url))
            ticks = process_ticks(server.process.pid) - before
            per_request.append(ticks * 1000 / os.sysconf("SC_CLK_TCK") / BLOCK)
    finally:
        await tab.close()
    tabs = [await browser(server.port, session) for _ in range(CONCURRENCY)]
    done = 0
    stop_at = time.perf_counter() + rps_seconds

    async def hammer(tab: Browser) -> None:
        nonlocal done
        while time.perf_counter() < stop_at:
            await fetch(tab, url)
            done += 1

    started = time.perf_counter()
    try:
        await asyncio.gather(*(hammer(tab) for tab in tabs))
    finally:
        for tab in tabs:
            await tab.close()
    rps = done / (time.perf_counter() - started)
    cores = meter.stop()
    return PageResult(
        name,
        counted["queries"],
        counted["bytes"],
        statistics.median(per_request),
        statistics.median(walls),
        rps,
        cores["everything else"],
    )


async def measure_replies(server: Server, session: str, thread_url: str, blocks: int) -> float:
    """Server CPU per reply posted to the big thread through its form (the redirect that follows
    is not asked for): the write, its frame rendered once and published, the marks after commit.
    Measured after the pages, which it changes."""
    tab = await browser(server.port, session)
    reply_url = thread_url.split("?")[0] + "repondre/"
    per_reply = []
    try:
        await fetch(tab, thread_url)  # the form's CSRF token

        async def post(body: str) -> None:
            answer = await tab.request("POST", reply_url, {"csrfmiddlewaretoken": tab.csrf, "body": body})
            if answer.status != 302:
                raise BenchError(f"a reply answered {answer.status}")

        for number in range(WARM_UP):
            await post(f"Réponse d'échauffement {number}")
        for block in range(blocks):
            before = process_ticks(server.process.pid)
            for number in range(BLOCK):
                await post(f"Réponse {block}-{number}, avec **du gras** et un lien https://example.org")
            ticks = process_ticks(server.process.pid) - before
            per_reply.append(ticks * 1000 / os.sysconf("SC_CLK_TCK") / BLOCK)
    finally:
        await tab.close()
    return statistics.median(per_reply)


def run_version(version: str, root: Path, commit: str, backend: Backend, args) -> Run:
    work = Path(tempfile.mkdtemp(prefix=f"bench-pages-{version}-"))
    env = {**backend.env, "INTRANET_VAR_DIR": str(work)}
    backend.create()
    try:
        print(f"  {version} ({commit[:12]}), {backend.name}: preparing…", flush=True)
        setup = prepare(root, env, work)
        run = Run(version, backend.name, commit)
        with Server(root, env, work) as server:
            for name, counted in setup["pages"].items():
                result = asyncio.run(
                    measure_page(server, setup["session"], name, counted, args.blocks, args.rps_seconds)
                )
                run.pages.append(result)
                print(
                    f"    {name:22} {result.queries:3d} queries {result.html_bytes:8,d} B  "
                    f"CPU {result.cpu_ms:6.1f} ms  wall {result.wall_ms:6.1f} ms  {result.rps:6.1f} req/s  "
                    f"(others {result.other_cores:.2f} cores)",
                    flush=True,
                )
            thread_url = setup["pages"]["thread, last page"]["url"]
            run.reply_cpu_ms = asyncio.run(measure_replies(server, setup["session"], thread_url, args.blocks))
            print(f"    {'post a reply':22} CPU {run.reply_cpu_ms:6.1f} ms", flush=True)
        return run
    finally:
        backend.drop()
        if args.keep:
            print(f"    kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


def table(runs: list[Run]) -> str:
    lines = [
        "| database | page | queries before → after | HTML KB | server CPU ms / request, median (before → after) "
        "| req/s at concurrency 10 (before → after, ratio) | other load (cores) |",
        "| --- | --- | --- | ---: | --- | --- | ---: |",
    ]
    by_key = {(run.backend, run.version): {page.name: page for page in run.pages} for run in runs}
    for backend in dict.fromkeys(run.backend for run in runs):
        before, after = by_key.get((backend, "before"), {}), by_key.get((backend, "after"), {})
        for name in after or before:
            b, a = before.get(name), after.get(name)
            shown = a or b
            queries = f"{b.queries} → {a.queries}" if a and b else str(shown.queries)
            cpu = f"{b.cpu_ms:.1f} → {a.cpu_ms:.1f}" if a and b else f"{shown.cpu_ms:.1f}"
            rps = f"{b.rps:.0f} → {a.rps:.0f} ({a.rps / b.rps:.2f}×)" if a and b else f"{shown.rps:.0f}"
            others = max(page.other_cores for page in (b, a) if page)
            lines.append(
                f"| {backend} | {name} | {queries} | {shown.html_bytes / 1024:.0f} | {cpu} | {rps} | {others:.2f} |"
            )
        replies = [by_run.reply_cpu_ms for by_run in runs if by_run.backend == backend and by_run.reply_cpu_ms]
        if replies:
            cpu = " → ".join(f"{value:.1f}" for value in replies)
            lines.append(f"| {backend} | post a reply (a write) | — | — | {cpu} | — | — |")
    return "\n".join(lines)


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", default="74c0c1a", help="the commit 'before' is (default 74c0c1a)")
    parser.add_argument("--versions", default="before,after", help="before,after (default both)")
    parser.add_argument("--blocks", type=int, default=8, help=f"measured blocks of {BLOCK} requests per page")
    parser.add_argument("--rps-seconds", type=float, default=5.0, help="seconds at concurrency 10 per page")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL"),
        help="a PostgreSQL server (default: $DATABASE_URL); its database is never written to",
    )
    parser.add_argument("--backends", default="", help="sqlite, postgres or sqlite,postgres (default: both with a URL)")
    parser.add_argument("--redis-url", default=DEFAULT_REDIS_URL, help="Redis database of the PostgreSQL run")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directories")
    args = parser.parse_args()
    args.version_list = [name for name in ("before", "after") if name in args.versions.split(",")]
    if args.backends:
        args.backend_list = [name.strip() for name in args.backends.split(",") if name.strip()]
    else:
        args.backend_list = ["sqlite", "postgres"] if args.database_url else ["sqlite"]
    if not args.version_list or args.blocks < 1 or args.rps_seconds <= 0:
        parser.error("--versions before and/or after, --blocks ≥ 1, --rps-seconds > 0")
    return args


def main() -> int:
    args = parse_arguments()
    load = os.getloadavg()
    print(
        f"Page cost, {datetime.now().astimezone():%Y-%m-%d %H:%M %Z}: {machine_description()}, load average "
        f"{load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f}; {args.blocks} × {BLOCK} requests per page, "
        f"{args.rps_seconds:g} s at concurrency {CONCURRENCY}",
        flush=True,
    )
    runs: list[Run] = []
    with contextlib.ExitStack() as stack:
        roots = {"after": (ROOT, git("rev-parse", "HEAD"))}
        if "before" in args.version_list:
            path = Path(tempfile.mkdtemp(prefix="bench-pages-before-")) / "checkout"
            commit = stack.enter_context(worktree(args.before, path))
            roots["before"] = (path, commit)
        for backend in backends_for(args):
            for version in args.version_list:
                root, commit = roots[version]
                runs.append(run_version(version, root, commit, backend, args))
    print()
    print(table(runs))
    slow = [(run, page) for run in runs if run.version == "after" for page in run.pages if page.cpu_ms > CPU_TARGET_MS]
    verdict = "met" if not slow else "missed for " + ", ".join(f"{p.name} ({r.backend})" for r, p in slow)
    print(f"\nServer CPU per page ≤ {CPU_TARGET_MS:.0f} ms (median): {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
