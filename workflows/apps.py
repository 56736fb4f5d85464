from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkflowsConfig(AppConfig):
    name = "workflows"
    verbose_name = _("workflows")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from intranet import plugins
        from workflows import audit_details, jobs, notifications, panels, search, selectors

        plugins.register(
            self.label,
            audit_details=audit_details.DETAILS,
            search_sources=[search.ProposalSource(), search.DecisionSource()],
            notification_targets={
                "proposal": notifications.describe_proposals,
                "decision": notifications.describe_decisions,
            },
            notification_sentences=notifications.SENTENCES,
            navigation_counters={"tasks": selectors.task_count},
            panels={plugins.THREAD_PAGE: panels.thread_proposal},
            jobs=jobs.JOBS,
        )
