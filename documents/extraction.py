"""The text of each version, kept for search, read off the request path and within bounds.

An upload leaves its version ``pending``: that row is the queue. The worker (``manage.py
worker``, job ``documents.extract`` in ``documents.jobs``) claims pending versions one at a time
and reads each in a child process (``documents.textread``) limited in time, memory, decompressed
bytes and text length, so that a hostile file costs a bounded child and never a page or the
worker. The worker does not wait for that child: its other jobs (search, e-mails) go on while a
long PDF is read (``Reading``). A file that cannot be read within the bounds is still stored:
its extraction is marked failed, with the reason.
"""

from __future__ import annotations

import logging
import signal
import subprocess
import sys
import tempfile
import time
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from documents import storage, textread
from documents.filetypes import extension_of
from documents.models import DocumentVersion, ExtractionFailure, ExtractionStatus
from intranet import search

logger = logging.getLogger(__name__)

MAX_CHARS = 1_000_000  # enough for search; the rest of a longer text is not read
# DOCX and ODT are zip archives: reading stops once their XML has inflated past this (zip bombs).
MAX_UNZIPPED_BYTES = 64 * 1024 * 1024
MAX_ATTEMPTS = 3  # claims that lapsed (a worker stopped mid-way) before the version is given up
EXTRACTED_EXTENSIONS = textread.EXTRACTED_EXTENSIONS

_FAILURE_OF_EXIT = {
    textread.EXIT_TOO_LARGE: ExtractionFailure.TOO_LARGE,
    textread.EXIT_MEMORY: ExtractionFailure.MEMORY,
    # Past its CPU time the child gets SIGXCPU, then SIGKILL at the hard limit.
    -signal.SIGXCPU: ExtractionFailure.TIMEOUT,
}


def _claim_duration() -> timedelta:
    return timedelta(seconds=settings.DOCUMENTS_EXTRACTION_SECONDS + 60)


def pending_versions():
    """The queue, oldest first: pending versions nobody is reading (or whose reader stopped)."""
    now = timezone.now()
    return (
        DocumentVersion.objects.filter(extraction_status=ExtractionStatus.PENDING)
        .filter(Q(extraction_claimed_until__isnull=True) | Q(extraction_claimed_until__lt=now))
        .order_by("pk")
    )


def claim(version_id: int) -> bool:
    """A conditional update: of two workers, exactly one takes the version."""
    now = timezone.now()
    return bool(
        DocumentVersion.objects.filter(pk=version_id, extraction_status=ExtractionStatus.PENDING)
        .filter(Q(extraction_claimed_until__isnull=True) | Q(extraction_claimed_until__lt=now))
        .update(extraction_claimed_until=now + _claim_duration(), extraction_attempts=F("extraction_attempts") + 1)
    )


def extract_pending(*, limit: int = 20) -> int:
    """Read the text of up to ``limit`` pending versions, one at a time; the number read."""
    done = 0
    for version_id in list(pending_versions().values_list("pk", flat=True)[:limit]):
        if claim(version_id):
            extract_version_text(version_id)
            done += 1
    return done


def extract_version_text(version_id: int) -> str:
    """Read and store the text of one (claimed) version; returns the status."""
    version = DocumentVersion.objects.filter(pk=version_id).first()
    if version is None:
        return ExtractionStatus.FAILED
    outcome = outcome_without_reading(version)
    if outcome is None:
        outcome = read_text(version, extension_of(version.original_name))
    store_text(version, *outcome)
    return outcome[0]


def outcome_without_reading(version: DocumentVersion) -> tuple[str, str, str] | None:
    """(status, text, failure) of a version whose file is not to be read, or None."""
    if extension_of(version.original_name) not in EXTRACTED_EXTENSIONS:
        return ExtractionStatus.UNSUPPORTED, "", ""
    if version.extraction_attempts > MAX_ATTEMPTS:
        return ExtractionStatus.FAILED, "", ExtractionFailure.INTERRUPTED
    return None


def store_text(version: DocumentVersion, status: str, text: str, failure: str) -> None:
    with transaction.atomic():
        DocumentVersion.objects.filter(pk=version.pk).update(
            extraction_status=status, extracted_text=text, extraction_failure=failure, extraction_claimed_until=None
        )
        if text:  # the document is found by its text from now on
            search.record_change("document", [version.document_id])


