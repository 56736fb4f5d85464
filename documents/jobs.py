"""The documents' background job: reading the text of uploaded versions for search.

The pending versions are the queue (``documents.extraction``): each is claimed before it is
read, so the workers of several nodes share it and never read a version twice. One file at a
time per worker, in a bounded child process at a low priority; while it reads, the worker's
other jobs go on.
"""

from __future__ import annotations

from documents import extraction
from documents.filetypes import extension_of
from documents.models import DocumentVersion
from intranet.jobs import Job, Report

WAIT_FOR_CHILD = 0.2  # seconds a pass waits for the reading child: the worker's pause meanwhile


class TextExtraction:
    """Claims the next pending version and starts its reading; at the next passes, looks at the
    child and stores the text once it is done."""

    def __init__(self) -> None:
        self.reading: extraction.Reading | None = None

    def __call__(self) -> Report:
        if self.reading is not None:
            return self.finish_reading()
        for version_id in extraction.pending_versions().values_list("pk", flat=True)[:20]:
            if extraction.claim(version_id):
                return self.start(version_id)
        return Report()

    def start(self, version_id: int) -> Report:
        version = DocumentVersion.objects.filter(pk=version_id).first()
        if version is None:
            return Report(more=True)
        outcome = extraction.outcome_without_reading(version)
        if outcome is not None:
            extraction.store_text(version, *outcome)
            return Report(more=True)
        self.reading = extraction.Reading(version, extension_of(version.original_name))
        return Report(more=True)

    def finish_reading(self) -> Report:
        reading = self.reading
        outcome = reading.outcome(wait=WAIT_FOR_CHILD)
        if outcome is None:
            return Report(more=True)
        self.reading = None
        extraction.store_text(reading.version, *outcome)
        status, text, failure = outcome
        detail = f"{len(text)} characters" if text else failure or status
        return Report(f"Text of {reading.version.original_name!r} (version {reading.version.pk}): {detail}.", more=True)

    def stop(self) -> None:
        """The worker stops: the reading under way is given up and its version goes back to the
        queue, for the next worker to read from the start."""
        if self.reading is not None:
            self.reading.close()
            extraction.release(self.reading.version.pk)
            self.reading = None


text_extraction = TextExtraction()

JOBS = (Job("documents.extract", text_extraction, every=1.0, exclusive=False, stop=text_extraction.stop),)
