"""What the meeting pages show a reader, built once for the pages and the API."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy

from intranet import policies as core
from intranet.counters import Counted
from intranet.models import BoardMembership, User
from workflows import policies as workflow_policies
from workflows.meetings import actions, policies, rules
from workflows.meetings.agenda_changes import changes_since_convocation
from workflows.meetings.models import (
    AgendaItem,
    Attendance,
    Meeting,
    MeetingSettings,
    MeetingStatus,
    Minutes,
    MinutesDraft,
)
from workflows.meetings.room import NamedBallot, item_vote_is_an_unbroken_tie, roll_calls_of
from workflows.meetings.wording import WITHDRAWN_ITEM, tell_changes
from workflows.models import Proposal

DRAFTS_SHOWN = 20
HOLDER_WITHOUT_ANSWER = gettext_lazy("present, holds a proxy (no answer yet)")


def get_meeting_for_user(user, meeting_id: int) -> Meeting:
    """The meeting, or 404 for a missing one and for a reader who may not see meetings."""
    meeting = Meeting.objects.filter(pk=meeting_id).first()
    if meeting is None or not policies.can_see_meetings(user):
        raise Http404
    return meeting


def meetings_for(user) -> tuple[list[Meeting], list[Meeting]]:
    """Upcoming (soonest first) and past (latest first) meetings."""
    if not policies.can_see_meetings(user):
        return [], []
    now = timezone.now()
    meetings = Meeting.objects.all()
    upcoming = list(meetings.filter(starts_at__gte=now).order_by("starts_at"))
    past = list(meetings.filter(starts_at__lt=now).order_by("-starts_at"))
    return upcoming, past


@dataclass(frozen=True)
class AttendanceRow:
    member: User
    role: str
    answer: str  # the label, or "" before an answer
    proxy_to: User | None
    present_in_room: bool | None


@dataclass
class MeetingView:
    meeting: Meeting
    items: list[AgendaItem]
    rows: list[AttendanceRow]
    quorum: rules.Quorum
    from_roll_call: bool  # the quorum counts who was recorded in the room, else the answers
    mine: Attendance | None
    proxies_held: list[User] = field(default_factory=list)  # whose proxy the reader holds
    answers: bool = False  # the reader is on the board: convened, with an answer of their own
    proxy_choices: list[User] = field(default_factory=list)
    waiting_proposals: list[Proposal] = field(default_factory=list)
    convocation_days: int = 8
    may_edit_agenda: bool = False
    may_convene: bool = False
    may_answer: bool = False
    may_record_presence: bool = False
    may_hold: bool = False  # record the votes held in the room, close the meeting
    minutes: Minutes | None = None
    may_write_minutes: bool = False
    drafts: list[MinutesDraft] = field(default_factory=list)  # the latest first
    waiting_minutes: list[Minutes] = field(default_factory=list)  # to put on this agenda
    # Who votes in the room once the roll call is recorded: (member, holder of their proxy or None).
    room_voters: list[tuple[User, User | None]] = field(default_factory=list)
    # Items withdrawn by their author whose proposal the reader may no longer open: no title, no link.
    hidden_titles: set[int] = field(default_factory=set)
    # Who voted what by roll call is for those who read the meetings (as on a decision's page).
    may_see_ballots: bool = False
    # The items voted by roll call: item id → each voter by name with their choice (and proxy).
    roll_calls: dict[int, list[NamedBallot]] = field(default_factory=dict)
    # What changed in the agenda since the convocation, in sentences (the date first); none if nothing.
    agenda_changes: list[str] = field(default_factory=list)
    # When the agenda last changed since the convocation, and the items added since; as told above.
    agenda_changed_at: datetime | None = None
    added_after_convocation: set[int] = field(default_factory=set)
    # The items whose vote ended in a tie that no casting vote decided: the page says so.
    unbroken_ties: set[int] = field(default_factory=set)

    def title_of(self, item: AgendaItem) -> str:
        """The item's title as this reader sees it, in their language."""
        return str(WITHDRAWN_ITEM) if item.pk in self.hidden_titles else item.shown_title


