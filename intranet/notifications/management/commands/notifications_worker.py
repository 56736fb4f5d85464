"""Send the e-mails waiting in the outbox, and queue the daily digests.

`make run` starts it beside the server. Several can run at once (one per machine): each e-mail
is claimed before it is sent and each digest has a unique key, so nothing goes out twice; and
each pass takes its database lock (`intranet.jobs`), so one node at a time queues or sends.
"""

import logging
import os
import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from intranet.jobs import run_exclusive
from intranet.notifications.actions import queue_daily_digests, send_due_emails

logger = logging.getLogger(__name__)
DIGEST_CHECK_EVERY = 60  # seconds


class Command(BaseCommand):
    help = "Send queued e-mails (retrying failures with backoff) and queue the daily digests."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Queue the digests, send what is due, and stop.")
        parser.add_argument("--interval", type=float, default=1.0, help="Seconds between sends (default 1).")
        parser.add_argument(
            "--stop-with-parent", action="store_true", help="Stop when the process that started this one ends."
        )

    def handle(self, *args, once: bool, interval: float, stop_with_parent: bool = False, **options):
        parent = os.getppid()
        last_digest_check = 0.0
        while not (stop_with_parent and os.getppid() != parent):
            try:
                if once or time.monotonic() - last_digest_check >= DIGEST_CHECK_EVERY:
                    digests = run_exclusive("notifications.digests", queue_daily_digests, if_busy=0)
                    last_digest_check = time.monotonic()
                    if digests:
                        self.stdout.write(f"{digests} digest(s) queued.")
                results = run_exclusive("notifications.send", send_due_emails, if_busy={})
                if once or any(results.values()):
                    self.stdout.write(", ".join(f"{count} {name}" for name, count in results.items()))
            except Exception:
                if once:
                    raise
                logger.exception("The e-mail worker failed; trying again shortly.")
                time.sleep(5)
            if once:
                return
            close_old_connections()
            time.sleep(interval)
