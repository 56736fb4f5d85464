"""The documents API's folder access: who may open a folder and why, and the grants written on
it, for those who manage it. Thin like the rest of the API (``documents.api``)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from documents import actions, policies, selectors, who_has_access
from documents import serializers as api
from documents.api import PAGE, page_of
from documents.models import Folder
from intranet.api.base import ApiViewMixin
from intranet.api.serializers import ErrorSerializer

PEOPLE_PER_PAGE = 100
BOARD_GROUP_EXAMPLE = {"id": 2, "name": "conseil-d-administration", "label": "Conseil d'administration"}

PRINCIPAL_PARAMETERS = [
    OpenApiParameter(
        "user",
        int,
        description="A person's id",
        examples=[OpenApiExample("A person", value=12)],
    ),
    OpenApiParameter(
        "group",
        str,
        description="A group's name or id",
        examples=[OpenApiExample("A collège's members", value="college-production-membres")],
    ),
]


@extend_schema(tags=["documents"])
class FolderAccess(ApiViewMixin, APIView):
    """Who has access to a folder, for those who manage it."""

    def _folder(self, request, folder_id: int) -> Folder:
        folder = selectors.get_folder_for_user(request.user, folder_id)
        if not policies.can_see_effective_access(request.user, folder):
            raise PermissionDenied
        return folder

    @extend_schema(
        summary="The grants on a folder and above it, and everyone who can open it, with why",
        parameters=[PAGE],
        responses=api.FolderAccessSerializer,
        examples=[
            OpenApiExample(
                "Shared with the board",
                value={
                    "folder": {"id": 4, "name": "Budget"},
                    "grants": [
                        {
                            "level": "view",
                            "folder": {"id": 4, "name": "Budget"},
                            "user": None,
                            "group": BOARD_GROUP_EXAMPLE,
                        }
                    ],
                    "people": {
                        "count": 2,
                        "page": 1,
                        "has_next": False,
                        "results": [
                            {
                                "person": {"id": 3, "name": "Isabelle Garnier", "handle": "isabelle.garnier"},
                                "level": "view",
                                "reasons": [
                                    {
                                        "level": "view",
                                        "staff": False,
                                        "folder": {"id": 4, "name": "Budget"},
                                        "group": BOARD_GROUP_EXAMPLE,
                                    }
                                ],
                            },
                            {
                                "person": {"id": 1, "name": "Claire Moreau", "handle": "claire.moreau"},
                                "level": "manage",
                                "reasons": [{"level": "manage", "staff": True, "folder": None, "group": None}],
                            },
                        ],
                    },
                },
                response_only=True,
            )
        ],
    )
    def get(self, request, folder_id: int):
        folder = self._folder(request, folder_id)
        report = who_has_access.access_report(request.user, folder)
        place, people = page_of(report.people, request.query_params.get("page"), per_page=PEOPLE_PER_PAGE)
        body = {"folder": folder, "grants": report.grants, "people": {**place, "results": people}}
        return Response(api.FolderAccessSerializer(body).data)

    @extend_schema(
        summary="Give a person or a group a level of access on the folder (replacing the one written there)",
        request=api.GrantInputSerializer,
        responses={201: api.GrantSerializer},
        examples=[
            OpenApiExample("A person may view", value={"user": 12, "level": "view"}, request_only=True),
            OpenApiExample(
                "A collège's members may upload",
                value={"group": "college-production-membres", "level": "upload"},
                request_only=True,
            ),
        ],
    )
    def post(self, request, folder_id: int):
        folder = self._folder(request, folder_id)
        data = api.GrantInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user, group, level = (data.validated_data.get(key) for key in ("user", "group", "level"))
        actions.grant_folder_access(request.user, folder=folder, level=level, user=user, group=group)
        grant = who_has_access.written_grant(folder, level=level, user=user, group=group)
        return Response(api.GrantSerializer(grant).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Remove the access written on the folder for a person or a group",
        parameters=PRINCIPAL_PARAMETERS,
        request=None,
        responses={
            204: None,
            400: OpenApiResponse(
                ErrorSerializer,
                description="Neither or both of a person and a group, or one unknown",
                examples=[
                    OpenApiExample(
                        "Neither a person nor a group",
                        value={
                            "detail": "Certains champs ne sont pas valides.",
                            "code": "invalid",
                            "errors": {"non_field_errors": ["Choisissez soit une personne, soit un groupe."]},
                        },
                        response_only=True,
                        status_codes=["400"],
                    )
                ],
            ),
        },
    )
    def delete(self, request, folder_id: int):
        folder = self._folder(request, folder_id)
        # The principal in the query (a DELETE's body is not described by OpenAPI), or the body.
        data = api.PrincipalSerializer(data=request.query_params or request.data)
        data.is_valid(raise_exception=True)
        actions.revoke_folder_access(
            request.user, folder=folder, user=data.validated_data.get("user"), group=data.validated_data.get("group")
        )
        return Response(status=status.HTTP_204_NO_CONTENT)
