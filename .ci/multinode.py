"""`make test-multinode`: two application nodes sharing one PostgreSQL, one Redis and one media folder.

A throwaway PostgreSQL database (dropped at the end), a Redis database of its own (flushed before
and after), and per node: an ASGI server started as `make run` starts it (`manage.py serve`) and
its background worker (`manage.py worker`: periodic jobs, search indexing, e-mails, text
extraction). Each check prints PASS or FAIL; any FAIL fails the run:

1. a message posted through node A arrives live on a socket connected to node B;
2. a file uploaded on A downloads from B with the same bytes, and once a worker has read its
   text (one worker, once), a search on B finds it;
3. a search on B finds within 2 s what was written on A (PostgreSQL search backend);
4. a vote past its deadline, closed by the periodic job, is seen closed on both nodes;
5. with a worker running on each node, each job runs once: while this script holds a job's
   database lock neither node runs it, and every reminder, close, digest and e-mail happened once.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import psycopg
import redis
import requests
from psycopg import sql
from websockets.asyncio.client import connect as websocket_connect

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PG_SERVER = os.environ.get("MULTINODE_PG", "postgresql://postgres@127.0.0.1:5432")
REDIS_URL = os.environ.get("MULTINODE_REDIS_URL", "redis://127.0.0.1:6379/9")  # tests use 0; 9 is ours
SEARCH_WITHIN = 2.0  # seconds
WORKER_INTERVAL = "1"  # longest pause of a periodic job (votes, digests), so that the run is short


class Checks:
    def __init__(self) -> None:
        self.results: list[tuple[str, bool]] = []

    def run(self, name: str, check: Callable[[], str]) -> None:
        try:
            detail = check()
        except Exception as error:
            print(f"FAIL  {name}: {type(error).__name__}: {error}", flush=True)
            self.results.append((name, False))
        else:
            print(f"PASS  {name} ({detail})", flush=True)
            self.results.append((name, True))


class Node:
    """One application node: its ASGI server and its worker, each logging to a file."""

    def __init__(self, name: str, env: dict[str, str], logs: Path) -> None:
        self.name, self.env, self.logs = name, env, logs
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        # Its pages' sockets come from its own address, the only origin it accepts (and e-mails'
        # links point to it).
        self.env = {**env, "SITE_URL": self.url}
        self.processes: list[subprocess.Popen] = []

    def start_server(self) -> None:
        self._start("server", ["manage.py", "serve", "--host", "127.0.0.1", "--port", str(self.port), "--no-jobs"])

    def start_worker(self) -> None:
        self._start("worker", ["manage.py", "worker", "--interval", WORKER_INTERVAL, "--stop-with-parent"])

    def _start(self, role: str, arguments: list[str]) -> None:
        log = open(self.logs / f"{self.name}-{role}.log", "w")  # noqa: SIM115 - closed with the process
        self.processes.append(
            subprocess.Popen([PYTHON, *arguments], cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        )

    def log(self, role: str) -> str:
        return (self.logs / f"{self.name}-{role}.log").read_text(errors="replace")

    def wait_until_serving(self) -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with socket.socket() as client:
                if client.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            if self.processes[0].poll() is not None:
                break
            time.sleep(0.1)
        raise RuntimeError(f"node {self.name} did not start; see {self.logs}")

    def stop(self) -> None:
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(condition: Callable[[], object], *, within: float, every: float = 0.05):
    deadline = time.monotonic() + within
    while True:
        value = condition()
        if value or time.monotonic() >= deadline:
            return value
        time.sleep(every)


def seed() -> dict:
    """The people, a board thread, a proposal on the board's agenda and its open vote."""
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.utils import timezone

    from documents.models import Space
    from documents.selectors import root_folder
    from forums import actions as forum_actions
    from forums.models import Forum
    from intranet import actions
    from intranet.demo import seed_demo
    from intranet.models import BoardMembership, College, CollegeMembership
    from workflows import actions as workflow_actions

    seed_demo()
    board = {membership.role: membership.user for membership in BoardMembership.objects.select_related("user")}
    president, secretary = board["president"], board["secretary"]
    coordinator = CollegeMembership.objects.get(college__slug="production", role="coordinator").user
    thread = forum_actions.start_thread(
        president, forum=Forum.objects.get(kind="board"), title="Deux nœuds", body="Le fil suivi en direct."
    )
    proposal = workflow_actions.create_proposal(
        president,
        college=College.objects.get(slug="production"),
        title="Festival sur deux serveurs",
        summary="Soutenir la sélection régionale.",
        body="Le collège propose un festival.",
    )
    workflow_actions.submit_proposal(president, proposal=proposal)
    workflow_actions.forward_proposal(coordinator, proposal=proposal, recommendation="Le collège recommande.")
    # Closing within a day: both nodes' first pass finds the reminder due.
    vote = workflow_actions.open_board_vote(secretary, proposal=proposal, deadline=timezone.now() + timedelta(hours=2))
    browser = Client()
    browser.force_login(secretary)
    return {
        "token": actions.create_api_token(president, name="multinode")[1],
        "secretary_cookie": browser.cookies["sessionid"].value,
        "thread": thread.pk,
        "folder": root_folder(Space.objects.get(kind="board")).pk,
        "proposal": proposal.pk,
        "vote": vote.pk,
        "people": get_user_model().objects.count(),
    }


