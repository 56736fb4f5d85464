"""The deposit process's steps in the API: each asks the archive's policy as the page does (404
for a fonds the reader may not see, 403 for a step not theirs), runs the same action, and answers
with the fonds as its page now shows it to the reader."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from intranet.api.base import ApiViewMixin, validated
from intranet.api.serializers import ErrorSerializer
from intranet.exceptions import ActionRefused
from intranet.models import User
from workflows.archives import actions, policies, selectors
from workflows.archives import serializers as api
from workflows.archives.items import ItemDraft
from workflows.archives.models import Fonds, Item

FONDS_ID = OpenApiParameter("fonds_id", int, OpenApiParameter.PATH, description="The fonds's id")
ITEM_ID = OpenApiParameter("item_id", int, OpenApiParameter.PATH, description="The item's id in the fonds")
STEP_RESPONSES = {
    200: api.FondsDetailSerializer,
    400: OpenApiResponse(ErrorSerializer, description="Not valid, or refused by the process (with why)"),
    403: OpenApiResponse(ErrorSerializer, description="Not yours to take now"),
    404: OpenApiResponse(ErrorSerializer, description="Missing, or not visible to you"),
}


def fonds_data(request, fonds: Fonds, *, status_code: int = status.HTTP_200_OK) -> Response:
    fonds = Fonds.objects.get(pk=fonds.pk)
    return Response(api.FondsDetailSerializer(selectors.fonds_view(request.user, fonds)).data, status=status_code)


def record_offer(request) -> Response:
    """POST on the catalogue: a member offers their own archives; staff record someone's."""
    if not policies.can_record_offer(request.user):
        raise PermissionDenied
    data = validated(api.OfferSerializer, request)
    for_someone_else = policies.can_record_offer_for_others(request.user)
    fonds = actions.record_offer(
        request.user,
        title=data["title"],
        description=data["description"],
        items=[ItemDraft(**line) for line in data["items"]],
        depositor=None if for_someone_else else request.user,
        depositor_name=data["depositor_name"] if for_someone_else else "",
        depositor_contact=data["depositor_contact"] if for_someone_else else "",
    )
    return fonds_data(request, fonds, status_code=status.HTTP_201_CREATED)


class _Step(ApiViewMixin, APIView):
    allowed = staticmethod(lambda user, fonds: False)  # the step's policy

    def fonds(self, request, fonds_id: int) -> Fonds:
        fonds = selectors.get_fonds_for_user(request.user, fonds_id)
        if not self.allowed(request.user, fonds):
            raise PermissionDenied
        return fonds


def _step(summary: str, request_serializer, example: dict, *, item: bool = False):
    return extend_schema(
        tags=["archive"],
        parameters=[FONDS_ID, ITEM_ID] if item else [FONDS_ID],
        summary=summary,
        request=request_serializer,
        responses=STEP_RESPONSES,
        examples=[OpenApiExample("A step", value=example, request_only=True)],
    )


@_step("Triage: assign the archivist who appraises the offer (staff)", api.AssignSerializer, {"archivist": 3})
class Assign(_Step):
    allowed = staticmethod(lambda user, fonds: policies.can_triage(user))

    def post(self, request, fonds_id: int):
        fonds = self.fonds(request, fonds_id)
        data = validated(api.AssignSerializer, request)
        archivist = User.objects.filter(pk=data["archivist"], is_active=True).first()
        if archivist is None:
            raise ActionRefused(_("Choose the archivist."), field="archivist")
        actions.assign_archivist(request.user, fonds=fonds, archivist=archivist, revision=data.get("revision"))
        return fonds_data(request, fonds)


@_step("Triage: decline the offer, saying why (staff)", api.ReasonSerializer, {"reason": "Hors de notre région."})
class Decline(_Step):
    allowed = staticmethod(lambda user, fonds: policies.can_triage(user))

    def post(self, request, fonds_id: int):
        fonds = self.fonds(request, fonds_id)
        data = validated(api.ReasonSerializer, request)
        actions.decline_offer(request.user, fonds=fonds, reason=data["reason"], revision=data.get("revision"))
        return fonds_data(request, fonds)


