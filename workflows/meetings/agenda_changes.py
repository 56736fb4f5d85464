"""What became of a convened meeting's agenda: the agenda kept when the board was convened, and
what changed since (items added, removed, the order), as the board is told and the page shows."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from workflows.meetings.models import AgendaItem, Meeting
from workflows.models import Proposal, ProposalStatus


@dataclass(frozen=True)
class RemovedItem:
    title: str  # as stored, in the association's language
    withdrawn: bool  # a proposal its author withdrew since: its title is not told


@dataclass(frozen=True)
class AgendaChanges:
    added: list[AgendaItem] = field(default_factory=list)
    removed: list[RemovedItem] = field(default_factory=list)
    reordered: bool = False

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.reordered)


def snapshot(items: Iterable[AgendaItem]) -> list[dict]:
    """The agenda as the board is convened to it, kept with the meeting (``convened_agenda``)."""
    return [{"id": item.pk, "title": item.title, "proposal": item.proposal_id} for item in items]


def changes_since_convocation(meeting: Meeting, items: Iterable[AgendaItem] | None = None) -> AgendaChanges | None:
    """None when the agenda has not changed since the convocation; else what differs between the
    agenda convened and ``items`` (the agenda now, in order): a change undone leaves no trace."""
    if meeting.agenda_changed_at is None or not meeting.convened_agenda:
        return None
    if items is None:
        items = meeting.items.select_related("minutes_of").order_by("position")
    items = list(items)
    before = [entry["id"] for entry in meeting.convened_agenda]
    now = [item.pk for item in items]
    kept = set(before) & set(now)
    gone = [entry for entry in meeting.convened_agenda if entry["id"] not in kept]
    withdrawn = set(
        Proposal.objects.filter(
            pk__in=[entry["proposal"] for entry in gone if entry.get("proposal")], status=ProposalStatus.WITHDRAWN
        ).values_list("pk", flat=True)
    )
    return AgendaChanges(
        added=[item for item in items if item.pk not in kept],
        removed=[RemovedItem(entry["title"], entry.get("proposal") in withdrawn) for entry in gone],
        reordered=[pk for pk in before if pk in kept] != [pk for pk in now if pk in kept],
    )
