"""Folders: creating, renaming, moving, the trash, and restricting their access."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from documents import policies
from documents.actions.access import _copy_inherited_grants
from documents.actions.common import (
    _delete_files_on_commit,
    _locked,
    _refuse_if_stale,
    _refuse_on_name_conflict,
    _require,
)
from documents.audit_details import DocumentAudit
from documents.models import Document, DocumentVersion, Folder
from documents.uploads import clean_name
from intranet import search
from intranet.audit import record
from intranet.exceptions import ActionRefused
from intranet.models import User


def create_folder(actor: User, *, parent: Folder, name: str) -> Folder:
    _require(policies.can_upload(actor, parent))
    name = clean_name(name)
    with transaction.atomic():
        [parent] = _locked(parent)
        _require(policies.can_upload(actor, parent))
        with _refuse_on_name_conflict():
            folder = Folder.objects.create(
                space_id=parent.space_id,
                parent=parent,
                name=name,
                path="",
                access_root_id=parent.access_root_id,
                created_by=actor,
            )
        folder.path = f"{parent.path}{folder.pk}/"
        folder.save(update_fields=["path"])
        record(actor, DocumentAudit.FOLDER_CREATED, folder, parent=parent.name)
    return folder


def rename_folder(actor: User, *, folder: Folder, name: str, revision: int) -> Folder:
    _require(policies.can_manage_folder(actor, folder))
    if folder.is_root:
        raise ActionRefused(_("The top folder of a space is named after the space."), field="name")
    name = clean_name(name)
    with transaction.atomic():
        with _refuse_on_name_conflict():
            updated = Folder.objects.filter(pk=folder.pk, revision=revision, deleted_at__isnull=True).update(
                name=name, revision=F("revision") + 1
            )
        _refuse_if_stale(updated)
        record(actor, DocumentAudit.FOLDER_RENAMED, folder, name={"from": folder.name, "to": name})
    folder.refresh_from_db()
    return folder


def _check_move(actor: User, folder: Folder, target: Folder) -> None:
    _require(policies.can_manage_folder(actor, folder) and policies.can_upload(actor, target))
    if folder.is_root:
        raise ActionRefused(_("The top folder of a space cannot move."), field="target")
    if target.space_id != folder.space_id:
        raise ActionRefused(_("Folders and documents move within their space."), field="target")
    if target.path.startswith(folder.path):
        raise ActionRefused(_("A folder cannot move into itself or one of its subfolders."), field="target")


def move_folder(actor: User, *, folder: Folder, target: Folder) -> Folder:
    _check_move(actor, folder, target)
    with transaction.atomic():
        folder, target = _locked(folder, target)
        _check_move(actor, folder, target)
        old_path, new_path = folder.path, f"{target.path}{folder.pk}/"
        old_root = folder.access_root_id
        new_root = folder.pk if folder.restricted else target.access_root_id
        subtree = list(Folder.objects.select_for_update().filter(path__startswith=old_path))
        for item in subtree:
            item.path = new_path + item.path[len(old_path) :]
            if item.access_root_id == old_root:
                item.access_root_id = new_root
        with _refuse_on_name_conflict(field="target"):
            Folder.objects.filter(pk=folder.pk).update(parent=target, revision=F("revision") + 1)
        Folder.objects.bulk_update(subtree, ["path", "access_root"])
        record(actor, DocumentAudit.FOLDER_MOVED, folder, parent={"from": folder.parent.name, "to": target.name})
    folder.refresh_from_db()
    return folder


def trash_folder(actor: User, *, folder: Folder) -> None:
    _require(policies.can_manage_folder(actor, folder))
    if folder.is_root:
        raise ActionRefused(_("The top folder of a space cannot be deleted."))
    now = timezone.now()
    with transaction.atomic():
        below = Folder.objects.filter(path__startswith=folder.path, deleted_at__isnull=True).exclude(pk=folder.pk)
        documents = Document.objects.filter(folder__path__startswith=folder.path, deleted_at__isnull=True)
        search.record_change("document", documents.values_list("pk", flat=True))
        documents.update(deleted_at=now, deleted_by=actor, trashed_with=folder)
        below.update(deleted_at=now, deleted_by=actor, trashed_with=folder)
        Folder.objects.filter(pk=folder.pk).update(deleted_at=now, deleted_by=actor, trashed_with=None)
        record(actor, DocumentAudit.FOLDER_TRASHED, folder)


def restore_folder(actor: User, *, folder: Folder) -> None:
    _require(policies.can_restore_from_trash(actor, folder))
    if folder.parent.in_trash:
        raise ActionRefused(_("The folder it was in is in the trash too: restore that one first."))
    with transaction.atomic():
        with _refuse_on_name_conflict():
            Folder.objects.filter(pk=folder.pk).update(deleted_at=None, deleted_by=None)
        Folder.objects.filter(trashed_with=folder).update(deleted_at=None, deleted_by=None, trashed_with=None)
        search.record_change("document", Document.objects.filter(trashed_with=folder).values_list("pk", flat=True))
        Document.objects.filter(trashed_with=folder).update(deleted_at=None, deleted_by=None, trashed_with=None)
        record(actor, DocumentAudit.FOLDER_RESTORED, folder)


def purge_folder(actor: User, *, folder: Folder) -> None:
    _require(policies.can_purge(actor) and folder.in_trash)
    with transaction.atomic():
        stored = set(
            DocumentVersion.objects.filter(document__folder__path__startswith=folder.path).values_list(
                "stored_name", flat=True
            )
        )
        record(actor, DocumentAudit.FOLDER_PURGED, folder, files=len(stored))
        Folder.objects.filter(path__startswith=folder.path).delete()
        _delete_files_on_commit(stored)


def set_folder_restricted(actor: User, *, folder: Folder, restricted: bool) -> Folder:
    """Restricting keeps, as grants written on the folder, the access it inherited until now:
    nobody loses access by surprise, and the manager then removes what should go."""
    _require(policies.can_manage_folder(actor, folder))
    if folder.is_root:
        raise ActionRefused(_("The top folder of a space already decides its own access."))
    with transaction.atomic():
        folder, parent = _locked(folder, folder.parent)
        _require(policies.can_manage_folder(actor, folder))
        if folder.restricted == restricted:
            return folder
        if restricted:
            kept = _copy_inherited_grants(folder)
            Folder.objects.filter(path__startswith=folder.path, access_root_id=folder.access_root_id).update(
                access_root=folder
            )
            Folder.objects.filter(pk=folder.pk).update(restricted=True, access_root=folder)
            record(actor, DocumentAudit.FOLDER_RESTRICTED, folder, kept=kept)
        else:
            parent_root = parent.access_root_id
            Folder.objects.filter(path__startswith=folder.path, access_root_id=folder.pk).update(
                access_root_id=parent_root
            )
            Folder.objects.filter(pk=folder.pk).update(restricted=False)
            record(actor, DocumentAudit.FOLDER_UNRESTRICTED, folder)
    policies.forget_grants(actor)
    folder.refresh_from_db()
    return folder
