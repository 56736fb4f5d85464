"""Serve HTTP and WebSockets with daphne (the ASGI server), after printing how to log in."""

import os
import sys

from django.core.management.base import BaseCommand

from intranet.demo import DEMO_PASSWORD, demo_login_lines


class Command(BaseCommand):
    help = "Serve the intranet (HTTP and WebSockets) with daphne."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)

    def handle(self, *args, host, port, **options):
        self.stdout.write(self.style.SUCCESS(f"\nIntranet: http://{host}:{port}/"))
        lines = demo_login_lines()
        if lines:
            self.stdout.write(f"Demo logins (password: {DEMO_PASSWORD}):")
            self.stdout.write("\n".join(lines))
        self.stdout.write("Stop with Ctrl+C.\n")
        self.stdout.flush()
        command = [sys.executable, "-m", "daphne", "-b", host, "-p", str(port), "intranet.asgi:application"]
        # Replace this process: Ctrl+C and signals from a supervisor reach daphne directly.
        os.execv(sys.executable, command)  # noqa: S606 - fixed arguments, no shell involved
