"""Every change to board meetings: planning, the agenda, the convocation, answers and proxies,
and who was in the room. Each runs in one transaction that locks the meeting, writes its audit
row, and notifies after commit through the notifications' outbox."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings as project_settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from intranet.audit import record
from intranet.exceptions import ActionRefused
from intranet.markdown import render_markdown
from intranet.models import User
from workflows import actions as workflow_actions
from workflows.meetings import agenda_changes, notifications, policies, rules
from workflows.meetings.models import (
    AgendaItem,
    Answer,
    Attendance,
    CalendarFeed,
    ItemKind,
    Meeting,
    MeetingSettings,
    MeetingStatus,
    Minutes,
    approval_title,
    new_feed_key,
)
from workflows.meetings.room import board_ids
from workflows.models import Proposal, ProposalStatus

PLACE_MAX_LENGTH = 300
VIDEO_LINK_MAX_LENGTH = 500
# Planned further ahead is a typing mistake (and a date past 9999 breaks calendars).
PLAN_AHEAD_MAX = timedelta(days=2 * 365)
TITLE_MAX_LENGTH = 200
FINISHED = (MeetingStatus.HELD, MeetingStatus.MINUTES_APPROVED)


class MeetingAction:
    """Audit codes of board meetings (their labels: ``workflows.meetings.audit_details``)."""

    PLANNED = "meeting.planned"
    AGENDA_CHANGED = "meeting.agenda_changed"
    ITEM_WITHDRAWN = "meeting.item_withdrawn"
    CONVENED = "meeting.convened"
    ANSWERED = "meeting.answered"
    PRESENCE_RECORDED = "meeting.presence_recorded"
    VOTE_RECORDED = "meeting.vote_recorded"
    HELD = "meeting.held"
    RULES_CHANGED = "meeting.rules_changed"


class LateConvocation(ActionRefused):
    """Fewer days before the meeting than the statutes ask: the officer confirms, and the
    minutes will say so."""


def locked_meeting(meeting: Meeting) -> Meeting:
    return Meeting.objects.select_for_update().get(pk=meeting.pk)


def _refuse_if_changed(meeting: Meeting, revision: int | None) -> None:
    if revision is not None and meeting.revision != revision:
        raise ActionRefused(
            _("Someone else changed this meeting in the meantime. Reload the page to see what changed.")
        )


def touch_meeting(meeting: Meeting, **changes) -> Meeting:
    for name, value in changes.items():
        setattr(meeting, name, value)
    meeting.revision += 1
    meeting.save()
    return meeting


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


def require(allowed: bool, why: str) -> None:
    if not allowed:
        raise PermissionDenied(why)


def plan_meeting(actor: User, *, starts_at: datetime, place: str = "", video_link: str = "") -> Meeting:
    require(policies.can_run_meetings(actor), "Only the president or the secretary plan a meeting.")
    place, video_link = place.strip(), video_link.strip()
    if starts_at <= timezone.now():
        raise ActionRefused(_("A meeting is planned in the future."), field="starts_at")
    if starts_at - timezone.now() > PLAN_AHEAD_MAX:
        raise ActionRefused(_("A meeting is planned at most two years ahead."), field="starts_at")
    if not place and not video_link:
        raise ActionRefused(_("Give a place, a video link, or both."), field="place")
    if len(place) > PLACE_MAX_LENGTH:
        raise ActionRefused(_("A place is at most %(max)s characters long.") % {"max": PLACE_MAX_LENGTH}, field="place")
    _check_video_link(video_link)
    with transaction.atomic():
        meeting = Meeting.objects.create(starts_at=starts_at, place=place, video_link=video_link, planned_by=actor)
        record(actor, MeetingAction.PLANNED, meeting, starts_at=meeting.starts_at.isoformat())
        # The minutes of the meetings before, written and not approved yet, come first.
        for minutes in minutes_waiting_for_approval():
            _put_first(meeting, minutes)
    return meeting


def _check_video_link(link: str) -> None:
    """An https address or nothing: the link is shown as a link in the page, calendars and e-mails."""
    if not link:
        return
    try:
        parts = urlsplit(link)
    except ValueError:
        parts = None
    if parts is None or parts.scheme.lower() != "https" or not parts.hostname or any(c.isspace() for c in link):
        raise ActionRefused(
            _("Give the video link as a secure web address, starting with https://."), field="video_link"
        )
    if len(link) > VIDEO_LINK_MAX_LENGTH:
        raise ActionRefused(
            _("A video link is at most %(max)s characters long.") % {"max": VIDEO_LINK_MAX_LENGTH}, field="video_link"
        )


# --- The agenda --------------------------------------------------------------------------------


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


def _put_first(meeting: Meeting, minutes: Minutes) -> AgendaItem:
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
        item = _put_first(meeting, minutes)
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


# --- Convocation and answers -------------------------------------------------------------------


def convene(actor: User, *, meeting: Meeting, confirm_late: bool = False, revision: int | None = None) -> Meeting:
    """Every board member is told, in the page and by e-mail, with the agenda; the meeting keeps
    the rules in force. Later than the statutes' notice, the officer confirms first."""
    settings = MeetingSettings.current()
    with transaction.atomic():
        meeting = locked_meeting(meeting)
        require(policies.can_convene(actor, meeting), "Only the president or the secretary convene a planned meeting.")
        _refuse_if_changed(meeting, revision)
        if not meeting.items.exists():
            raise ActionRefused(_("Put at least one item on the agenda before convening."))
        now = timezone.now()
        if meeting.starts_at <= now:
            # As planning in the past is: nobody could answer or give a proxy any more.
            raise ActionRefused(_("This meeting's time has passed: plan a new meeting to convene the board."))
        late = meeting.starts_at - now < timedelta(days=settings.convocation_days)
        if late and not confirm_late:
            raise LateConvocation(
                _(
                    "The statutes ask for %(days)s days' notice and the meeting is on %(date)s: confirm to convene "
                    "it all the same; the minutes will say so."
                )
                % {"days": settings.convocation_days, "date": date_format(timezone.localtime(meeting.starts_at))},
                field="confirm_late",
            )
        touch_meeting(
            meeting,
            status=MeetingStatus.CONVENED,
            convened_at=now,
            convened_late=late,
            convened_agenda=agenda_changes.snapshot(meeting.items.order_by("position")),
            quorum_percent=settings.quorum_percent,
            max_proxies_held=settings.max_proxies_held,
        )
        record(actor, MeetingAction.CONVENED, meeting, late=late)
        notifications.convened(actor, meeting, board_ids())
    return meeting


