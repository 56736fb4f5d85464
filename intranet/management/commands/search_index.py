"""The search index: ``rebuild`` it (with a progress bar and the rate), show its ``status``, or
``work``: apply pending changes as they come (what `make run` starts beside the server)."""

import os
import time

from django.core.management.base import BaseCommand
from tqdm import tqdm

from intranet.models import SearchChange
from intranet.search import engine, indexer
from intranet.search.sources import sources


class Command(BaseCommand):
    help = "Rebuild the search index, show its status, or apply pending changes (work)."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["rebuild", "status", "work"])
        parser.add_argument("--once", action="store_true", help="work: apply what is pending, then stop.")
        parser.add_argument(
            "--stop-with-parent", action="store_true", help="work: stop when the process that started it ends."
        )

    def handle(self, *args, action: str, once: bool = False, stop_with_parent: bool = False, **options):
        getattr(self, action)(once=once, stop_with_parent=stop_with_parent)

    def rebuild(self, **_options):
        total = sum(_count(source) for source in sources().values())
        started = time.monotonic()
        with tqdm(total=total, unit="doc", desc="Indexing", disable=None) as bar:
            written = indexer.rebuild(progress=bar.update)
        elapsed = max(time.monotonic() - started, 1e-6)
        self.stdout.write(f"{written} documents indexed in {elapsed:.1f} s ({written / elapsed:.0f} documents/s).")

    def status(self, **_options):
        current = engine()
        self.stdout.write(f"Engine: {current.name}")
        if not current.exists():
            self.stdout.write("Index: missing (the indexer rebuilds it on start)")
        else:
            last = current.last_commit()
            self.stdout.write(f"Documents: {current.count()}")
            self.stdout.write(f"Last commit: {last.isoformat(timespec='seconds') if last else 'never'}")
        self.stdout.write(f"Pending entries: {SearchChange.objects.count()}")

    def work(self, *, once: bool, stop_with_parent: bool, **_options):
        parent = os.getppid()
        indexer.run(once=once, should_stop=lambda: stop_with_parent and os.getppid() != parent)


def _count(source) -> int:
    return sum(1 for _id in source.all_ids())
