"""What the document spaces add to the member's home (``intranet.activity``): the documents and
the new versions uploaded by others in the folders the reader may open now, whatever the number
of folders and documents (``selectors.newest_versions_since``)."""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext_lazy as _

from documents.selectors import newest_versions_since
from intranet.activity import LINES_PER_SOURCE, Happening, place_named
from intranet.builtins import builtin_text
from intranet.links import address_maker
from intranet.models import full_name


def new_documents_and_versions(user, since: datetime) -> list[Happening]:
    columns = (
        "number",
        "uploaded_at",
        "document_id",
        "document__name",
        "document__folder__name",
        "document__folder__parent_id",
        "document__folder__space__college__slug",
        "document__folder__space__college__name",
        "uploaded_by__first_name",
        "uploaded_by__last_name",
    )
    rows = newest_versions_since(user, since, wanted=LINES_PER_SOURCE, columns=columns)
    document_url = address_maker("documents:document")
    lines = []
    for number, uploaded_at, document_id, name, folder, parent, college_slug, college_name, first, last in rows:
        if parent is None:  # a space's top folder bears the space's name: built-in, in the reader's language
            folder = builtin_text(folder)
        lines.append(
            Happening(
                kind="document" if number == 1 else "version",
                kind_label=_("New documents") if number == 1 else _("New versions"),
                title=name,
                url=document_url(document_id),
                at=uploaded_at,
                place=place_named(college_slug, college_name),
                actor=full_name(first, last),
                detail=folder if number == 1 else _("version %(number)s") % {"number": number},
            )
        )
    return lines
