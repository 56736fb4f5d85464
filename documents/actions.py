"""Every change in the document spaces: folders, documents, versions, the trash and access.

Each action checks the folder policy, runs in one transaction with its audit row, and leaves
files and rows consistent: an upload's file is moved into place inside the transaction that
creates its row (and removed again if that transaction fails); files deleted for good are
removed only after the commit.
"""

from __future__ import annotations

from contextlib import contextmanager
from datetime import timedelta
from math import ceil

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.timesince import timeuntil
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from guardian.shortcuts import assign_perm, remove_perm

from documents import notifications, policies, storage
from documents.extraction import EXTRACTED_EXTENSIONS
from documents.filetypes import check_file_type, extension_of
from documents.models import (
    PERMISSION_OF_LEVEL,
    AccessLevel,
    Document,
    DocumentVersion,
    ExtractionStatus,
    Folder,
    Space,
    SpaceKind,
)
from documents.selectors import grants_on
from documents.uploads import IncomingFile, clean_name, too_large_message
from intranet import search
from intranet.actions import ActionRefused
from intranet.audit import AuditAction, record
from intranet.groups import ALL_MEMBERS_GROUP, BOARD_GROUP, group_label, system_group
from intranet.models import College, User


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied("The folder policy refuses this.")


@contextmanager
def _refuse_on_name_conflict(field: str = "name"):
    try:
        with transaction.atomic():
            yield
    except IntegrityError as error:
        raise ActionRefused(_("Something with this name already exists in this folder."), field=field) from error


def _refuse_if_stale(updated_rows: int) -> None:
    if not updated_rows:
        raise ActionRefused(
            _("Someone else changed this in the meantime. Reload the page to see their change, then try again."),
            field="name",
        )


# --- Spaces --------------------------------------------------------------------------------


def create_space(
    *, kind: str, slug: str, name: str, college: College | None = None, position: int = 0, description: str = ""
) -> Space:
    """A space with its root folder and default access (called by the collège and setup actions)."""
    space = Space.objects.create(
        kind=kind, slug=slug, name=name, college=college, position=position, description=description
    )
    root = Folder.objects.create(space=space, name=name, path="")
    root.path = f"/{root.pk}/"
    root.access_root = root
    root.save(update_fields=["path", "access_root"])
    if kind == SpaceKind.COLLEGE:
        assign_perm(PERMISSION_OF_LEVEL[AccessLevel.UPLOAD], college.members_group, root)
        assign_perm(PERMISSION_OF_LEVEL[AccessLevel.MANAGE], college.coordinators_group, root)
    elif kind == SpaceKind.BOARD:
        assign_perm(PERMISSION_OF_LEVEL[AccessLevel.UPLOAD], system_group(BOARD_GROUP), root)
    else:
        assign_perm(PERMISSION_OF_LEVEL[AccessLevel.VIEW], system_group(ALL_MEMBERS_GROUP), root)
    return space


def create_space_for_college(college: College) -> Space:
    return create_space(
        kind=SpaceKind.COLLEGE,
        slug=f"college-{college.slug}",
        name=college.name,
        college=college,
        position=10 + college.position,
    )


# --- Folders -------------------------------------------------------------------------------


def _locked(*folders: Folder) -> list[Folder]:
    """Fresh copies of the folders, locked in id order (the same order for every writer).

    Checks are made again on these: the copies a view loaded may be stale by now (a parent
    restricted, moved or deleted meanwhile).
    """
    rows = Folder.objects.select_for_update().filter(pk__in=[folder.pk for folder in folders]).order_by("pk")
    by_id = {row.pk: row for row in rows}
    if len(by_id) != len({folder.pk for folder in folders}):
        raise ActionRefused(_("This folder no longer exists."))
    return [by_id[folder.pk] for folder in folders]


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
        record(actor, AuditAction.FOLDER_CREATED, folder, parent=parent.name)
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
        record(actor, AuditAction.FOLDER_RENAMED, folder, name={"from": folder.name, "to": name})
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
        record(actor, AuditAction.FOLDER_MOVED, folder, parent={"from": folder.parent.name, "to": target.name})
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
        record(actor, AuditAction.FOLDER_TRASHED, folder)


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
        record(actor, AuditAction.FOLDER_RESTORED, folder)


