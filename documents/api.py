"""The documents API: spaces, folders, uploads, documents and versions (folder access: ``api_access``).

Thin, like the pages: every object comes through a selector that answers 404 alike for missing
and forbidden, every "may they?" is asked of the folder policy, every change is an action (so
rows, files, audit entries and index updates are the pages' own), and files are received and
sent by the pages' upload handler and serving helper.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import ErrorDetail, Throttled
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from documents import actions, policies, selectors
from documents import serializers as api
from documents.models import Document, Folder
from documents.serving import version_response
from documents.uploads import IncomingUploadHandler
from intranet.api.base import ApiViewMixin
from intranet.api.serializers import ErrorSerializer
from intranet.exceptions import ActionRefused

DOCUMENTS_PER_PAGE = 100

PAGE = OpenApiParameter("page", int, description="Page number (of the documents, or of the people)")
PERSON_EXAMPLE = {"id": 8, "name": "Camille Martin", "handle": "camille.martin"}
VERSION_EXAMPLE = {
    "id": 31,
    "number": 3,
    "original_name": "budget-2027.ods",
    "size": 18432,
    "content_type": "application/vnd.oasis.opendocument.spreadsheet",
    "uploaded_at": "2026-11-02T10:00:00+01:00",
    "uploaded_by": PERSON_EXAMPLE,
}
DOCUMENT_EXAMPLE = {
    "id": 7,
    "name": "budget-2027.ods",
    "description": "Prévisionnel voté en assemblée",
    "folder": {"id": 4, "name": "Budget"},
    "current_version": VERSION_EXAMPLE,
    "created_at": "2026-10-12T09:30:00+02:00",
    "updated_at": "2026-11-02T10:00:00+01:00",
    "space": "college-production",
    "permissions": {"change": True, "manage": False, "see_access": False},
}
NOT_FOUND_EXAMPLE = OpenApiExample(
    "Missing, or not yours to open",
    value={"detail": "Introuvable.", "code": "not_found"},
    response_only=True,
    status_codes=["404"],
)


def page_of(items, number, *, per_page: int) -> tuple[dict, list]:
    """One page of ``items`` as the pages paginate them, with its place in the whole."""
    page = Paginator(items, per_page).get_page(number)
    return {"count": page.paginator.count, "page": page.number, "has_next": page.has_next()}, list(page)


# --- Spaces and folders --------------------------------------------------------------------


@extend_schema(
    tags=["documents"],
    summary="Document spaces I may open something in",
    examples=[
        OpenApiExample(
            "A collège's space",
            value={
                "slug": "college-production",
                "name": "Production",
                "kind": "college",
                "description": "",
                "root_folder": 2,
                "shared_folders": [],
            },
            response_only=True,
        )
    ],
)
class SpaceList(ApiViewMixin, generics.ListAPIView):
    serializer_class = api.SpaceSerializer
    pagination_class = None

    def get_queryset(self):
        shared: dict[int, list[Folder]] = {}
        for folder in selectors.shared_with_me(self.request.user):
            shared.setdefault(folder.space_id, []).append(folder)
        return [
            {"space": space, "root": root, "shared_folders": sorted(shared.get(space.pk, []), key=lambda f: f.name)}
            for space, root in selectors.spaces_with_roots(self.request.user)
        ]


@extend_schema(
    tags=["documents"],
    summary="A folder: the folders above, its subfolders, a page of its documents, what I may do",
    parameters=[PAGE],
    responses=api.FolderDetailSerializer,
    examples=[
        OpenApiExample(
            "A restricted folder",
            value={
                "id": 4,
                "name": "Budget",
                "space": "college-production",
                "restricted": True,
                "above": [{"id": 2, "name": "Production"}],
                "permissions": {"upload": True, "manage": False, "see_access": False},
                "subfolders": [{"id": 9, "name": "Archives 2025"}],
                "documents": {
                    "count": 1,
                    "page": 1,
                    "has_next": False,
                    "results": [
                        {
                            key: value
                            for key, value in {**DOCUMENT_EXAMPLE, "folder": 4}.items()
                            if key not in ("space", "permissions")
                        }
                    ],
                },
            },
            response_only=True,
        )
    ],
)
class FolderDetail(ApiViewMixin, APIView):
    def get(self, request, folder_id: int):
        user = request.user
        folder = selectors.get_folder_for_user(user, folder_id)
        place, documents = page_of(
            selectors.documents_in(folder), request.query_params.get("page"), per_page=DOCUMENTS_PER_PAGE
        )
        body = {
            "folder": folder,
            "above": selectors.breadcrumbs(user, folder),
            "permissions": {
                "upload": policies.can_upload(user, folder),
                "manage": policies.can_manage_folder(user, folder),
                "see_access": policies.can_see_effective_access(user, folder),
            },
            "subfolders": selectors.subfolders(user, folder),
            "documents": {**place, "results": documents},
        }
        return Response(api.FolderDetailSerializer(body).data)


# --- Documents and versions ----------------------------------------------------------------


def _document_body(user, document: Document) -> dict:
    permissions = {
        "change": policies.can_change_document(user, document),
        "manage": policies.can_manage_document(user, document),
        "see_access": policies.can_see_effective_access(user, document.folder),
    }
    return api.DocumentDetailSerializer(document, context={"permissions": permissions}).data


@extend_schema(
    tags=["documents"],
    summary="Upload a document (a file of the same name becomes its new version)",
    request={"multipart/form-data": api.UploadSerializer},
    responses={201: api.DocumentDetailSerializer},
    examples=[
        OpenApiExample(
            "A spreadsheet",
            value={"file": "budget-2027.ods", "description": "Prévisionnel voté en assemblée"},
            request_only=True,
        ),
        OpenApiExample("Uploaded", value=DOCUMENT_EXAMPLE, response_only=True, status_codes=["201"]),
    ],
)
class FolderUpload(ApiViewMixin, APIView):
    """Received as the page receives a form's files: streamed into the incoming folder, refused
    past the size limit, checked for its type, then stored by the upload action (or removed)."""

    parser_classes = [MultiPartParser]

    def initial(self, request, *args, **kwargs):
        # Before anything reads the body (the session's CSRF check may): the page's handler.
        self.upload_handler = IncomingUploadHandler(request._request)
        request._request.upload_handlers = [self.upload_handler]
        super().initial(request, *args, **kwargs)

    def post(self, request, folder_id: int):
        folder = selectors.get_folder_for_user(request.user, folder_id)
        if not policies.can_upload(request.user, folder):
            raise PermissionDenied
        try:
            actions.check_upload_rate(request.user)  # before reading a body it would refuse
            files = request.FILES.getlist("file")  # read now, through the handler
            if self.upload_handler.refused:
                raise ActionRefused(self.upload_handler.refused[0], field="file")
            if len(files) > 1:
                raise ActionRefused(_("Send one file per request."), field="file")
            data = api.UploadSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            document, _version, _created = actions.upload_document(
                request.user,
                folder=folder,
                incoming=data.validated_data["file"],
                description=data.validated_data["description"],
            )
        except actions.UploadRateExceeded as refusal:
            throttled = Throttled(wait=refusal.retry_after)  # 429 with its Retry-After header
            throttled.detail = ErrorDetail(refusal.message, code=throttled.default_code)  # our words only
            raise throttled from refusal
        document = selectors.get_document_for_user(request.user, document.pk)
        return Response(
            _document_body(request.user, document),
            status=status.HTTP_201_CREATED,
            headers={"Location": reverse("api:document", args=[document.pk])},
        )


@extend_schema(tags=["documents"], summary="A document, its current version and what I may do with it")
class DocumentDetail(ApiViewMixin, APIView):
    @extend_schema(
        responses=api.DocumentDetailSerializer,
        examples=[OpenApiExample("A spreadsheet", value=DOCUMENT_EXAMPLE, response_only=True)],
    )
    def get(self, request, document_id: int):
        return Response(_document_body(request.user, selectors.get_document_for_user(request.user, document_id)))


@extend_schema(
    tags=["documents"],
    summary="A document's versions, newest first",
    examples=[
        OpenApiExample("The third version", value={**VERSION_EXAMPLE, "restored_from": None}, response_only=True)
    ],
)
class VersionList(ApiViewMixin, generics.ListAPIView):
    serializer_class = api.VersionSerializer

    def get_queryset(self):
        document = selectors.get_document_for_user(self.request.user, self.kwargs["document_id"])
        return selectors.versions_of(document)


class FilesWhateverIsAccepted(DefaultContentNegotiation):
    """A file is sent whatever the client says it accepts; a refusal is JSON."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


