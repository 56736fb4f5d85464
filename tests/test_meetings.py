"""Board meetings: planning, the agenda from the proposals waiting for the board, the convocation
and its notice, answers and proxies under the rules in force, the quorum of the meeting."""

from __future__ import annotations

from datetime import timedelta
from fractions import Fraction

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from intranet.exceptions import ActionRefused
from intranet.notifications.models import Notification
from tests.factories import make_member, make_proposal
from workflows.meetings import actions, rules
from workflows.meetings.models import Answer, Attendance, MeetingSettings, MeetingStatus

pytestmark = pytest.mark.django_db


def in_days(days: int):
    return timezone.now() + timedelta(days=days)


@pytest.fixture
def meeting(cast):
    meeting = actions.plan_meeting(cast.secretary, starts_at=in_days(15), place="Maison des associations, Poitiers")
    actions.add_free_item(cast.secretary, meeting=meeting, kind="information", title="Point sur le budget")
    return meeting


@pytest.fixture
def convened(cast, meeting):
    return actions.convene(cast.secretary, meeting=meeting)


# --- The rule table ----------------------------------------------------------------------------

BOARD = {1, 2, 3, 4, 5, 6}


@pytest.mark.parametrize(
    ("present", "proxies", "max_held", "counted", "reached"),
    [
        ({1, 2}, {}, 1, 2, False),  # 2 of 6, 3 needed
        ({1, 2}, {3: 1}, 1, 3, True),  # a proxy held by a present member counts
        ({1, 2}, {3: 1, 4: 1}, 1, 3, True),  # the second proxy held by 1 is over the limit
        ({1, 2}, {3: 1, 4: 1}, 2, 4, True),  # unless the rules allow two
        ({1, 2}, {3: 5}, 1, 2, False),  # a proxy to someone absent does not count
        ({1, 2}, {1: 2}, 1, 2, False),  # a present member's proxy changes nothing
        ({1, 2, 9}, {9: 1, 8: 2}, 1, 2, False),  # people outside the board never count
    ],
)
def test_the_quorum_counts_present_members_and_the_proxies_the_rules_allow(
    present, proxies, max_held, counted, reached
):
    quorum = rules.meeting_quorum(BOARD, present, proxies, quorum=Fraction(1, 2), max_held=max_held)
    assert (quorum.counted, quorum.needed, quorum.reached) == (counted, 3, reached)


@pytest.mark.parametrize(
    ("holder", "held", "problem"),
    [(1, 0, "oneself"), (9, 0, "not_on_board"), (2, 1, "holder_full"), (2, 0, None)],
)
def test_a_proxy_goes_to_another_board_member_within_the_limit(holder, held, problem):
    assert rules.proxy_problem(1, holder, board=BOARD, held_by_holder=held, max_held=1) == problem


# --- Planning and the agenda -------------------------------------------------------------------


def test_only_the_president_or_the_secretary_plans_and_a_meeting_is_in_the_future(cast):
    with pytest.raises(PermissionDenied):
        actions.plan_meeting(cast.board_member, starts_at=in_days(10), place="Poitiers")
    with pytest.raises(ActionRefused, match="futur"):
        actions.plan_meeting(cast.president, starts_at=in_days(-1), place="Poitiers")
    with pytest.raises(ActionRefused, match="lieu"):
        actions.plan_meeting(cast.president, starts_at=in_days(10))
    assert actions.plan_meeting(cast.president, starts_at=in_days(10), video_link="https://visio.example.org/ca")


def test_the_agenda_takes_the_proposals_waiting_for_the_board_once_and_in_order(cast, meeting):
    first = make_proposal(cast.production_member, title="Festival")
    second = make_proposal(cast.production_member, title="Atelier")
    assert actions.proposals_waiting_for_a_meeting() == [first, second]
    actions.add_proposals(cast.secretary, meeting=meeting, proposals=[second])
    assert actions.proposals_waiting_for_a_meeting() == [first]
    with pytest.raises(ActionRefused, match="plus en attente"):
        actions.add_proposals(cast.secretary, meeting=meeting, proposals=[second])
    actions.add_proposals(cast.secretary, meeting=meeting, proposals=[first])
    titles = lambda: list(meeting.items.order_by("position").values_list("title", flat=True))  # noqa: E731
    assert titles() == ["Point sur le budget", "Atelier", "Festival"]
    festival = meeting.items.get(title="Festival")
    actions.move_item(cast.secretary, item=festival, up=True)
    assert titles() == ["Point sur le budget", "Festival", "Atelier"]
    actions.remove_item(cast.secretary, item=meeting.items.get(title="Atelier"))
    assert titles() == ["Point sur le budget", "Festival"]
    assert list(meeting.items.values_list("position", flat=True).order_by("position")) == [1, 2]
    assert actions.proposals_waiting_for_a_meeting() == [second]  # back among those waiting


# --- Convocation --------------------------------------------------------------------------------


def test_convening_tells_every_board_member_and_keeps_the_rules_in_force(cast, meeting):
    MeetingSettings.objects.create(convocation_days=8, max_proxies_held=2, quorum_percent=40)
    actions.convene(cast.president, meeting=meeting)
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.CONVENED and not meeting.convened_late
    assert (meeting.quorum_percent, meeting.max_proxies_held) == (40, 2)
    told = set(Notification.objects.filter(kind="meeting").values_list("recipient_id", flat=True))
    assert told == {cast.board_member.pk, cast.secretary.pk}  # the board, not the one who convened


