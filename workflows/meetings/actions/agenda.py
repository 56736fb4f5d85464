"""The agenda of a meeting: what waits for one, items added, moved and removed. After the
convocation, each change is dated and the board convened is told."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings as project_settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from intranet.audit import record
from intranet.exceptions import ActionRefused
from intranet.markdown import render_markdown
from intranet.models import User
from workflows import actions as workflow_actions
from workflows.meetings import notifications, policies, rules
from workflows.meetings.actions.common import MeetingAction, locked_meeting, require, touch_meeting
from workflows.meetings.models import (
    AgendaItem,
    ItemKind,
    Meeting,
    MeetingSettings,
    MeetingStatus,
    Minutes,
    approval_title,
)
from workflows.meetings.room import board_ids
from workflows.models import Proposal, ProposalStatus

TITLE_MAX_LENGTH = 200
FINISHED = (MeetingStatus.HELD, MeetingStatus.MINUTES_APPROVED)


def touch_agenda(actor: User, meeting: Meeting, *, added: bool = False) -> None:
    """A change to the agenda; after the convocation it is dated and the board convened is told
    (items added within the statutes' notice: the minutes will say so)."""
    if meeting.status != MeetingStatus.CONVENED:
        touch_meeting(meeting)
        return
    now = timezone.now()
    late = added and meeting.starts_at - now < timedelta(days=MeetingSettings.current().convocation_days)
    touch_meeting(meeting, agenda_changed_at=now, agenda_added_late=meeting.agenda_added_late or late)
    notifications.agenda_changed(actor, meeting, board_ids())


def proposals_waiting_for_a_meeting() -> list[Proposal]:
    """On the board's agenda, and on no meeting still to be held."""
    taken = AgendaItem.objects.filter(proposal__isnull=False).exclude(meeting__status__in=FINISHED)
    return list(
        Proposal.objects.filter(status=ProposalStatus.ON_AGENDA)
        .exclude(pk__in=taken.values("proposal_id"))
        .order_by("forwarded_at", "pk")
    )


def minutes_waiting_for_approval() -> list[Minutes]:
    """Written, not approved, and on no meeting still to be held (rejected ones come back)."""
    taken = AgendaItem.objects.filter(minutes_of__isnull=False, approval_result="").exclude(
        meeting__status__in=FINISHED
    )
    return list(
        Minutes.objects.filter(approved_at__isnull=True)
        .exclude(meeting_id__in=taken.values("minutes_of_id"))
        .select_related("meeting")
        .order_by("meeting__starts_at")
    )


def put_minutes_approval_first(meeting: Meeting, minutes: Minutes) -> AgendaItem:
    """The approval of ``minutes`` on the agenda, after the approvals already there and before
    every other item (planning a meeting adds them; so does the one click). Inside the caller's
    transaction, the meeting locked."""
    items = list(meeting.items.order_by("position"))
    approvals = [item for item in items if item.kind == ItemKind.MINUTES]
    # Pages show it in each reader's language (``AgendaItem.shown_title``); stored, in the association's.
    with translation.override(project_settings.LANGUAGE_CODE):
        title = approval_title(minutes.meeting)
    item = AgendaItem.objects.create(
        meeting=meeting, position=0, kind=ItemKind.MINUTES, minutes_of=minutes.meeting, title=title
    )
    others = [each for each in items if each.kind != ItemKind.MINUTES]
    renumber([*approvals, item, *others])
    return item


def add_minutes_approval(actor: User, *, meeting: Meeting, minutes: Minutes | None) -> AgendaItem:
    """One click: the approval of earlier minutes, first on the agenda (after other approvals)."""
    with transaction.atomic():
        meeting = locked_meeting(meeting)
        require(policies.can_edit_agenda(actor, meeting), "This agenda is not yours to change now.")
        if minutes is None or minutes.pk not in {waiting.pk for waiting in minutes_waiting_for_approval()}:
            raise ActionRefused(_("These minutes are no longer waiting for approval: reload the page."))
        item = put_minutes_approval_first(meeting, minutes)
        touch_agenda(actor, meeting, added=True)
        record(actor, MeetingAction.AGENDA_CHANGED, meeting, added=[item.title])
    return item


def _next_position(meeting: Meeting) -> int:
    last = meeting.items.order_by("-position").values_list("position", flat=True).first()
    return (last or 0) + 1


def add_proposals(actor: User, *, meeting: Meeting, proposals: Iterable[Proposal]) -> list[AgendaItem]:
    """Proposals waiting for the board, added in one click each, after the items already there."""
    proposals = list(proposals)
    with transaction.atomic():
        # The proposals first (a withdrawal holds its proposal, then the meetings it is on).
        workflow_actions.lock_proposals(proposal.pk for proposal in proposals)
        meeting = locked_meeting(meeting)
        require(policies.can_edit_agenda(actor, meeting), "This agenda is not yours to change now.")
        waiting = {proposal.pk: proposal for proposal in proposals_waiting_for_a_meeting()}
        wanted = [proposal for proposal in proposals if proposal.pk in waiting]
        if not wanted:
            raise ActionRefused(_("This proposal is no longer waiting for a meeting: reload the page."))
        position = _next_position(meeting)
        items = [
            AgendaItem.objects.create(
                meeting=meeting, position=position + index, kind=ItemKind.PROPOSAL, proposal=proposal,
                title=proposal.title[:TITLE_MAX_LENGTH],
            )
            for index, proposal in enumerate(wanted)
        ]  # fmt: skip
        touch_agenda(actor, meeting, added=True)
        record(actor, MeetingAction.AGENDA_CHANGED, meeting, added=[item.title for item in items])
    return items


def add_free_item(actor: User, *, meeting: Meeting, kind: str, title: str, notes: str = "") -> AgendaItem:
    title = title.strip()
    if kind not in (ItemKind.INFORMATION, ItemKind.OTHER):
        raise ActionRefused(_("Choose information or other business."), field="kind")
    if not title or len(title) > TITLE_MAX_LENGTH:
        raise ActionRefused(_("Give the item a title of at most %(max)s characters.") % {"max": TITLE_MAX_LENGTH})
    with transaction.atomic():
        meeting = locked_meeting(meeting)
        require(policies.can_edit_agenda(actor, meeting), "This agenda is not yours to change now.")
        item = AgendaItem.objects.create(
            meeting=meeting,
            position=_next_position(meeting),
            kind=kind,
            title=title,
            notes=notes.strip(),
            notes_html=render_markdown(notes.strip()).html if notes.strip() else "",
        )
        touch_agenda(actor, meeting, added=True)
        record(actor, MeetingAction.AGENDA_CHANGED, meeting, added=[item.title])
    return item


def move_item(actor: User, *, item: AgendaItem, up: bool) -> None:
    """One place up or down the agenda, swapping with its neighbour; the approvals of minutes
    stay first (the README's order of a meeting), and a move past either end is refused."""
    with transaction.atomic():
        meeting = locked_meeting(item.meeting)
        require(policies.can_edit_agenda(actor, meeting), "This agenda is not yours to change now.")
        items = list(meeting.items.order_by("position"))
        index = next(index for index, each in enumerate(items) if each.pk == item.pk)
        other = index - 1 if up else index + 1
        if not 0 <= other < len(items):
            if up:
                raise ActionRefused(_("This item is already first on the agenda: nothing moved."))
            raise ActionRefused(_("This item is already last on the agenda: nothing moved."))
        if not rules.may_swap(items[index].kind, items[other].kind):
            raise ActionRefused(_("The approval of the minutes comes first on the agenda: nothing moved."))
        items[index], items[other] = items[other], items[index]
        renumber(items)
        touch_agenda(actor, meeting)
        record(actor, MeetingAction.AGENDA_CHANGED, meeting, moved=item.title)


def remove_item(actor: User, *, item: AgendaItem) -> None:
    with transaction.atomic():
        meeting = locked_meeting(item.meeting)
        require(policies.can_edit_agenda(actor, meeting), "This agenda is not yours to change now.")
        item = AgendaItem.objects.get(pk=item.pk)
        if item.vote_id is not None or item.approval_result:
            raise ActionRefused(_("This item was voted on: it stays on the agenda."))
        AgendaItem.objects.filter(pk=item.pk).delete()
        renumber(list(meeting.items.order_by("position")))
        touch_agenda(actor, meeting)
        record(actor, MeetingAction.AGENDA_CHANGED, meeting, removed=item.title)


def renumber(items: list[AgendaItem]) -> None:
    # Two passes: positions are unique in meaning, never half-swapped in the page.
    for position, item in enumerate(items, start=1):
        item.position = position
    AgendaItem.objects.bulk_update(items, ["position"])
