"""The deposit process's steps in the API: each asks the archive's policy as the page does (404
for a fonds the reader may not see, 403 for a step not theirs), runs the same action, and answers
with the fonds as its page now shows it to the reader."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import ErrorDetail, Throttled
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from documents import actions as document_actions
from documents.uploads import IncomingUploadHandler
from intranet.api.base import ApiViewMixin, validated
from intranet.api.serializers import ErrorSerializer
from intranet.exceptions import ActionRefused
from intranet.models import User
from workflows.archives import actions, files, policies, selectors
from workflows.archives import serializers as api
from workflows.archives.agreement import ODT, agreement_response
from workflows.archives.items import ItemDraft
from workflows.archives.models import Fonds, Item, Transfer, Use

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


# --- The agreement's document and its signed copy ------------------------------------------------


class AnyAcceptHeader(DefaultContentNegotiation):
    """The document is sent whatever the client says it accepts; a refusal is JSON."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


@extend_schema(
    tags=["archive"],
    parameters=[
        FONDS_ID,
        OpenApiParameter("transfer", str, enum=Transfer.values, description="Before it is recorded: deposit or gift"),
        OpenApiParameter("uses", str, many=True, enum=Use.values, description="Before they are recorded: the uses"),
    ],
    summary="The deposit agreement (or deed of gift) to print and sign, as an OpenDocument text",
    description="The page's document: from the retained items and the rights recorded, or those given here (a "
    "draft before the agreement step is taken). Staff (for the archivist) once the appraisal is done.",
    responses={
        (200, ODT): OpenApiTypes.BINARY,
        400: STEP_RESPONSES[400],
        403: STEP_RESPONSES[403],
        404: OpenApiResponse(
            ErrorSerializer,
            description="Missing, or not visible to you",
            examples=[
                OpenApiExample(
                    "Missing, or not yours to open",
                    value={"detail": "Introuvable.", "code": "not_found"},
                    response_only=True,
                    status_codes=["404"],
                )
            ],
        ),
    },
)
class AgreementDocument(_Step):
    allowed = staticmethod(policies.can_write_agreement)
    content_negotiation_class = AnyAcceptHeader

    def get(self, request, fonds_id: int):
        fonds = self.fonds(request, fonds_id)
        rights = api.AgreementDraftSerializer(data=request.query_params)
        rights.is_valid(raise_exception=True)
        return agreement_response(fonds, **rights.validated_data)


@extend_schema(
    tags=["archive"],
    parameters=[FONDS_ID],
    summary="Keep the signed agreement with the fonds (a second one becomes its next version)",
    description="As the page's form: one file, within the documents' size limit, refused if its type is not one "
    "the documents accept. Kept in the fonds's restricted “Convention” folder; the intake waits for it.",
    request={"multipart/form-data": api.SignedAgreementSerializer},
    responses={
        201: api.FondsDetailSerializer,
        **{code: about for code, about in STEP_RESPONSES.items() if code != 200},
    },
    examples=[
        OpenApiExample("A scan", value={"file": "convention-signee.pdf"}, request_only=True),
        OpenApiExample(
            "Kept: the intake may follow",
            value={
                "id": 14,
                "title": "Films de la famille Lenoir",
                "description": "",
                "call_number": None,
                "status": "in_intake",
                "depositor": "Famille Lenoir",
                "transfer": "deposit",
                "uses": ["on_site", "research"],
                "files_open": True,
                "signed_agreement": 208,
                "opinion_asked": False,
                "opinion": "",
                "opinion_thread": None,
                "items": [],
            },
            response_only=True,
            status_codes=["201"],
        ),
    ],
)
class SignedAgreement(_Step):
    """Received as the page receives it: streamed into the incoming folder, refused past the size
    limit, then kept by the same action (or removed)."""

    allowed = staticmethod(policies.can_write_agreement)
    parser_classes = [MultiPartParser]

    def initial(self, request, *args, **kwargs):
        # Before anything reads the body (the session's CSRF check may): the page's handler.
        self.upload_handler = IncomingUploadHandler(request._request)
        request._request.upload_handlers = [self.upload_handler]
        super().initial(request, *args, **kwargs)

    def post(self, request, fonds_id: int):
        fonds = self.fonds(request, fonds_id)  # a refused file is removed when Django closes it
        received = request.FILES.getlist("file")
        if self.upload_handler.refused:
            raise ActionRefused(self.upload_handler.refused[0], field="file")
        if not received:
            raise ActionRefused(_("Choose the file of the signed agreement."), field="file")
        if len(received) > 1:
            raise ActionRefused(_("Send one file per request."), field="file")
        try:
            document = files.attach_signed_agreement(request.user, fonds=fonds, incoming=received[0])
        except document_actions.UploadRateExceeded as refusal:
            throttled = Throttled(wait=refusal.retry_after)  # 429 with its Retry-After, as the documents' API
            throttled.detail = ErrorDetail(refusal.message, code=throttled.default_code)
            raise throttled from refusal
        response = fonds_data(request, fonds, status_code=status.HTTP_201_CREATED)
        response["Location"] = reverse("api:document", args=[document.pk])
        return response
