from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkflowsConfig(AppConfig):
    name = "workflows"
    verbose_name = _("workflows")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from viewflow.workflow.models import Task

        from intranet import plugins
        from intranet.models import BoardMembership, College, CollegeMembership, User
        from workflows import audit_details, home, jobs, models, notifications, panels, search, selectors
        from workflows.proposals.flows import ProposalFlow

        # Steps, votes and ballots, and the roles that decide whose they are.
        votes = [models.BoardVote, models.BoardVote.room_voters.through]
        # A step of another process (an archive's fonds) is not a proposal's.
        proposal_step = (Task, lambda task: task.flow_task.flow_class is ProposalFlow)
        tasks_change_with = [proposal_step, models.Proposal, *votes, User, CollegeMembership, BoardMembership, College]
        plugins.register(
            self.label,
            audit_actions=audit_details.ACTIONS,
            audit_details=audit_details.DETAILS,
            search_sources=[search.ProposalSource(), search.DecisionSource()],
            notification_targets={
                "proposal": notifications.describe_proposals,
                "decision": notifications.describe_decisions,
            },
            notification_sentences=notifications.SENTENCES,
            notification_kinds=notifications.KINDS,
            navigation_counters={"tasks": selectors.task_count},
            navigation_counts_change_with={"tasks": tasks_change_with},
            # A ballot changes its voter's tasks alone: a busy vote does not recount the board's.
            navigation_counts_change_for={"tasks": {models.Ballot: lambda ballot: [ballot.voter_id]}},
            panels={plugins.THREAD_PAGE: panels.thread_proposal},
            panel_relations={plugins.THREAD_PAGE: ["proposal"]},
            jobs=jobs.JOBS,
            home_waiting=[home.waiting_steps_and_ballots],
            home_waiting_counted_in="tasks",
            home_activity=[home.proposals_that_moved, home.decisions_entered],
            staff_screens=[("proposals:vote_rules", _("Voting rules"))],
        )
