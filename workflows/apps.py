from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkflowsConfig(AppConfig):
    name = "workflows"
    verbose_name = _("workflows")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from workflows import audit_details

        audit_details.register()
