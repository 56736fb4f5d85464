"""Documents mentioned in forum messages as ``[[doc:12]]``.

The stored HTML keeps a neutral placeholder; each reader's page replaces it with a link and the
document's name if the folder policy lets them open it, and with "document unavailable"
otherwise — the same words for a missing document and a forbidden one.
"""

from __future__ import annotations

import re

from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from documents.models import Document
from documents.selectors import visible_documents

PLACEHOLDER = re.compile(r'<span class="document-ref">doc:(\d+)</span>')


def referenced_ids(htmls) -> set[int]:
    return {int(found) for html in htmls for found in PLACEHOLDER.findall(html or "")}


def get_referenced_documents_for_user(user, htmls) -> dict[int, Document]:
    """The referenced documents this reader may open, in one query."""
    ids = referenced_ids(htmls)
    if not ids:
        return {}
    return {document.pk: document for document in visible_documents(user).filter(pk__in=ids)}


def fill_references(html: str, documents: dict[int, Document]) -> SafeString:
    unavailable = escape(_("document unavailable"))

    def replace(match):
        document = documents.get(int(match.group(1)))
        if document is None:
            return f'<span class="document-ref document-ref--unavailable">{unavailable}</span>'
        url = reverse("documents:document", args=[document.pk])
        return f'<a class="document-ref" href="{url}">📄 {escape(document.name)}</a>'

    return mark_safe(PLACEHOLDER.sub(replace, html))  # noqa: S308 - html is our sanitised output; names are escaped
