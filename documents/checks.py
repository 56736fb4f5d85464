"""Settings of the document spaces that would fail only at the first download or upload."""

from django.conf import settings
from django.core.checks import Error, register

SENDFILE_MODES = {"", "x-accel-redirect", "x-sendfile"}


@register()
def check_documents_settings(app_configs, **kwargs):
    errors = []
    if settings.DOCUMENTS_SENDFILE not in SENDFILE_MODES:
        errors.append(
            Error(
                f"DOCUMENTS_SENDFILE is {settings.DOCUMENTS_SENDFILE!r}.",
                hint="Use '' (Django sends files), 'x-accel-redirect' (nginx) or 'x-sendfile' (Apache, lighttpd).",
                id="documents.E001",
            )
        )
    if settings.DOCUMENTS_MAX_UPLOAD_BYTES <= 0:
        errors.append(Error("DOCUMENTS_MAX_UPLOAD_MB must be a positive number.", id="documents.E002"))
    return errors
