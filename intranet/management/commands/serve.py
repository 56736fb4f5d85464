"""Serve HTTP and WebSockets with one ASGI server, after printing how to log in.

uvicorn by default (what `make run` starts), with uvloop, the sans-I/O WebSocket implementation
and no per-message deflate: it delivers live events about twice as fast as daphne at hundreds of
open pages, and it streams request bodies, where daphne holds a whole upload in memory before
the application reads it (see BENCHMARKS.md). ``--server daphne`` remains available.
"""

import os
import subprocess
import sys

from django.core.management.base import BaseCommand

from intranet.demo import DEMO_PASSWORD, demo_login_lines
from intranet.env import env_str
from intranet.links import served_address
from realtime.events import MAX_FRAME_BYTES as WEBSOCKET_MAX_BYTES


class Command(BaseCommand):
    help = "Serve the intranet (HTTP and WebSockets) with uvicorn (or daphne)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--server", choices=["daphne", "uvicorn"], default="uvicorn")
        parser.add_argument(
            "--no-jobs",
            action="store_true",
            help="Do not start the background worker (manage.py worker) beside it.",
        )
        parser.add_argument(
            "--keep-alive",
            type=int,
            default=5,
            help="Seconds an idle HTTP connection is kept open (uvicorn). Behind a proxy, longer than "
            "the proxy's own idle timeout for its connections to the application.",
        )

    def handle(self, *args, host, port, server, no_jobs=False, keep_alive=5, **options):
        if env_str("SITE_URL") is None:
            # Links in e-mails point where this server listens (`make run PORT=8101`), in the
            # server's processes and in the worker started below, which inherits the environment.
            os.environ["SITE_URL"] = served_address(host, port)
        self.stdout.write(self.style.SUCCESS(f"\nIntranet: {served_address(host, port)}/"))
        lines = demo_login_lines()
        if lines:
            self.stdout.write(f"Demo logins (password: {DEMO_PASSWORD}):")
            self.stdout.write("\n".join(lines))
        self.stdout.write("Stop with Ctrl+C.\n")
        self.stdout.flush()
        if server == "uvicorn":
            command = [
                *(sys.executable, "-m", "uvicorn", "--host", host, "--port", str(port)),
                *("--loop", "uvloop", "--ws", "websockets-sansio", "--ws-per-message-deflate", "false"),
                *("--timeout-keep-alive", str(keep_alive)),
                # A page's messages are a few hundred bytes: a larger frame is refused by the
                # server itself, before the application reads it (the consumer refuses > 2,000).
                *("--ws-max-size", str(WEBSOCKET_MAX_BYTES)),
                "intranet.asgi:application",
            ]
        else:
            command = [sys.executable, "-m", "daphne", "-b", host, "-p", str(port), "intranet.asgi:application"]
        if not no_jobs:
            # The background worker (search indexing, e-mails, text extraction, votes past their
            # deadline) runs beside the server; Ctrl+C in the terminal reaches it too, as it shares
            # the process group, and it stops by itself if the server goes.
            subprocess.Popen([sys.executable, "manage.py", "worker", "--stop-with-parent"])
        # Replace this process: Ctrl+C and signals from a supervisor reach the server directly.
        os.execv(sys.executable, command)  # noqa: S606 - fixed arguments, no shell involved