BINARY = {
    (200, "*/*"): OpenApiTypes.BINARY,
    404: OpenApiResponse(ErrorSerializer, description="Missing, or not yours to open", examples=[NOT_FOUND_EXAMPLE]),
}


class Download(ApiViewMixin, APIView):
    """The page's serving helper, given Django's request (under ASGI it then streams the file
    instead of reading it whole)."""

    content_negotiation_class = FilesWhateverIsAccepted


@extend_schema(
    tags=["documents"],
    summary="Download a document's current version",
    description="The file as the page sends it, with its type, its name and `nosniff`.",
    responses=BINARY,
)
class DocumentDownload(Download):
    def get(self, request, document_id: int):
        document = selectors.get_document_for_user(request.user, document_id)
        if document.current_version is None:
            raise Http404
        return version_response(request._request, document.current_version)


@extend_schema(tags=["documents"], summary="Download one version of a document", responses=BINARY)
class VersionDownload(Download):
    def get(self, request, version_id: int):
        return version_response(request._request, selectors.get_version_for_user(request.user, version_id))


@extend_schema(
    tags=["documents"],
    summary="Make an old version the newest again (as a new version sharing its file)",
    request=None,
    responses={201: api.VersionSerializer},
    examples=[
        OpenApiExample(
            "Version 1 restored as version 4",
            value={**VERSION_EXAMPLE, "id": 32, "number": 4, "restored_from": 1},
            response_only=True,
            status_codes=["201"],
        )
    ],
)
class VersionRestore(ApiViewMixin, APIView):
    def post(self, request, version_id: int):
        version = selectors.get_version_for_user(request.user, version_id)
        restored = actions.restore_version(request.user, version=version)
        return Response(api.VersionSerializer(restored).data, status=status.HTTP_201_CREATED)
