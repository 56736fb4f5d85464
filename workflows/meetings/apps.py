from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "workflows.meetings"
    label = "meetings"
    verbose_name = _("Board meetings")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from intranet import plugins
        from intranet.models import BoardMembership, User
        from workflows.actions.proposals import proposal_withdrawn
        from workflows.meetings import audit_details, home, notifications, panels, selectors, withdrawal
        from workflows.meetings.models import Attendance, Meeting

        plugins.register(
            self.label,
            audit_actions=audit_details.ACTIONS,
            audit_details=audit_details.DETAILS,
            audit_targets={"meeting": audit_details.target},
            notification_targets={"meeting": notifications.describe_meetings},
            notification_sentences=notifications.SENTENCES,
            notification_kinds=[notifications.MEETING, notifications.AGENDA_CHANGE],
            panels={
                plugins.TASKS_PAGE: panels.meetings_waiting,
                plugins.REGISTER_PAGE: panels.register_links,
                plugins.DECISION_PAGE: panels.decision_meeting,
            },
            navigation_counters={"tasks": selectors.waiting_count},
            # A meeting planned or convened, and who is on the board (and runs its meetings).
            navigation_counts_change_with={"tasks": [Meeting, BoardMembership, User]},
            # An answer changes the answering member's tasks alone.
            navigation_counts_change_for={"tasks": {Attendance: lambda attendance: [attendance.member_id]}},
            home_waiting=[home.meetings_waiting],
            home_waiting_counted_in="tasks",
            staff_screens=[("meetings:rules", _("Meeting rules"))],
        )
        # Proposals do not know meetings: a withdrawal takes its items off the agendas through this.
        proposal_withdrawn.connect(withdrawal.on_proposal_withdrawn, dispatch_uid="meetings.proposal_withdrawn")
