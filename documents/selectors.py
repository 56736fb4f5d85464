"""Reads of the document spaces, filtered by the folder policy."""

from __future__ import annotations

from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.db.models import Q, QuerySet
from django.http import Http404

from documents import policies, who_has_access
from documents.models import (
    AccessLevel,
    Document,
    DocumentVersion,
    Folder,
    Space,
)
from intranet import policies as core


def visible_folders(user) -> QuerySet[Folder]:
    """Every folder, outside the trash, that ``user`` may open."""
    live = Folder.objects.filter(deleted_at__isnull=True)
    if not core.is_member(user):
        return live.none()
    if core.can_manage_association(user):
        return live
    granted = [folder_id for folder_id, level in policies.grants_of(user).items() if level >= AccessLevel.VIEW]
    if not granted:
        return live.none()
    # A grant covers the folders below it that share its access root (no restricted folder between).
    covering = Folder.objects.filter(pk__in=granted).order_by().values_list("pk", "path", "access_root_id")
    terms = _outermost_terms(list(covering))
    # A grant on an access root (a space's root, a restricted folder: where grants usually are)
    # covers exactly the folders of that root: one IN instead of a prefix term each.
    roots = [pk for pk, _path, root in terms if pk == root]
    below = [Q(path__startswith=path, access_root_id=root) for pk, path, root in terms if pk != root]
    return live.filter(reduce(or_, below, Q(access_root_id__in=roots)) if roots else reduce(or_, below))


def _outermost_terms(terms: list[tuple[int, str, int]]) -> list[tuple[int, str, int]]:
    """Drop a grant that another grant above it, with the same access root, already covers."""
    kept: list[tuple[int, str, int]] = []
    for pk, path, root in sorted(terms, key=lambda term: len(term[1])):
        if not any(path.startswith(other) and root == other_root for _other_pk, other, other_root in kept):
            kept.append((pk, path, root))
    return kept


def visible_documents(user) -> QuerySet[Document]:
    return Document.objects.filter(deleted_at__isnull=True, folder__in=visible_folders(user))


def recent_documents(user) -> QuerySet[Document]:
    """Every document the person may open, most recently changed first."""
    return (
        visible_documents(user)
        .select_related("folder", "folder__space", "current_version")
        .order_by("-updated_at", "-pk")
    )


RECENT_BATCH = 500
# Below one visible folder in this many, filtering first beats walking the newest-first index.
FEW_FOLDERS_RATIO = 10


def recent_documents_page(user, *, page: int, per_page: int) -> tuple[list[Document], bool]:
    """One page of ``recent_documents`` and whether an older page follows, without counting."""
    found, has_more = _recent(user, page=page, per_page=per_page)
    ids = [pk for pk, *_columns in found]
    rows = Document.objects.select_related("folder", "folder__space", "current_version").in_bulk(ids)
    return [rows[pk] for pk in ids if pk in rows], has_more


def recent_document_names(user, *, limit: int) -> list[tuple[int, str]]:
    """(id, name) of the ``limit`` documents the person may open that changed last: what a
    picker suggests, read with the ids (no rows of a list)."""
    found, _has_more = _recent(user, page=1, per_page=limit, columns=("name",))
    return [(pk, name) for pk, name in found]


def _recent(user, *, page: int, per_page: int, columns: tuple[str, ...] = ()) -> tuple[list[tuple], bool]:
    """(id, *columns) of one page of ``recent_documents``, and whether an older page follows.

    Someone who may open a good share of the documents walks the newest-first index and keeps
    what is theirs (a few hundred rows for a page); someone who sees few documents gets them
    filtered first, then sorted (few rows to sort). Either way no query grows with the whole
    table, which an exact count or a sort of every visible document would.
    """
    wanted = page * per_page + 1
    live = Document.objects.filter(deleted_at__isnull=True).order_by("-updated_at", "-pk")
    if core.can_manage_association(user):
        found = list(live.values_list("pk", *columns)[wanted - per_page - 1 : wanted])
    else:
        folder_ids = set(visible_folders(user).values_list("pk", flat=True))
        if len(folder_ids) * FEW_FOLDERS_RATIO < Folder.objects.count():
            found = list(live.filter(folder_id__in=folder_ids).values_list("pk", *columns)[:wanted])
        else:
            found = _walk_newest(live, "folder_id", folder_ids, wanted, ("pk", *columns))
        found = found[wanted - per_page - 1 : wanted]
    return found[:per_page], len(found) > per_page


