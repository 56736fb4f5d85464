"""Faults, on servers of the test's own: Redis stopped then restarted while members browse and post,
PostgreSQL restarted, a node killed with SIGKILL during an upload, and the search index deleted.

Each test runs the application as `make run` does (uvicorn, no periodic jobs) in a subprocess,
on a private PostgreSQL cluster (initdb in a temporary folder, a free port), a private Redis and
a private var folder: the shared PostgreSQL and Redis of the machine are never touched, whatever
DATABASE_URL and REDIS_URL say. The cluster is migrated and seeded once for the module; each test
gets a copy of that database (CREATE DATABASE ... TEMPLATE).
"""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from pathlib import Path
from types import SimpleNamespace

import pytest
import requests

from tests.test_redis_outage import PrivateRedis, free_port

pytestmark = pytest.mark.xdist_group("faults")  # one worker: the module's cluster is set up once

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
CSRF = "faultsfaultsfaultsfaultsfaults00"  # a CSRF secret of our choosing (32 characters)
# Settings the application reads from the environment that must not leak from the caller's.
CALLER_SETTINGS = {
    "DATABASE_URL", "REDIS_URL", "INTRANET_VAR_DIR", "MEDIA_ROOT", "DOCUMENTS_ROOT", "SEARCH_INDEX_DIR",
    "STATIC_ROOT", "SEARCH_BACKEND", "CHANNEL_LAYER_PREFIX", "INTRANET_ENV", "DEBUG", "ALLOWED_HOSTS",
    "DB_CONN_MAX_AGE", "DOCUMENTS_MAX_UPLOAD_MB", "API_RATE", "SITE_URL",
}  # fmt: skip

SEED = """
import json
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from documents import selectors
from documents.models import Space
from forums import actions as forum_actions
from forums.models import Forum
from intranet import actions
from tests.factories import make_member, make_staff

def person(user):
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    return {"id": user.pk, "session": session.session_key, "token": actions.create_api_token(user, name="faults")[1]}

staff = make_staff(email="equipe.pannes@example.org")
author = make_member(actor=staff, college="production", email="autrice.pannes@example.org")
reader = make_member(actor=staff, college="production", email="lecteur.pannes@example.org")
thread = forum_actions.start_thread(
    author, forum=Forum.objects.get(slug="production"), title="Tournage en Creuse", body="Repérages prévus."
)
folder = selectors.root_folder(Space.objects.get(slug="college-production"))
print(json.dumps({"author": person(author), "reader": person(reader), "thread": thread.pk, "folder": folder.pk}))
"""


def require(tool: str, path: str | None) -> str:
    if path:
        return path
    message = f"{tool} is not installed: this fault is not simulated"
    if os.environ.get("INTRANET_REQUIRE_TOOLS"):
        pytest.fail(message)
    pytest.skip(message)


def postgres_bin() -> Path:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda path: int(path.parts[-3]))
    initdb = str(found[-1]) if found else shutil.which("initdb")
    return Path(require("PostgreSQL (initdb, pg_ctl)", initdb)).parent


def app_env(*, database: str, redis: str | None, var: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in CALLER_SETTINGS}
    env.update(
        DJANGO_SETTINGS_MODULE="intranet.settings",
        DATABASE_URL=database,
        INTRANET_VAR_DIR=str(var),
        SEARCH_BACKEND="whoosh",
        DEBUG="false",  # as in production: an error shows the site's page, never a traceback
        DB_CONN_MAX_AGE="60",  # persistent connections, as in production: they must survive a restart
        API_RATE="100000/minute",
    )
    if redis:
        env["REDIS_URL"] = redis
    return env


