"""Documents once stored: restoring a version, describing, moving, the trash."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from documents import policies
from documents.actions.common import _delete_files_on_commit, _refuse_if_stale, _refuse_on_name_conflict, _require
from documents.audit_details import DocumentAudit
from documents.models import Document, DocumentVersion, Folder
from documents.uploads import clean_name
from intranet import search
from intranet.audit import record
from intranet.exceptions import ActionRefused
from intranet.models import User


def restore_version(actor: User, *, version: DocumentVersion) -> DocumentVersion:
    """An old version becomes the newest, as a new version sharing its file."""
    document = version.document
    _require(policies.can_change_document(actor, document))
    with transaction.atomic():
        document = Document.objects.select_for_update().get(pk=document.pk)
        number = document.versions.order_by("-number").values_list("number", flat=True).first() + 1
        restored = DocumentVersion.objects.create(
            document=document,
            number=number,
            stored_name=version.stored_name,
            original_name=version.original_name,
            size=version.size,
            content_type=version.content_type,
            sha256=version.sha256,
            uploaded_by=actor,
            restored_from=version,
            extraction_status=version.extraction_status,
            extracted_text=version.extracted_text,
            extraction_failure=version.extraction_failure,
        )
        Document.objects.filter(pk=document.pk).update(current_version=restored, updated_at=timezone.now())
        record(actor, DocumentAudit.DOCUMENT_VERSION_RESTORED, document, restored=version.number, version=number)
        search.record_change("document", [document.pk])
    return restored


def update_document(actor: User, *, document: Document, name: str, description: str, revision: int) -> Document:
    """Rename (managers) and describe (anyone who may upload there)."""
    _require(policies.can_change_document(actor, document))
    name = clean_name(name)
    if name != document.name:
        _require(policies.can_manage_document(actor, document))
    with transaction.atomic():
        with _refuse_on_name_conflict():
            updated = Document.objects.filter(pk=document.pk, revision=revision, deleted_at__isnull=True).update(
                name=name, description=description, revision=F("revision") + 1, updated_at=timezone.now()
            )
        _refuse_if_stale(updated)
        changes = {}
        if name != document.name:
            changes["name"] = {"from": document.name, "to": name}
        if description != document.description:
            changes["description"] = _("changed")
        record(actor, DocumentAudit.DOCUMENT_UPDATED, document, **changes)
        search.record_change("document", [document.pk])
    document.refresh_from_db()
    return document


def move_document(actor: User, *, document: Document, target: Folder) -> Document:
    _require(policies.can_manage_document(actor, document) and policies.can_upload(actor, target))
    if target.space_id != document.folder.space_id:
        raise ActionRefused(_("Folders and documents move within their space."), field="target")
    with transaction.atomic():
        with _refuse_on_name_conflict(field="target"):
            Document.objects.filter(pk=document.pk).update(folder=target, revision=F("revision") + 1)
        record(actor, DocumentAudit.DOCUMENT_MOVED, document, folder={"from": document.folder.name, "to": target.name})
        search.record_change("document", [document.pk])
    document.refresh_from_db()
    return document


def trash_document(actor: User, *, document: Document) -> None:
    _require(policies.can_manage_document(actor, document))
    with transaction.atomic():
        Document.objects.filter(pk=document.pk).update(deleted_at=timezone.now(), deleted_by=actor, trashed_with=None)
        record(actor, DocumentAudit.DOCUMENT_TRASHED, document)
        search.record_change("document", [document.pk])


def restore_document(actor: User, *, document: Document) -> None:
    _require(policies.can_restore_from_trash(actor, document))
    if document.folder.in_trash:
        raise ActionRefused(_("The folder it was in is in the trash too: restore that one first."))
    with transaction.atomic():
        with _refuse_on_name_conflict():
            Document.objects.filter(pk=document.pk).update(deleted_at=None, deleted_by=None)
        record(actor, DocumentAudit.DOCUMENT_RESTORED, document)
        search.record_change("document", [document.pk])


def purge_document(actor: User, *, document: Document) -> None:
    _require(policies.can_purge(actor) and document.in_trash)
    with transaction.atomic():
        stored = set(document.versions.values_list("stored_name", flat=True))
        record(actor, DocumentAudit.DOCUMENT_PURGED, document, files=len(stored))
        search.record_change("document", [document.pk])
        Document.objects.filter(pk=document.pk).delete()
        _delete_files_on_commit(stored)
