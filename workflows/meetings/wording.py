"""How a meeting is named and its agenda told, the same in notifications, e-mails and calendars."""

from __future__ import annotations

import re

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from intranet.links import absolute_url
from intranet.markdown import DOCUMENT_REFERENCE_PATTERN
from workflows.meetings.models import AgendaItem, Meeting

# A Markdown link, ``[label](address)``: in plain text, the label then the full address.
MARKDOWN_LINK = re.compile(r"\[([^\]\n]*)\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")

# In place of the title of an item whose proposal its author withdrew, for readers who may no
# longer open it (and in calendars and e-mails, which every board member reads alike).
WITHDRAWN_ITEM = gettext_lazy("A proposal withdrawn by its author")


def meeting_title(meeting: Meeting) -> str:
    when = date_format(timezone.localtime(meeting.starts_at), "DATETIME_FORMAT")
    return _("meeting of %(when)s") % {"when": when}


def agenda_text(meeting: Meeting) -> str:
    """Where, then each item: a proposal's with the address of its page and its documents, a
    free item with its notes, their links (documents, pages of the site) written out in full."""
    lines = []
    for item in meeting.items.select_related("minutes_of").order_by("position"):
        if item.withdrawn_at is not None:
            lines.append(f"{item.position}. {WITHDRAWN_ITEM}")
            continue
        link = absolute_url(reverse("proposals:detail", args=[item.proposal_id])) if item.proposal_id else ""
        lines.append(f"{item.position}. {item.shown_title}" + (f" — {link}" if link else ""))
        lines += [f"   {line}" if line.strip() else "" for line in notes_text(item).splitlines()]
    where = ", ".join(part for part in (meeting.place, meeting.video_link) if part)
    return "\n".join([where, *lines])


def notes_text(item: AgendaItem) -> str:
    """An item's notes as plain text, each link with its full address (``[[doc:12]]`` included)."""

    def full(address: str) -> str:
        return absolute_url(address) if address.startswith("/") and not address.startswith("//") else address

    def link(match: re.Match) -> str:
        label, address = match.group(1).strip(), full(match.group(2))
        return f"{label} ({address})" if label and label != address else address

    def document(match: re.Match) -> str:
        return absolute_url(reverse("documents:document", args=[int(match.group(1))]))

    text = re.sub(DOCUMENT_REFERENCE_PATTERN, document, item.notes.strip())
    return MARKDOWN_LINK.sub(link, text)