def test_the_convocation_e_mail_carries_the_agenda_and_the_invitation(cast, meeting):
    from django.core import mail
    from icalendar import Calendar

    from intranet.notifications.actions import send_due_emails

    actions.convene(cast.president, meeting=meeting)
    send_due_emails(timezone.now())
    [message] = [each for each in mail.outbox if each.to == [cast.board_member.email]]
    assert meeting.items.first().title in message.body
    [(name, content, mimetype)] = message.attachments
    assert name == f"seance-{meeting.starts_at:%Y-%m-%d}.ics" and mimetype == "text/calendar"
    [event] = Calendar.from_ical(content).walk("VEVENT")
    assert event.decoded("dtstart") == meeting.starts_at.replace(microsecond=0) and "Poitiers" in event.get("location")


def test_the_convocation_e_mail_gives_the_free_items_notes_and_their_documents_links(cast, meeting):
    from django.core import mail
    from django.urls import reverse

    from intranet.links import absolute_url
    from intranet.notifications.actions import send_due_emails

    notes = "Le budget révisé : [budget 2027](/documents/documents/12/) et [[doc:13]].\n\nVoir https://example.org/x"
    actions.add_free_item(cast.secretary, meeting=meeting, kind="other", title="Questions diverses", notes=notes)
    actions.convene(cast.secretary, meeting=meeting)
    send_due_emails(timezone.now())
    [message] = [each for each in mail.outbox if each.to == [cast.board_member.email]]
    body = message.body
    assert "2. Questions diverses" in body and "Le budget révisé" in body and "https://example.org/x" in body
    assert f"budget 2027 ({absolute_url(reverse('documents:document', args=[12]))})" in body
    assert absolute_url(reverse("documents:document", args=[13])) in body and "[[doc:13]]" not in body


def test_convening_later_than_the_notice_asks_for_confirmation_and_says_so(cast):
    soon = actions.plan_meeting(cast.secretary, starts_at=in_days(3), place="Poitiers")
    actions.add_free_item(cast.secretary, meeting=soon, kind="other", title="Questions diverses")
    with pytest.raises(actions.LateConvocation, match="un délai de 8"):
        actions.convene(cast.secretary, meeting=soon)
    soon.refresh_from_db()
    assert soon.status == MeetingStatus.PLANNED and not Notification.objects.exists()
    actions.convene(cast.secretary, meeting=soon, confirm_late=True)
    soon.refresh_from_db()
    assert soon.status == MeetingStatus.CONVENED and soon.convened_late


def test_an_empty_agenda_is_not_convened(cast):
    empty = actions.plan_meeting(cast.secretary, starts_at=in_days(20), place="Poitiers")
    with pytest.raises(ActionRefused, match="ordre du jour"):
        actions.convene(cast.secretary, meeting=empty)


# --- Answers and proxies ------------------------------------------------------------------------


def test_a_board_member_answers_and_gives_a_proxy_within_the_rules(cast, convened):
    treasurer = make_member(actor=cast.staff, college="patrimoine", board_role="treasurer", email="tresor@example.org")
    actions.answer(cast.board_member, meeting=convened, choice=Answer.PROXY, proxy_to=cast.president)
    with pytest.raises(ActionRefused, match="détient déjà"):
        actions.answer(treasurer, meeting=convened, choice=Answer.PROXY, proxy_to=cast.president)
    with pytest.raises(ActionRefused, match="autre membre"):
        actions.answer(treasurer, meeting=convened, choice=Answer.PROXY, proxy_to=treasurer)
    with pytest.raises(ActionRefused, match="pas au conseil"):
        actions.answer(treasurer, meeting=convened, choice=Answer.PROXY, proxy_to=cast.production_member)
    assert not Attendance.objects.filter(member=treasurer).exists()
    actions.answer(treasurer, meeting=convened, choice=Answer.PRESENT)
    # Changing one's answer frees the proxy.
    actions.answer(cast.board_member, meeting=convened, choice=Answer.ABSENT)
    actions.answer(treasurer, meeting=convened, choice=Answer.PROXY, proxy_to=cast.president)
    assert Attendance.objects.get(member=treasurer).proxy_to == cast.president


def test_only_board_members_answer_and_only_until_the_meeting_starts(cast, convened):
    with pytest.raises(PermissionDenied):
        actions.answer(cast.production_member, meeting=convened, choice=Answer.PRESENT)
    convened.starts_at = in_days(-1)
    convened.save()
    with pytest.raises(ActionRefused, match="La séance a commencé"):
        actions.answer(cast.board_member, meeting=convened, choice=Answer.PROXY, proxy_to=cast.president)
    assert not Attendance.objects.filter(member=cast.board_member).exists()


def test_the_roll_call_records_board_members_only(cast, convened):
    convened.starts_at = in_days(-1)
    convened.save()
    with pytest.raises(ActionRefused, match="membres du conseil"):
        actions.record_presence(cast.secretary, meeting=convened, present=[cast.production_member.pk])
    actions.record_presence(cast.secretary, meeting=convened, present=[cast.secretary.pk, cast.president.pk])
    rows = dict(Attendance.objects.filter(meeting=convened).values_list("member_id", "present_in_room"))
    assert rows == {cast.secretary.pk: True, cast.president.pk: True, cast.board_member.pk: False}
    with pytest.raises(PermissionDenied):
        actions.record_presence(cast.board_member, meeting=convened, present=[])
