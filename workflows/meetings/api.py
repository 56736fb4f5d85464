"""Board meetings in the API: the meetings, one meeting with its agenda, attendance and quorum,
a board member's answer to the convocation, and the minutes; on the meetings' policy and the
same selectors as the pages."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from intranet.api.base import ApiViewMixin, validated
from intranet.api.serializers import ErrorSerializer
from intranet.models import User
from workflows.meetings import actions, holding, policies, selectors
from workflows.meetings import serializers as api
from workflows.meetings.models import AgendaItem

MEETING_ID = OpenApiParameter("meeting_id", int, OpenApiParameter.PATH, description="The meeting's id")
ITEM_ID = OpenApiParameter("item_id", int, OpenApiParameter.PATH, description="The agenda item's id")
NOT_FOUND = OpenApiResponse(ErrorSerializer, description="Missing, or not visible to you")
REFUSED = OpenApiResponse(ErrorSerializer, description="Not yours to do (with why)")
INVALID = OpenApiResponse(ErrorSerializer, description="Not valid, or refused by the rules (with why)")

MEETING_EXAMPLE = {
    "id": 7,
    "starts_at": "2027-01-14T18:30:00+01:00",
    "place": "Maison des associations, salle 2",
    "video_link": "https://visio.example.org/ca",
    "status": "convened",
    "convened_late": False,
}

DETAIL_EXAMPLE = {
    "meeting": MEETING_EXAMPLE,
    "agenda": [
        {
            "id": 31, "position": 1, "kind": "minutes", "title": "Approbation du procès-verbal du 12 novembre",
            "notes": "", "proposal": None, "withdrawn": False, "minutes_of": 6, "result": None, "decision": None,
            "roll_call": None, "added_after_convocation": False,
        },
        {
            "id": 32, "position": 2, "kind": "proposal", "title": "Festival des films d'élèves", "notes": "",
            "proposal": 14, "withdrawn": False, "minutes_of": None, "result": "adopted",
            "decision": "CA-2027-003", "added_after_convocation": True,
            "roll_call": [
                {"member": 3, "name": "Camille Hébert", "choice": "for", "by_proxy": False, "proxy_holder": None,
                 "proxy_holder_name": None},
                {"member": 9, "name": "Noé Vasseur", "choice": "for", "by_proxy": True, "proxy_holder": 3,
                 "proxy_holder_name": "Camille Hébert"},
            ],
        },
    ],
    "agenda_changed_at": "2027-01-10T09:12:00+01:00",
    "attendance": [
        {"member": 3, "name": "Camille Hébert", "role": "secrétaire", "answer": "présent·e", "proxy_to": None,
         "present_in_room": True},
    ],
    "quorum": {"board_size": 5, "present": 3, "represented": 1, "counted": 4, "needed": 3, "reached": True},
    "quorum_from_roll_call": True,
    "my_answer": "present",
    "my_proxy_to": None,
    "may_answer": False,
    "minutes_approved": None,
}  # fmt: skip
MINUTES_EXAMPLE = {
    "meeting": 6,
    "starts_at": "2026-11-12T18:30:00+01:00",
    "text": "# Présences\n\n- Présents : Camille Hébert, Alex Poulain",
    "html": "<h3>Présences</h3>\n<ul>\n<li>Présents : Camille Hébert, Alex Poulain</li>\n</ul>",
    "public_to_members": True,
    "approved_at": "2026-12-10T19:05:00+01:00",
    "approved_in": 7,
    "revision": 3,
}


def _meetings_or_404(user) -> None:
    if not policies.can_see_meetings(user):
        raise Http404


@extend_schema(
    tags=["meetings"],
    summary="The board's meetings, the next first, then the past ones (board and staff)",
    responses={200: api.MeetingSerializer(many=True), 404: NOT_FOUND},
    examples=[OpenApiExample("A convened meeting", value=MEETING_EXAMPLE, response_only=True)],
)
class MeetingList(ApiViewMixin, APIView):
    def get(self, request):
        _meetings_or_404(request.user)
        upcoming, past = selectors.meetings_for(request.user)
        return Response(api.MeetingSerializer([*upcoming, *past], many=True).data)


def _detail(request, meeting) -> Response:
    return Response(api.MeetingDetailSerializer(selectors.meeting_view(request.user, meeting)).data)


@extend_schema(
    tags=["meetings"],
    parameters=[MEETING_ID],
    summary="A meeting as its page shows it: agenda, attendance, quorum, my answer",
    description="Each item voted by roll call names who voted what (for the board and staff), and the "
    "agenda says when it changed since the convocation and which items were added since.",
    responses={200: api.MeetingDetailSerializer, 404: NOT_FOUND},
    examples=[OpenApiExample("In session", value=DETAIL_EXAMPLE, response_only=True)],
)
class MeetingDetail(ApiViewMixin, APIView):
    def get(self, request, meeting_id: int):
        return _detail(request, selectors.get_meeting_for_user(request.user, meeting_id))


@extend_schema(
    tags=["meetings"],
    parameters=[MEETING_ID],
    summary="Answer the convocation: present, absent, or a proxy to another board member",
    request=api.AnswerSerializer,
    responses={200: api.MeetingDetailSerializer, 400: INVALID, 403: REFUSED, 404: NOT_FOUND},
    examples=[OpenApiExample("A proxy", value={"answer": "proxy", "proxy_to": 12}, request_only=True)],
)
class MeetingAnswer(ApiViewMixin, APIView):
    def post(self, request, meeting_id: int):
        meeting = selectors.get_meeting_for_user(request.user, meeting_id)
        if not policies.answers_convocations(request.user):
            raise PermissionDenied  # the rest (too late, not convened) is refused by the action, saying why
        data = validated(api.AnswerSerializer, request)
        holder = User.objects.filter(pk=data.get("proxy_to") or 0, is_active=True).first()
        actions.answer(request.user, meeting=meeting, choice=data["answer"], proxy_to=holder)
        meeting.refresh_from_db()
        return _detail(request, meeting)


@extend_schema(
    tags=["meetings"],
    parameters=[MEETING_ID],
    summary="The secretary's roll call: who of the board is in the room (the others are not)",
    request=api.PresenceSerializer,
    responses={200: api.MeetingDetailSerializer, 400: INVALID, 403: REFUSED, 404: NOT_FOUND},
    examples=[OpenApiExample("Three in the room", value={"present": [3, 5, 8]}, request_only=True)],
)
class MeetingPresence(ApiViewMixin, APIView):
    def post(self, request, meeting_id: int):
        meeting = selectors.get_meeting_for_user(request.user, meeting_id)
        if not policies.can_record_presence(request.user, meeting):
            raise PermissionDenied
        data = validated(api.PresenceSerializer, request)
        actions.record_presence(request.user, meeting=meeting, present=data["present"])
        meeting.refresh_from_db()
        return _detail(request, meeting)


@extend_schema(
    tags=["meetings"],
    parameters=[MEETING_ID, ITEM_ID],
    summary="Record the vote held in the room on an item: its counts, or the ballots of a roll call",
    description="A proposal's vote becomes a decision of the register when adopted or rejected; the "
    "approval of earlier minutes is voted by counts and freezes them when approved.",
    request=api.VoteInSessionSerializer,
    responses={200: api.MeetingDetailSerializer, 400: INVALID, 403: REFUSED, 404: NOT_FOUND},
    examples=[
        OpenApiExample("Counted", value={"votes_for": 5, "votes_against": 1, "abstentions": 1}, request_only=True),
        OpenApiExample("Roll call", value={"ballots": {"3": "for", "5": "against"}}, request_only=True),
    ],
)
class MeetingItemVote(ApiViewMixin, APIView):
    def post(self, request, meeting_id: int, item_id: int):
        meeting = selectors.get_meeting_for_user(request.user, meeting_id)
        item = get_object_or_404(AgendaItem, pk=item_id, meeting=meeting)
        if not policies.can_hold(request.user, meeting):
            raise PermissionDenied
        holding.record_item_vote(request.user, item=item, **validated(api.VoteInSessionSerializer, request))
        meeting.refresh_from_db()
        return _detail(request, meeting)


@extend_schema(
    tags=["meetings"],
    parameters=[MEETING_ID],
    summary="A meeting's minutes: drafts for the board and staff, approved public ones for members",
    responses={200: api.MinutesSerializer, 404: NOT_FOUND},
    examples=[OpenApiExample("Approved", value=MINUTES_EXAMPLE, response_only=True)],
)
class MeetingMinutes(ApiViewMixin, APIView):
    def get(self, request, meeting_id: int):
        return Response(api.MinutesSerializer(selectors.get_minutes_for_user(request.user, meeting_id)).data)


@extend_schema(
    tags=["meetings"],
    summary="The approved minutes I may read, the latest meeting first",
    responses={200: api.MinutesSerializer(many=True)},
    examples=[OpenApiExample("Approved", value=MINUTES_EXAMPLE, response_only=True)],
)
class ApprovedMinutesList(ApiViewMixin, APIView):
    def get(self, request):
        return Response(api.MinutesSerializer(selectors.approved_minutes_for(request.user), many=True).data)
