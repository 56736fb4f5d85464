"""What the document spaces add to the member's home (``intranet.activity``): the documents and
the new versions uploaded by others in the folders the reader may open now. One query (plus the
reader's grants, asked once per request), whatever the number of folders and documents."""

from __future__ import annotations

from datetime import datetime

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from documents.models import DocumentVersion
from documents.selectors import visible_documents
from intranet.activity import LINES_PER_SOURCE, Happening, place_of


def new_documents_and_versions(user, since: datetime) -> list[Happening]:
    versions = (
        DocumentVersion.objects.filter(document__in=visible_documents(user).values("pk"), uploaded_at__gte=since)
        .exclude(uploaded_by=user)
        .select_related("document__folder__space__college", "uploaded_by")
        .order_by("-uploaded_at", "-pk")[:LINES_PER_SOURCE]
    )
    lines = []
    for version in versions:
        document, first = version.document, version.number == 1
        lines.append(
            Happening(
                kind="document" if first else "version",
                kind_label=_("New documents") if first else _("New versions"),
                title=document.name,
                url=reverse("documents:document", args=[document.pk]),
                at=version.uploaded_at,
                place=place_of(document.folder.space.college),
                actor=version.uploaded_by.get_full_name() if version.uploaded_by else "",
                detail=document.folder.name if first else _("version %(number)s") % {"number": version.number},
            )
        )
    return lines
