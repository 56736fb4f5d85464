"""Who may do what with which folder and document. Pages, downloads, forum references, the API
and search all ask here.

A person's level on a folder is the highest of the grants (to them, or to one of their groups)
on the folders from its access root down to it; staff manage everything. Levels include each
other: *manage* ⊃ *upload* ⊃ *view*. Items in the trash are seen only from the trash, by those
who manage where they were.
"""

from __future__ import annotations

from documents.models import (
    LEVEL_OF_PERMISSION,
    AccessLevel,
    Document,
    Folder,
    FolderGroupPermission,
    FolderUserPermission,
    Space,
)
from intranet import policies as core

NO_ACCESS = 0
_GRANTS_CACHE = "_document_grants"


def grants_of(user) -> dict[int, int]:
    """Folder id → the best level granted to ``user`` there (directly or through a group).

    Read once per request and kept on the user object; actions that change grants forget it.
    """
    cached = getattr(user, _GRANTS_CACHE, None)
    if cached is not None:
        return cached
    grants: dict[int, int] = {}
    direct = FolderUserPermission.objects.filter(user=user).values_list("content_object_id", "permission__codename")
    through_groups = FolderGroupPermission.objects.filter(group__user=user).values_list(
        "content_object_id", "permission__codename"
    )
    for folder_id, codename in direct.union(through_groups, all=True):
        level = LEVEL_OF_PERMISSION.get(codename, NO_ACCESS)
        grants[folder_id] = max(grants.get(folder_id, NO_ACCESS), level)
    setattr(user, _GRANTS_CACHE, grants)
    return grants


def forget_grants(user) -> None:
    if hasattr(user, _GRANTS_CACHE):
        delattr(user, _GRANTS_CACHE)


def folder_level(user, folder: Folder) -> int:
    """The person's level on the folder, whether or not it is in the trash."""
    if not core.is_member(user):
        return NO_ACCESS
    if core.can_manage_association(user):
        return AccessLevel.MANAGE
    grants = grants_of(user)
    return max((grants.get(folder_id, NO_ACCESS) for folder_id in folder.inheritance_chain_ids()), default=NO_ACCESS)


def can_view_folder(user, folder: Folder) -> bool:
    return not folder.in_trash and folder_level(user, folder) >= AccessLevel.VIEW


def can_upload(user, folder: Folder) -> bool:
    """Upload documents and new versions, create subfolders, edit descriptions."""
    return not folder.in_trash and folder_level(user, folder) >= AccessLevel.UPLOAD


def can_manage_folder(user, folder: Folder) -> bool:
    """Rename, move, delete, restrict, and decide who has access."""
    return not folder.in_trash and folder_level(user, folder) >= AccessLevel.MANAGE


def can_view_document(user, document: Document) -> bool:
    return not document.in_trash and can_view_folder(user, document.folder)


def can_change_document(user, document: Document) -> bool:
    """Upload a new version, restore an old one, edit the description."""
    return not document.in_trash and can_upload(user, document.folder)


def can_manage_document(user, document: Document) -> bool:
    """Rename, move and delete."""
    return not document.in_trash and can_manage_folder(user, document.folder)


def can_restore_from_trash(user, item: Folder | Document) -> bool:
    """Managers of the place an item was deleted from may put it back; a folder also needs its
    own manager (a restricted folder may shut out the managers of the folder above)."""
    folder = item.parent if isinstance(item, Folder) else item.folder
    if folder is None or not item.in_trash:
        return False
    if isinstance(item, Folder) and folder_level(user, item) < AccessLevel.MANAGE:
        return False
    return folder_level(user, folder) >= AccessLevel.MANAGE


def can_open_trash(user, space: Space) -> bool:
    """The trash holds only what its reader may restore: it is for those who manage a folder of
    the space (staff: every space); a member who only views or uploads has nothing to do there."""
    if not core.is_member(user):
        return False
    if core.can_manage_association(user):
        return True
    managed = [folder_id for folder_id, level in grants_of(user).items() if level >= AccessLevel.MANAGE]
    return bool(managed) and Folder.objects.filter(space=space, pk__in=managed).exists()


def can_purge(user) -> bool:
    """Only staff delete for good."""
    return core.can_manage_association(user)


def can_see_effective_access(user, folder: Folder) -> bool:
    return can_manage_folder(user, folder)
