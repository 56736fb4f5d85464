"""`make test-deploy`: the single-server install of docs/deploy.md, run for real and checked.

As root, `deploy/install.sh` installs this checkout into a temporary prefix (its own system user,
settings, secret key, a throwaway PostgreSQL database and role, the machine's Redis, a
self-signed certificate, the systemd units and the nginx site written into temporary folders),
then again to show that a second run changes nothing. The processes start as their units say;
Debian's nginx serves the rendered site on high ports. The settings reach each process as systemd
gives them (deploy/systemd_env.py reads `EnvironmentFile=` as systemd does: a `# comment` after a
value stays in it, where a shell sourcing the file would drop it). Checked through nginx over HTTPS: the
redirect from HTTP, signing in, a page, static files with long cache headers, the health page,
an upload and its X-Accel download with the sandbox headers, a live reply on a WebSocket, the
worker delivering an e-mail to a local SMTP sink, `check --deploy`, the units
(`systemd-analyze verify`), and a backup restored into a second database that `migrate --check`
and `documents_check` accept. Then `deploy/upgrade.sh` runs (through a stand-in `systemctl` that
restarts these processes) while requests flow through nginx: none may fail, every process is
restarted, and a hand edit of the nginx site is kept. Everything it created is removed at the end,
Redis's database included.
"""

from __future__ import annotations

import asyncio
import fnmatch
import json
import os
import pwd
import re
import secrets
import shutil
import signal
import socket
import socketserver
import ssl
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import redis
import requests
from multinode import free_port, wait_for  # this folder's two-node check: the same small helpers
from websockets.asyncio.client import connect as websocket_connect

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "deploy"))
import systemd_env  # noqa: E402 - deploy/, beside the units it reads

PG_ADMIN = "psql -h 127.0.0.1 -U postgres"
REDIS_URL = os.environ.get("DEPLOY_REDIS_URL", "redis://127.0.0.1:6379/8")
USER = "intranet-ci"
DOMAIN = "localhost"
PASSWORD = "un mot de passe assez long"
CHANGED = r"\s+(created|written|copied|migrated|installed|linked)"  # what install.sh says when it changes something


class SmtpSink(socketserver.ThreadingTCPServer):
    """Just enough SMTP to receive what the worker sends: the messages, as text."""

    allow_reuse_address = True
    daemon_threads = True

    def __init__(self) -> None:
        self.messages: list[str] = []
        super().__init__(("127.0.0.1", 0), SmtpHandler)


class SmtpHandler(socketserver.StreamRequestHandler):
    def handle(self) -> None:
        self.wfile.write(b"220 sink ready\r\n")
        while line := self.rfile.readline():
            command = line.decode(errors="replace").strip().upper()
            if command.startswith(("HELO", "EHLO")):
                self.wfile.write(b"250 sink\r\n")
            elif command == "DATA":
                self.wfile.write(b"354 end with .\r\n")
                lines = []
                while (body := self.rfile.readline()) not in (b".\r\n", b".\n", b""):
                    lines.append(body.decode(errors="replace"))
                self.server.messages.append("".join(lines))
                self.wfile.write(b"250 queued\r\n")
            elif command == "QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            else:
                self.wfile.write(b"250 ok\r\n")


class Checks:
    def __init__(self) -> None:
        self.failed = 0

    def run(self, name: str, check) -> None:
        try:
            detail = check()
        except Exception as error:
            self.failed += 1
            print(f"FAIL  {name}: {type(error).__name__}: {error}", flush=True)
        else:
            print(f"PASS  {name} ({detail})", flush=True)


