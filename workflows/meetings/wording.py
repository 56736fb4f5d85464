"""How a meeting is named and its agenda told, the same in notifications, e-mails and calendars."""

from __future__ import annotations

from dataclasses import dataclass

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from intranet.links import absolute_url
from intranet.markdown import readable_text, render_markdown
from workflows.meetings.agenda_changes import AgendaChanges, changes_since_convocation
from workflows.meetings.models import AgendaItem, Meeting

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
    return tell_changes(meeting, changes_since_convocation(meeting, items))


def tell_changes(meeting: Meeting, changes: AgendaChanges | None) -> list[str]:
    """``changes_since_convocation`` in sentences, the date of the last change first."""
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
    """An item's notes as plain text (calendars show the description as typed): no Markdown marks,
    each link with its full address, a ``[[doc:12]]`` by its page's address and never its name,
    since every board member reads the same text whatever they may open."""

    def full(address: str) -> str:
        return absolute_url(address) if address.startswith("/") and not address.startswith("//") else address

    def document(number: int) -> str:
        return absolute_url(reverse("documents:document", args=[number]))

    notes = item.notes.strip()
    return readable_text(render_markdown(notes).html, address=full, document=document) if notes else ""
