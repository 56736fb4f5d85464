"""The archive's API: the catalogue and a fonds, for the reader, on the archive's policy (the
same selectors as the pages)."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics
from rest_framework.response import Response
from rest_framework.views import APIView

from intranet.api.base import ApiViewMixin, Pages
from intranet.api.serializers import ErrorSerializer
from workflows.archives import api_steps, policies, selectors
from workflows.archives import serializers as api

FONDS_ID = OpenApiParameter("fonds_id", int, OpenApiParameter.PATH, description="The fonds's id")
INVALID = OpenApiResponse(ErrorSerializer, description="A filter is not valid (with why)")

FONDS_EXAMPLE = {
    "id": 14,
    "title": "Films de la famille Lenoir",
    "call_number": "FI-2026-014",
    "status": "catalogued",
    "items": 3,
    "created_at": "2026-10-02T10:00:00+02:00",
}
ITEM_EXAMPLE = {
    "id": 41,
    "position": 1,
    "call_number": "FI-2026-014-001",
    "title": "Vacances à Royan",
    "author": "Jean Lenoir",
    "period": "1972",
    "place": "Royan, Charente-Maritime",
    "subjects": ["vacances", "plage"],
    "format": "Super 8",
    "count": 3,
    "duration_minutes": 45,
    "sound": "muet",
    "declared_condition": "",
    "damages": [],
    "condition_note": "",
    "regional_interest": "",
    "retained": None,
    "location": "",
    "digitisation": "à numériser",
}
FONDS_DETAIL_EXAMPLE = {
    "id": 14,
    "title": "Films de la famille Lenoir",
    "description": "Films de vacances et de fêtes familiales, 1960–1980.",
    "call_number": "FI-2026-014",
    "status": "catalogued",
    "depositor": "",
    "transfer": "deposit",
    "uses": ["on_site", "research"],
    "files_open": False,
    "signed_agreement": None,
    "opinion_asked": False,
    "opinion": "",
    "opinion_thread": None,
    "items": [ITEM_EXAMPLE],
}


@extend_schema(tags=["archive"])
class FondsList(ApiViewMixin, generics.GenericAPIView):
    pagination_class = Pages

    @extend_schema(
        summary="Offer archives: a member for themself, staff for someone outside",
        request=api.OfferSerializer,
        responses={201: api.FondsDetailSerializer, 400: INVALID, 403: api_steps.STEP_RESPONSES[403]},
        examples=[
            OpenApiExample(
                "A family's reels",
                value={
                    "title": "Films de la famille Lenoir",
                    "items": [{"title": "Vacances", "format": "super8", "count": 3, "subjects": ["vacances", "plage"]}],
                },
                request_only=True,
            ),
            OpenApiExample("Recorded", value=FONDS_DETAIL_EXAMPLE, response_only=True, status_codes=["201"]),
        ],
    )
    def post(self, request):
        return api_steps.record_offer(request)

    @extend_schema(
        summary="The fonds I may open: the catalogue, my own offers, and (staff) everything",
        parameters=[api.CatalogueFilterSerializer],
        responses={200: api.FondsSerializer(many=True), 400: INVALID},
        examples=[OpenApiExample("A catalogued fonds", value=FONDS_EXAMPLE, response_only=True)],
    )
    def get(self, request):
        filters = api.CatalogueFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        data = dict(filters.validated_data)
        if "item_format" in data:
            data["format"] = data.pop("item_format")
        if not policies.can_triage(request.user):
            data.pop("status", None)  # members browse the catalogue, as the page does
        page = self.paginate_queryset(selectors.catalogue(request.user, selectors.CatalogueFilters(**data)))
        return self.get_paginated_response(api.FondsSerializer(page, many=True).data)


@extend_schema(
    tags=["archive"],
    parameters=[FONDS_ID],
    summary="One fonds and its items, as its page shows them to me",
    responses={200: api.FondsDetailSerializer, 404: ErrorSerializer},
    examples=[OpenApiExample("As a member reads it", value=FONDS_DETAIL_EXAMPLE, response_only=True)],
)
class FondsDetail(ApiViewMixin, APIView):
    def get(self, request, fonds_id: int):
        fonds = selectors.get_fonds_for_user(request.user, fonds_id)
        return Response(api.FondsDetailSerializer(selectors.fonds_view(request.user, fonds)).data)


QUEUED_ITEM_EXAMPLE = {
    "id": 41,
    "call_number": "FI-2026-014-001",
    "title": "Vacances à Royan",
    "format": "super8",
    "format_label": "Super 8",
    "state": "to_digitise",
    "state_label": "à numériser",
    "fonds": 14,
    "fonds_title": "Films de la famille Lenoir",
    "fonds_call_number": "FI-2026-014",
    "taken_in_at": "2026-11-02T10:00:00+01:00",
}


@extend_schema(
    tags=["archive"],
    summary="The digitisation queue: items of catalogued fonds to digitise or in progress, oldest intake first (staff)",
    description="The rows of the page /archives/numerisation/; anybody but staff gets a 404, as for a missing page. "
    "An item's state changes at /api/v1/archives/fonds/{fonds}/items/{id}/digitisation/.",
    parameters=[api.DigitisationQueueFilterSerializer],
    responses={200: api.QueuedItemSerializer(many=True), 400: INVALID, 404: ErrorSerializer},
    examples=[OpenApiExample("A reel to digitise", value=QUEUED_ITEM_EXAMPLE, response_only=True)],
)
class DigitisationQueue(ApiViewMixin, generics.GenericAPIView):
    pagination_class = Pages

    def get(self, request):
        if not policies.can_follow_digitisation_queue(request.user):
            raise Http404  # before the filters: the same answer as for a missing page, whatever is asked
        filters = api.DigitisationQueueFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        chosen = selectors.DigitisationQueueFilters(
            state=filters.validated_data.get("state", ""), format=filters.validated_data.get("item_format", "")
        )
        page = self.paginate_queryset(selectors.digitisation_queue(request.user, chosen))
        return self.get_paginated_response(api.QueuedItemSerializer(selectors.queued_items(page), many=True).data)