@_step(
    "Withdraw my offer (the depositor) or record its withdrawal (staff)",
    api.ReasonSerializer,
    {"reason": "La famille garde les films."},
)
class Withdraw(_Step):
    allowed = staticmethod(policies.can_withdraw)

    def post(self, request, fonds_id: int):
        fonds = self.fonds(request, fonds_id)
        data = validated(api.ReasonSerializer, request)
        actions.withdraw_offer(request.user, fonds=fonds, reason=data["reason"])
        return fonds_data(request, fonds)


@_step("Appraise one item: retained or not, its condition", api.AppraisalSerializer, {"retained": True}, item=True)
class Appraise(_Step):
    allowed = staticmethod(policies.can_appraise)

    def post(self, request, fonds_id: int, item_id: int):
        fonds = self.fonds(request, fonds_id)
        item = get_object_or_404(Item, pk=item_id, fonds=fonds)
        actions.appraise_item(request.user, item=item, **validated(api.AppraisalSerializer, request))
        return fonds_data(request, fonds)


@_step("Ask the collège Patrimoine's opinion", api.QuestionSerializer, {"question": "Faut-il tout garder ?"})
class AskOpinion(_Step):
    allowed = staticmethod(policies.can_appraise)

    def post(self, request, fonds_id: int):
        fonds = self.fonds(request, fonds_id)
        actions.ask_opinion(request.user, fonds=fonds, **validated(api.QuestionSerializer, request))
        return fonds_data(request, fonds)


@_step("Give the collège Patrimoine's opinion (its coordinators)", api.OpinionSerializer, {"opinion": "À garder."})
class GiveOpinion(_Step):
    allowed = staticmethod(policies.can_give_opinion)

    def post(self, request, fonds_id: int):
        fonds = self.fonds(request, fonds_id)
        data = validated(api.OpinionSerializer, request)
        actions.give_opinion(request.user, fonds=fonds, opinion=data["opinion"], revision=data.get("revision"))
        return fonds_data(request, fonds)


@_step("Finish the appraisal (nothing retained ends the process, with a reason)", api.ReasonSerializer, {})
class FinishAppraisal(_Step):
    allowed = staticmethod(policies.can_appraise)

    def post(self, request, fonds_id: int):
        fonds = self.fonds(request, fonds_id)
        data = validated(api.ReasonSerializer, request)
        actions.finish_appraisal(request.user, fonds=fonds, reason=data["reason"], revision=data.get("revision"))
        return fonds_data(request, fonds)


@_step("Rights and agreement: deposit or gift, the uses allowed", api.AgreementSerializer, {"transfer": "gift"})
class Agreement(_Step):
    allowed = staticmethod(policies.can_prepare_agreement)

    def post(self, request, fonds_id: int):
        fonds = self.fonds(request, fonds_id)
        data = validated(api.AgreementSerializer, request)
        actions.record_agreement(
            request.user, fonds=fonds, transfer=data["transfer"], uses=data["uses"], revision=data.get("revision")
        )
        return fonds_data(request, fonds)


@_step("Intake: call numbers and locations; the fonds is catalogued", api.IntakeSerializer, {"placements": []})
class Intake(_Step):
    allowed = staticmethod(policies.can_take_in)

    def post(self, request, fonds_id: int):
        fonds = self.fonds(request, fonds_id)
        data = validated(api.IntakeSerializer, request)
        placements = [actions.Placement(row["item"], row["location"], row["call_number"]) for row in data["placements"]]
        actions.take_in(request.user, fonds=fonds, placements=placements, revision=data.get("revision"))
        return fonds_data(request, fonds)


@_step("Follow an item's digitisation", api.DigitisationSerializer, {"state": "in_progress"}, item=True)
class Digitise(_Step):
    allowed = staticmethod(policies.can_follow_digitisation)

    def post(self, request, fonds_id: int, item_id: int):
        fonds = self.fonds(request, fonds_id)
        item = get_object_or_404(Item, pk=item_id, fonds=fonds, retained=True)
        actions.set_digitisation(request.user, item=item, **validated(api.DigitisationSerializer, request))
        return fonds_data(request, fonds)
