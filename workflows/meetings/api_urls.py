"""The board meetings' API routes (under /api/v1/)."""

from django.urls import path

from workflows.meetings import api

urlpatterns = [
    path("meetings/", api.MeetingList.as_view(), name="meetings"),
    path("meetings/minutes/", api.ApprovedMinutesList.as_view(), name="approved_minutes"),
    path("meetings/<int:meeting_id>/", api.MeetingDetail.as_view(), name="meeting"),
    path("meetings/<int:meeting_id>/answer/", api.MeetingAnswer.as_view(), name="meeting_answer"),
    path("meetings/<int:meeting_id>/presence/", api.MeetingPresence.as_view(), name="meeting_presence"),
    path("meetings/<int:meeting_id>/items/<int:item_id>/vote/", api.MeetingItemVote.as_view(), name="meeting_vote"),
    path("meetings/<int:meeting_id>/minutes/", api.MeetingMinutes.as_view(), name="meeting_minutes"),
]
