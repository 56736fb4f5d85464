"""How the audit log describes the forums' details in the reader's language."""

from django.utils.translation import gettext_lazy as _

from intranet.audit import register_detail


def register() -> None:
    register_detail("thread", _("thread"))
    register_detail("reason", _("reason"))
    register_detail("origin", _("from forum"))
    register_detail("destination", _("to forum"))
