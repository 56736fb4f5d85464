"""A proposal its author withdraws while it waits on a meeting's agenda: it leaves the agenda of
a meeting still being planned; on a convened meeting it stays, marked withdrawn and not voted
on, the board is told, and its title and link are kept from those who may no longer open it,
in the page, the API, the calendars and the e-mails alike."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from intranet.exceptions import ActionRefused
from intranet.models import AuditEntry
from intranet.notifications.actions import send_due_emails
from intranet.notifications.models import Notification
from tests.api import token_client
from tests.factories import make_proposal
from tests.helpers import signed_in, text_of
from workflows import actions as workflow_actions
from workflows.meetings import actions, holding
from workflows.meetings.calendar import feed_token
from workflows.meetings.models import CalendarFeed, Meeting, MeetingStatus
from workflows.models import ProposalProcess, ProposalStatus

pytestmark = pytest.mark.django_db

TITLE = "Festival des films d'école"


@pytest.fixture
def proposal(cast):
    # Of the production collège: the president belongs to it, the board member and the secretary do not.
    return make_proposal(cast.production_member, title=TITLE)


def meeting_with(cast, proposal, *, convene: bool) -> Meeting:
    meeting = actions.plan_meeting(cast.secretary, starts_at=timezone.now() + timedelta(days=15), place="Poitiers")
    actions.add_free_item(cast.secretary, meeting=meeting, kind="information", title="Point sur le budget")
    actions.add_proposals(cast.secretary, meeting=meeting, proposals=[proposal])
    actions.add_free_item(cast.secretary, meeting=meeting, kind="other", title="Questions diverses")
    if convene:
        actions.convene(cast.secretary, meeting=meeting)
    return Meeting.objects.get(pk=meeting.pk)


def test_withdrawn_from_a_planned_meeting_the_item_leaves_its_agenda_with_an_audit_row(cast, proposal):
    meeting = meeting_with(cast, proposal, convene=False)
    workflow_actions.withdraw_proposal(cast.production_member, proposal=proposal)
    assert list(meeting.items.order_by("position").values_list("position", "title")) == [
        (1, "Point sur le budget"), (2, "Questions diverses")
    ]  # fmt: skip
    entry = AuditEntry.objects.get(action="meeting.agenda_changed", target_id=str(meeting.pk), details__withdrawn=True)
    assert entry.actor == cast.production_member and entry.details["removed"] == TITLE


def test_withdrawn_from_a_convened_meeting_the_board_learns_it_without_the_title_it_may_not_open(cast, proposal):
    meeting = meeting_with(cast, proposal, convene=True)
    send_due_emails(timezone.now())  # the convocation
    mail.outbox.clear()
    workflow_actions.withdraw_proposal(cast.production_member, proposal=proposal)
    send_due_emails(timezone.now())
    item = meeting.items.get(proposal=proposal)
    assert item.withdrawn_at is not None and item.position == 2
    assert AuditEntry.objects.filter(action="meeting.item_withdrawn", target_id=str(meeting.pk)).count() == 1
    told = set(Notification.objects.filter(event="meeting_item_withdrawn").values_list("recipient_id", flat=True))
    assert told == {cast.board_member.pk, cast.president.pk, cast.secretary.pk}

    proposal_url = reverse("proposals:detail", args=[proposal.pk])
    for reader in (cast.board_member, cast.secretary):
        assert signed_in(reader).get(proposal_url).status_code == 404
        response = signed_in(reader).get(reverse("meetings:detail", args=[meeting.pk]))
        page = text_of(response)
        assert TITLE not in page and proposal_url not in response.content.decode()
        assert "Une proposition retirée par son auteur" in page and "ce point ne sera pas mis aux voix" in page
        row = token_client(reader).get(f"/api/v1/meetings/{meeting.pk}/").json()["agenda"][1]
        assert row["withdrawn"] is True and row["proposal"] is None and TITLE not in row["title"]
    # The president, of the proposal's collège, still opens it and reads which one it was.
    page = text_of(signed_in(cast.president).get(reverse("meetings:detail", args=[meeting.pk])))
    assert TITLE in page and "ce point ne sera pas mis aux voix" in page
    row = token_client(cast.president).get(f"/api/v1/meetings/{meeting.pk}/").json()["agenda"][1]
    assert row["title"] == TITLE and row["proposal"] == proposal.pk and row["withdrawn"] is True

    feed, _created = CalendarFeed.objects.get_or_create(user=cast.board_member)
    calendar = signed_in(cast.board_member).get(reverse("meetings:feed", args=[feed_token(feed)]))
    [event] = Calendar.from_ical(calendar.content).walk("VEVENT")
    description = str(event["description"])
    assert TITLE not in description and proposal_url not in description
    assert "2. Une proposition retirée par son auteur" in description
    [message] = [each for each in mail.outbox if each.to == [cast.board_member.email]]
    assert "a retiré sa proposition" in message.body and TITLE not in message.body


def test_a_withdrawn_item_is_not_voted_on_and_held_meetings_keep_their_agenda(cast, proposal):
    meeting = meeting_with(cast, proposal, convene=True)
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() - timedelta(minutes=5))
    actions.record_presence(cast.secretary, meeting=meeting, present=[cast.secretary.pk, cast.president.pk])
    holding.close_meeting(cast.secretary, meeting=meeting)  # not voted: the proposal waits again
    held_item = meeting.items.get(proposal=proposal)

    later = meeting_with(cast, proposal, convene=True)
    Meeting.objects.filter(pk=later.pk).update(starts_at=timezone.now() - timedelta(minutes=5))
    actions.record_presence(cast.secretary, meeting=later, present=[cast.secretary.pk, cast.president.pk])
    workflow_actions.withdraw_proposal(cast.production_member, proposal=proposal)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.WITHDRAWN
    held_item.refresh_from_db()
    assert held_item.withdrawn_at is None and Meeting.objects.get(pk=meeting.pk).status == MeetingStatus.HELD

    item = later.items.get(proposal=proposal)
    with pytest.raises(ActionRefused, match="Son auteur a retiré cette proposition"):
        holding.record_vote(cast.secretary, item=item, votes_for=2, votes_against=0, abstentions=0)
    page = signed_in(cast.secretary).get(reverse("meetings:detail", args=[later.pk])).content.decode()
    assert f"/ordre-du-jour/{item.pk}/vote/" not in page


def test_a_refusal_of_the_meetings_cancels_the_withdrawal(cast, proposal, monkeypatch):
    meeting_with(cast, proposal, convene=True)

    def refuse(*args, **kwargs):
        raise ActionRefused("non")

    monkeypatch.setattr("workflows.meetings.withdrawal.withdraw_from_agendas", refuse)
    with pytest.raises(ActionRefused), transaction.atomic():
        workflow_actions.withdraw_proposal(cast.production_member, proposal=proposal)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.ON_AGENDA


def _waiting_on_a_lock(backend_pid) -> bool:
    """Whether that connection waits for a lock (others, of other test workers, may wait too)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT EXISTS (SELECT 1 FROM pg_locks WHERE pid = %s AND NOT granted)", [backend_pid])
        return cursor.fetchone()[0]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are PostgreSQL's (SQLite serialises writers)")
