"""``GET /api/v1/me/activity/``: the member's home as data, what waits for the person and what
happened since their last visit (or 7 or 30 days), built by the same selectors as the page."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from intranet import activity
from intranet.api.base import ApiViewMixin


class WaitingSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="task, vote, meeting, archive or mention")
    title = serializers.CharField()
    url = serializers.CharField(help_text="The page where it is done")
    action = serializers.CharField(help_text="What is asked, in the person's language")
    due = serializers.DateTimeField(allow_null=True, help_text="A deadline, when there is one")
    since = serializers.DateTimeField(allow_null=True)


class HappeningSerializer(serializers.Serializer):
    title = serializers.CharField()
    url = serializers.CharField()
    at = serializers.DateTimeField()
    actor = serializers.CharField(help_text="Who did it, when it is someone")
    detail = serializers.CharField()
    count = serializers.IntegerField(help_text="New replies in a followed thread (else 0)")


class KindSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="thread, replies, document, version, proposal or decision")
    label = serializers.CharField()
    more = serializers.IntegerField(help_text="Lines of this kind left out")
    lines = HappeningSerializer(many=True)


class PlaceSerializer(serializers.Serializer):
    slug = serializers.CharField(help_text='A collège\'s slug; "" for the association as a whole')
    name = serializers.CharField()
    kinds = KindSerializer(many=True)


class ActivitySerializer(serializers.Serializer):
    since = serializers.DateTimeField()
    period = serializers.CharField(source="choice")
    waiting = WaitingSerializer(many=True)
    places = PlaceSerializer(many=True)


def _places(shown: activity.Activity) -> list[dict]:
    return [
        {
            "slug": group.place.slug,
            "name": str(group.place.name),
            "kinds": [
                {"kind": kind.kind, "label": str(kind.label), "more": kind.more, "lines": kind.lines}
                for kind in group.kinds
            ],
        }
        for group in shown.places
    ]


EXAMPLE = {
    "since": "2026-11-30T18:12:00+01:00",
    "period": "visit",
    "waiting": [
        {
            "kind": "vote",
            "title": "Festival itinérant",
            "url": "/propositions/14/#vote-title",
            "action": "Votez",
            "due": "2026-12-06T18:00:00+01:00",
            "since": "2026-12-02T09:30:00+01:00",
        }
    ],
    "places": [
        {
            "slug": "production",
            "name": "Production",
            "kinds": [
                {
                    "kind": "thread",
                    "label": "Nouveaux fils",
                    "more": 0,
                    "lines": [
                        {
                            "title": "Tournage en mars",
                            "url": "/forums/fils/31/",
                            "at": "2026-12-03T11:02:00+01:00",
                            "actor": "Camille Martin",
                            "detail": "Production",
                            "count": 0,
                        }
                    ],
                }
            ],
        }
    ],
}


@extend_schema(
    tags=["notifications"],
    summary="What waits for me, and what happened in my collèges since my last visit",
    parameters=[
        OpenApiParameter(
            "period",
            str,
            enum=list(activity.CHOICES),
            description="visit (the default: since the last visit to the home page, which this does "
            "not move), 7 or 30 days",
        )
    ],
    responses=ActivitySerializer,
    examples=[OpenApiExample("A vote to cast, a new thread", value=EXAMPLE, response_only=True)],
)
class MyActivity(ApiViewMixin, APIView):
    def get(self, request):
        choice = request.query_params.get("period", "visit")
        if choice not in activity.CHOICES:
            raise serializers.ValidationError({"period": [_("Choose visit, 7 or 30.")]})
        shown = activity.activity_for(request.user, since=activity.window(request.user, choice), choice=choice)
        body = {"since": shown.since, "choice": shown.choice, "waiting": shown.waiting, "places": _places(shown)}
        return Response(ActivitySerializer(body).data)