def check_live_message(a: Node, b: Node, data: dict) -> str:
    async def scenario() -> str:
        headers = {"Cookie": f"sessionid={data['secretary_cookie']}"}
        async with websocket_connect(f"ws://127.0.0.1:{b.port}/ws/", additional_headers=headers, origin=b.url) as ws:
            hello = json.loads(await asyncio.wait_for(ws.recv(), 5))
            assert hello.get("event") == "hello", f"no hello from node B: {hello}"
            await ws.send(json.dumps({"type": "subscribe", "channel": "thread", "id": data["thread"], "since": 0}))
            while json.loads(await asyncio.wait_for(ws.recv(), 5)).get("event") != "subscribed":
                pass
            started = time.monotonic()
            response = await asyncio.to_thread(
                requests.post,
                f"{a.url}/api/v1/threads/{data['thread']}/posts/",
                json={"body": "Posté sur le nœud A."},
                headers=api_headers(data),
                timeout=10,
            )
            assert response.status_code == 201, f"posting on A answered {response.status_code}: {response.text[:200]}"
            post = response.json()["id"]
            while True:
                remaining = 5 - (time.monotonic() - started)
                if remaining <= 0:
                    raise AssertionError(f"post {post} did not arrive on node B's socket within 5 s")
                message = json.loads(await asyncio.wait_for(ws.recv(), remaining))
                if message.get("event") == "post.created" and message.get("data", {}).get("post") == post:
                    elapsed = 1000 * (time.monotonic() - started)
                    return f"post {post}: 'post.created' on B {elapsed:.0f} ms after posting on A"

    return asyncio.run(scenario())


def check_upload_download(a: Node, b: Node, data: dict) -> str:
    content = "".join(f"Ligne {n} : {secrets.token_hex(16)}\n" for n in range(2000))
    data["upload_marker"] = marker = rare_word("fichier")
    content = f"{content}Un mot rare dans le fichier : {marker}\n".encode()
    response = requests.post(
        f"{a.url}/api/v1/folders/{data['folder']}/documents/",
        files={"file": ("deux-noeuds.txt", content, "text/plain")},
        data={"description": "Envoyé sur le nœud A"},
        headers=api_headers(data),
        timeout=30,
    )
    assert response.status_code == 201, f"upload on A answered {response.status_code}: {response.text[:200]}"
    document = response.json()["id"]
    download = requests.get(f"{b.url}/api/v1/documents/{document}/download/", headers=api_headers(data), timeout=30)
    assert download.status_code == 200, f"download from B answered {download.status_code}"
    assert download.content == content, f"B sent {len(download.content)} bytes, A received {len(content)}"
    data["uploaded"] = document
    return f"document {document}, {len(content)} bytes identical"


