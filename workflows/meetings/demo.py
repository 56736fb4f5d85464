"""Demo board meetings, through the meetings' own actions: two held ones (the first decided a
proposal in session, and its minutes were approved by the second), and one convened with the
proposals waiting for the board, the approval of the last minutes first, and some answers in."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from intranet.demo import DEMO_DOMAIN
from intranet.models import BoardMembership, BoardRole
from workflows.meetings import actions, holding, minutes
from workflows.meetings.minutes_text import first_draft
from workflows.meetings.models import Answer, ItemKind, Meeting


def _hold_in_the_past(secretary, board, *, days_ago: int, proposals=()) -> Meeting:
    """Planned and convened as any meeting, then moved back in time to be held and minuted."""
    meeting = actions.plan_meeting(
        secretary, starts_at=timezone.now() + timedelta(days=12), place="Siège de la fédération"
    )
    actions.add_free_item(secretary, meeting=meeting, kind="information", title="Rapport de la trésorière")
    if proposals:
        actions.add_proposals(secretary, meeting=meeting, proposals=proposals)
    meeting.refresh_from_db()
    meeting = actions.convene(secretary, meeting=meeting)
    starts_at = (timezone.localtime() - timedelta(days=days_ago)).replace(hour=18, minute=30, second=0, microsecond=0)
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=starts_at, convened_at=starts_at - timedelta(days=15))
    meeting.refresh_from_db()
    actions.record_presence(secretary, meeting=meeting, present=[row.user_id for row in board])
    for item in meeting.items.order_by("position"):
        if item.kind == ItemKind.MINUTES:
            minutes.record_approval(secretary, item=item, votes_for=len(board), votes_against=0, abstentions=0)
        elif item.kind == ItemKind.PROPOSAL:
            holding.record_vote(secretary, item=item, votes_for=len(board) - 1, votes_against=0, abstentions=1)
    meeting = holding.close_meeting(secretary, meeting=meeting)
    minutes.save_minutes(secretary, meeting=meeting, text=first_draft(meeting), public_to_members=True)
    return meeting


def seed_meeting_demo() -> int:
    """Two held meetings and one convened in twelve days, once, when the board is the demo's
    own; returns how many meetings it created."""
    if Meeting.objects.exists():
        return 0
    board = list(BoardMembership.objects.select_related("user").order_by("pk"))
    if any(not row.user.email.endswith(f"@{DEMO_DOMAIN}") for row in board):
        return 0  # a real board is never convened by the demo
    secretary = next((row.user for row in board if row.role == BoardRole.SECRETARY), None)
    if secretary is None:
        return 0
    starts_at = (timezone.localtime() + timedelta(days=12)).replace(hour=18, minute=30, second=0, microsecond=0)
    with transaction.atomic():
        _hold_in_the_past(secretary, board, days_ago=60, proposals=actions.proposals_waiting_for_a_meeting()[-1:])
        _hold_in_the_past(secretary, board, days_ago=25)
        meeting = actions.plan_meeting(
            secretary,
            starts_at=starts_at,
            place="Maison des associations, salle 2",
            video_link="https://visio.example.org/ca",
        )
        actions.add_free_item(secretary, meeting=meeting, kind="information", title="Point sur les adhésions")
        waiting = actions.proposals_waiting_for_a_meeting()
        if waiting:
            actions.add_proposals(secretary, meeting=meeting, proposals=waiting)
        actions.add_free_item(secretary, meeting=meeting, kind="other", title="Questions diverses")
        meeting.refresh_from_db()
        meeting = actions.convene(secretary, meeting=meeting)
        others = [row.user for row in board if row.user != secretary]
        actions.answer(secretary, meeting=meeting, choice=Answer.PRESENT)
        if len(others) >= 2:
            actions.answer(others[0], meeting=meeting, choice=Answer.PRESENT)
            actions.answer(others[1], meeting=meeting, choice=Answer.PROXY, proxy_to=others[0])
    return 3
