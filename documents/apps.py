from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = _("documents")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from documents import checks  # noqa: F401 - registers the system checks