def _walk_newest(newest_first: QuerySet, folder: str, folder_ids: set[int], wanted: int, columns) -> list[tuple]:
    """The first ``wanted`` rows of ``newest_first`` in ``folder_ids``, read RECENT_BATCH at a time
    along its newest-first index: no query sorts every row of the folders."""
    found: list[tuple] = []
    start = 0
    while len(found) < wanted:
        batch = list(newest_first.values_list(folder, *columns)[start : start + RECENT_BATCH])
        found += [row[1:] for row in batch if row[0] in folder_ids]
        if len(batch) < RECENT_BATCH:
            break
        start += RECENT_BATCH
    return found[:wanted]


def newest_versions_since(user, since, *, wanted: int, columns: tuple[str, ...]) -> list[tuple]:
    """``columns`` of the newest ``wanted`` versions uploaded since then by others, of live
    documents the person may open now: the versions of the period, newest first on their
    index, kept when their folder is the person's (whatever the number of documents they see)."""
    newest_first = (
        DocumentVersion.objects.filter(
            uploaded_at__gte=since, document__deleted_at__isnull=True, document__folder__deleted_at__isnull=True
        )
        .exclude(uploaded_by=user)
        .order_by("-uploaded_at", "-pk")
    )
    if core.can_manage_association(user):
        return list(newest_first.values_list(*columns)[:wanted])
    folder_ids = set(visible_folders(user).values_list("pk", flat=True))
    if not folder_ids:
        return []
    # Walked whatever the share of folders the person sees (unlike ``_recent``): the period
    # bounds the walk, and filtering by folder first reads every version of those folders.
    return _walk_newest(newest_first, "document__folder_id", folder_ids, wanted, columns)


def visible_spaces(user) -> QuerySet[Space]:
    return Space.objects.filter(pk__in=visible_folders(user).values("space_id"))


def spaces_with_roots(user) -> list[tuple[Space, Folder | None]]:
    """The spaces where the person may open something, each with its top folder when they may
    open that too (someone shared a folder deeper down sees the space without its top)."""
    spaces = list(visible_spaces(user))
    roots = {
        folder.space_id: folder
        for folder in Folder.objects.filter(space__in=spaces, parent__isnull=True)
        if policies.can_view_folder(user, folder)
    }
    return [(space, roots.get(space.pk)) for space in spaces]


def move_targets(user, item: Folder | Document) -> list[tuple[Folder, str]]:
    """Folders of the same space the person may upload to, the item's own subtree excluded."""
    space_id = item.space_id if isinstance(item, Folder) else item.folder.space_id
    folders = list(Folder.objects.filter(space_id=space_id, deleted_at__isnull=True).order_by("path"))
    # Only the names of folders the person may open appear in a label; the others read "…".
    names = {folder.pk: folder.display_name for folder in folders if policies.can_view_folder(user, folder)}
    targets = []
    for folder in folders:
        if isinstance(item, Folder) and folder.path.startswith(item.path):
            continue
        if policies.can_upload(user, folder):
            label = " / ".join(names.get(folder_id, "…") for folder_id in folder.ancestor_ids())
            targets.append((folder, label))
    return targets


def get_folder_for_user(user, folder_id: int) -> Folder:
    """The folder if ``user`` may open it; 404 alike for missing and forbidden."""
    folder = Folder.objects.select_related("space", "space__college").filter(pk=folder_id).first()
    if folder is None or not policies.can_view_folder(user, folder):
        raise Http404
    return folder


def get_document_for_user(user, document_id: int) -> Document:
    document = (
        Document.objects.select_related("folder", "folder__space", "current_version").filter(pk=document_id).first()
    )
    if document is None or not policies.can_view_document(user, document):
        raise Http404
    return document


def get_version_for_user(user, version_id: int) -> DocumentVersion:
    version = (
        DocumentVersion.objects.select_related("document", "document__folder", "document__folder__space")
        .filter(pk=version_id)
        .first()
    )
    if version is None or not policies.can_view_document(user, version.document):
        raise Http404
    return version


