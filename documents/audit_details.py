"""How the audit log describes the documents' details in the reader's language."""

from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from documents.models import AccessLevel
from intranet.audit import AuditDetail, stored_in_any_language

DETAILS = {
    "parent": AuditDetail(_("parent folder")),
    "folder": AuditDetail(_("folder")),
    "files": AuditDetail(_("files")),
    "kept": AuditDetail(_("access kept")),
    "to": AuditDetail(_("granted to")),
    "from": AuditDetail(_("revoked from")),
    # Access levels were written as their label, in the language of whoever made the change.
    "level": AuditDetail(_("access level"), describe=stored_in_any_language(*AccessLevel.labels)),
    "size": AuditDetail(_("size"), describe=lambda value: filesizeformat(value) if isinstance(value, int) else None),
    "version": AuditDetail(_("version")),
    "restored": AuditDetail(_("restored version")),
    "document": AuditDetail(_("document")),
}