def check_uploaded_text_found(a: Node, b: Node, data: dict) -> str:
    """The upload answered before its text was read; a worker reads it once, and B finds it."""
    from documents.models import DocumentVersion

    started = time.monotonic()

    def found_on_b() -> bool:
        search = requests.get(
            f"{b.url}/api/v1/search/", params={"q": data["upload_marker"]}, headers=api_headers(data), timeout=5
        )
        assert search.status_code == 200, f"search on B answered {search.status_code}"
        return bool(search.json()["results"])

    assert wait_for(found_on_b, within=10, every=0.1), "the file's text was not found on B within 10 s"
    version = DocumentVersion.objects.get(document_id=data["uploaded"])
    assert (version.extraction_status, version.extraction_attempts) == ("done", 1), (
        f"extraction {version.extraction_status} after {version.extraction_attempts} claim(s)"
    )
    return f"found on B {1000 * (time.monotonic() - started):.0f} ms after the upload's answer, read once"


def rare_word(prefix: str) -> str:
    return f"{prefix}{secrets.token_hex(3).translate(str.maketrans('0123456789', 'ghijklmnop'))}"


def check_search(a: Node, b: Node, data: dict) -> str:
    marker = rare_word("cherche")
    response = requests.post(
        f"{a.url}/api/v1/threads/{data['thread']}/posts/",
        json={"body": f"Un mot rare écrit sur A : {marker}"},
        headers=api_headers(data),
        timeout=10,
    )
    assert response.status_code == 201, f"posting on A answered {response.status_code}"
    written = time.monotonic()

    def found_on_b() -> bool:
        search = requests.get(f"{b.url}/api/v1/search/", params={"q": marker}, headers=api_headers(data), timeout=5)
        assert search.status_code == 200, f"search on B answered {search.status_code}"
        return bool(search.json()["results"])

    assert wait_for(found_on_b, within=SEARCH_WITHIN, every=0.1), f"not found on B within {SEARCH_WITHIN} s"
    return f"found on B {1000 * (time.monotonic() - written):.0f} ms after the post on A"


def check_vote_closed_once_under_the_lock(a: Node, b: Node, data: dict, database_url: str) -> str:
    """While this script holds the close job's database lock, neither node closes the vote."""
    from django.utils import timezone

    from intranet.jobs import lock_key
    from workflows.models import BoardVote

    with psycopg.connect(database_url, autocommit=True) as holder:
        assert holder.execute("SELECT pg_try_advisory_lock(%s)", [lock_key("workflows.close_votes")]).fetchone()[0]
        BoardVote.objects.filter(pk=data["vote"]).update(deadline=timezone.now() - timedelta(seconds=1))
        time.sleep(3 * float(WORKER_INTERVAL) + 0.5)  # three passes of each node's job
        assert BoardVote.objects.get(pk=data["vote"]).closed_at is None, "a node closed the vote despite the lock"
        holder.execute("SELECT pg_advisory_unlock(%s)", [lock_key("workflows.close_votes")])
    released = time.monotonic()
    closed = wait_for(lambda: BoardVote.objects.filter(pk=data["vote"], closed_at__isnull=False).exists(), within=10)
    assert closed, "the vote was not closed within 10 s of the lock's release"
    return f"held off for 3 s while the lock was held, closed {time.monotonic() - released:.1f} s after its release"


