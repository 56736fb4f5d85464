"""A fonds's files: scans, digitised excerpts, condition photos and the signed agreement, kept as
documents in the archive's own space, with the folder permissions every document has.

The space's root is for staff alone. Each fonds gets a folder when an archivist takes it on: its
depositor (a member) sees it; once catalogued, every member sees it where the depositor allowed
online publication (``policies.can_open_files`` says the same). The signed agreement sits in a
subfolder that stays between staff and the depositor, whatever the rights.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy

from documents import actions as document_actions
from documents.models import AccessLevel, Document, Folder, Space, SpaceKind
from documents.uploads import IncomingFile
from intranet.audit import record
from intranet.groups import ALL_MEMBERS_GROUP, system_group
from intranet.models import User
from workflows.archives import policies
from workflows.archives.models import Fonds, FondsStatus, Use

SPACE_SLUG = "archives"
SPACE_NAME = "Archives film et photo"
SPACE_DESCRIPTION = "Les fichiers des fonds : numérisations, extraits, photos d'état, conventions."
AGREEMENT_FOLDER = "Convention"
# Stored in French, shown in the reader's language (intranet.builtins).
BUILT_IN_TEXTS = {
    SPACE_NAME: gettext_lazy("Film and photo archive"),
    SPACE_DESCRIPTION: gettext_lazy("The fonds's files: scans, excerpts, condition photos, agreements."),
}
SIGNED_AGREEMENT_ATTACHED = "archive.signed_agreement_attached"
ONLINE_ALLOWED = "archive.online_allowed"  # the audited reason every member sees a fonds's files


def _archive_space() -> Space | None:
    return Space.objects.filter(slug=SPACE_SLUG).first()


def _archive_root() -> Folder:
    space = _archive_space()
    if space is None:
        try:
            with transaction.atomic():
                space = document_actions.create_space(
                    kind=SpaceKind.ARCHIVE, slug=SPACE_SLUG, name=SPACE_NAME, position=90, description=SPACE_DESCRIPTION
                )
        except IntegrityError:  # the first two triages at once: the other one made the space
            space = Space.objects.get(slug=SPACE_SLUG)
    return Folder.objects.get(space=space, parent__isnull=True)


def _folder_name(fonds: Fonds) -> str:
    # Only characters a folder name always accepts: a title may hold anything.
    title = "".join(ch if ch.isalnum() or ch in " -_'.,()&!?" else " " for ch in fonds.title)
    return " ".join(f"{fonds.pk} – {title}".split())[:120]


def _depositor_sees(fonds: Fonds) -> list[tuple[object, int]]:
    return [(fonds.depositor, AccessLevel.VIEW)] if fonds.depositor_id else []


def ensure_folder(actor: User, fonds: Fonds) -> Folder:
    """The fonds's folder, made on first need, in the caller's transaction (the fonds locked)."""
    if fonds.folder_id is not None and fonds.folder.deleted_at is None:
        return fonds.folder
    folder = document_actions.create_process_folder(
        actor, parent=_archive_root(), name=_folder_name(fonds), grants=_depositor_sees(fonds)
    )
    Fonds.objects.filter(pk=fonds.pk).update(folder=folder)
    fonds.folder = folder
    return folder


def open_to_members_if_allowed(actor: User, fonds: Fonds) -> None:
    """On intake: every member sees the files where the depositor allowed online publication."""
    if fonds.status == FondsStatus.CATALOGUED and Use.ONLINE in (fonds.uses or []):
        document_actions.set_process_access(
            ensure_folder(actor, fonds),
            system_group(ALL_MEMBERS_GROUP),
            AccessLevel.VIEW,
            actor=actor,
            reason=ONLINE_ALLOWED,
            at_least=True,
        )


def attach_signed_agreement(actor: User, *, fonds: Fonds, incoming: IncomingFile) -> Document:
    """The agreement as both sides signed it (a scan or a PDF), kept with the fonds; a second
    upload becomes its next version."""
    try:
        with transaction.atomic():
            # Its relations are read after: PostgreSQL locks no row of an outer join.
            fonds = Fonds.objects.select_for_update().get(pk=fonds.pk)
            if not policies.can_write_agreement(actor, fonds):
                raise PermissionDenied("Only the archivist or staff keep the signed agreement.")
            signed = fonds.agreement_signed
            if signed is not None and signed.deleted_at is None and signed.folder.deleted_at is None:
                subfolder = signed.folder
            else:
                # Restricted from the start: it never inherits the members' view of the files.
                subfolder = document_actions.create_process_folder(
                    actor, parent=ensure_folder(actor, fonds), name=AGREEMENT_FOLDER, grants=_depositor_sees(fonds)
                )
            document, _version, _created = document_actions.upload_document(actor, folder=subfolder, incoming=incoming)
            Fonds.objects.filter(pk=fonds.pk).update(agreement_signed=document, revision=fonds.revision + 1)
            record(actor, SIGNED_AGREEMENT_ATTACHED, fonds, document=document.name)
    except BaseException:
        incoming.discard()
        raise
    return document