def get_trashed_for_user(user, kind: str, item_id: int) -> Folder | Document:
    """A top-level trash item ``user`` may restore (or purge, for staff); 404 otherwise."""
    if kind not in {"folder", "document"}:
        raise Http404
    model = Folder if kind == "folder" else Document
    item = (
        model.objects.select_related("parent" if model is Folder else "folder")
        .filter(pk=item_id, deleted_at__isnull=False, trashed_with__isnull=True)
        .first()
    )
    if item is None or not (policies.can_restore_from_trash(user, item) or policies.can_purge(user)):
        raise Http404
    return item


def root_folder(space: Space) -> Folder:
    return Folder.objects.get(space=space, parent__isnull=True)


@dataclass
class Crumb:
    folder: Folder | None  # None: a folder above that the person may not open
    visible: bool


def breadcrumbs(user, folder: Folder) -> list[Crumb]:
    """The folders above, named only where the person may open them."""
    ancestors = {item.pk: item for item in Folder.objects.filter(pk__in=folder.ancestor_ids()[:-1])}
    crumbs = []
    for folder_id in folder.ancestor_ids()[:-1]:
        ancestor = ancestors.get(folder_id)
        visible = ancestor is not None and policies.can_view_folder(user, ancestor)
        crumbs.append(Crumb(folder=ancestor if visible else None, visible=visible))
    return crumbs


def subfolders(user, folder: Folder) -> list[Folder]:
    children = Folder.objects.filter(parent=folder, deleted_at__isnull=True).order_by("name")
    return [child for child in children if policies.can_view_folder(user, child)]


def documents_in(folder: Folder) -> QuerySet[Document]:
    return (
        Document.objects.filter(folder=folder, deleted_at__isnull=True)
        .select_related("current_version", "current_version__uploaded_by")
        .order_by("name")
    )


def versions_of(document: Document) -> QuerySet[DocumentVersion]:
    return document.versions.select_related("uploaded_by", "restored_from").order_by("-number")


def shared_with_me(user) -> list[Folder]:
    """Folders granted to the person inside spaces where they cannot open the folder above."""
    if core.can_manage_association(user):
        return []
    granted = [folder_id for folder_id, level in policies.grants_of(user).items() if level >= AccessLevel.VIEW]
    folders = Folder.objects.filter(pk__in=granted, deleted_at__isnull=True, parent__isnull=False).select_related(
        "parent", "space"
    )
    return [
        folder
        for folder in folders
        if policies.can_view_folder(user, folder) and not policies.can_view_folder(user, folder.parent)
    ]


def trash_of(user, space: Space) -> tuple[list[Folder], list[Document]]:
    """What was deleted in the space and ``user`` may restore (staff: everything)."""
    folders = Folder.objects.filter(space=space, deleted_at__isnull=False, trashed_with__isnull=True).select_related(
        "parent", "deleted_by"
    )
    documents = Document.objects.filter(
        folder__space=space, deleted_at__isnull=False, trashed_with__isnull=True
    ).select_related("folder", "deleted_by", "current_version")
    allowed = policies.can_purge(user)
    return (
        [item for item in folders if allowed or policies.can_restore_from_trash(user, item)],
        [item for item in documents if allowed or policies.can_restore_from_trash(user, item)],
    )


def visible_document_ids(user, document_ids) -> set[int]:
    """Which of these documents the person may open (for references in forum messages)."""
    document_ids = set(document_ids)
    if not document_ids:
        return set()
    return set(visible_documents(user).filter(pk__in=document_ids).values_list("pk", flat=True))


def readers_of_documents(document_ids) -> dict[int, set[int]]:
    """Who may open each of these documents (ids of people), as ``visible_documents`` answers for
    each of them; a missing or trashed document has nobody. A few queries per folder."""
    documents = Document.objects.filter(
        pk__in=set(document_ids), deleted_at__isnull=True, folder__deleted_at__isnull=True
    ).select_related("folder")
    readers_of_folder: dict[int, set[int]] = {}
    for document in documents:
        if document.folder_id not in readers_of_folder:
            readers_of_folder[document.folder_id] = {
                entry.person.pk
                for entry in who_has_access.effective_access(document.folder)
                if entry.level >= AccessLevel.VIEW
            }
    return {document.pk: readers_of_folder[document.folder_id] for document in documents}
