"""Find files and rows that do not match: files without a row (left by a crash between the move
and the commit, or by an interrupted upload), and versions whose file is missing.

Reports by default; ``--delete`` removes stray files older than ``--min-age`` minutes (younger
ones may belong to an upload in progress). A version without its file is only reported: its
row is the record that the file existed, and restoring the file from a backup fixes it.
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from documents import storage
from documents.models import DocumentVersion


class Command(BaseCommand):
    help = "Report (and optionally delete) document files without a row, and rows without a file."

    def add_arguments(self, parser):
        parser.add_argument("--delete", action="store_true", help="Delete stray files and abandoned uploads.")
        parser.add_argument("--min-age", type=int, default=60, help="Only files older than this many minutes.")

    def handle(self, *args, delete: bool, min_age: int, **options):
        # The disk first, the rows second: a file committed in between is then known, not a stray.
        on_disk = storage.stored_files()
        known = set(DocumentVersion.objects.values_list("stored_name", flat=True))
        cutoff = time.time() - min_age * 60
        strays = sorted(name for name in on_disk - known if storage.path_of(name).stat().st_mtime < cutoff)
        incoming = sorted(
            path for path in storage.incoming_dir().iterdir() if path.is_file() and path.stat().st_mtime < cutoff
        )
        missing = sorted(known - on_disk)
        for name in strays:
            self.stdout.write(f"stray file: {name}")
        for path in incoming:
            self.stdout.write(f"abandoned upload: {path.name}")
        for name in missing:
            versions = DocumentVersion.objects.filter(stored_name=name).values_list("document_id", "number")
            for document_id, number in versions:
                self.stdout.write(f"missing file: {name} (document {document_id}, version {number})")
        if delete:
            for name in strays:
                storage.delete_stored(name)
            for path in incoming:
                path.unlink(missing_ok=True)
        verb = "deleted" if delete else "found"
        self.stdout.write(
            f"{len(strays)} stray file(s) and {len(incoming)} abandoned upload(s) {verb}; "
            f"{len(missing)} version(s) without their file."
        )
