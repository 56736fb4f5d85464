"""The core's endpoints: collèges, the members' directory, search and notifications."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.db.models import Prefetch
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from drf_spectacular.views import SpectacularSwaggerSplitView
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from intranet import search, selectors
from intranet.api import serializers as api
from intranet.api.base import ApiViewMixin
from intranet.forms import DirectoryFilterForm, SearchForm
from intranet.middleware import CONTENT_SECURITY_POLICY
from intranet.models import CollegeMembership
from intranet.notifications import actions as notification_actions
from intranet.notifications import selectors as notification_selectors
from intranet.search.sources import sources


@login_not_required
@csrf_exempt  # it changes nothing: a POST to a wrong address is a 404, not a CSRF page
def not_found(request, *args, **kwargs):
    return JsonResponse({"detail": _("Not found."), "code": "not_found"}, status=404)


class ApiDocs(SpectacularSwaggerSplitView):
    """Swagger UI, from our own server. It sets inline styles as it renders: this page alone
    allows them (scripts stay our own files only)."""

    @extend_schema(exclude=True)  # a page for people, not an endpoint (as drf-spectacular's own)
    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        response["Content-Security-Policy"] = CONTENT_SECURITY_POLICY.replace(
            "style-src 'self'", "style-src 'self' 'unsafe-inline'"
        )
        return response


# What the demo association's endpoints answer (the schema's examples; a test checks each
# against the schema, so they keep the serializers' shape).
COLLEGE_EXAMPLE = {
    "slug": "production",
    "name": "Production",
    "description": "Producteurs, réalisateurs, techniciens : la fabrication des œuvres en région.",
}
MEMBER_EXAMPLE = {
    "id": 8,
    "name": "Camille Martin",
    "handle": "camille.martin",
    "organisation": "Atelier Camille Martin",
    "trade": "Réalisatrice",
    "territory": "33",
    "skills": ["cinéma d'animation", "réalisation", "écriture de scénario"],
    "colleges": [{"college": "production", "role": "coordinator"}],
    "contact": {"email": "camille.martin@demo.federation.example", "phone": "05 56 00 00 01"},
}
NOTIFICATION_EXAMPLE = {
    "id": 220,
    "kind": "decision",
    "event": "decision_recorded",
    "text": "Décision enregistrée : « CA-2026-002 — Vente de copies numériques aux particuliers »",
    "url": "/deliberations/CA-2026-002/",
    "created_at": "2026-11-26T10:28:32+01:00",
    "read": False,
}
PREFERENCES_EXAMPLE = {
    "mention": "immediately",
    "reply": "digest",
    "new_thread": "digest",
    "task": "immediately",
    "proposal": "digest",
    "vote": "digest",
    "decision": "digest",
    "share": "digest",
    "invitation": "never",
}


def _invalid(form) -> serializers.ValidationError:
    return serializers.ValidationError(
        {field: [str(error) for error in errors] for field, errors in form.errors.items()}
    )


@extend_schema(
    tags=["directory"],
    summary="Active collèges",
    examples=[OpenApiExample("A collège", value=COLLEGE_EXAMPLE, response_only=True)],
)
class CollegeList(ApiViewMixin, generics.ListAPIView):
    serializer_class = api.CollegeSerializer
    pagination_class = None

    def get_queryset(self):
        return selectors.active_colleges().order_by("position", "name")


@extend_schema(
    tags=["directory"],
    summary="One collège",
    examples=[OpenApiExample("Production", value=COLLEGE_EXAMPLE, response_only=True)],
)
class CollegeDetail(ApiViewMixin, generics.RetrieveAPIView):
    serializer_class = api.CollegeSerializer

    def get_object(self):
        return selectors.get_college_for_user(self.request.user, self.kwargs["slug"])


MEMBER_FILTERS = [
    OpenApiParameter("q", str, description="Words in the name, organisation, trade, bio or skills"),
    OpenApiParameter("college", str, description="A collège's slug"),
    OpenApiParameter("territory", str, description="A territory's code (département)"),
    OpenApiParameter("skill", str, description="A skill's slug"),
]


@extend_schema(
    tags=["directory"],
    summary="The members' directory, by name",
    parameters=[*MEMBER_FILTERS, api.MemberOrderingSerializer],
    examples=[OpenApiExample("A coordinator", value=MEMBER_EXAMPLE, response_only=True)],
)
class MemberList(ApiViewMixin, generics.ListAPIView):
    serializer_class = api.MemberSerializer

    def get_queryset(self):
        form = DirectoryFilterForm(self.request.query_params)
        if not form.is_valid():
            raise _invalid(form)
        ordering = api.MemberOrderingSerializer(data=self.request.query_params)
        ordering.is_valid(raise_exception=True)
        members = selectors.directory_members(self.request.user, form.filters())
        return members.order_by(*api.MemberOrderingSerializer.ORDERINGS[ordering.validated_data["ordering"]])


@extend_schema(
    tags=["directory"],
    summary="One member",
    examples=[OpenApiExample("A coordinator", value={**MEMBER_EXAMPLE, "bio": ""}, response_only=True)],
)
class MemberDetail(ApiViewMixin, generics.RetrieveAPIView):
    serializer_class = api.MemberDetailSerializer

    def get_object(self):
        member = selectors.get_member_for_user(self.request.user, self.kwargs["member_id"])
        memberships = CollegeMembership.objects.select_related("college")
        return (
            type(member)
            .objects.select_related("profile__territory")
            .prefetch_related("profile__skills", Prefetch("college_memberships", queryset=memberships))
            .get(pk=member.pk)
        )


@extend_schema(
    tags=["search"],
    summary="Search what the person may open",
    parameters=[
        OpenApiParameter("q", str, required=True, description='Words, "phrases", prefix*, -excluded'),
        OpenApiParameter("kind", str, description="thread, post, document, proposal, decision or member"),
        OpenApiParameter("college", str, description="A collège's slug"),
        OpenApiParameter("author", str, description="An author's handle"),
        OpenApiParameter("since", OpenApiTypes.DATE),
        OpenApiParameter("until", OpenApiTypes.DATE),
        OpenApiParameter("order", str, enum=["relevance", "date"]),
        OpenApiParameter("page", int),
    ],
    responses=api.SearchResultSerializer,
    examples=[
        OpenApiExample(
            "Two words",
            value={
                "query": "eleve cinema",
                "page": 1,
                "has_next": False,
                "notes": [],
                "results": [
                    {
                        "kind": "thread",
                        "title": "Éducation à l'image pour les <mark>élèves</mark>",
                        "url": "/forums/fils/12/",
                        "snippet": "… les <mark>cinémas</mark> partenaires …",
                        "context": "Éducation",
                        "date": "2026-11-02T10:00:00+01:00",
                    }
                ],
            },
            response_only=True,
        )
    ],
)
class Search(ApiViewMixin, APIView):
    def get(self, request):
        kinds = [(kind, source.label) for kind, source in sources().items()]
        form = SearchForm(request.query_params, kinds=kinds)
        if not form.is_valid():
            raise _invalid(form)
        data = form.cleaned_data
        found = search.search(request.user, data["q"], form.filters(), page=data["page"] or 1)
        results = [
            {
                "kind": hit.kind,
                "title": hit.title,
                "url": hit.display.url,
                "snippet": hit.snippet,
                "context": hit.display.context,
                "date": hit.display.date,
            }
            for hit in found.hits
        ]
        body = {
            "query": found.text,
            "page": found.page,
            "has_next": found.has_next,
            "notes": [str(note) for note in found.notes],
            "results": results,
        }
        return Response(api.SearchResultSerializer(body).data)


@extend_schema(
    tags=["notifications"],
    summary="My notifications, newest first",
    parameters=[
        OpenApiParameter("unread", bool, description="Only those not read yet"),
        OpenApiParameter("page", int),
    ],
    responses=api.NotificationPageSerializer,
    examples=[
        OpenApiExample(
            "A decision recorded",
            value={"count": 7, "page": 1, "has_next": False, "unread": 7, "results": [NOTIFICATION_EXAMPLE]},
            response_only=True,
        )
    ],
)
class NotificationList(ApiViewMixin, APIView):
    def get(self, request):
        unread_only = request.query_params.get("unread") in ("1", "true")
        page, rows = notification_selectors.notifications_page(
            request.user, page=request.query_params.get("page"), unread_only=unread_only
        )
        results = [
            {
                "notification": row.notification,
                "sentence": row.sentence,
                "url": row.url or None,
                "is_read": not row.is_unread,
            }
            for row in rows
        ]
        return Response(
            {
                "count": page.paginator.count,
                "page": page.number,
                "has_next": page.has_next(),
                "unread": notification_selectors.unread_count(request.user),
                "results": api.NotificationSerializer(results, many=True).data,
            }
        )


@extend_schema(
    tags=["notifications"],
    summary="Mark some of my notifications read",
    request=api.MarkReadSerializer,
    responses={200: api.UnreadSerializer},
    examples=[
        OpenApiExample("Two notifications", value={"ids": [220, 168]}, request_only=True),
        OpenApiExample("Five left to read", value={"unread": 5}, response_only=True),
    ],
)
class NotificationMarkRead(ApiViewMixin, APIView):
    def post(self, request):
        data = api.MarkReadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        notification_actions.mark_read(request.user, notification_ids=data.validated_data["ids"])
        return Response({"unread": notification_selectors.unread_count(request.user)})


@extend_schema(
    tags=["notifications"],
    summary="Mark all my notifications read",
    request=None,
    responses=api.UnreadSerializer,
    examples=[OpenApiExample("All read", value={"unread": 0}, response_only=True)],
)
class NotificationMarkAllRead(ApiViewMixin, APIView):
    def post(self, request):
        notification_actions.mark_all_read(request.user)
        return Response({"unread": 0})


@extend_schema(tags=["notifications"])
class NotificationPreferences(ApiViewMixin, APIView):
    @extend_schema(
        summary="My e-mail preferences",
        responses=api.PreferencesSerializer,
        examples=[OpenApiExample("Mentions and tasks at once", value=PREFERENCES_EXAMPLE, response_only=True)],
    )
    def get(self, request):
        return Response(notification_selectors.preferences_for(request.user))

    @extend_schema(
        summary="Change my e-mail preferences",
        request=api.PreferencesSerializer,
        responses=api.PreferencesSerializer,
        examples=[OpenApiExample("Replies at once", value={"reply": "immediately", "decision": "never"})],
    )
    def patch(self, request):
        data = api.PreferencesSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        unknown = set(request.data) - set(data.fields) if isinstance(request.data, dict) else set()
        if unknown:
            raise serializers.ValidationError({name: [_("Unknown kind of notification.")] for name in sorted(unknown)})
        notification_actions.set_preferences(request.user, choices=data.validated_data)
        return Response(notification_selectors.preferences_for(request.user))
