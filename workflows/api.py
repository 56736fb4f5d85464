"""The workflow's endpoints: proposals and their steps, board votes, the decision register and
"my tasks". Thin: objects through the selectors' access helpers (the same 404 for missing and
forbidden), answers from the workflow policy, every change one of the workflow's actions."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from intranet.api.base import ApiViewMixin, Pages, validated
from intranet.api.serializers import ErrorSerializer
from intranet.models import College
from workflows import actions, policies, selectors
from workflows import serializers as api
from workflows.api_examples import (
    ALLOWED_NOTHING,
    DECISION_EXAMPLE,
    PROPOSAL_DETAIL_EXAMPLE,
    PROPOSAL_EXAMPLE,
    TASKS_EXAMPLE,
    VOTE_EXAMPLE,
)
from workflows.models import Proposal

PROPOSAL_ID = OpenApiParameter("proposal_id", int, OpenApiParameter.PATH, description="The proposal's id")
VOTE_ID = OpenApiParameter("vote_id", int, OpenApiParameter.PATH, description="The board vote's id")
TASK_ID = OpenApiParameter("task_id", int, OpenApiParameter.PATH, description="The task's id")
NUMBER = OpenApiParameter("number", str, OpenApiParameter.PATH, description="The decision's number, e.g. CA-2026-004")

INVALID = OpenApiResponse(ErrorSerializer, description="Fields not valid, or the step refused (with why)")
REFUSED = OpenApiResponse(ErrorSerializer, description="Visible, but not yours to do")
NOT_FOUND = OpenApiResponse(ErrorSerializer, description="Missing, or not visible to you")
STEP_RESPONSES = {200: api.ProposalDetailSerializer, 400: INVALID, 403: REFUSED, 404: NOT_FOUND}


def _proposal_data(request, proposal: Proposal, *, status_code: int = 200) -> Response:
    """The proposal as its page shows it to this person, read again after any change."""
    proposal = selectors.get_proposal_for_user(request.user, proposal.pk)
    view = selectors.proposal_view(request.user, proposal)
    return Response(api.ProposalDetailSerializer(view).data, status=status_code)


@extend_schema(tags=["proposals"])
class ProposalList(ApiViewMixin, generics.GenericAPIView):
    pagination_class = Pages

    @extend_schema(
        summary="The proposals I may open, the most recently changed first (or as ordered)",
        parameters=[api.ProposalFilterSerializer],
        responses={200: api.ProposalSerializer(many=True), 400: INVALID},
        examples=[OpenApiExample("In the collège's review", value=PROPOSAL_EXAMPLE, response_only=True)],
    )
    def get(self, request):
        filters = api.ProposalFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        ordering = api.ProposalFilterSerializer.ORDERINGS[filters.validated_data["ordering"]]
        proposals = selectors.visible_proposals(request.user).select_related("college", "author").order_by(*ordering)
        if filters.validated_data.get("status"):
            proposals = proposals.filter(status=filters.validated_data["status"])
        page = self.paginate_queryset(proposals)
        return self.get_paginated_response(api.ProposalSerializer(page, many=True).data)

    @extend_schema(
        summary="Raise a proposal (a draft, seen by me only)",
        request=api.NewProposalSerializer,
        responses={201: api.ProposalDetailSerializer, 400: INVALID, 404: NOT_FOUND},
        examples=[
            OpenApiExample(
                "A proposal",
                value={
                    "college": "production",
                    "title": "Fonds d'aide à l'écriture",
                    "summary": "Créer un fonds de 20 000 € pour l'écriture de courts métrages.",
                    "body": "Le collège propose…",
                    "budget": "20000.00",
                    "wished_decision_date": "2027-01-15",
                },
                request_only=True,
            )
        ],
    )
    def post(self, request):
        data = validated(api.NewProposalSerializer, request)
        college = College.objects.filter(slug=data.pop("college"), is_active=True).first()
        if college is None or not policies.can_raise_proposal(request.user, college):
            raise Http404
        proposal = actions.create_proposal(request.user, college=college, **data)
        return _proposal_data(request, proposal, status_code=status.HTTP_201_CREATED)


@extend_schema(tags=["proposals"], parameters=[PROPOSAL_ID])
class ProposalDetail(ApiViewMixin, APIView):
    @extend_schema(
        summary="A proposal, its votes and what I may do with it",
        responses={200: api.ProposalDetailSerializer, 404: NOT_FOUND},
        examples=[OpenApiExample("At the board's vote", value=PROPOSAL_DETAIL_EXAMPLE, response_only=True)],
    )
    def get(self, request, proposal_id: int):
        return _proposal_data(request, selectors.get_proposal_for_user(request.user, proposal_id))

    @extend_schema(
        summary="Edit my draft, or my proposal returned for changes",
        request=api.EditProposalSerializer,
        responses={**STEP_RESPONSES, 409: INVALID},
        examples=[
            OpenApiExample(
                "New wording",
                value={"title": "Fonds d'aide", "summary": "…", "body": "…", "revision": 2},
                request_only=True,
            )
        ],
    )
    def put(self, request, proposal_id: int):
        proposal = selectors.get_proposal_for_user(request.user, proposal_id)
        if not policies.is_author(request.user, proposal):
            raise PermissionDenied("Only the author edits a proposal.")
        data = validated(api.EditProposalSerializer, request)
        data.setdefault("budget", None)
        data.setdefault("wished_decision_date", None)
        proposal = actions.update_proposal(request.user, proposal=proposal, **data)
        return _proposal_data(request, proposal)


class _Step(ApiViewMixin, APIView):
    """A step on a proposal: read it as the person may, then the action decides."""

    def proposal(self, request, proposal_id: int) -> Proposal:
        return selectors.get_proposal_for_user(request.user, proposal_id)


@extend_schema(
    tags=["proposals"],
    parameters=[PROPOSAL_ID],
    summary="Submit my proposal to the collège's review",
    request=api.RevisionSerializer,
    responses=STEP_RESPONSES,
    examples=[OpenApiExample("Submit", value={"revision": 1}, request_only=True)],
)
class ProposalSubmit(_Step):
    def post(self, request, proposal_id: int):
        proposal = self.proposal(request, proposal_id)
        data = validated(api.RevisionSerializer, request)
        actions.submit_proposal(request.user, proposal=proposal, revision=data.get("revision"))
        return _proposal_data(request, proposal)


@extend_schema(
    tags=["proposals"],
    parameters=[PROPOSAL_ID],
    summary="Withdraw my proposal (until the board vote opens)",
    request=None,
    responses=STEP_RESPONSES,
    examples=[
        OpenApiExample(
            "Withdrawn",
            value={
                **PROPOSAL_DETAIL_EXAMPLE,
                "status": "withdrawn",
                "status_label": "retirée",
                "votes": [],
                "my_ballot": None,
                "allowed": ALLOWED_NOTHING,
            },
            response_only=True,
        )
    ],
)
class ProposalWithdraw(_Step):
    def post(self, request, proposal_id: int):
        proposal = self.proposal(request, proposal_id)
        actions.withdraw_proposal(request.user, proposal=proposal)
        return _proposal_data(request, proposal)


@extend_schema(
    tags=["proposals"],
    parameters=[PROPOSAL_ID],
    summary="Review a proposal of my collège: forward it to the board, return it, or decline it",
    request=api.ReviewSerializer,
    responses=STEP_RESPONSES,
    examples=[
        OpenApiExample(
            "Forward",
            value={"decision": "forward", "text": "Le collège recommande l'adoption.", "revision": 2},
            request_only=True,
        )
    ],
)
class ProposalReview(_Step):
    def post(self, request, proposal_id: int):
        proposal = self.proposal(request, proposal_id)
        data = validated(api.ReviewSerializer, request)
        act = {
            "forward": lambda: actions.forward_proposal(
                request.user, proposal=proposal, recommendation=data["text"], revision=data.get("revision")
            ),
            "return": lambda: actions.return_proposal(
                request.user, proposal=proposal, note=data["text"], revision=data.get("revision")
            ),
            "decline": lambda: actions.decline_proposal(
                request.user, proposal=proposal, reason=data["text"], revision=data.get("revision")
            ),
        }[data["decision"]]
        act()
        return _proposal_data(request, proposal)


@extend_schema(
    tags=["board votes"],
    parameters=[PROPOSAL_ID],
    summary="Open the board vote on a proposal of the agenda (president or secretary)",
    request=api.OpenVoteSerializer,
    responses={201: api.ProposalDetailSerializer, 400: INVALID, 403: REFUSED, 404: NOT_FOUND},
    examples=[OpenApiExample("A week", value={"deadline": "2026-12-03T18:00:00+01:00"}, request_only=True)],
)
class VoteOpen(_Step):
    def post(self, request, proposal_id: int):
        proposal = self.proposal(request, proposal_id)
        data = validated(api.OpenVoteSerializer, request)
        actions.open_board_vote(request.user, proposal=proposal, deadline=data["deadline"])
        return _proposal_data(request, proposal, status_code=status.HTTP_201_CREATED)


@extend_schema(
    tags=["board votes"],
    parameters=[VOTE_ID],
    summary="Cast or change my ballot (board members, until the close)",
    request=api.BallotSerializer,
    responses=STEP_RESPONSES,
    examples=[OpenApiExample("For", value={"choice": "for", "comment": ""}, request_only=True)],
)
class VoteBallot(ApiViewMixin, APIView):
    def post(self, request, vote_id: int):
        vote = selectors.get_vote_for_user(request.user, vote_id)
        data = validated(api.BallotSerializer, request)
        actions.cast_ballot(request.user, vote=vote, choice=data["choice"], comment=data["comment"])
        return _proposal_data(request, vote.proposal)


@extend_schema(
    tags=["board votes"],
    parameters=[VOTE_ID],
    summary="Close a board vote before its deadline (president or secretary)",
    request=None,
    responses=STEP_RESPONSES,
    examples=[
        OpenApiExample(
            "Adopted",
            value={
                **PROPOSAL_DETAIL_EXAMPLE,
                "status": "adopted",
                "status_label": "adoptée",
                "votes": [
                    {
                        **VOTE_EXAMPLE,
                        "is_open": False,
                        "closed_at": "2026-11-26T09:15:00+01:00",
                        "close_reason": "closed_by_officer",
                        "result": "adopted",
                        "board_size": 5,
                        "votes_for": 4,
                        "votes_against": 0,
                        "abstentions": 1,
                        "quorum_needed": 3,
                        "quorum_reached": True,
                    }
                ],
                "decisions": ["CA-2026-003"],
                "allowed": ALLOWED_NOTHING,
            },
            response_only=True,
        )
    ],
)
class VoteClose(ApiViewMixin, APIView):
    def post(self, request, vote_id: int):
        vote = selectors.get_vote_for_user(request.user, vote_id)
        actions.close_board_vote(request.user, vote=vote)
        return _proposal_data(request, vote.proposal)


@extend_schema(
    tags=["decisions"],
    summary="The decision register, the latest decided first (or as ordered)",
    parameters=[api.DecisionFilterSerializer],
    responses={200: api.DecisionSerializer(many=True), 400: INVALID},
    examples=[OpenApiExample("A rejected proposal", value=DECISION_EXAMPLE, response_only=True)],
)
class DecisionList(ApiViewMixin, generics.GenericAPIView):
    pagination_class = Pages

    def get(self, request):
        filters = api.DecisionFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        data = filters.validated_data
        decisions = selectors.register(
            request.user, year=data.get("year"), college=data.get("college", ""), outcome=data.get("outcome", "")
        ).order_by(*api.DecisionFilterSerializer.ORDERINGS[data["ordering"]])
        page = self.paginate_queryset(decisions)
        return self.get_paginated_response(api.DecisionSerializer(page, many=True).data)


@extend_schema(
    tags=["decisions"],
    parameters=[NUMBER],
    summary="One decision of the register",
    responses={200: api.DecisionDetailSerializer, 404: NOT_FOUND},
    examples=[
        OpenApiExample(
            "A rejected proposal",
            value={**DECISION_EXAMPLE, "text": "Une boutique en ligne de copies, avec l'accord des déposants."},
            response_only=True,
        )
    ],
)
class DecisionDetail(ApiViewMixin, APIView):
    def get(self, request, number: str):
        decision = selectors.get_decision_for_user(request.user, number)
        return Response(api.DecisionDetailSerializer(decision).data)


@extend_schema(
    tags=["tasks"],
    summary="My tasks: the steps waiting for me or my group, and the board votes waiting for my ballot",
    responses=api.TaskListSerializer,
    examples=[OpenApiExample("A review and a ballot", value=TASKS_EXAMPLE, response_only=True)],
)
class TaskList(ApiViewMixin, APIView):
    def get(self, request):
        return _task_list(request.user)


def _task_list(user) -> Response:
    steps, ballots = selectors.task_list(user)
    return Response(api.TaskListSerializer({"steps": steps, "ballots": ballots}).data)


class _TaskStep(ApiViewMixin, APIView):
    run = None

    def post(self, request, task_id: int):
        task_id = selectors.get_task_for_user(request.user, task_id)
        type(self).run(request.user, task_id=task_id)
        return _task_list(request.user)


@extend_schema(
    tags=["tasks"],
    parameters=[TASK_ID],
    summary="Take a task offered to my group",
    request=None,
    responses={200: api.TaskListSerializer, 400: INVALID, 403: REFUSED, 404: NOT_FOUND},
    examples=[OpenApiExample("Taken: my tasks now", value=TASKS_EXAMPLE, response_only=True)],
)
class TaskClaim(_TaskStep):
    run = actions.claim_task


@extend_schema(
    tags=["tasks"],
    parameters=[TASK_ID],
    summary="Give a task I took back to my group",
    request=None,
    responses={200: api.TaskListSerializer, 400: INVALID, 403: REFUSED, 404: NOT_FOUND},
    examples=[
        OpenApiExample(
            "Given back: offered to the group again",
            value={
                **TASKS_EXAMPLE,
                "steps": [{**TASKS_EXAMPLE["steps"][0], "owner": None, "taken_by_me": False}],
            },
            response_only=True,
        )
    ],
)
class TaskRelease(_TaskStep):
    run = actions.release_task
