"""What the document actions share: refusals, folder locks, and files deleted after commit."""

from __future__ import annotations

from contextlib import contextmanager

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from documents import storage
from documents.models import DocumentVersion, Folder
from intranet.exceptions import ActionRefused


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


def _delete_files_on_commit(stored_names: set[str]) -> None:
    def delete():
        still_used = set(
            DocumentVersion.objects.filter(stored_name__in=stored_names).values_list("stored_name", flat=True)
        )
        for stored_name in stored_names - still_used:
            storage.delete_stored(stored_name)

    transaction.on_commit(delete)
