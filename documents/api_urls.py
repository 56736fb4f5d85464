"""The documents API's routes (under /api/v1/)."""

from django.urls import path

from documents import api, api_access

urlpatterns = [
    path("spaces/", api.SpaceList.as_view(), name="spaces"),
    path("folders/<int:folder_id>/", api.FolderDetail.as_view(), name="folder"),
    path("folders/<int:folder_id>/documents/", api.FolderUpload.as_view(), name="folder_upload"),
    path("folders/<int:folder_id>/access/", api_access.FolderAccess.as_view(), name="folder_access"),
    path("documents/<int:document_id>/", api.DocumentDetail.as_view(), name="document"),
    path("documents/<int:document_id>/download/", api.DocumentDownload.as_view(), name="document_download"),
    path("documents/<int:document_id>/versions/", api.VersionList.as_view(), name="document_versions"),
    path("versions/<int:version_id>/download/", api.VersionDownload.as_view(), name="version_download"),
    path("versions/<int:version_id>/restore/", api.VersionRestore.as_view(), name="version_restore"),
]
