from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "workflows.meetings"
    label = "meetings"
    verbose_name = _("Board meetings")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from intranet import plugins
        from workflows.meetings import audit_details, home, notifications, panels

        plugins.register(
            self.label,
            audit_actions=audit_details.ACTIONS,
            audit_details=audit_details.DETAILS,
            notification_targets={"meeting": notifications.describe_meetings},
            notification_sentences=notifications.SENTENCES,
            panels={
                plugins.TASKS_PAGE: panels.meetings_waiting,
                plugins.REGISTER_PAGE: panels.register_links,
                plugins.DECISION_PAGE: panels.decision_meeting,
            },
            home_waiting=[home.meetings_waiting],
        )
