from django.urls import path

from documents import views

app_name = "documents"

urlpatterns = [
    path("", views.index, name="index"),
    path("recents/", views.recent, name="recent"),
    path("espaces/<slug:slug>/", views.space, name="space"),
    path("espaces/<slug:slug>/corbeille/", views.trash, name="trash"),
    path("corbeille/<str:kind>/<int:item_id>/restaurer/", views.trash_restore, name="trash_restore"),
    path("corbeille/<str:kind>/<int:item_id>/supprimer/", views.trash_purge, name="trash_purge"),
    path("dossiers/<int:folder_id>/", views.folder_detail, name="folder"),
    path("dossiers/<int:folder_id>/nouveau-dossier/", views.folder_create, name="folder_create"),
    path("dossiers/<int:folder_id>/deposer/", views.folder_upload, name="folder_upload"),
    path("dossiers/<int:folder_id>/renommer/", views.folder_rename, name="folder_rename"),
    path("dossiers/<int:folder_id>/deplacer/", views.folder_move, name="folder_move"),
    path("dossiers/<int:folder_id>/supprimer/", views.folder_delete, name="folder_delete"),
    path("dossiers/<int:folder_id>/acces/", views.folder_access, name="folder_access"),
    path("dossiers/<int:folder_id>/acces/retirer/", views.folder_revoke, name="folder_revoke"),
    path("dossiers/<int:folder_id>/acces/restreindre/", views.folder_restrict, name="folder_restrict"),
    path("documents/<int:document_id>/", views.document_detail, name="document"),
    path("documents/<int:document_id>/telecharger/", views.document_download, name="document_download"),
    path("documents/<int:document_id>/modifier/", views.document_edit, name="document_edit"),
    path("documents/<int:document_id>/deplacer/", views.document_move, name="document_move"),
    path("documents/<int:document_id>/supprimer/", views.document_delete, name="document_delete"),
    path("documents/<int:document_id>/acces/", views.document_access, name="document_access"),
    path(
        "documents/<int:document_id>/nouvelle-version/", views.document_upload_version, name="document_upload_version"
    ),
    path("versions/<int:version_id>/telecharger/", views.version_download, name="version_download"),
    path("versions/<int:version_id>/apercu/", views.version_preview, name="version_preview"),
    path("versions/<int:version_id>/restaurer/", views.version_restore, name="version_restore"),
]