def answer(actor: User, *, meeting: Meeting, choice: str, proxy_to: User | None = None) -> Attendance:
    """Present, absent, or absent with a proxy to another board member (the rules in force)."""
    if choice not in Answer.values:
        raise ActionRefused(_("Choose present, absent or a proxy."), field="answer")
    if choice != Answer.PROXY:
        proxy_to = None
    elif proxy_to is None:
        raise ActionRefused(_("Choose the board member who holds your proxy."), field="proxy_to")
    with transaction.atomic():
        meeting = locked_meeting(meeting)  # proxies held are counted under this lock
        started = meeting.status == MeetingStatus.CONVENED and meeting.starts_at <= timezone.now()
        if started and policies.answers_convocations(actor):
            raise ActionRefused(_("The meeting has started: the secretary records who is in the room."))
        require(policies.can_answer(actor, meeting), "Only board members answer, until the meeting starts.")
        givers = Attendance.objects.filter(meeting=meeting, answer=Answer.PROXY, proxy_to=actor)
        if choice != Answer.PRESENT and givers.exists():
            # Their proxies would count for nothing, unknown to those who gave them.
            names = ", ".join(sorted(row.member.get_full_name() for row in givers.select_related("member")))
            raise ActionRefused(
                _("You hold the proxy of %(names)s: until it is taken back, you stay present.") % {"names": names},
                field="answer",
            )
        if proxy_to is not None:
            held = Attendance.objects.filter(meeting=meeting, answer=Answer.PROXY, proxy_to=proxy_to).exclude(
                member=actor
            )
            problem = rules.proxy_problem(
                actor.pk,
                proxy_to.pk,
                board=board_ids(),
                held_by_holder=held.count(),
                max_held=meeting.max_proxies_held or 0,
                holder_answer=Attendance.objects.filter(meeting=meeting, member=proxy_to)
                .values_list("answer", flat=True)
                .first()
                or "",
            )
            if problem is not None:
                raise ActionRefused(_proxy_message(problem, proxy_to, meeting), field="proxy_to")
        attendance, _created = Attendance.objects.update_or_create(
            meeting=meeting,
            member=actor,
            defaults={"answer": choice, "proxy_to": proxy_to, "answered_at": timezone.now()},
        )
        record(actor, MeetingAction.ANSWERED, meeting, answer=choice, proxy=proxy_to.email if proxy_to else "")
    return attendance


def _proxy_message(problem: str, holder: User, meeting: Meeting) -> str:
    if problem == "oneself":
        return _("A proxy goes to another board member.")
    if problem == "not_on_board":
        return _("%(name)s is not on the board: a proxy goes to a board member.") % {"name": holder.get_full_name()}
    if problem == "holder_away":
        message = _("%(name)s will not attend (absent, or gave their own proxy): give your proxy to someone who will.")
        return message % {"name": holder.get_full_name()}
    limit = meeting.max_proxies_held or 0
    return ngettext(
        "%(name)s already holds %(count)s proxy, the most the rules allow.",
        "%(name)s already holds %(count)s proxies, the most the rules allow.",
        limit,
    ) % {"name": holder.get_full_name(), "count": limit}


def record_presence(actor: User, *, meeting: Meeting, present: Iterable[int]) -> None:
    """The secretary's roll call: who of the board is in the room (the others are not)."""
    present = set(present)
    board = board_ids()
    if present - board:
        raise ActionRefused(_("Only board members are recorded as present."), field="present")
    with transaction.atomic():
        meeting = locked_meeting(meeting)
        require(policies.can_record_presence(actor, meeting), "Only the president or the secretary record presence.")
        existing = {row.member_id: row for row in Attendance.objects.filter(meeting=meeting)}
        for member_id in board:
            row = existing.get(member_id) or Attendance(meeting=meeting, member_id=member_id)
            row.present_in_room = member_id in present
            row.save()
        touch_meeting(meeting)
        record(actor, MeetingAction.PRESENCE_RECORDED, meeting, present=len(present))


# --- Calendar ---------------------------------------------------------------------------------


def renew_calendar_feed(user: User) -> CalendarFeed:
    """A new address for the person's calendar: the old one stops working at once."""
    feed, created = CalendarFeed.objects.get_or_create(user=user)
    if not created:
        feed.key = new_feed_key()
        feed.save(update_fields=["key", "created_at"])
    return feed
