"""A proposal withdrawn by its author while it waits on a meeting's agenda: it leaves the agenda
of a meeting still being planned; on a convened meeting it stays, marked withdrawn, and the board
is told (the title is then shown only to those who may still open the proposal)."""

from __future__ import annotations

from django.utils import timezone

from intranet.audit import record
from intranet.models import User
from workflows.meetings import actions, notifications
from workflows.meetings.models import AgendaItem, MeetingStatus
from workflows.meetings.room import board_ids
from workflows.models import Proposal


def withdraw_from_agendas(actor: User, *, proposal: Proposal) -> None:
    """Runs inside the withdrawal's transaction (``workflows.actions.proposal_withdrawn``), so its
    audit rows and notifications stand or fall with it."""
    items = AgendaItem.objects.filter(
        proposal=proposal,
        withdrawn_at__isnull=True,
        meeting__status__in=[MeetingStatus.PLANNED, MeetingStatus.CONVENED],
    )
    for item in items.order_by("meeting_id"):
        meeting = actions.locked_meeting(item.meeting)
        if meeting.status == MeetingStatus.PLANNED:
            # Nobody was convened yet: the item simply goes, as if the officer had removed it.
            AgendaItem.objects.filter(pk=item.pk).delete()
            actions.renumber(list(meeting.items.order_by("position")))
            actions.touch_meeting(meeting)
            record(actor, actions.MeetingAction.AGENDA_CHANGED, meeting, removed=item.title, withdrawn=True)
        else:
            # The board has the agenda in hand: it learns that this item will not be voted on.
            AgendaItem.objects.filter(pk=item.pk).update(withdrawn_at=timezone.now())
            actions.touch_meeting(meeting)
            record(actor, actions.MeetingAction.ITEM_WITHDRAWN, meeting, item=item.title)
            notifications.item_withdrawn(actor, meeting, board_ids())


def on_proposal_withdrawn(sender, *, actor: User, proposal: Proposal, **_ignored) -> None:
    withdraw_from_agendas(actor, proposal=proposal)
