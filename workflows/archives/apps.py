from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArchivesConfig(AppConfig):
    name = "workflows.archives"
    label = "archives"
    verbose_name = _("Archive")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from intranet import plugins
        from intranet.models import College, CollegeMembership, User
        from workflows.archives import audit_details, files, home, models, notifications, panels, search, selectors

        plugins.register(
            self.label,
            builtin_texts=files.BUILT_IN_TEXTS,
            audit_actions=audit_details.ACTIONS,
            audit_details=audit_details.DETAILS,
            notification_targets={"fonds": notifications.describe_fonds},
            notification_sentences=notifications.SENTENCES,
            search_sources=[search.FondsSource(), search.ItemSource()],
            navigation_counters={"tasks": selectors.waiting_count},
            # A fonds's step, who is staff, and who coordinates the collège Patrimoine.
            navigation_counts_change_with={"tasks": [models.Fonds, User, CollegeMembership, College]},
            panels={plugins.TASKS_PAGE: panels.waiting_fonds},
            home_waiting=[home.fonds_waiting],
            home_waiting_counted_in="tasks",
        )