def check_vote_seen_closed(a: Node, b: Node, data: dict) -> str:
    seen = {}
    for node in (a, b):
        response = requests.get(
            f"{node.url}/api/v1/proposals/{data['proposal']}/", headers=api_headers(data), timeout=10
        )
        assert response.status_code == 200, f"node {node.name} answered {response.status_code}"
        vote = next(vote for vote in response.json()["votes"] if vote["id"] == data["vote"])
        assert not vote["is_open"] and vote["close_reason"] == "deadline", f"node {node.name} shows {vote}"
        seen[node.name] = vote["result"]
    return ", ".join(f"node {name}: closed at its deadline, {result}" for name, result in seen.items())


def check_each_job_once(a: Node, b: Node, data: dict) -> str:
    from django.db.models import Q
    from django.utils import timezone

    from intranet.models import AuditEntry
    from intranet.notifications.models import OutgoingEmail

    target = str(data["proposal"])
    for action in ("vote.closing_soon", "vote.closed"):
        count = AuditEntry.objects.filter(action=action, target_id=target).count()
        assert count == 1, f"{count} audit rows {action!r}, not 1"

    def logged_runs() -> tuple[int, int]:
        logs = a.log("worker") + b.log("worker")
        closes = re.findall(r"^(\d+) vote\(s\) closed\.", logs, re.MULTILINE)
        reminders = re.findall(r"^(\d+) reminder\(s\) of votes closing soon\.", logs, re.MULTILINE)
        return sum(map(int, closes)), sum(map(int, reminders))

    # The worker that closed the vote logs it once the close's after-commit work is done.
    wait_for(lambda: logged_runs() >= (1, 1), within=10, every=0.2)
    time.sleep(2 * float(WORKER_INTERVAL))  # and a second close would have been logged by now
    closes, reminders = logged_runs()
    assert (closes, reminders) == (1, 1), f"the workers logged {closes} close(s) and {reminders} reminder(s)"

    # A digest holds what came before its hour (midnight here): the run's notifications are
    # moved to yesterday, and today's digests take them at the worker's next digest pass.
    from intranet.background import DIGEST_CHECK_EVERY
    from intranet.notifications.models import Notification

    Notification.objects.filter(delivery="digest", email__isnull=True).update(
        created_at=timezone.now() - timedelta(days=1)
    )
    digest_rows = OutgoingEmail.objects.filter(purpose=OutgoingEmail.Purpose.DIGEST)
    assert wait_for(digest_rows.exists, within=DIGEST_CHECK_EVERY + 10), "no digest queued at the next pass"

    # Every e-mail due is sent (each once), the digests included.
    # (an e-mail being sent counts as waiting: its worker may have printed it and not yet marked it sent)
    due = OutgoingEmail.objects.filter(
        Q(status=OutgoingEmail.Status.PENDING, send_after__lte=timezone.now()) | Q(status=OutgoingEmail.Status.SENDING)
    )
    assert wait_for(lambda: not due.exists(), within=10), "e-mails still waiting after 10 s"
    digests = list(OutgoingEmail.objects.filter(purpose=OutgoingEmail.Purpose.DIGEST).values_list("key", flat=True))
    assert digests, "no digest was queued"
    assert len(digests) == len(set(digests))
    sent = OutgoingEmail.objects.filter(status=OutgoingEmail.Status.SENT).count()
    mail_logs = a.log("worker") + b.log("worker")
    printed = len(re.findall(r"^Message-ID: ", mail_logs, re.MULTILINE))
    queued = sum(int(n) for n in re.findall(r"^(\d+) digest\(s\) queued", mail_logs, re.MULTILINE))
    assert printed == sent, f"{printed} e-mails left the two workers for {sent} sent in the outbox"
    assert queued == len(digests), f"the workers logged {queued} digest(s) queued for {len(digests)} rows"
    per_node = {node.name: len(re.findall(r"^Message-ID: ", node.log("worker"), re.MULTILINE)) for node in (a, b)}
    return (
        f"1 reminder, 1 close, {len(digests)} digest(s) queued once each, {sent} e-mails sent once each "
        f"(node A sent {per_node['a']}, node B {per_node['b']})"
    )