def purge_folder(actor: User, *, folder: Folder) -> None:
    _require(policies.can_purge(actor) and folder.in_trash)
    with transaction.atomic():
        stored = set(
            DocumentVersion.objects.filter(document__folder__path__startswith=folder.path).values_list(
                "stored_name", flat=True
            )
        )
        record(actor, AuditAction.FOLDER_PURGED, folder, files=len(stored))
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
            record(actor, AuditAction.FOLDER_RESTRICTED, folder, kept=kept)
        else:
            parent_root = parent.access_root_id
            Folder.objects.filter(path__startswith=folder.path, access_root_id=folder.pk).update(
                access_root_id=parent_root
            )
            Folder.objects.filter(pk=folder.pk).update(restricted=False)
            record(actor, AuditAction.FOLDER_UNRESTRICTED, folder)
    policies.forget_grants(actor)
    folder.refresh_from_db()
    return folder


def _copy_inherited_grants(folder: Folder) -> list[str]:
    chain_above = folder.inheritance_chain_ids()[:-1]
    best: dict[tuple[str, int], tuple[int, object]] = {}
    for grant in grants_on([*chain_above, folder.pk]):
        principal = grant.user or grant.group
        key = ("user" if grant.user else "group", principal.pk)
        if key not in best or grant.level > best[key][0]:
            best[key] = (grant.level, principal)
    kept = []
    for level, principal in best.values():
        _set_grant(folder, principal, level)
        kept.append(f"{_principal_label(principal)}: {AccessLevel(level).label}")
    return sorted(kept)


def _principal_label(principal) -> str:
    return principal.email if isinstance(principal, User) else group_label(principal)


def _set_grant(folder: Folder, principal, level: int | None) -> None:
    """Give exactly one level (or none) to a person or group on a folder."""
    for other_level, codename in PERMISSION_OF_LEVEL.items():
        if other_level != level:
            remove_perm(codename, principal, folder)
    if level:
        assign_perm(PERMISSION_OF_LEVEL[level], principal, folder)


def _current_level(folder: Folder, principal) -> int | None:
    for grant in grants_on([folder.pk]):
        if (grant.user or grant.group) == principal and isinstance(grant.user or grant.group, type(principal)):
            return grant.level
    return None


def grant_folder_access(actor: User, *, folder: Folder, level: int, user: User | None = None, group=None) -> None:
    _require(policies.can_manage_folder(actor, folder))
    principal = user or group
    if principal is None or (user is not None and group is not None):
        raise ActionRefused(_("Choose one person or one group."), field="principal")
    if user is not None and not user.is_active:
        raise ActionRefused(_("This account is deactivated."), field="principal")
    level = AccessLevel(int(level))
    with transaction.atomic():
        before = _current_level(folder, principal)
        _set_grant(folder, principal, level)
        if before is None and user is not None:
            notifications.folder_shared(actor, folder, user)
        elif before is None:
            notifications.folder_shared_with_group(actor, folder, group)
        record(
            actor,
            AuditAction.ACCESS_GRANTED,
            folder,
            **{"to": _principal_label(principal)},
            level={"from": AccessLevel(before).label if before else None, "to": level.label},
        )
    policies.forget_grants(actor)


def revoke_folder_access(actor: User, *, folder: Folder, user: User | None = None, group=None) -> None:
    _require(policies.can_manage_folder(actor, folder))
    principal = user or group
    if principal is None or (user is not None and group is not None):
        raise ActionRefused(_("Choose one person or one group."), field="principal")
    with transaction.atomic():
        before = _current_level(folder, principal)
        if before is None:
            raise ActionRefused(_("This person or group has no access written on this folder."))
        _set_grant(folder, principal, None)
        record(
            actor,
            AuditAction.ACCESS_REVOKED,
            folder,
            **{"from": _principal_label(principal)},
            level=AccessLevel(before).label,
        )
    policies.forget_grants(actor)


# --- Documents -----------------------------------------------------------------------------


# --- Folders whose access a process decides (a proposal's documents) -----------------------


