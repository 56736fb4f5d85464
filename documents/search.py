"""Documents as the search sees them: name, description and the text of the current version;
readable by whoever may open their folder (asked of the same selector as the pages)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from documents.models import Document
from documents.selectors import visible_folders
from intranet.search.sources import Display, Entry, Source, ids_in


class DocumentSource(Source):
    kind = "document"
    position = 30
    label = _("Documents")
    batch_size = 100  # long texts

    def entries(self, ids):
        documents = Document.objects.filter(pk__in=ids, deleted_at__isnull=True).select_related(
            "folder__space__college", "current_version"
        )
        return {
            document.pk: Entry(
                kind=self.kind,
                object_id=document.pk,
                scope=f"folder:{document.folder_id}",
                title=document.name,
                body="\n".join(
                    filter(None, [document.description, getattr(document.current_version, "extracted_text", "")])
                ),
                date=document.updated_at,
                colleges=[document.folder.space.college.slug] if document.folder.space.college_id else [],
                author_id=document.created_by_id,
            )
            for document in documents
        }

    def all_ids(self):
        # Space by space, folder tree by folder tree: kept together in a rebuilt index (see forums).
        return (
            Document.objects.filter(deleted_at__isnull=True)
            .order_by("folder__space_id", "folder__path", "pk")
            .values_list("pk", flat=True)
            .iterator()
        )

    def allowed_scopes(self, user):
        return {f"folder:{folder_id}" for folder_id in visible_folders(user).values_list("pk", flat=True)}

    def allowed_ids(self, user):
        return "folder", visible_folders(user)

    def display(self, user, ids, scopes):
        documents = Document.objects.filter(
            pk__in=ids, deleted_at__isnull=True, folder_id__in=ids_in(scopes, "folder")
        ).select_related("folder__space", "current_version")
        return {
            document.pk: Display(
                title=document.name,
                url=reverse("documents:document", args=[document.pk]),
                text="\n".join(
                    filter(None, [document.description, getattr(document.current_version, "extracted_text", "")])
                )[:20000],
                context=f"{document.folder.space.display_name} › {document.folder.display_name}",
                date=document.updated_at,
            )
            for document in documents
        }