def manage(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, f"manage.py {' '.join(args)} failed:\n{done.stdout[-3000:]}\n{done.stderr[-5000:]}"
    return done.stdout


class PrivatePostgres:
    """A PostgreSQL cluster in a temporary folder, on a free port, with trust authentication."""

    def __init__(self):
        self.bin = postgres_bin()
        self.directory = Path(tempfile.mkdtemp(prefix="faults-pg-"))
        self.data = self.directory / "data"
        self.port = free_port()
        self.as_postgres = []
        if os.geteuid() == 0:  # initdb refuses root: the cluster belongs to the postgres account
            require("the postgres system account", shutil.which("runuser") if _has_user("postgres") else None)
            shutil.chown(self.directory, "postgres")
            self.as_postgres = ["runuser", "-u", "postgres", "--"]

    def _run(self, *command: str, check: bool = True) -> subprocess.CompletedProcess:
        done = subprocess.run([*self.as_postgres, *command], capture_output=True, text=True, timeout=120, check=False)
        assert not check or done.returncode == 0, f"{command[0]} failed:\n{done.stdout}\n{done.stderr}"
        return done

    def init(self):
        self._run(
            str(self.bin / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres",
            "-E", "UTF8", "--no-locale", "--no-sync",
        )  # fmt: skip
        self.start()

    def start(self):
        options = f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 -c fsync=off"
        log = str(self.directory / "server.log")
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", log, "-w", "-t", "60", "-o", options, "start")

    def stop(self, mode: str = "fast"):
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop", check=False)

    def remove(self):
        self.stop("immediate")
        shutil.rmtree(self.directory, ignore_errors=True)

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def execute(self, sql: str, database: str = "postgres") -> list[tuple]:
        import psycopg

        with psycopg.connect(host="127.0.0.1", port=self.port, user="postgres", dbname=database) as connection:
            connection.autocommit = True
            cursor = connection.execute(sql)
            return cursor.fetchall() if cursor.description else []


def _has_user(name: str) -> bool:
    import pwd

    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


class Node:
    """One application node: uvicorn serving the ASGI application, as `manage.py serve --no-jobs`."""

    def __init__(self, env: dict[str, str], log: Path):
        self.env, self.log, self.port, self.process = env, log, free_port(), None
        # Its pages' sockets come from its own address: the only origin the server accepts.
        self.env = {**env, "SITE_URL": self.url}

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self):
        command = [
            *(PYTHON, "-m", "uvicorn", "--host", "127.0.0.1", "--port", str(self.port)),
            *("--loop", "uvloop", "--ws", "websockets-sansio", "--ws-per-message-deflate", "false"),
            "intranet.asgi:application",
        ]
        with open(self.log, "a") as log:
            self.process = subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"the server stopped:\n{self.log_tail()}"
            try:
                if requests.get(f"{self.url}/compte/connexion/", timeout=5).status_code == 200:
                    return
            except requests.ConnectionError:
                pass
            time.sleep(0.1)
        raise AssertionError(f"the server did not answer within 60 s:\n{self.log_tail()}")

    def kill(self):
        """SIGKILL: no cleanup of any kind runs in the server."""
        self.process.kill()
        self.process.wait(timeout=10)

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()

    def log_tail(self) -> str:
        return self.log.read_text(errors="replace")[-5000:] if self.log.exists() else ""


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """A private PostgreSQL, with a database migrated and seeded once: the template of each test's."""
    require("redis-server", shutil.which("redis-server"))
    postgres = PrivatePostgres()
    try:
        postgres.init()
        postgres.execute("CREATE DATABASE seeded")
        env = app_env(database=postgres.url("seeded"), redis=None, var=tmp_path_factory.mktemp("seed"))
        manage(env, "migrate", "--noinput", "-v0")
        seeded = json.loads(manage(env, "shell", "-c", SEED).strip().splitlines()[-1])
        yield postgres, seeded
    finally:
        postgres.remove()


@pytest.fixture
def stack(cluster, tmp_path):
    """This test's database (a copy of the seeded one), Redis, var folder and node (not started)."""
    postgres, seeded = cluster
    database = f"faults_{uuid.uuid4().hex[:12]}"
    postgres.execute(f"CREATE DATABASE {database} TEMPLATE seeded")
    redis = PrivateRedis()
    redis.start()
    var = tmp_path / "var"
    env = app_env(database=postgres.url(database), redis=redis.url, var=var)
    node = Node(env, tmp_path / "server.log")
    yield SimpleNamespace(postgres=postgres, database=database, redis=redis, env=env, var=var, node=node, **seeded)
    node.stop()
    redis.stop()
    if not _answers(postgres.port):
        postgres.start()
    postgres.execute(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")


def _answers(port: int) -> bool:
    import socket

    with socket.socket() as client:
        return client.connect_ex(("127.0.0.1", port)) == 0


def browser_of(person: dict) -> requests.Session:
    """A member's browser: their session cookie and a CSRF cookie."""
    session = requests.Session()
    session.cookies.set("sessionid", person["session"])
    session.cookies.set("csrftoken", CSRF)
    session.headers["X-CSRFToken"] = CSRF
    return session


def api_of(person: dict) -> requests.Session:
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {person['token']}"
    return session


# --- Redis ------------------------------------------------------------------------------------


class Traffic(threading.Thread):
    """Members browsing and posting in a loop, through the pages and the API; every answer kept."""

    def __init__(self, stack):
        super().__init__(daemon=True)
        self.stop_event = threading.Event()
        self.seen: list[tuple[float, str, object]] = []
        thread, base = stack.thread, stack.node.url
        page, api = browser_of(stack.author), api_of(stack.reader)
        self.calls = {
            "thread page": lambda: page.get(f"{base}/forums/fils/{thread}/", timeout=10),
            "reply (page)": lambda: page.post(
                f"{base}/forums/fils/{thread}/repondre/", {"body": "Toujours là"}, allow_redirects=False, timeout=10
            ),
            "thread (API)": lambda: api.get(f"{base}/api/v1/threads/{thread}/", timeout=10),
            "reply (API)": lambda: api.post(
                f"{base}/api/v1/threads/{thread}/posts/", json={"body": "Moi aussi"}, timeout=10
            ),
            "forums page": lambda: page.get(f"{base}/forums/", timeout=10),
        }

    def run(self):
        while not self.stop_event.is_set():
            for name, call in self.calls.items():
                try:
                    status = call().status_code
                except requests.RequestException as error:
                    status = repr(error)
                self.seen.append((time.monotonic(), name, status))
            time.sleep(0.05)

    def stop(self):
        self.stop_event.set()
        self.join(timeout=30)


def open_socket(node: Node, person: dict):
    """(HTTP status of the handshake, the socket or None)."""
    from websockets.exceptions import InvalidStatus
    from websockets.sync.client import connect

    try:
        socket = connect(
            f"ws://127.0.0.1:{node.port}/ws/",
            origin=node.url,
            additional_headers={"Cookie": f"sessionid={person['session']}"},
            open_timeout=10,
            compression=None,
        )
    except InvalidStatus as refusal:
        return refusal.response.status_code, None
    return 101, socket


def first_message(socket) -> dict | int:
    """The socket's first message, or its close code."""
    from websockets.exceptions import ConnectionClosed

    try:
        return json.loads(socket.recv(timeout=5))
    except ConnectionClosed as closed:
        return closed.rcvd.code if closed.rcvd else 1006


def live_reply_round_trip(stack, deadline: float, handshakes: list) -> float:
    """Open the reader's socket (again and again while the server says to retry), subscribe to
    the thread, have the author reply through the API: when that reply arrives, live."""
    while True:
        assert time.monotonic() < deadline, f"no live socket in time; handshakes: {handshakes}"
        status, socket = open_socket(stack.node, stack.reader)
        handshakes.append(status)
        if socket is None:
            time.sleep(0.2)
            continue
        hello = first_message(socket)
        if not isinstance(hello, dict) or hello.get("event") != "hello":
            handshakes.append(hello)
            socket.close()
            time.sleep(0.2)
            continue
        break
    with socket:
        socket.send(json.dumps({"type": "subscribe", "channel": "thread", "id": stack.thread, "since": 2**40}))
        assert json.loads(socket.recv(timeout=5))["event"] == "subscribed"
        response = api_of(stack.author).post(
            f"{stack.node.url}/api/v1/threads/{stack.thread}/posts/", json={"body": "Vous me lisez ?"}, timeout=10
        )
        assert response.status_code == 201, response.text[:500]
        post = response.json()["id"]
        while True:
            remaining = deadline - time.monotonic()
            assert remaining > 0, "the reply did not arrive live in time"
            event = json.loads(socket.recv(timeout=remaining))
            if event.get("event") == "post.created" and event["data"]["post"] == post:
                return time.monotonic()


def test_redis_stopped_then_restarted_while_members_browse_and_post(stack):
    node, redis = stack.node, stack.redis
    node.start()
    handshakes: list = []
    traffic = Traffic(stack)
    traffic.start()
    try:
        live_reply_round_trip(stack, time.monotonic() + 10, handshakes)  # all is well first
        status, before = open_socket(node, stack.reader)
        assert status == 101 and first_message(before)["event"] == "hello"

        redis.stop()
        outage_started = time.monotonic()
        during: list = []
        while time.monotonic() < outage_started + 3:
            status, socket = open_socket(node, stack.reader)
            during.append(status if socket is None else first_message(socket))
            if socket is not None:
                socket.close()
            time.sleep(0.2)
        outage_ended = time.monotonic()

        redis.start()
        restarted = time.monotonic()
        after: list = []
        received = live_reply_round_trip(stack, restarted + 10, after)
    finally:
        traffic.stop()
    before.close()

    assert 500 not in handshakes + during + after, f"a handshake answered 500: {during} {after}\n{node.log_tail()}"
    # Redis down: every handshake completed, and the server said "try again later" (the first
    # one may still be greeted: a subscription sent on the layer's old connection fails later).
    assert 1013 in during and all(seen == 1013 or seen.get("event") == "hello" for seen in during), during
    print(f"live updates back {received - restarted:.2f} s after Redis restarted; handshakes meanwhile: {after}")
    assert received - restarted <= 5, f"live updates came back {received - restarted:.1f} s after Redis"
    failures = Counter((name, status) for _at, name, status in traffic.seen if status not in (200, 201, 302))
    assert not failures, f"errors while Redis was stopped or back: {failures}\n{node.log_tail()}"
    posted_in_outage = [
        name
        for at, name, status in traffic.seen
        if outage_started < at < outage_ended and name.startswith("reply") and status in (201, 302)
    ]
    assert len(posted_in_outage) >= 2, f"too little posted during the outage: {posted_in_outage}"


# --- PostgreSQL -------------------------------------------------------------------------------


def test_postgresql_restarted_requests_fail_cleanly_then_recover(stack):
    node, postgres = stack.node, stack.postgres
    node.start()
    page, api = browser_of(stack.author), api_of(stack.reader)
    thread_page = f"{node.url}/forums/fils/{stack.thread}/"
    requests_made = {
        "thread page": lambda: page.get(thread_page, timeout=10),
        "reply (page)": lambda: page.post(
            f"{thread_page}repondre/", {"body": "Encore là ?"}, allow_redirects=False, timeout=10
        ),
        "thread (API)": lambda: api.get(f"{node.url}/api/v1/threads/{stack.thread}/", timeout=10),
        "reply (API)": lambda: api.post(
            f"{node.url}/api/v1/threads/{stack.thread}/posts/", json={"body": "Oui"}, timeout=10
        ),
    }
    expected = {"thread page": 200, "reply (page)": 302, "thread (API)": 200, "reply (API)": 201}
    for _ in range(3):  # persistent connections opened in the server's threads
        assert {name: call().status_code for name, call in requests_made.items()} == expected

    postgres.stop("fast")
    try:
        for name, call in requests_made.items():
            started = time.monotonic()
            response = call()
            elapsed = time.monotonic() - started
            assert response.status_code == 503, (name, response.status_code, response.text[:300], node.log_tail())
            assert elapsed < 3, f"{name} took {elapsed:.1f} s to fail"
            assert response.headers["Retry-After"]
            assert "Traceback" not in response.text
            if "API" in name:
                assert response.json()["code"] == "unavailable"
            else:
                assert "Service momentanément indisponible" in response.text
                assert "Content-Security-Policy" in response.headers
    finally:
        postgres.start()

    # Back, without restarting the application: the very first requests succeed.
    assert {name: call().status_code for name, call in requests_made.items()} == expected
    assert node.process.poll() is None


# --- A node killed during an upload -----------------------------------------------------------

PNG = b"\x89PNG\r\n\x1a\n"
BOUNDARY = "----faults-upload-boundary"


def multipart_head(name: str, filename: str) -> bytes:
    return (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
        "Content-Type: image/png\r\n\r\n"
    ).encode()


def multipart_field(name: str, value: str) -> bytes:
    return f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()


def send_upload(node: Node, path: str, headers: dict[str, str], parts, length: int, outcome: dict) -> None:
    """POST a multipart body part by part (a generator may pause), keeping what happened."""
    connection = http.client.HTTPConnection("127.0.0.1", node.port, timeout=60)
    try:
        connection.putrequest("POST", path)
        for name, value in {**headers, "Content-Type": f"multipart/form-data; boundary={BOUNDARY}"}.items():
            connection.putheader(name, value)
        connection.putheader("Content-Length", str(length))
        connection.endheaders()
        for part in parts:
            connection.send(part)
        outcome["status"] = connection.getresponse().status
    except (OSError, http.client.HTTPException) as error:
        outcome["error"] = repr(error)
    finally:
        connection.close()


def stored_files(root: Path) -> set[str]:
    """Stored names on disk (the incoming folder aside), as documents.storage names them."""
    if not root.exists():
        return set()
    return {
        path.relative_to(root).as_posix()
        for path in root.rglob("*")
        if path.is_file() and path.relative_to(root).parts[0] != "incoming"
    }


def incoming_files(root: Path) -> list[str]:
    return sorted(path.name for path in (root / "incoming").glob("*")) if (root / "incoming").exists() else []


def version_files(stack) -> set[str]:
    rows = stack.postgres.execute("SELECT stored_name FROM documents_documentversion", stack.database)
    return {name for (name,) in rows}


def test_a_node_killed_during_uploads_leaves_no_row_without_file_and_the_cleanup_removes_strays(stack):
    node, root = stack.node, stack.var / "media" / "documents"
    node.start()
    api_upload = f"/api/v1/folders/{stack.folder}/documents/"
    token = {"Authorization": f"Bearer {stack.author['token']}"}

    # 1. Killed while the body streams in (a 64 MB file, sent slowly, killed after 4 MB).
    size, chunk = 64 * 1024 * 1024, 256 * 1024
    head, tail = multipart_head("file", "affiche.png"), f"\r\n--{BOUNDARY}--\r\n".encode()
    halfway = threading.Event()

    def slow_body():
        yield head + PNG
        sent = len(PNG)
        while sent < size:
            yield b"\0" * chunk
            sent += chunk
            if sent >= 4 * 1024 * 1024:
                halfway.set()
                time.sleep(0.05)
        yield tail

    outcome: dict = {}
    sender = threading.Thread(
        target=send_upload,
        args=(node, api_upload, token, slow_body(), len(head) + len(PNG) + size - size % chunk + len(tail), outcome),
    )
    sender.start()
    assert halfway.wait(30), outcome
    node.kill()
    sender.join(30)
    assert "status" not in outcome, f"the upload finished before the kill: {outcome}"
    assert version_files(stack) == set() and stored_files(root) == set()

    # 2. Killed while a form's files are moved into place: some stored, some not, some half-way.
    node.start()
    files = 8
    body = multipart_field("csrfmiddlewaretoken", CSRF) + multipart_field("description", "")
    for number in range(files):
        body += multipart_head("files", f"photo-{number}.png") + PNG + os.urandom(4 * 1024 * 1024) + b"\r\n"
    body += f"--{BOUNDARY}--\r\n".encode()
    cookies = {"Cookie": f"sessionid={stack.author['session']}; csrftoken={CSRF}"}
    outcome = {}
    sender = threading.Thread(
        target=send_upload,
        args=(node, f"/documents/dossiers/{stack.folder}/deposer/", cookies, [body], len(body), outcome),
    )
    sender.start()
    deadline = time.monotonic() + 60
    # Killed once the third file is in place: two stored with their rows (most likely), the third
    # moved but not committed, the others still in the incoming folder.
    while len(stored_files(root)) < 3 and time.monotonic() < deadline and sender.is_alive():
        time.sleep(0.001)
    node.kill()
    sender.join(30)
    assert "status" not in outcome, f"the upload finished before the kill: {outcome}"

    rows, on_disk, incoming = version_files(stack), stored_files(root), incoming_files(root)
    assert rows <= on_disk, f"rows without their file: {rows - on_disk}"
    assert on_disk - rows or incoming, "the kill left nothing to clean: it came too late"
    assert len(rows) < files
    print(f"after the kill: {len(rows)} row(s), {len(on_disk - rows)} stray file(s), {len(incoming)} in incoming")

    report = manage(stack.env, "documents_check", "--delete", "--min-age", "0")
    assert "0 version(s) without their file" in report, report
    assert incoming_files(root) == [] and stored_files(root) == version_files(stack) == rows, report

    # 3. Started again, the node serves: the folder, and a new upload.
    node.start()
    page = browser_of(stack.author).get(f"{node.url}/documents/dossiers/{stack.folder}/", timeout=10)
    assert page.status_code == 200
    uploaded = api_of(stack.author).post(
        f"{node.url}{api_upload}", files={"file": ("apres.png", PNG + b"\0" * 1000, "image/png")}, timeout=30
    )
    assert uploaded.status_code == 201, uploaded.text[:500]
    assert stored_files(root) == version_files(stack) and len(version_files(stack)) == len(rows) + 1


# --- The search index deleted -----------------------------------------------------------------


def search_titles(stack, text: str) -> tuple[int, list[str], list[str]]:
    response = api_of(stack.reader).get(f"{stack.node.url}/api/v1/search/", params={"q": text}, timeout=10)
    body = response.json() if response.status_code == 200 else {}
    titles = [re.sub(r"</?mark>", "", hit["title"]) for hit in body.get("results", [])]
    return response.status_code, titles, body.get("notes", [])


def wait_until_found(stack, text: str, title: str, seconds: float) -> float:
    deadline = time.monotonic() + seconds
    while True:
        status, titles, notes = search_titles(stack, text)
        assert status == 200, status
        if title in titles:
            return time.monotonic()
        assert time.monotonic() < deadline, f"{title!r} not found by {text!r} within {seconds} s: {titles} {notes}"
        time.sleep(0.1)


def delete_while_written(folder) -> None:
    """Delete a folder as a person would while a process writes in it: a file that vanishes under
    the deletion (a writer's temporary file) is not an error; what appears meanwhile goes too."""
    for _attempt in range(20):
        shutil.rmtree(folder, ignore_errors=True)
        if not folder.exists():
            return
    raise AssertionError(f"{folder} could not be deleted")


def test_the_search_index_deleted_while_the_node_runs_is_rebuilt(stack):
    node, index = stack.node, stack.var / "index"
    node.start()
    with open(stack.var.parent / "indexer.log", "w") as log:
        indexer = subprocess.Popen(
            [PYTHON, "manage.py", "worker", "--only", "search.index"],
            cwd=ROOT,
            env=stack.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_until_found(stack, "creuse", "Tournage en Creuse", 30)  # the first index, built from the database

        delete_while_written(index)
        deleted = time.monotonic()
        status, _titles, _notes = search_titles(stack, "creuse")
        assert status == 200  # still answers, maybe with "being rebuilt"
        # Written while there is no index: found once it is rebuilt, like the rest.
        new = api_of(stack.author).post(
            f"{node.url}/api/v1/forums/production/threads/",
            json={"title": "Repérages à Aubusson", "body": "Le lieu est trouvé."},
            timeout=10,
        )
        assert new.status_code == 201, new.text[:500]

        # Within seconds (how fast is bench/search.py's to say, not a test's on a loaded machine).
        found_again = wait_until_found(stack, "creuse", "Tournage en Creuse", 20)
        found_new = wait_until_found(stack, "aubusson", "Repérages à Aubusson", 20)
        print(f"found again {found_again - deleted:.2f} s, new {found_new - deleted:.2f} s after the deletion")
        assert index.exists()
        assert "Search index missing: rebuilding it." in (stack.var.parent / "indexer.log").read_text()
    finally:
        indexer.terminate()
        indexer.wait(timeout=10)
