"""How the audit log describes the documents' details in the reader's language."""

from django.db import models
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from documents.models import AccessLevel
from intranet.audit import AuditDetail, stored_in_any_language
from intranet.builtins import builtin_text, builtin_text_in_any_language
from intranet.groups import label_of_group_code


class DocumentAudit(models.TextChoices):
    """The document spaces' audit codes and their labels (the core knows none of them)."""

    FOLDER_CREATED = "folder.created", _("folder created")
    FOLDER_RENAMED = "folder.renamed", _("folder renamed")
    FOLDER_MOVED = "folder.moved", _("folder moved")
    FOLDER_TRASHED = "folder.trashed", _("folder moved to the trash")
    FOLDER_RESTORED = "folder.restored", _("folder restored from the trash")
    FOLDER_PURGED = "folder.purged", _("folder deleted for good")
    FOLDER_RESTRICTED = "folder.restricted", _("folder restricted")
    FOLDER_UNRESTRICTED = "folder.unrestricted", _("folder inherits again")
    ACCESS_GRANTED = "folder.access_granted", _("folder access granted")
    ACCESS_REVOKED = "folder.access_revoked", _("folder access revoked")
    DOCUMENT_UPLOADED = "document.uploaded", _("document uploaded")
    DOCUMENT_VERSION_ADDED = "document.version_added", _("new version of a document")
    DOCUMENT_VERSION_RESTORED = "document.version_restored", _("old version restored")
    DOCUMENT_UPDATED = "document.updated", _("document renamed or described")
    DOCUMENT_MOVED = "document.moved", _("document moved")
    DOCUMENT_TRASHED = "document.trashed", _("document moved to the trash")
    DOCUMENT_RESTORED = "document.restored", _("document restored from the trash")
    DOCUMENT_PURGED = "document.purged", _("document deleted for good")


ACTIONS = dict(DocumentAudit.choices)


# Rows written before kept people, groups and access levels as text in their writer's language:
# the describers below answer None for those, and the text is shown as it was written.


def _principal(value) -> str | None:
    """A person (``{"user": e-mail}``) or a group (``intranet.groups.group_as_code``)."""
    if not isinstance(value, dict):
        return None
    if "user" in value:
        return str(value["user"])
    return label_of_group_code(value) if "group" in value else None


def _grant_kept(value) -> str | None:
    """A grant a restricted folder kept: who, and at which level."""
    who = _principal(value)
    if who is None or value.get("level") not in AccessLevel.values:
        return None
    return gettext("%(label)s: %(value)s") % {"label": who, "value": AccessLevel(value["level"]).label}


def _folder_name(value) -> str | None:
    """A folder's stored name: a space's top folder bears the built-in name, shown in the reader's language."""
    return builtin_text(value) if isinstance(value, str) else None


def target(label: str) -> str | None:
    """A folder's label was written in its writer's language: a top folder's built-in name reads in the reader's."""
    return builtin_text_in_any_language(label)


DETAILS = {
    "parent": AuditDetail(_("parent folder"), describe=_folder_name),
    "folder": AuditDetail(_("folder"), describe=_folder_name),
    "files": AuditDetail(_("files")),
    "kept": AuditDetail(_("access kept"), describe=_grant_kept),
    "to": AuditDetail(_("granted to"), describe=_principal),
    "from": AuditDetail(_("revoked from"), describe=_principal),
    "level": AuditDetail(
        _("access level"),
        values={str(level): label for level, label in AccessLevel.choices},
        describe=stored_in_any_language(*AccessLevel.labels),
    ),
    "size": AuditDetail(_("size"), describe=lambda value: filesizeformat(value) if isinstance(value, int) else None),
    "version": AuditDetail(_("version")),
    "restored": AuditDetail(_("restored version")),
    "document": AuditDetail(_("document")),
}
