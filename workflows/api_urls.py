"""The workflow API's routes (under /api/v1/)."""

from django.urls import path

from workflows import api

urlpatterns = [
    path("proposals/", api.ProposalList.as_view(), name="proposals"),
    path("proposals/<int:proposal_id>/", api.ProposalDetail.as_view(), name="proposal"),
    path("proposals/<int:proposal_id>/submit/", api.ProposalSubmit.as_view(), name="proposal_submit"),
    path("proposals/<int:proposal_id>/withdraw/", api.ProposalWithdraw.as_view(), name="proposal_withdraw"),
    path("proposals/<int:proposal_id>/review/", api.ProposalReview.as_view(), name="proposal_review"),
    path("proposals/<int:proposal_id>/vote/", api.VoteOpen.as_view(), name="vote_open"),
    path("votes/<int:vote_id>/ballot/", api.VoteBallot.as_view(), name="vote_ballot"),
    path("votes/<int:vote_id>/close/", api.VoteClose.as_view(), name="vote_close"),
    path("decisions/", api.DecisionList.as_view(), name="decisions"),
    path("decisions/<str:number>/", api.DecisionDetail.as_view(), name="decision"),
    path("tasks/", api.TaskList.as_view(), name="tasks"),
    path("tasks/<int:task_id>/claim/", api.TaskClaim.as_view(), name="task_claim"),
    path("tasks/<int:task_id>/release/", api.TaskRelease.as_view(), name="task_release"),
]
