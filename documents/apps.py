from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = _("documents")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from documents import (
            audit_details,
            bodies,
            checks,  # noqa: F401 - importing it registers Django's system checks
            home,
            jobs,
            notifications,
            search,
        )
        from documents.actions import create_space_for_college
        from intranet import plugins

        plugins.register(
            self.label,
            builtin_texts=bodies.BUILT_IN_TEXTS,
            audit_actions=audit_details.ACTIONS,
            audit_details=audit_details.DETAILS,
            audit_targets={"folder": audit_details.target},
            search_sources=[search.DocumentSource()],
            notification_targets={"folder": notifications.describe_folders},
            notification_sentences=notifications.SENTENCES,
            notification_kinds=[notifications.SHARE],
            on_college_created=create_space_for_college,
            jobs=jobs.JOBS,
            home_activity=[home.new_documents_and_versions],
        )
