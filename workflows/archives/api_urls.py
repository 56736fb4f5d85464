"""The archive API's routes (under /api/v1/)."""

from django.urls import path

from workflows.archives import api

urlpatterns = [
    path("archives/fonds/", api.FondsList.as_view(), name="archive_fonds_list"),
    path("archives/fonds/<int:fonds_id>/", api.FondsDetail.as_view(), name="archive_fonds"),
]