class Installation:
    def __init__(self, work: Path) -> None:
        self.work = work
        self.prefix, self.etc = work / "srv", work / "etc"
        self.systemd, self.nginx, self.backups = work / "systemd", work / "nginx", work / "backups"
        self.database = f"intranet_deploy_{secrets.token_hex(4)}"
        self.database_url = f"postgres://{USER}@127.0.0.1:5432/{self.database}"
        self.ports = [free_port(), free_port()]
        self.http_port, self.https_port = free_port(), free_port()
        self.base = f"https://{DOMAIN}:{self.https_port}"
        self.running: dict[str, subprocess.Popen] = {}  # unit: its process
        self.systemctl_calls: list[list[str]] = []
        self.servers: list[socketserver.BaseServer] = []

    def install(self, smtp_port: int) -> str:
        command = [
            str(ROOT / "deploy" / "install.sh"), "--yes", "--no-system-packages", "--no-start",
            "--domain", DOMAIN, "--prefix", str(self.prefix), "--etc", str(self.etc), "--user", USER,
            "--ports", ",".join(map(str, self.ports)), "--database-url", self.database_url, "--pg-admin", PG_ADMIN,
            "--redis-url", REDIS_URL, "--email-host", "127.0.0.1", "--email-port", str(smtp_port),
            "--admin-email", "admin@example.org", "--admin-first-name", "Ada", "--admin-last-name", "Admin",
            "--http-port", str(self.http_port), "--https-port", str(self.https_port),
            "--systemd-dir", str(self.systemd), "--nginx-dir", str(self.nginx), "--backup-dir", str(self.backups),
        ]  # fmt: skip
        done = subprocess.run(
            command, env={**os.environ, "INTRANET_ADMIN_PASSWORD": PASSWORD}, capture_output=True, text=True
        )
        if done.returncode != 0:
            raise RuntimeError(f"install.sh failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
        return done.stdout

    def unit_text(self, unit: str) -> str:
        template = re.sub(r"@[^.]*\.", "@.", unit)  # intranet-web@8001.service: intranet-web@.service
        return (self.systemd / template).read_text()

    def as_unit(self, unit: str) -> dict:
        """How systemd would start the unit: its command, user, umask, folder and environment
        (Environment=, then EnvironmentFile= read as systemd reads it, never through a shell)."""
        text = self.unit_text(unit)
        settings = {key: value for section, key, value in systemd_env.parse_unit(text) if section == "Service"}
        assert settings["User"] == USER and settings["Group"] == USER, settings
        return {
            "args": systemd_env.exec_start(text, unit),
            "env": systemd_env.service_environment(text, unit, str(self.prefix), USER),
            "cwd": settings["WorkingDirectory"],
            "user": USER,
            "group": USER,
            "extra_groups": [],
            "umask": int(settings.get("UMask", "0022"), 8),
        }

    def manage(self, *arguments: str) -> subprocess.CompletedProcess:
        """manage.py as the worker's unit would run it: the same user, folder and settings."""
        unit = self.as_unit("intranet-worker.service")
        command = [str(self.prefix / "venv/bin/python"), "manage.py", *arguments]
        return subprocess.run(command, **_without_args(unit), capture_output=True, text=True)

    def start(self) -> None:
        logs = self.work / "logs"
        logs.mkdir(exist_ok=True)
        shutil.chown(logs, USER, USER)
        for unit in [*(f"intranet-web@{port}.service" for port in self.ports), "intranet-worker.service", "nginx"]:
            self.start_unit(unit)
        for port in [*self.ports, self.https_port]:
            if not wait_for(lambda port=port: socket.socket().connect_ex(("127.0.0.1", port)) == 0, within=60):
                raise RuntimeError(f"nothing listens on {port}:\n{self.log_tails()}")

    def log_tails(self) -> str:
        logs = sorted((self.work / "logs").iterdir())
        return "\n".join(f"--- {log.name}\n{log.read_text(errors='replace')[-2000:]}" for log in logs)

    def start_unit(self, unit: str) -> None:
        log = open(self.work / "logs" / f"{unit}.log", "a")  # noqa: SIM115 - closed with the process
        if unit == "nginx":
            command = ["nginx", "-c", str(self.write_nginx_conf()), "-g", "daemon off;"]
            self.running[unit] = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        else:
            spec = self.as_unit(unit)
            self.running[unit] = subprocess.Popen(spec["args"], **_without_args(spec), stdout=log, stderr=log)
        log.close()

    def stop_unit(self, unit: str, timeout: float = 30) -> None:
        """As systemd stops it: SIGTERM to the process (KillSignal=), SIGKILL after TimeoutStopSec=."""
        process = self.running.pop(unit)
        process.terminate()
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def systemctl(self, arguments: list[str]) -> tuple[int, str]:
        """What deploy/install.sh and deploy/upgrade.sh ask systemctl, done to the processes above."""
        self.systemctl_calls.append(arguments)
        verb, *rest = arguments
        names = [word for word in rest if not word.startswith("-")]
        if verb == "list-units":
            pattern = names[-1] if names else "*"
            lines = [
                f"{unit} loaded active running {unit}\n" for unit in self.running if fnmatch.fnmatch(unit, pattern)
            ]
            return 0, "".join(sorted(lines))
        if verb == "restart" and all(name in self.running for name in names):
            for name in names:
                self.stop_unit(name)
                self.start_unit(name)
            return 0, ""
        if verb == "reload" and names == ["nginx"]:
            self.running["nginx"].send_signal(signal.SIGHUP)
            return 0, ""
        if verb in ("daemon-reload", "enable", "start"):
            return 0, ""  # the units are read again at each start; everything runs already
        return 1, f"systemctl {' '.join(arguments)}: not something deploy/ is expected to ask\n"

    def serve_systemctl(self) -> dict[str, str]:
        """A `systemctl` first in PATH that hands its arguments to systemctl() above."""
        address = str(self.work / "systemctl.sock")
        install = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self) -> None:
                code, output = install.systemctl(json.loads(self.rfile.readline()))
                self.wfile.write(json.dumps({"code": code, "output": output}).encode() + b"\n")

        server = socketserver.ThreadingUnixStreamServer(address, Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        self.servers.append(server)
        folder = self.work / "bin"
        folder.mkdir(exist_ok=True)
        (folder / "systemctl").write_text(SYSTEMCTL.format(python=sys.executable, address=address))
        (folder / "systemctl").chmod(0o755)
        return {**os.environ, "PATH": f"{folder}:{os.environ['PATH']}"}

    def write_nginx_conf(self) -> Path:
        conf = self.work / "nginx.conf"
        temp = self.work / "nginx-temp"
        temp.mkdir(exist_ok=True)
        conf.write_text(
            f"user {USER};\nworker_processes 1;\npid {self.work}/nginx.pid;\n"
            f"error_log {self.work}/logs/nginx-error.log;\n"
            "events { worker_connections 256; }\n"
            f"http {{\n include /etc/nginx/mime.types;\n access_log {self.work}/logs/nginx-access.log;\n"
            f" client_body_temp_path {temp}/body;\n proxy_temp_path {temp}/proxy;\n"
            f" fastcgi_temp_path {temp}/fastcgi;\n uwsgi_temp_path {temp}/uwsgi;\n scgi_temp_path {temp}/scgi;\n"
            f" include {self.nginx}/sites-enabled/*;\n}}\n"
        )
        return conf

    def stop(self) -> None:
        for server in self.servers:
            server.shutdown()
        for process in self.running.values():
            process.terminate()
        for process in self.running.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        self.running.clear()


SYSTEMCTL = """#!{python}
import json, socket, sys
with socket.socket(socket.AF_UNIX) as connection:
    connection.connect({address!r})
    connection.sendall(json.dumps(sys.argv[1:]).encode() + b"\\n")
    answer = json.loads(connection.makefile().readline())
sys.stdout.write(answer["output"])
sys.exit(answer["code"])
"""


def _without_args(spec: dict) -> dict:
    return {key: value for key, value in spec.items() if key != "args"}


def psql(sql: str, database: str = "postgres") -> str:
    command = [*PG_ADMIN.split(), "-d", database, "-v", "ON_ERROR_STOP=1", "-tAqc", sql]
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout.strip()


def signed_in(install: Installation) -> requests.Session:
    session = requests.Session()
    session.verify = str(install.etc / "tls" / "selfsigned.crt")
    session.trust_env = False  # else REQUESTS_CA_BUNDLE, if set, would replace the certificate above
    login = f"{install.base}/compte/connexion/"
    page = session.get(login, timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    answer = session.post(
        login,
        data={"csrfmiddlewaretoken": token, "username": "admin@example.org", "password": PASSWORD},
        headers={"Referer": login},
        allow_redirects=False,
        timeout=30,
    )
    assert answer.status_code == 302, f"signing in answered {answer.status_code}"
    return session


def main() -> int:
    if os.geteuid() != 0 or not shutil.which("nginx"):
        print("make test-deploy runs as root with Debian's nginx installed (apt-get install nginx)", file=sys.stderr)
        return 2
    work = Path(tempfile.mkdtemp(prefix="intranet-deploy-"))
    os.chmod(work, 0o755)
    install = Installation(work)
    sink = SmtpSink()
    threading.Thread(target=sink.serve_forever, daemon=True).start()
    checks = Checks()
    created_user = False
    try:
        first = install.install(sink.server_address[1])
        created_user = True
        print(first, flush=True)
        second = install.install(sink.server_address[1])
        changed = [line for line in second.splitlines() if re.match(CHANGED, line)]
        checks.run("install.sh twice: the second run changes nothing", lambda: _nothing(changed))
        checks.run("systemd units verify", lambda: _verify_units(install))
        install.start()
        session = signed_in(install)
        data = json.loads(install.manage("shell", "-c", SETUP).stdout.strip().splitlines()[-1])
        checks.run("HTTP redirects to HTTPS", lambda: _redirect(install))
        checks.run("signed in, a page", lambda: _page(install, session))
        checks.run("static files with long cache headers", lambda: _static(install, session))
        checks.run("health page", lambda: _health(install))
        checks.run("upload, and its X-Accel download with the sandbox headers", lambda: _upload(install, data))
        checks.run("a live reply on the WebSocket through nginx", lambda: _live(install, session, data))
        checks.run("the worker delivers an e-mail", lambda: _email(install, sink))
        checks.run("check --deploy", lambda: _check_deploy(install))
        checks.run("backup, then restore into a second database", lambda: _backup_restore(install))
        checks.run("upgrade.sh while requests flow: none fails", lambda: _upgrade(install, session, data))
    except Exception as error:
        checks.failed += 1
        print(f"FAIL  {type(error).__name__}: {error}", flush=True)
    finally:
        install.stop()
        sink.shutdown()
        for database in (install.database, f"{install.database}_restore"):
            psql(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        psql(f'DROP ROLE IF EXISTS "{USER}"')
        redis.Redis.from_url(REDIS_URL).flushdb()  # the channel layer's and the cache's keys
        if created_user or _user_exists():
            subprocess.run(["pkill", "-u", USER], check=False)
            time.sleep(1)
            subprocess.run(["userdel", USER], check=False)
        shutil.rmtree(work, ignore_errors=True)
    print("test-deploy:", "FAILED" if checks.failed else "passed", flush=True)
    return 1 if checks.failed else 0


SETUP = """
import json
from documents.models import Space
from documents.selectors import root_folder
from forums import actions as forums
from forums.models import Forum
from intranet import actions
from intranet.models import User
staff = User.objects.get(email="admin@example.org")
thread = forums.start_thread(staff, forum=Forum.objects.get(kind="general"), title="Installé", body="Bonjour.")
print(json.dumps({
    "token": actions.create_api_token(staff, name="deploy")[1],
    "thread": thread.pk,
    "folder": root_folder(Space.objects.get(kind="association")).pk,
}))
"""


def _user_exists() -> bool:
    try:
        pwd.getpwnam(USER)
    except KeyError:
        return False
    return True


def _nothing(changed: list[str]) -> str:
    assert not changed, "changed on the second run: " + "; ".join(changed)
    return "every step kept"


def _verify_units(install: Installation) -> str:
    units = sorted(str(path) for path in install.systemd.iterdir())
    instance = install.systemd / f"intranet-web@{install.ports[0]}.service"
    instance.symlink_to(install.systemd / "intranet-web@.service")
    done = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", *units, str(instance)], capture_output=True, text=True
    )
    instance.unlink()
    problems = [line for line in done.stderr.splitlines() if "intranet" in line]
    assert done.returncode == 0 and not problems, done.stderr
    return f"{len(units)} units"


def _redirect(install: Installation) -> str:
    answer = requests.get(f"http://{DOMAIN}:{install.http_port}/annuaire/", allow_redirects=False, timeout=10)
    assert answer.status_code == 301 and answer.headers["Location"] == f"{install.base}/annuaire/", answer.headers
    return answer.headers["Location"]


def _page(install: Installation, session: requests.Session) -> str:
    page = session.get(f"{install.base}/", timeout=30)
    assert page.status_code == 200 and "Ada" in page.text and "/compte/deconnexion/" in page.text, page.status_code
    assert page.headers.get("Strict-Transport-Security"), f"no HSTS header: {dict(page.headers)}"
    return f"home, {len(page.content)} bytes"


def _static(install: Installation, session: requests.Session) -> str:
    path = re.search(r'href="(/static/[^"]+\.css)"', session.get(f"{install.base}/", timeout=30).text).group(1)
    answer = session.get(f"{install.base}{path}", timeout=30)
    assert answer.status_code == 200 and "max-age=31536000" in answer.headers.get("Cache-Control", ""), answer.headers
    return path


def _health(install: Installation) -> str:
    def healthy():
        answer = requests.get(f"{install.base}/sante/", verify=str(install.etc / "tls" / "selfsigned.crt"), timeout=10)
        return answer if answer.status_code == 200 else None

    answer = wait_for(healthy, within=30, every=1)
    assert answer, "the health page never answered 200"
    return ", ".join(name for name, check in answer.json()["checks"].items() if check["ok"])


def _upload(install: Installation, data: dict) -> str:
    headers = {"Authorization": f"Bearer {data['token']}"}
    verify = str(install.etc / "tls" / "selfsigned.crt")
    content = b"Compte rendu de l'installation.\n" * 100
    answer = requests.post(
        f"{install.base}/api/v1/folders/{data['folder']}/documents/",
        files={"file": ("installation.txt", content, "text/plain")},
        headers=headers,
        verify=verify,
        timeout=30,
    )
    assert answer.status_code == 201, f"upload answered {answer.status_code}: {answer.text[:200]}"
    download = requests.get(
        f"{install.base}/api/v1/documents/{answer.json()['id']}/download/", headers=headers, verify=verify, timeout=30
    )
    assert download.status_code == 200 and download.content == content, download.status_code
    assert "X-Accel-Redirect" not in download.headers, "nginx did not send the file itself"
    policy = download.headers.get("Content-Security-Policy", "")
    assert "sandbox" in policy and download.headers.get("X-Content-Type-Options") == "nosniff", download.headers
    return f"{len(content)} bytes back, {policy}"


def _live(install: Installation, session: requests.Session, data: dict) -> str:
    async def scenario() -> str:
        context = ssl.create_default_context(cafile=str(install.etc / "tls" / "selfsigned.crt"))
        headers = {"Cookie": f"sessionid={session.cookies['sessionid']}"}
        url = f"wss://{DOMAIN}:{install.https_port}/ws/"
        async with websocket_connect(url, ssl=context, additional_headers=headers, origin=install.base) as ws:
            assert json.loads(await asyncio.wait_for(ws.recv(), 10)).get("event") == "hello"
            await ws.send(json.dumps({"type": "subscribe", "channel": "thread", "id": data["thread"], "since": 0}))
            while json.loads(await asyncio.wait_for(ws.recv(), 10)).get("event") != "subscribed":
                pass
            answer = await asyncio.to_thread(
                requests.post,
                f"{install.base}/api/v1/threads/{data['thread']}/posts/",
                json={"body": "Une réponse en direct."},
                headers={"Authorization": f"Bearer {data['token']}"},
                verify=str(install.etc / "tls" / "selfsigned.crt"),
                timeout=30,
            )
            assert answer.status_code == 201, answer.text[:200]
            while True:
                message = json.loads(await asyncio.wait_for(ws.recv(), 10))
                if message.get("event") == "post.created":
                    return f"post {answer.json()['id']} arrived"

    return asyncio.run(scenario())


def _email(install: Installation, sink: SmtpSink) -> str:
    queue = (
        "from intranet.notifications.actions import queue_written_email\n"
        "queue_written_email(key='deploy-check', to_address='someone@example.org', subject='Essai', text='Bonjour')"
    )
    done = install.manage("shell", "-c", queue)
    assert done.returncode == 0, done.stderr
    assert wait_for(lambda: any("Essai" in message for message in sink.messages), within=30), "nothing received"
    return f"{len(sink.messages)} message(s) at the sink"


def _check_deploy(install: Installation) -> str:
    done = install.manage("check", "--deploy", "--fail-level", "WARNING", "--database", "default")
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout.strip().splitlines()[-1]


def _backup_restore(install: Installation) -> str:
    backup = subprocess.run(
        ["runuser", "-u", USER, "--", str(install.prefix / "app/deploy/backup.sh"), str(install.etc / "env"),
         str(install.backups)],
        capture_output=True, text=True,
    )  # fmt: skip
    assert backup.returncode == 0, backup.stdout + backup.stderr
    [dump] = sorted((install.backups / "db").glob("intranet-*.dump"))
    private = (install.backups.stat().st_mode & 0o777, dump.stat().st_mode & 0o777)
    assert private == (0o700, 0o600), f"backups readable by others: {[oct(mode) for mode in private]}"
    [snapshot] = sorted((install.backups / "documents").glob("20*"))
    restored = f"{install.database}_restore"
    psql(f'CREATE DATABASE "{restored}" OWNER "{USER}"')
    target = install.work / "restored-documents"
    target.mkdir()
    shutil.chown(target, USER, USER)
    restore = subprocess.run(
        ["runuser", "-u", USER, "--", str(install.prefix / "app/deploy/restore.sh"), str(install.etc / "env"),
         str(dump), str(snapshot), f"postgres://{USER}@127.0.0.1:5432/{restored}", str(target)],
        capture_output=True, text=True,
    )  # fmt: skip
    assert restore.returncode == 0, restore.stdout + restore.stderr
    assert "0 version(s) without their file" in restore.stdout, restore.stdout
    return restore.stdout.strip().splitlines()[-1]


def _upgrade(install: Installation, session: requests.Session, data: dict) -> str:
    site = install.nginx / "sites-available" / "intranet.conf"
    site.write_text(site.read_text() + "# Changed by hand: the upgrade keeps it.\n")
    before = {unit: process.pid for unit, process in install.running.items()}
    verify = str(install.etc / "tls" / "selfsigned.crt")
    api = {"Authorization": f"Bearer {data['token']}"}
    answered: Counter = Counter()
    failures: list[str] = []
    done = threading.Event()

    def flow(name: str, ask, expected: int, pause: float) -> None:
        while not done.is_set():
            try:
                status = ask().status_code
            except requests.RequestException as error:
                status = type(error).__name__
            answered[name] += 1
            if status != expected:
                failures.append(f"{name}: {status} at {time.strftime('%H:%M:%S')}")
            time.sleep(pause)

    page = requests.Session()
    page.cookies.update(session.cookies)
    flows = [
        ("page", lambda: page.get(f"{install.base}/", verify=verify, timeout=30), 200, 0.05),
        (
            "API read",
            lambda: requests.get(
                f"{install.base}/api/v1/threads/{data['thread']}/posts/", headers=api, verify=verify, timeout=30
            ),
            200,
            0.25,
        ),
        (
            "API reply",
            lambda: requests.post(
                f"{install.base}/api/v1/threads/{data['thread']}/posts/",
                json={"body": "Pendant la mise à jour."},
                headers=api,
                verify=verify,
                timeout=30,
            ),
            201,
            1,
        ),
    ]
    threads = [threading.Thread(target=flow, args=arguments, daemon=True) for arguments in flows]
    for thread in threads:
        thread.start()
    time.sleep(2)  # requests flowing before the upgrade starts
    upgrade = subprocess.run(
        [str(ROOT / "deploy" / "upgrade.sh"), "--etc", str(install.etc)],
        env=install.serve_systemctl(), capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    time.sleep(2)
    done.set()
    for thread in threads:
        thread.join(timeout=60)
    assert upgrade.returncode == 0, f"upgrade.sh failed:\n{upgrade.stdout}\n{upgrade.stderr}\n{install.log_tails()}"
    restarts = [call[1] for call in install.systemctl_calls if call[0] == "restart"]
    webs = [f"intranet-web@{port}.service" for port in install.ports]
    assert sorted(restarts[:-1]) == sorted(webs) and restarts[-1] == "intranet-worker.service", restarts
    same = [unit for unit in [*webs, "intranet-worker.service"] if install.running[unit].pid == before[unit]]
    assert not same, f"not restarted: {same}"
    assert not failures, (
        f"{len(failures)} failed request(s) of {sum(answered.values())}: {failures[:10]}\n"
        f"{upgrade.stdout}\n{install.log_tails()}"
    )
    assert site.read_text().endswith("# Changed by hand: the upgrade keeps it.\n"), "the hand edit was undone"
    assert Path(f"{site}.new").is_file() and "server 127.0.0.1" in Path(f"{site}.new").read_text()
    print(upgrade.stdout, flush=True)
    return ", ".join(f"{count} {name}" for name, count in answered.items()) + ", every one answered"


if __name__ == "__main__":
    sys.exit(main())
