"""A demo board meeting, convened through the meetings' own actions: the proposals waiting for
the board on its agenda, information and other business, and some answers already in."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from intranet.demo import DEMO_DOMAIN
from intranet.models import BoardMembership, BoardRole
from workflows.meetings import actions
from workflows.meetings.models import Answer, Meeting


def seed_meeting_demo() -> int:
    """One convened meeting in twelve days, once, when the board is the demo's own; returns how
    many meetings it created."""
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
    return 1
