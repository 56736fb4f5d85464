"""Every change in the document spaces: folders, documents, versions, the trash and access.

Each action checks the folder policy, runs in one transaction with its audit row, and leaves
files and rows consistent: an upload's file is moved into place inside the transaction that
creates its row (and removed again if that transaction fails); files deleted for good are
removed only after the commit. One module per subject; every action is importable from here.
"""

from documents.actions.access import (
    create_process_folder,
    grant_folder_access,
    revoke_folder_access,
    set_process_access,
)
from documents.actions.documents import (
    move_document,
    purge_document,
    restore_document,
    restore_version,
    trash_document,
    update_document,
)
from documents.actions.folders import (
    create_folder,
    move_folder,
    purge_folder,
    rename_folder,
    restore_folder,
    set_folder_restricted,
    trash_folder,
)
from documents.actions.spaces import create_space, create_space_for_college
from documents.actions.uploads import UploadRateExceeded, add_version, check_upload_rate, upload_document, upload_rate

__all__ = [
    "UploadRateExceeded",
    "add_version",
    "check_upload_rate",
    "create_folder",
    "create_process_folder",
    "create_space",
    "create_space_for_college",
    "grant_folder_access",
    "move_document",
    "move_folder",
    "purge_document",
    "purge_folder",
    "rename_folder",
    "restore_document",
    "restore_folder",
    "restore_version",
    "revoke_folder_access",
    "set_folder_restricted",
    "set_process_access",
    "trash_document",
    "trash_folder",
    "update_document",
    "upload_document",
    "upload_rate",
]
