from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = _("documents")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from documents import audit_details, checks  # noqa: F401 - checks registers the system checks
        from documents.bodies import BUILT_IN_TEXTS
        from intranet.builtins import register_builtin_texts

        register_builtin_texts(BUILT_IN_TEXTS)
        audit_details.register()
