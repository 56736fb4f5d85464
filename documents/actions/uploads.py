"""Uploads: a new document or a new version, its file placed with its row, at a bounded rate."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import timedelta
from math import ceil

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.timesince import timeuntil
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from documents import policies, storage
from documents.actions.common import _locked, _require
from documents.audit_details import DocumentAudit
from documents.extraction import EXTRACTED_EXTENSIONS
from documents.filetypes import check_file_type, extension_of
from documents.models import Document, DocumentVersion, ExtractionStatus, Folder
from documents.uploads import IncomingFile, clean_name, too_large_message
from intranet import search
from intranet.activity_live import tell_open_homes
from intranet.audit import record
from intranet.exceptions import ActionRefused
from intranet.models import User


class UploadRateExceeded(ActionRefused):
    """The person uploaded as many files as the window allows; ``retry_after`` in seconds."""

    def __init__(self, message: str, *, retry_after: int):
        super().__init__(message, field="file")
        self.retry_after = retry_after


_RATE_PERIODS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}


def upload_rate() -> tuple[int, int]:
    """``DOCUMENTS_UPLOAD_RATE`` ("60/hour") as (files, seconds)."""
    count, _slash, period = settings.DOCUMENTS_UPLOAD_RATE.partition("/")
    return int(count), _RATE_PERIODS[period.strip().removesuffix("s")]


def check_upload_rate(actor: User) -> None:
    """Refuse an upload past the person's rate, pages and API together. Counted from the versions
    they stored, so every node and process agrees; the views also ask before reading a body."""
    count, seconds = upload_rate()
    now = timezone.now()
    window = timedelta(seconds=seconds)
    recent = DocumentVersion.objects.filter(uploaded_by=actor, uploaded_at__gt=now - window, restored_from=None)
    times = list(recent.order_by("-uploaded_at").values_list("uploaded_at", flat=True)[:count])
    if len(times) < count:
        return
    retry_after = max(1, ceil((times[-1] + window - now).total_seconds()))
    message = ngettext(
        "You may upload at most %(count)s file in %(period)s: try again in %(wait)s.",
        "You may upload at most %(count)s files in %(period)s: try again in %(wait)s.",
        count,
    ) % {
        "count": count,
        "period": timeuntil(now + window, now),
        "wait": timeuntil(now + timedelta(seconds=max(retry_after, 60)), now),
    }
    raise UploadRateExceeded(message, retry_after=retry_after)


def _checked_upload(incoming: IncomingFile):
    name = clean_name(incoming.name, field="file")
    if incoming.too_large:
        raise ActionRefused(too_large_message(name), field="file")
    if incoming.size == 0:
        raise ActionRefused(_("“%(name)s” is empty; it was not stored.") % {"name": name}, field="file")
    return name, check_file_type(name, incoming.path, incoming.head)


class _Placement:
    """The stored name an upload's file got, so that a failed transaction can remove it."""

    stored_name: str | None = None


def _store_version(
    actor: User, document: Document, incoming: IncomingFile, name: str, file_type, placement: _Placement
) -> DocumentVersion:
    """Inside the upload's transaction: move the file into place, then write its row."""
    number = (document.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    placement.stored_name = storage.place_incoming(incoming.path)
    incoming.placed = True
    version = DocumentVersion.objects.create(
        document=document,
        number=number,
        stored_name=placement.stored_name,
        original_name=name,
        size=incoming.size,
        content_type=file_type.content_type,
        sha256=incoming.sha256,
        uploaded_by=actor,
        # Pending: the extraction worker reads its text after the commit (documents.extraction).
        extraction_status=(
            ExtractionStatus.PENDING if extension_of(name) in EXTRACTED_EXTENSIONS else ExtractionStatus.UNSUPPORTED
        ),
    )
    Document.objects.filter(pk=document.pk).update(current_version=version, updated_at=timezone.now())
    search.record_change("document", [document.pk])
    # Open homes of those who may see the space's news read them again (the frame names nothing).
    tell_open_homes(Folder.objects.filter(pk=document.folder_id).values_list("space__college_id", flat=True).first())
    document.current_version = version
    return version


@contextmanager
def _file_and_row_together(incoming: IncomingFile):
    """Run an upload's transaction; if it fails, neither the row nor the file remains."""
    placement = _Placement()
    try:
        with transaction.atomic():
            yield placement
    except BaseException:
        incoming.discard()
        if placement.stored_name:
            storage.delete_stored(placement.stored_name)
        raise


def upload_document(
    actor: User, *, folder: Folder, incoming: IncomingFile, description: str = ""
) -> tuple[Document, DocumentVersion, bool]:
    """A new document, or a new version of the document of the same name in the folder.

    Returns the document, its new version, and whether the document is new.
    """
    try:
        _require(policies.can_upload(actor, folder))
        check_upload_rate(actor)
        name, file_type = _checked_upload(incoming)
    except BaseException:
        incoming.discard()
        raise
    with _file_and_row_together(incoming) as placement:
        [folder] = _locked(folder)
        _require(policies.can_upload(actor, folder))
        document = _live_document(folder, name)
        created = document is None
        if created:
            try:
                with transaction.atomic():
                    document = Document.objects.create(
                        folder=folder, name=name, description=description, created_by=actor
                    )
            except IntegrityError:
                # Someone uploaded the same name meanwhile: this file becomes its next version.
                document, created = _live_document(folder, name), False
                if document is None:
                    raise
        version = _store_version(actor, document, incoming, name, file_type, placement)
        if created:
            record(actor, DocumentAudit.DOCUMENT_UPLOADED, document, folder=folder.name, size=version.size)
        else:
            record(actor, DocumentAudit.DOCUMENT_VERSION_ADDED, document, version=version.number, size=version.size)
    return document, version, created


def _live_document(folder: Folder, name: str) -> Document | None:
    return Document.objects.select_for_update().filter(folder=folder, name=name, deleted_at__isnull=True).first()


def add_version(actor: User, *, document: Document, incoming: IncomingFile) -> DocumentVersion:
    try:
        _require(policies.can_change_document(actor, document))
        check_upload_rate(actor)
        name, file_type = _checked_upload(incoming)
    except BaseException:
        incoming.discard()
        raise
    with _file_and_row_together(incoming) as placement:
        document = Document.objects.select_for_update().get(pk=document.pk)
        version = _store_version(actor, document, incoming, name, file_type, placement)
        record(actor, DocumentAudit.DOCUMENT_VERSION_ADDED, document, version=version.number, size=version.size)
    return version