def test_a_withdrawal_while_the_officer_records_its_vote_does_not_deadlock(association_bodies, cast, proposal):
    """The withdrawal holds the proposal, then locks each meeting it is on; recording the vote
    must take the proposal first too, or each would wait for the other (PostgreSQL then kills one:
    an error page for one of the two people)."""
    meeting = meeting_with(cast, proposal, convene=True)
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() - timedelta(minutes=5))
    actions.record_presence(cast.secretary, meeting=meeting, present=[cast.secretary.pk, cast.president.pk])
    on_agenda = meeting.items.get(proposal=proposal)
    outcome = []
    officer_pid = []

    def officer_records_the_vote():
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                officer_pid.append(cursor.fetchone()[0])
            outcome.append(holding.record_vote(cast.secretary, item=on_agenda, votes_for=2, votes_against=0))
        except Exception as error:  # handed to the assertions below
            outcome.append(error)
        finally:
            connection.close()

    with transaction.atomic():
        # What the withdrawal locks first: the proposal's process row.
        list(ProposalProcess.objects.select_for_update().filter(proposal=proposal).values("pk"))
        officer = threading.Thread(target=officer_records_the_vote)
        officer.start()
        deadline = time.monotonic() + 10
        while not (officer_pid and _waiting_on_a_lock(officer_pid[0])) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert officer_pid and _waiting_on_a_lock(officer_pid[0]), "the officer's vote should wait for the proposal"
        # The officer waits for the proposal without holding the meeting: the withdrawal gets it.
        Meeting.objects.select_for_update(nowait=True).get(pk=meeting.pk)
        workflow_actions.withdraw_proposal(cast.production_member, proposal=proposal)
    officer.join(timeout=10)
    assert len(outcome) == 1 and isinstance(outcome[0], ActionRefused)
    assert "Son auteur a retiré cette proposition" in str(outcome[0])
    assert not meeting.items.get(pk=on_agenda.pk).vote_id