def _answer_label(attendance: Attendance | None, *, holds_a_proxy: bool) -> str:
    if attendance is not None and attendance.answer:
        return attendance.get_answer_display()
    return str(HOLDER_WITHOUT_ANSWER) if holds_a_proxy else ""


def meeting_view(user, meeting: Meeting) -> MeetingView:
    memberships = list(BoardMembership.objects.filter(user__is_active=True).select_related("user"))
    memberships.sort(key=lambda membership: (membership.user.last_name, membership.user.first_name))
    attendances = {row.member_id: row for row in Attendance.objects.filter(meeting=meeting).select_related("proxy_to")}
    board = {membership.user_id for membership in memberships}
    settings = MeetingSettings.current()
    max_held = meeting.max_proxies_held if meeting.max_proxies_held is not None else settings.max_proxies_held
    quorum, from_roll_call = rules.quorum_of_attendance(
        board,
        [(row.member_id, row.answer, row.proxy_to_id, row.present_in_room) for row in attendances.values()],
        quorum=meeting.quorum,
        max_held=max_held,
    )
    # Who holds a proxy without having answered counts as present (``rules.present_as_holders``): so says their row.
    holders = rules.present_as_holders(
        [(row.member_id, row.answer, row.proxy_to_id, row.present_in_room) for row in attendances.values()]
    )
    rows = [
        AttendanceRow(
            member=membership.user,
            role=membership.get_role_display(),
            answer=_answer_label(attendances.get(membership.user_id), holds_a_proxy=membership.user_id in holders),
            proxy_to=attendances[membership.user_id].proxy_to if membership.user_id in attendances else None,
            present_in_room=attendances[membership.user_id].present_in_room
            if membership.user_id in attendances
            else None,
        )
        for membership in memberships
    ]
    view = MeetingView(
        meeting=meeting,
        items=list(meeting.items.select_related("proposal", "vote__decision", "minutes_of").order_by("position")),
        rows=rows,
        quorum=quorum,
        from_roll_call=from_roll_call,
        mine=attendances.get(user.pk),
        proxies_held=[row.member for row in rows if row.proxy_to is not None and row.proxy_to.pk == user.pk],
        answers=user.pk in board,
        convocation_days=settings.convocation_days,
        may_edit_agenda=policies.can_edit_agenda(user, meeting),
        may_convene=policies.can_convene(user, meeting),
        may_answer=policies.can_answer(user, meeting),
        may_record_presence=policies.can_record_presence(user, meeting),
        may_hold=policies.can_hold(user, meeting),
        may_write_minutes=policies.can_write_minutes(user, meeting),
    )
    changes = changes_since_convocation(meeting, view.items)
    view.agenda_changes = tell_changes(meeting, changes)
    if changes is not None:
        view.agenda_changed_at = meeting.agenda_changed_at
        view.added_after_convocation = {item.pk for item in changes.added}
    view.unbroken_ties = {item.pk for item in view.items if item_vote_is_an_unbroken_tie(item)}
    view.may_see_ballots = policies.can_see_meetings(user)
    if view.may_see_ballots:
        by_vote = roll_calls_of(meeting, [item.vote for item in view.items])
        view.roll_calls = {item.pk: by_vote[item.vote_id] for item in view.items if item.vote_id in by_vote}
    view.hidden_titles = {
        item.pk
        for item in view.items
        if item.withdrawn_at is not None and not workflow_policies.can_view_proposal(user, item.proposal)
    }
    if view.may_hold and from_roll_call:
        people = {membership.user_id: membership.user for membership in memberships}
        rows_in_room = [
            (row.member_id, row.answer, row.proxy_to_id, row.present_in_room) for row in attendances.values()
        ]
        voters = rules.room_voters(board, rows_in_room, max_held=max_held)
        view.room_voters = [
            (people[member], people.get(holder) if holder else None)
            for member, holder in sorted(voters.items(), key=lambda pair: people[pair[0]].get_full_name())
        ]
    if meeting.status in (MeetingStatus.HELD, MeetingStatus.MINUTES_APPROVED):
        view.minutes = Minutes.objects.filter(meeting=meeting).select_related("document", "approved_in").first()
    if view.minutes is not None and view.may_write_minutes:
        view.drafts = list(view.minutes.drafts.select_related("saved_by")[:DRAFTS_SHOWN])
    if view.may_answer:
        view.proxy_choices = [membership.user for membership in memberships if membership.user_id != user.pk]
    if view.may_edit_agenda:
        view.waiting_proposals = actions.proposals_waiting_for_a_meeting()
        waiting = actions.minutes_waiting_for_approval()
        view.waiting_minutes = [each for each in waiting if each.meeting_id != meeting.pk]
    return view