def release(version_id: int) -> None:
    """Give a claimed version back to the queue (its worker stops): the next worker takes it at
    once, and the interrupted attempt does not count towards giving it up."""
    DocumentVersion.objects.filter(
        pk=version_id, extraction_status=ExtractionStatus.PENDING, extraction_attempts__gt=0
    ).update(extraction_claimed_until=None, extraction_attempts=F("extraction_attempts") - 1)


def textread_command(version: DocumentVersion, extension: str) -> list[str]:
    """The child process that reads one version's file (``documents.textread``), with its bounds."""
    return [
        *(sys.executable, "-m", "documents.textread"),
        *("--max-chars", str(MAX_CHARS), "--max-unzipped-bytes", str(MAX_UNZIPPED_BYTES)),
        *("--memory-mb", str(settings.DOCUMENTS_EXTRACTION_MEMORY_MB)),
        *("--cpu-seconds", str(settings.DOCUMENTS_EXTRACTION_SECONDS)),
        *(extension, str(storage.path_of(version.stored_name))),
    ]


def read_text(version: DocumentVersion, extension: str) -> tuple[str, str, str]:
    """(status, text, failure) of one version's file, read by a child process within bounds."""
    seconds = settings.DOCUMENTS_EXTRACTION_SECONDS
    command = textread_command(version, extension)
    try:
        # No environment: the child reading an untrusted file needs none of the server's secrets.
        child = subprocess.run(  # noqa: S603 - fixed command; the path is our own stored name
            command,
            capture_output=True,
            timeout=seconds,
            cwd=settings.BASE_DIR,
            env={},
            check=False,
            start_new_session=True,  # Ctrl+C in the worker's terminal must not fail the reading
        )
    except subprocess.TimeoutExpired:  # the child is killed
        return _stopped(version, ExtractionFailure.TIMEOUT)
    return _outcome(version, child.returncode, child.stdout, child.stderr)


class Reading:
    """One version's file being read by its child process, which the worker looks at between
    its other jobs instead of waiting for it. Its output goes to temporary files, so that a
    long text never blocks the child on a full pipe."""

    def __init__(self, version: DocumentVersion, extension: str) -> None:
        self.version = version
        self.output = tempfile.TemporaryFile()  # noqa: SIM115 - closed in close()
        self.errors = tempfile.TemporaryFile()  # noqa: SIM115 - closed in close()
        self.deadline = time.monotonic() + settings.DOCUMENTS_EXTRACTION_SECONDS
        self.child = subprocess.Popen(  # noqa: S603 - fixed command; the path is our own stored name
            textread_command(version, extension),
            stdout=self.output,
            stderr=self.errors,
            cwd=settings.BASE_DIR,
            env={},  # as in read_text: none of the server's secrets
            start_new_session=True,  # Ctrl+C in the terminal reaches the worker, which stops it
        )

    def outcome(self, wait: float = 0) -> tuple[str, str, str] | None:
        """(status, text, failure) once the child is done (waiting at most ``wait`` seconds for
        it), None while it reads. Past its time it is killed."""
        try:
            returncode = self.child.wait(timeout=max(0.0, min(wait, self.deadline - time.monotonic())))
        except subprocess.TimeoutExpired:
            if time.monotonic() < self.deadline:
                return None
            self.close()
            return _stopped(self.version, ExtractionFailure.TIMEOUT)
        self.output.seek(0)
        self.errors.seek(0)
        result = _outcome(self.version, returncode, self.output.read(MAX_CHARS * 4), self.errors.read())
        self.close()
        return result

    def close(self) -> None:
        """Stop the child if it still runs, and let go of its files."""
        if self.child.poll() is None:
            self.child.kill()
            self.child.wait()
        self.output.close()
        self.errors.close()


def _outcome(version: DocumentVersion, returncode: int, stdout: bytes, stderr: bytes) -> tuple[str, str, str]:
    if returncode == 0:
        text = stdout.decode("utf-8", errors="replace")[:MAX_CHARS].replace("\x00", "")
        return ExtractionStatus.DONE, text, ""
    failure = _FAILURE_OF_EXIT.get(returncode, ExtractionFailure.UNREADABLE)
    if failure == ExtractionFailure.UNREADABLE:
        logger.warning(
            "Text extraction failed for version %s (%s), exit %s: %s",
            version.pk,
            version.original_name,
            returncode,
            stderr.decode("utf-8", errors="replace")[-2000:],
        )
    return _stopped(version, failure)


def _stopped(version: DocumentVersion, failure: str) -> tuple[str, str, str]:
    logger.warning("Text extraction stopped for version %s (%s): %s", version.pk, version.original_name, failure)
    return ExtractionStatus.FAILED, "", failure
