"""Who comes: each board member's answer to the convocation (present, absent, or a proxy within
the rules in force), and the secretary's roll call of who was in the room."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from intranet.audit import record
from intranet.exceptions import ActionRefused
from intranet.models import User
from workflows.meetings import policies, rules
from workflows.meetings.actions.common import MeetingAction, locked_meeting, require, touch_meeting
from workflows.meetings.models import Answer, Attendance, Meeting, MeetingStatus
from workflows.meetings.room import board_ids


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
        if not present & board:
            # Nobody in the room is no meeting: most likely a form sent before anyone was ticked.
            raise ActionRefused(_("Tick who is in the room: nobody is recorded as present."), field="present")
        existing = {row.member_id: row for row in Attendance.objects.filter(meeting=meeting)}
        for member_id in board:
            row = existing.get(member_id) or Attendance(meeting=meeting, member_id=member_id)
            row.present_in_room = member_id in present
            row.save()
        touch_meeting(meeting)
        record(actor, MeetingAction.PRESENCE_RECORDED, meeting, present=len(present))
