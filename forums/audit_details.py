"""How the audit log describes the forums' details in the reader's language."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from intranet.audit import AuditDetail


class ForumAudit(models.TextChoices):
    """The forums' audit codes and their labels (the core knows none of them)."""

    POST_HIDDEN = "post.hidden", _("message hidden")
    POST_UNHIDDEN = "post.unhidden", _("message shown again")
    THREAD_PINNED = "thread.pinned", _("thread pinned")
    THREAD_UNPINNED = "thread.unpinned", _("thread unpinned")
    THREAD_LOCKED = "thread.locked", _("thread locked")
    THREAD_UNLOCKED = "thread.unlocked", _("thread unlocked")
    THREAD_MOVED = "thread.moved", _("thread moved")


ACTIONS = dict(ForumAudit.choices)


DETAILS = {
    "thread": AuditDetail(_("thread")),
    "reason": AuditDetail(_("reason")),
    "origin": AuditDetail(_("from forum")),
    "destination": AuditDetail(_("to forum")),
}
