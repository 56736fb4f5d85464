"""Read the text of uploaded versions for search, off the request path (``documents.extraction``).

`make run` starts it beside the server. Several can run at once (one per node): each version is
claimed before it is read. Each file is read in a child process bounded in time and memory, one
at a time, so extraction never takes more than one core of the machine, at a lower priority.
"""

import logging
import os
import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from documents.extraction import extract_pending

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Read the text of uploaded documents for search (pending versions, one at a time)."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Read what is pending, then stop.")
        parser.add_argument("--interval", type=float, default=1.0, help="Seconds between looks (default 1).")
        parser.add_argument(
            "--stop-with-parent", action="store_true", help="Stop when the process that started this one ends."
        )

    def handle(self, *args, once: bool, interval: float, stop_with_parent: bool = False, **options):
        parent = os.getppid()
        while not (stop_with_parent and os.getppid() != parent):
            try:
                read = extract_pending()
                if read:
                    self.stdout.write(f"{read} version(s) read.")
            except Exception:
                if once:
                    raise
                logger.exception("Text extraction failed; trying again shortly.")
                read = 0
                time.sleep(5)
            if once and not read:
                return
            if not read:
                close_old_connections()
                time.sleep(interval)
