"""The periodic jobs: close board votes past their deadline, remind those closing within a day.

Safe to run every minute and on several machines at once: each job takes its database lock for
the pass (`intranet.jobs`), so only one node runs it at a time; and each vote is closed under its
row lock, a reminder marked by a conditional update. `make run` starts it beside the server;
in production run it from cron with ``--once``, or as a service without it.
"""

import logging
import os
import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from intranet.jobs import run_exclusive
from workflows.actions import close_votes_past_deadline, remind_votes_closing_soon

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Close board votes past their deadline and remind those closing within 24 hours."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Run the jobs once and stop (for cron).")
        parser.add_argument("--interval", type=int, default=30, help="Seconds between runs (default 30).")
        parser.add_argument(
            "--stop-with-parent", action="store_true", help="Stop when the process that started this one ends."
        )

    def handle(self, *args, once: bool, interval: int, stop_with_parent: bool = False, **options):
        parent = os.getppid()

        def orphaned() -> bool:
            return stop_with_parent and os.getppid() != parent

        while not orphaned():
            try:
                closed = run_exclusive("workflows.close_votes", close_votes_past_deadline, if_busy=[])
                reminded = run_exclusive("workflows.remind_votes", remind_votes_closing_soon, if_busy=[])
                if closed or reminded or once:
                    self.stdout.write(f"{len(closed)} vote(s) closed, {len(reminded)} reminder(s).")
            except Exception:
                if once:
                    raise
                logger.exception("Periodic jobs failed; trying again at the next run.")
            if once:
                return
            close_old_connections()
            for _second in range(interval):
                if orphaned():
                    return
                time.sleep(1)