def convened_meetings_of(user) -> list[Meeting]:
    """For the person's calendar feed: the meetings they are convened to, recent and to come."""
    if not core.is_board_member(user):
        return []
    since = timezone.now() - timedelta(days=365)
    return list(
        Meeting.objects.filter(status__in=[MeetingStatus.CONVENED, MeetingStatus.HELD, MeetingStatus.MINUTES_APPROVED])
        .filter(starts_at__gte=since)
        .order_by("starts_at")
    )


@dataclass(frozen=True)
class WaitingMeeting:
    meeting: Meeting
    to_answer: bool  # convened, and the reader has not answered; else planned, to convene


def meetings_waiting_for(user) -> list[WaitingMeeting]:
    """Upcoming meetings that wait for the reader, soonest first (two queries at most)."""
    upcoming = _upcoming_meetings_waiting_for(user)
    if upcoming is None:
        return []
    return [WaitingMeeting(meeting, to_answer=meeting.status == MeetingStatus.CONVENED) for meeting in upcoming]


def waiting_count(user) -> Counted:
    """The meetings' share of the "My tasks" count, which holds until the first of them starts:
    a convocation no longer waits once its meeting has begun."""
    upcoming = _upcoming_meetings_waiting_for(user)
    if upcoming is None:
        return Counted(0)
    starts = list(upcoming.values_list("starts_at", flat=True))
    return Counted(len(starts), min(starts, default=None))


def _upcoming_meetings_waiting_for(user):
    """Convened meetings the reader has not answered (and, for the officers, planned meetings to
    convene), soonest first; None for a reader who is not on the board (no query)."""
    if not core.is_board_member(user):
        return None
    answered = Attendance.objects.filter(member=user, answer__gt="").values("meeting_id")
    waiting = Q(status=MeetingStatus.CONVENED) & ~Q(pk__in=answered)
    if policies.can_run_meetings(user):
        waiting |= Q(status=MeetingStatus.PLANNED)
    return Meeting.objects.filter(waiting, starts_at__gte=timezone.now()).order_by("starts_at")


def get_minutes_for_user(user, meeting_id: int) -> Minutes:
    """The minutes of a meeting, or 404 when there are none yet or the reader may not read them."""
    minutes = Minutes.objects.filter(meeting_id=meeting_id).select_related("meeting", "approved_in").first()
    if minutes is None or not policies.can_read_minutes(user, minutes):
        raise Http404
    return minutes


def approved_minutes_for(user) -> list[Minutes]:
    """The approved minutes the reader may read, the latest meeting first: all of them for the
    board and staff, those made public for every other member."""
    approved = Minutes.objects.filter(approved_at__isnull=False).select_related("meeting", "approved_in")
    if not policies.can_see_meetings(user):
        if not core.is_member(user):
            return []
        approved = approved.filter(public_to_members=True)
    return list(approved.order_by("-meeting__starts_at"))


def meeting_of_decision(decision) -> Meeting | None:
    """The board meeting whose vote in session took this decision, if one did."""
    item = AgendaItem.objects.filter(vote__decision=decision).select_related("meeting").first()
    return item.meeting if item is not None else None