def warm_up(node: Node, data: dict) -> None:
    for path in ("/api/v1/forums/", f"/api/v1/threads/{data['thread']}/posts/", "/api/v1/search/?q=festival"):
        response = requests.get(node.url + path, headers=api_headers(data), timeout=60)
        assert response.status_code == 200, f"node {node.name} answered {response.status_code} on {path}"


def api_headers(data: dict) -> dict[str, str]:
    return {"Authorization": f"Bearer {data['token']}"}


def main() -> int:
    name = f"multinode_{secrets.token_hex(4)}"
    database_url = f"{PG_SERVER}/{name}"
    work = Path(tempfile.mkdtemp(prefix="intranet-multinode-"))
    logs = work / "logs"
    logs.mkdir()
    shared_media = work / "media"  # one folder both nodes write to and read from
    own_redis = redis.Redis.from_url(REDIS_URL)
    own_redis.flushdb()
    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    common = {
        "DATABASE_URL": database_url,
        "REDIS_URL": REDIS_URL,
        # Pub/sub channels are shared by every Redis database: a prefix of our own.
        "CHANNEL_LAYER_PREFIX": name,
        "MEDIA_ROOT": str(shared_media),
        "SEARCH_BACKEND": "postgres",
        "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
        "NOTIFICATIONS_DIGEST_HOUR": "0",  # the digests are due whatever the hour of the run
        "API_RATE": "100000/minute",
        "DJANGO_SETTINGS_MODULE": "intranet.settings",
        "PYTHONUNBUFFERED": "1",
    }
    nodes = []
    for node_name in ("a", "b"):
        var = work / f"node-{node_name}"  # what is the node's own: static files, a local index (unused)
        env = {**os.environ, **common, "INTRANET_VAR_DIR": str(var)}
        nodes.append(Node(node_name, env, logs))
    a, b = nodes
    checks = Checks()
    try:
        os.environ.update({**common, "INTRANET_VAR_DIR": str(work / "script")})
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        from django.core.management import call_command

        print(f"==> database {name}, Redis {REDIS_URL}, shared media {shared_media}", flush=True)
        call_command("migrate", verbosity=0)
        data = seed()
        print(f"==> seeded: {data['people']} people, thread {data['thread']}, vote {data['vote']}", flush=True)
        for node in nodes:
            node.start_server()
        for node in nodes:
            node.wait_until_serving()
        for node in nodes:  # at the same moment on both nodes: they race for the same jobs
            node.start_worker()
        for node in nodes:  # the first requests of a process load the URLs, the API and search
            warm_up(node, data)
        print(f"==> node A {a.url}, node B {b.url}, each with its worker", flush=True)
        checks.run("1. message posted on A arrives live on B's socket", lambda: check_live_message(a, b, data))
        checks.run("2. file uploaded on A downloads on B", lambda: check_upload_download(a, b, data))
        checks.run(
            "2b. its text, read by one worker, is found by a search on B", lambda: check_uploaded_text_found(a, b, data)
        )
        checks.run(
            f"3. search on B finds what was written on A within {SEARCH_WITHIN:g} s", lambda: check_search(a, b, data)
        )
        checks.run(
            "5a. no node runs a job while another holds its database lock",
            lambda: check_vote_closed_once_under_the_lock(a, b, data, database_url),
        )
        checks.run(
            "4. vote closed by the periodic job is seen closed on both nodes",
            lambda: check_vote_seen_closed(a, b, data),
        )
        checks.run("5b. with workers on both nodes each job ran once", lambda: check_each_job_once(a, b, data))
    finally:
        for node in nodes:
            node.stop()
        if "django" in sys.modules:
            from django.db import connections

            connections.close_all()
        with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        own_redis.flushdb()
    failed = [name for name, passed in checks.results if not passed]
    print(f"\n{len(checks.results) - len(failed)} passed, {len(failed)} failed", flush=True)
    if failed:
        print(f"Logs of both nodes: {logs}")
        return 1
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
