"""Document pages: thin, every answer from the folder policy and selectors, every change an action."""

from documents.views.access import (
    document_access,
    folder_access,
    folder_revoke,
)
from documents.views.document_pages import (
    document_delete,
    document_detail,
    document_download,
    document_edit,
    document_move,
    version_download,
    version_preview,
    version_restore,
)
from documents.views.folders import (
    folder_create,
    folder_delete,
    folder_detail,
    folder_move,
    folder_rename,
    folder_restrict,
    index,
    recent,
    space,
    trash,
    trash_purge,
    trash_restore,
)
from documents.views.uploads import (
    document_upload_version,
    folder_upload,
)

__all__ = [
    "document_access",
    "document_delete",
    "document_detail",
    "document_download",
    "document_edit",
    "document_move",
    "document_upload_version",
    "folder_access",
    "folder_create",
    "folder_delete",
    "folder_detail",
    "folder_move",
    "folder_rename",
    "folder_restrict",
    "folder_revoke",
    "folder_upload",
    "index",
    "recent",
    "space",
    "trash",
    "trash_purge",
    "trash_restore",
    "version_download",
    "version_preview",
    "version_restore",
]
