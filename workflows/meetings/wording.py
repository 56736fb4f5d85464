"""How a meeting is named and its agenda told, the same in notifications, e-mails and calendars."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from intranet.links import absolute_url
from intranet.markdown import DOCUMENT_REFERENCE_PATTERN
from workflows.meetings.agenda_changes import changes_since_convocation
from workflows.meetings.models import AgendaItem, Meeting

# A Markdown link, ``[label](address)``: in plain text, the label then the full address.
MARKDOWN_LINK = re.compile(r"\[([^\]\n]*)\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")

# In place of the title of an item whose proposal its author withdrew, for readers who may no
# longer open it (and in calendars and e-mails, which every board member reads alike).
WITHDRAWN_ITEM = gettext_lazy("A proposal withdrawn by its author")


def meeting_title(meeting: Meeting) -> str:
    when = date_format(timezone.localtime(meeting.starts_at), "DATETIME_FORMAT")
    return _("meeting of %(when)s") % {"when": when}


@dataclass(frozen=True)
class ToldItem:
    position: int
    title: str
    link: str = ""  # the proposal's page (and its documents), in full
    notes: str = ""  # plain text, each link written out in full


@dataclass(frozen=True)
class ToldAgenda:
    """A meeting's agenda as e-mails and calendars tell it, the same to every board member."""

    place: str
    video_link: str
    changes: list[str]  # what changed since the convocation, one sentence each
    items: list[ToldItem]


def told_agenda(meeting: Meeting) -> ToldAgenda:
    """Where, what changed since the convocation, then each item: a proposal's with the address
    of its page and its documents, a free item with its notes and their links in full."""
    agenda = list(meeting.items.select_related("minutes_of").order_by("position"))
    items = []
    for item in agenda:
        if item.withdrawn_at is not None:
            items.append(ToldItem(item.position, str(WITHDRAWN_ITEM)))
            continue
        link = absolute_url(reverse("proposals:detail", args=[item.proposal_id])) if item.proposal_id else ""
        items.append(ToldItem(item.position, item.shown_title, link, notes_text(item)))
    return ToldAgenda(meeting.place, meeting.video_link, changes_told(meeting, agenda), items)


def changes_told(meeting: Meeting, items: list[AgendaItem] | None = None) -> list[str]:
    """The agenda's changes since the convocation, in sentences; none if it did not change."""
    changes = changes_since_convocation(meeting, items)
    if changes is None:
        return []
    when = date_format(timezone.localtime(meeting.agenda_changed_at), "DATETIME_FORMAT")
    told = [_("The agenda changed since the convocation (last change: %(when)s).") % {"when": when}]
    for item in changes.added:
        title = WITHDRAWN_ITEM if item.withdrawn_at is not None else item.shown_title
        told.append(_("Added: %(title)s") % {"title": title})
    for removed in changes.removed:
        told.append(_("Removed: %(title)s") % {"title": WITHDRAWN_ITEM if removed.withdrawn else removed.title})
    if changes.reordered:
        told.append(_("The order of the items changed."))
    return told


def agenda_text(meeting: Meeting, told: ToldAgenda | None = None) -> str:
    """The agenda as plain text (e-mails' text part, calendars), one line per item."""
    told = told or told_agenda(meeting)
    lines = [", ".join(part for part in (told.place, told.video_link) if part)]
    if told.changes:
        lines += [*told.changes, ""]
    for item in told.items:
        lines.append(f"{item.position}. {item.title}" + (f" — {item.link}" if item.link else ""))
        lines += [f"   {line}" if line.strip() else "" for line in item.notes.splitlines()]
    return "\n".join(lines)


def agenda_html(meeting: Meeting, told: ToldAgenda | None = None) -> str:
    """The agenda for e-mails' HTML part: a numbered list, the place, links one clicks (the video
    link, the proposals' pages, the documents in the notes), every text escaped."""
    return render_to_string("meetings/email/agenda.html", {"agenda": told or told_agenda(meeting)})


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
