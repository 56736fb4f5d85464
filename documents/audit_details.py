"""How the audit log describes the documents' details in the reader's language."""

from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from documents.models import AccessLevel
from intranet.audit import register_detail, stored_in_any_language


def register() -> None:
    register_detail("parent", _("parent folder"))
    register_detail("folder", _("folder"))
    register_detail("files", _("files"))
    register_detail("kept", _("access kept"))
    register_detail("to", _("granted to"))
    register_detail("from", _("revoked from"))
    # Access levels were written as their label, in the language of whoever made the change.
    register_detail("level", _("access level"), describe=stored_in_any_language(*AccessLevel.labels))
    register_detail("size", _("size"), describe=lambda value: filesizeformat(value) if isinstance(value, int) else None)
    register_detail("version", _("version"))
    register_detail("restored", _("restored version"))
    register_detail("document", _("document"))
