"""How the audit log describes the forums' details in the reader's language."""

from django.utils.translation import gettext_lazy as _

from intranet.audit import AuditDetail

DETAILS = {
    "thread": AuditDetail(_("thread")),
    "reason": AuditDetail(_("reason")),
    "origin": AuditDetail(_("from forum")),
    "destination": AuditDetail(_("to forum")),
}
