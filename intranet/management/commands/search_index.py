"""The search index: ``rebuild`` it (with a progress bar and the rate) or show its ``status``.
Pending changes are applied as they come by the worker (``manage.py worker``, job ``search.index``)."""

import time

from django.core.management.base import BaseCommand
from tqdm import tqdm

from intranet.models import SearchChange
from intranet.search import engine, indexer
from intranet.search.sources import sources


class Command(BaseCommand):
    help = "Rebuild the search index or show its status."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["rebuild", "status"])

    def handle(self, *args, action: str, **options):
        getattr(self, action)()

    def rebuild(self):
        total = sum(_count(source) for source in sources().values())
        started = time.monotonic()
        with tqdm(total=total, unit="doc", desc="Indexing", disable=None) as bar:
            written = indexer.rebuild(progress=bar.update)
        elapsed = max(time.monotonic() - started, 1e-6)
        self.stdout.write(f"{written} documents indexed in {elapsed:.1f} s ({written / elapsed:.0f} documents/s).")

    def status(self):
        current = engine()
        self.stdout.write(f"Engine: {current.name}")
        if not current.exists():
            self.stdout.write("Index: missing (the indexer rebuilds it on start)")
        else:
            last = current.last_commit()
            self.stdout.write(f"Documents: {current.count()}")
            self.stdout.write(f"Last commit: {last.isoformat(timespec='seconds') if last else 'never'}")
        self.stdout.write(f"Pending entries: {SearchChange.objects.count()}")


def _count(source) -> int:
    return sum(1 for _id in source.all_ids())
