"""`make fuzz`: schemathesis against the live OpenAPI schema, as a member and as staff.

A throwaway database with the demo data, a server started as `make run` starts it (no periodic
jobs), one personal token per role, then at least 1,000 generated requests per role. The run
fails on any server error, and on any response that the schema does not describe (status code,
content type, headers, body).
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
CHECKS = ",".join(
    [
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_headers_conformance",
        "response_schema_conformance",
    ]
)
MIN_CASES = 1000
EXAMPLES_PER_OPERATION = os.environ.get("FUZZ_EXAMPLES", "30")

TOKENS = """
from intranet import actions
from intranet.models import User
member = User.objects.filter(is_staff=False, is_active=True, college_memberships__role="member").order_by("pk").first()
staff = User.objects.filter(is_staff=True, is_active=True).order_by("pk").first()
for role, user in (("member", member), ("staff", staff)):
    print(role, actions.create_api_token(user, name="fuzz")[1])
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def main() -> int:
    var = Path(tempfile.mkdtemp(prefix="intranet-fuzz-"))
    env = {
        **os.environ,
        "INTRANET_VAR_DIR": str(var),
        "API_RATE": "1000000/minute",  # the fuzzer is one client sending thousands of requests
        "DJANGO_SETTINGS_MODULE": "intranet.settings",
    }
    env.pop("DATABASE_URL", None)
    run = {"cwd": ROOT, "env": env, "check": True}
    subprocess.run([PYTHON, "manage.py", "migrate", "-v0"], **run)
    subprocess.run([PYTHON, "manage.py", "seed_demo"], **run, stdout=subprocess.DEVNULL)
    printed = subprocess.run([PYTHON, "manage.py", "shell", "-c", TOKENS], **run, capture_output=True, text=True)
    tokens = dict(re.findall(r"^(member|staff) (fi_\S+)$", printed.stdout, re.MULTILINE))
    port = free_port()
    server = subprocess.Popen(
        [PYTHON, "-m", "uvicorn", "--host", "127.0.0.1", "--port", str(port), "intranet.asgi:application"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(var / "server.log", "w"),  # noqa: SIM115 - closed with the process
    )
    failed = False
    try:
        for _ in range(100):
            with socket.socket() as client:
                if client.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.1)
        for role, token in sorted(tokens.items()):
            print(f"\n==> schemathesis as {role}", flush=True)
            result = subprocess.run(
                [
                    str(Path(PYTHON).with_name("schemathesis")),
                    "run",
                    f"http://127.0.0.1:{port}/api/schema/",
                    "--header",
                    f"Authorization: Bearer {token}",
                    "--checks",
                    CHECKS,
                    "--max-examples",
                    EXAMPLES_PER_OPERATION,
                    "--seed",
                    os.environ.get("FUZZ_SEED", "20261126"),
                    "--generation-deterministic",
                    "--no-color",
                ],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
            )
            print(result.stdout[-6000:], result.stderr[-2000:], sep="\n")
            generated = re.search(r"(\d+) generated", result.stdout)
            count = int(generated.group(1)) if generated else 0
            print(f"{role}: {count} generated test cases (at least {MIN_CASES} required), exit {result.returncode}")
            if result.returncode != 0 or count < MIN_CASES:
                failed = True
    finally:
        server.terminate()
        server.wait(timeout=10)
    if failed:
        print(f"\nServer log: {var / 'server.log'}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