def create_process_folder(actor: User, *, parent: Folder, name: str, grants: list[tuple[object, int]] | None) -> Folder:
    """A folder under ``parent`` for a process: restricted to exactly ``grants`` (changed later by
    ``set_process_access`` as the process moves on), or inheriting its parent's access when
    ``grants`` is None. The process's transition is the authority here: the actor needs no right
    on ``parent``. An open folder of that name already there is reused; a restricted one never is
    (someone may have made a folder of that name first): it gets a free name instead."""
    name = clean_name(name)
    restricted = grants is not None
    with transaction.atomic():
        [parent] = _locked(parent)
        taken = set(Folder.objects.filter(parent=parent, deleted_at__isnull=True).values_list("name", flat=True))
        if name in taken and not restricted:
            return Folder.objects.get(parent=parent, name=name, deleted_at__isnull=True)
        base, number = name, 2
        while name in taken:
            name, number = f"{base} ({number})", number + 1
        folder = Folder.objects.create(
            space_id=parent.space_id,
            parent=parent,
            name=name,
            path="",
            restricted=restricted,
            access_root_id=None if restricted else parent.access_root_id,
            created_by=actor,
        )
        folder.path = f"{parent.path}{folder.pk}/"
        if restricted:
            folder.access_root = folder
        folder.save(update_fields=["path", "access_root"])
        for principal, level in grants or []:
            _set_grant(folder, principal, level)
        record(
            actor,
            AuditAction.FOLDER_CREATED,
            folder,
            parent=parent.name,
            kept=sorted(
                f"{_principal_label(principal)}: {AccessLevel(level).label}" for principal, level in grants or []
            ),
        )
    return folder


def set_process_access(
    folder: Folder, principal, level: int, *, actor: User | None, reason: str, at_least: bool = False
) -> None:
    """Set ``principal``'s level on a process's folder (or raise it to ``level``, ``at_least``),
    in the caller's transaction, audited."""
    before = _current_level(folder, principal)
    if before == level or (at_least and before is not None and before >= level):
        return
    _set_grant(folder, principal, level)
    record(
        actor,
        AuditAction.ACCESS_GRANTED,
        folder,
        to=_principal_label(principal),
        level={"from": AccessLevel(before).label if before else None, "to": AccessLevel(level).label},
        reason=reason,
    )


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
            record(actor, AuditAction.DOCUMENT_UPLOADED, document, folder=folder.name, size=version.size)
        else:
            record(actor, AuditAction.DOCUMENT_VERSION_ADDED, document, version=version.number, size=version.size)
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
        record(actor, AuditAction.DOCUMENT_VERSION_ADDED, document, version=version.number, size=version.size)
    return version


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
        record(actor, AuditAction.DOCUMENT_VERSION_RESTORED, document, restored=version.number, version=number)
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
        record(actor, AuditAction.DOCUMENT_UPDATED, document, **changes)
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
        record(actor, AuditAction.DOCUMENT_MOVED, document, folder={"from": document.folder.name, "to": target.name})
        search.record_change("document", [document.pk])
    document.refresh_from_db()
    return document


def trash_document(actor: User, *, document: Document) -> None:
    _require(policies.can_manage_document(actor, document))
    with transaction.atomic():
        Document.objects.filter(pk=document.pk).update(deleted_at=timezone.now(), deleted_by=actor, trashed_with=None)
        record(actor, AuditAction.DOCUMENT_TRASHED, document)
        search.record_change("document", [document.pk])


def restore_document(actor: User, *, document: Document) -> None:
    _require(policies.can_restore_from_trash(actor, document))
    if document.folder.in_trash:
        raise ActionRefused(_("The folder it was in is in the trash too: restore that one first."))
    with transaction.atomic():
        with _refuse_on_name_conflict():
            Document.objects.filter(pk=document.pk).update(deleted_at=None, deleted_by=None)
        record(actor, AuditAction.DOCUMENT_RESTORED, document)
        search.record_change("document", [document.pk])


def purge_document(actor: User, *, document: Document) -> None:
    _require(policies.can_purge(actor) and document.in_trash)
    with transaction.atomic():
        stored = set(document.versions.values_list("stored_name", flat=True))
        record(actor, AuditAction.DOCUMENT_PURGED, document, files=len(stored))
        search.record_change("document", [document.pk])
        Document.objects.filter(pk=document.pk).delete()
        _delete_files_on_commit(stored)


def _delete_files_on_commit(stored_names: set[str]) -> None:
    def delete():
        still_used = set(
            DocumentVersion.objects.filter(stored_name__in=stored_names).values_list("stored_name", flat=True)
        )
        for stored_name in stored_names - still_used:
            storage.delete_stored(stored_name)

    transaction.on_commit(delete)
