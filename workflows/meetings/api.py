"""Board meetings in the API: the meetings, one meeting with its agenda, attendance and quorum,
a board member's answer to the convocation, and the minutes; on the meetings' policy and the
same selectors as the pages."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from intranet.api.base import ApiViewMixin, validated
from intranet.api.serializers import ErrorSerializer
from intranet.models import User
from workflows.meetings import actions, policies, selectors
from workflows.meetings import serializers as api

MEETING_ID = OpenApiParameter("meeting_id", int, OpenApiParameter.PATH, description="The meeting's id")
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


def _meetings_or_404(user) -> None:
    if not policies.can_see_meetings(user):
        raise Http404


@extend_schema(
    tags=["meetings"],
    summary="The board's meetings, the next first, then the past ones (board and staff)",
    responses={200: api.MeetingSerializer(many=True), 404: NOT_FOUND},
    examples=[OpenApiExample("A convened meeting", value=[MEETING_EXAMPLE], response_only=True)],
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
    responses={200: api.MeetingDetailSerializer, 404: NOT_FOUND},
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
        if not policies.can_answer(request.user, meeting):
            raise PermissionDenied
        data = validated(api.AnswerSerializer, request)
        holder = User.objects.filter(pk=data.get("proxy_to") or 0, is_active=True).first()
        actions.answer(request.user, meeting=meeting, choice=data["answer"], proxy_to=holder)
        meeting.refresh_from_db()
        return _detail(request, meeting)


@extend_schema(
    tags=["meetings"],
    parameters=[MEETING_ID],
    summary="A meeting's minutes: drafts for the board and staff, approved public ones for members",
    responses={200: api.MinutesSerializer, 404: NOT_FOUND},
)
class MeetingMinutes(ApiViewMixin, APIView):
    def get(self, request, meeting_id: int):
        return Response(api.MinutesSerializer(selectors.get_minutes_for_user(request.user, meeting_id)).data)


@extend_schema(
    tags=["meetings"],
    summary="The approved minutes I may read, the latest meeting first",
    responses={200: api.MinutesSerializer(many=True)},
)
class ApprovedMinutesList(ApiViewMixin, APIView):
    def get(self, request):
        return Response(api.MinutesSerializer(selectors.approved_minutes_for(request.user), many=True).data)
