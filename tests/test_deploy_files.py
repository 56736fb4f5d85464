"""deploy/ read as systemd and nginx read it: the settings file, the units, the upload limit.

The bug this guards against: a `# comment` after a value in the settings file is part of the value
for systemd's `EnvironmentFile=` (a shell sourcing the file drops it), so the service failed at
start while anything reading the file through a shell worked. `deploy/systemd_env.py` reads as
systemd does; `deploy/install.sh --render` prints a template as an install writes it (no root).
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from intranet.bodylimit import ENVELOPE_BYTES

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
sys.path.insert(0, str(DEPLOY))
import systemd_env  # noqa: E402 - deploy/ is not a package: the units' folder

UNITS = sorted(path.name for path in (DEPLOY / "systemd").iterdir())


def render(template: str, etc: Path, *options: str) -> str:
    command = [str(DEPLOY / "install.sh"), "--domain", "intranet.example.org", "--etc", str(etc), *options]
    done = subprocess.run([*command, "--render", template], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("A=b # comment\n", {"A": "b # comment"}),  # the reported bug: systemd keeps it
        ("A=b   \n", {"A": "b"}),  # trailing blanks of an unquoted value are dropped
        ("  A = b\n", {"A": "b"}),
        ('A="b c" \n', {"A": "b c"}),
        ('A="b # c"\n', {"A": "b # c"}),
        ("A='b \\\" c'\n", {"A": 'b \\" c'}),  # nothing is escaped between single quotes
        ('A="b \\" \\$ \\n"\n', {"A": 'b " $ \\n'}),  # in double quotes, as a shell: \n keeps its backslash
        ('A="b"c\n', {"A": "bc"}),
        ("A=b\\\nc\n", {"A": "bc"}),  # a backslash before a newline joins the lines
        ("# A=b\n; B=c\nC\nD=\n", {"D": ""}),
        ("A=1\nA=2", {"A": "2"}),
        ("1A=b\nA-B=c\n", {}),  # invalid names are dropped
    ],
)
def test_environment_files_are_read_as_systemd_reads_them(text, expected):
    assert systemd_env.parse_environment_file(text) == expected


def test_environment_directives_are_read_as_systemd_reads_them():
    unit = '[Service]\nEnvironment=A=1 "B=two words" C=%i\\s%%\nEnvironment=D=x\\\n  E=y\nEnvironmentFile=-/etc/%p\n'
    files, assignments = systemd_env.unit_settings(unit, "web@8001.service")
    assert files == ["-/etc/web"]
    assert assignments == {"A": "1", "B": "two words", "C": "8001 %", "D": "x", "E": "y"}
    with pytest.raises(ValueError, match="not NAME=value"):
        systemd_env.unit_settings("[Service]\nEnvironment=A=1 # comment\n", "web.service")


def test_the_settings_template_has_no_comment_after_a_value(tmp_path):
    lines = (DEPLOY / "env.template").read_text().splitlines()
    values = [line for line in lines if line.strip() and not line.lstrip().startswith(("#", ";"))]
    assert values, "no settings in deploy/env.template"
    for line in values:
        [(name, value)] = systemd_env.parse_environment_file(line + "\n").items()
        assert "#" not in value, f"deploy/env.template: {line!r} gives {name} the value {value!r} under systemd"
    rendered = systemd_env.parse_environment_file(render("env.template", tmp_path))
    assert not systemd_env.suspicious(rendered)
    assert rendered["SECRET_KEY_FILE"] == f"{tmp_path}/secret_key"
    assert rendered["ALLOWED_HOSTS"] == "intranet.example.org"
    assert rendered["TRUST_X_FORWARDED_PROTO"] == "1" and rendered["TRUSTED_PROXY_COUNT"] == "1"
    assert rendered["DEFAULT_FROM_EMAIL"] == "Intranet <intranet@intranet.example.org>"


def test_systemd_and_a_shell_read_the_settings_file_alike(tmp_path):
    """backup.sh, restore.sh and install.sh source the file: they must see what the services see."""
    settings = tmp_path / "env"
    settings.write_text(render("env.template", tmp_path))
    shell = subprocess.run(
        ["sh", "-c", 'set -a; . "$1"; set +a; env -0', "_", str(settings)],
        capture_output=True,
        text=True,
        check=True,
        env={},
    )
    sourced = dict(item.split("=", 1) for item in shell.stdout.split("\0") if "=" in item)
    for name, value in systemd_env.parse_environment_file(settings.read_text()).items():
        assert sourced.get(name) == value, f"{name}: systemd reads {value!r}, a shell {sourced.get(name)!r}"


def test_the_documented_settings_have_no_comment_after_a_value():
    text = (ROOT / "docs" / "deploy.md").read_text()
    blocks = [block for block in re.findall(r"```sh\n(.*?)```", text, re.S) if "INTRANET_ENV=" in block]
    assert blocks, "docs/deploy.md shows no settings block"
    for block in blocks:
        for name, value in systemd_env.parse_environment_file(block).items():
            assert "#" not in value, f"docs/deploy.md: {name}={value!r} under systemd"


@pytest.mark.parametrize("unit", UNITS)
def test_each_unit_reads_the_settings_intended(unit, tmp_path):
    text = render(f"systemd/{unit}", tmp_path)
    for line in text.splitlines():
        if line.strip() and not line.lstrip().startswith(("#", ";")):
            assert " #" not in line and " ;" not in line, f"{unit}: systemd keeps what follows a value: {line!r}"
    name = unit.replace("@.", "@8001.")
    files, assignments = systemd_env.unit_settings(text, name)
    services = {"intranet-web@.service", "intranet-worker.service"}
    assert files == ([f"{tmp_path}/env"] if unit in services else [])
    assert assignments == ({"DB_POOL_SIZE": "8"} if unit == "intranet-web@.service" else {})
    if unit in services:
        command = systemd_env.exec_start(text, name)
        assert command[:3] == ["/srv/intranet/venv/bin/python", "manage.py", "serve" if "web" in unit else "worker"]


def test_the_web_processes_listen_where_told(tmp_path):
    default = systemd_env.exec_start(render("systemd/intranet-web@.service", tmp_path), "intranet-web@8001.service")
    assert default[default.index("--host") + 1] == "127.0.0.1" and default[default.index("--port") + 1] == "8001"
    text = render("systemd/intranet-web@.service", tmp_path, "--bind", "10.0.0.11")
    told = systemd_env.exec_start(text, "intranet-web@8001.service")
    assert told[told.index("--host") + 1] == "10.0.0.11"


def upstreams(site: str) -> list[str]:
    block = re.search(r"upstream intranet \{(.*?)\}", site, re.S).group(1)
    return re.findall(r"^\s*server (\S+?)(?: [^;]*)?;", block, re.M)


def test_nginx_sends_requests_to_every_process_it_is_told(tmp_path):
    assert upstreams(render("nginx/intranet.conf", tmp_path)) == ["127.0.0.1:8001", "127.0.0.1:8002"]
    bound = render("nginx/intranet.conf", tmp_path, "--bind", "10.0.0.11", "--ports", "8001,8002,8003")
    assert upstreams(bound) == ["10.0.0.11:8001", "10.0.0.11:8002", "10.0.0.11:8003"]
    options = [
        item
        for node in ("10.0.0.11", "10.0.0.12")
        for port in (8001, 8002)
        for item in ("--upstream", f"{node}:{port}")
    ]
    site = render("nginx/intranet.conf", tmp_path, *options)
    assert upstreams(site) == ["10.0.0.11:8001", "10.0.0.11:8002", "10.0.0.12:8001", "10.0.0.12:8002"]


def test_a_restart_leaves_nginx_a_process_to_answer(tmp_path):
    """While upgrade.sh restarts one process, one broken connection to another must not make
    nginx set that one aside too (every page would be a 502), and nginx, not the process, closes
    an idle connection: a request sent on one the process is closing fails."""
    site = render("nginx/intranet.conf", tmp_path)
    block = re.search(r"upstream intranet \{(.*?)\}", site, re.S).group(1)
    servers = re.findall(r"^\s*server \S+ (.*);", block, re.M)
    assert servers and all(int(re.search(r"max_fails=(\d+)", line).group(1)) >= 2 for line in servers), servers
    nginx_idle = int(re.search(r"keepalive_timeout (\d+)s;", block).group(1))
    command = systemd_env.exec_start(render("systemd/intranet-web@.service", tmp_path), "intranet-web@8001.service")
    assert int(command[command.index("--keep-alive") + 1]) > nginx_idle


def nginx_bytes(size: str) -> int:
    number, unit = re.fullmatch(r"(\d+)([kKmMgG]?)", size).groups()
    return int(number) * {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}[unit.lower()]


@pytest.mark.parametrize("megabytes", [None, "200", "1000", '"50"'])
def test_nginx_upload_limit_is_the_applications(megabytes, tmp_path):
    """client_max_body_size follows DOCUMENTS_MAX_UPLOAD_MB: the application's limit, envelope included."""
    if megabytes is not None:
        (tmp_path / "env").write_text(f"INTRANET_ENV=production\nDOCUMENTS_MAX_UPLOAD_MB={megabytes}\n")
    site = render("nginx/intranet.conf", tmp_path)
    [size] = re.findall(r"^\s*client_max_body_size (\S+);", site, re.M)
    setting = int((megabytes or "200").strip('"'))  # absent: the template's value, the application's default
    assert nginx_bytes(size) == setting * 1024 * 1024 + ENVELOPE_BYTES


def test_an_upload_limit_that_is_not_a_number_stops_the_install(tmp_path):
    (tmp_path / "env").write_text("DOCUMENTS_MAX_UPLOAD_MB=200 # MB\n")
    command = [str(DEPLOY / "install.sh"), "--domain", "x.example.org", "--etc", str(tmp_path)]
    done = subprocess.run([*command, "--render", "nginx/intranet.conf"], capture_output=True, text=True, check=False)
    assert done.returncode != 0 and "'200 # MB'" in done.stderr
