"""The navigation's counts ("My tasks", the bell) are kept per person and follow every change.

A page reads them instead of counting; these tests look at the pages a person opens before and
after each kind of change, and compare the kept counts with a fresh count across the cast."""

import contextlib
import re
import threading
import time
from datetime import timedelta
from unittest import mock

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from forums import actions as forum_actions
from forums.models import Forum
from intranet import actions as core_actions
from intranet import counters
from intranet.models import CollegeMembership, NavigationCount
from intranet.notifications import actions as notification_actions
from intranet.notifications.selectors import unread_count, unread_mention_count
from tests.concurrency import failures, run_together
from tests.factories import edit_profile, make_proposal
from workflows import actions
from workflows.archives import actions as archive_actions
from workflows.archives import selectors as archive_selectors
from workflows.archives.items import ItemDraft
from workflows.meetings import actions as meeting_actions
from workflows.meetings import selectors as meeting_selectors
from workflows.meetings.models import Answer
from workflows.selectors import task_count


def tasks_shown(client) -> int:
    page = client.get(reverse("home")).content.decode()
    found = re.search(r'mes-taches/"[^>]*>[^<]*<span class="nav-count">(\d+)<', page)
    return int(found.group(1)) if found else 0


def bell_shown(client) -> int:
    page = client.get(reverse("home")).content.decode()
    return int(re.search(r'class="bell-count" data-unread-count(?: hidden)?>(\d+)<', page).group(1))


def fresh_counts(user) -> dict[str, int]:
    tasks = task_count(user) + archive_selectors.waiting_count(user) + meeting_selectors.waiting_count(user).value
    return {"tasks": tasks, "notifications": unread_count(user), "mentions": unread_mention_count(user)}


def assert_kept_counts_are_fresh(people) -> None:
    for person in people:
        assert counters.counts_for(person) == fresh_counts(person), person.email


def test_tasks_count_follows_a_proposal_through_review_and_vote(cast, login, django_capture_on_commit_callbacks):
    def coordinator():
        return login(cast.coordinator)

    def board_member():
        return login(cast.board_member)

    def committed(change):
        with django_capture_on_commit_callbacks(execute=True):  # notifications made stale on commit
            return change()

    assert tasks_shown(coordinator()) == 0 and tasks_shown(board_member()) == 0  # read, then kept
    assert_kept_counts_are_fresh(vars(cast).values())

    proposal = committed(lambda: make_proposal(cast.production_member, stage="in_review"))
    assert tasks_shown(coordinator()) == 1
    committed(lambda: actions.forward_proposal(cast.coordinator, proposal=proposal, recommendation="Favorable"))
    assert tasks_shown(coordinator()) == 0

    deadline = timezone.now() + timedelta(days=3)
    vote = committed(lambda: actions.open_board_vote(cast.secretary, proposal=proposal, deadline=deadline))
    assert tasks_shown(board_member()) == 1
    committed(lambda: actions.cast_ballot(cast.board_member, vote=vote, choice="for"))
    assert tasks_shown(board_member()) == 0
    assert_kept_counts_are_fresh(vars(cast).values())


def test_a_ballot_recounts_its_voters_tasks_alone(cast, login, django_capture_on_commit_callbacks):
    proposal = make_proposal(cast.production_member, stage="in_review")
    actions.forward_proposal(cast.coordinator, proposal=proposal, recommendation="Favorable")
    vote = actions.open_board_vote(cast.secretary, proposal=proposal, deadline=timezone.now() + timedelta(days=3))
    board = [cast.board_member, cast.president, cast.secretary]
    for person in board:
        tasks_shown(login(person))  # counted, then kept

    with django_capture_on_commit_callbacks(execute=True):
        actions.cast_ballot(cast.board_member, vote=vote, choice="for")
    votes = NavigationCount.objects.filter(name="tasks", part="workflows", user__in=board)
    stale = dict(votes.values_list("user__email", "stale"))
    assert stale == {cast.board_member.email: True, cast.president.email: False, cast.secretary.email: False}
    assert tasks_shown(login(cast.board_member)) == 0
    assert_kept_counts_are_fresh(board)


def test_a_new_role_brings_the_tasks_waiting_for_it(cast, login):
    make_proposal(cast.production_member, stage="in_review")
    assert tasks_shown(login(cast.production_member)) == 0
    membership = CollegeMembership.objects.get(user=cast.production_member, college__slug="production")
    core_actions.change_college_role(cast.staff, membership=membership, role="coordinator")
    assert tasks_shown(login(cast.production_member)) == 1


def test_a_meeting_counts_in_my_tasks_until_convened_answered_or_begun(cast, login, django_capture_on_commit_callbacks):
    meeting = meeting_actions.plan_meeting(
        cast.secretary, starts_at=timezone.now() + timedelta(days=10), place="Poitiers"
    )
    meeting_actions.add_free_item(cast.secretary, meeting=meeting, kind="information", title="Budget")
    # Planned: the officers have to convene it; nothing waits for the other members yet.
    assert tasks_shown(login(cast.secretary)) == 1
    assert tasks_shown(login(cast.board_member)) == 0
    with django_capture_on_commit_callbacks(execute=True):  # the convocations' notifications
        meeting_actions.convene(cast.secretary, meeting=meeting)
    assert tasks_shown(login(cast.board_member)) == 1  # the convocation to answer
    assert tasks_shown(login(cast.production_member)) == 0
    with django_capture_on_commit_callbacks(execute=True):
        meeting_actions.answer(cast.board_member, meeting=meeting, choice=Answer.PRESENT)
    assert tasks_shown(login(cast.board_member)) == 0
    assert tasks_shown(login(cast.secretary)) == 1  # the secretary has not answered
    assert_kept_counts_are_fresh(vars(cast).values())
    # Nothing changes but the time: once the meeting has begun, the convocation no longer waits.
    with mock.patch("django.utils.timezone.now", return_value=meeting.starts_at + timedelta(minutes=1)):
        assert tasks_shown(login(cast.secretary)) == 0
        assert_kept_counts_are_fresh(vars(cast).values())


def test_the_bell_counts_new_notifications_and_drops_when_read(cast, login, django_capture_on_commit_callbacks):
    forum = Forum.objects.get(college__slug="production")
    thread = forum_actions.start_thread(cast.production_member, forum=forum, title="Tournage", body="Qui vient ?")
    before = bell_shown(login(cast.coordinator))
    with django_capture_on_commit_callbacks(execute=True):  # a notification's count is made stale on commit
        forum_actions.reply(cast.production_member, thread=thread, body=f"@{cast.coordinator.handle} tu viens ?")
    assert bell_shown(login(cast.coordinator)) == before + 1
    with django_capture_on_commit_callbacks(execute=True):
        notification_actions.mark_all_read(cast.coordinator)
    assert bell_shown(login(cast.coordinator)) == 0
    assert_kept_counts_are_fresh(vars(cast).values())


def test_each_app_keeps_its_part_of_my_tasks_and_is_asked_only_for_its_own(cast, login):
    proposal = make_proposal(cast.production_member, stage="in_review")
    actions.forward_proposal(cast.coordinator, proposal=proposal, recommendation="Favorable")
    actions.open_board_vote(cast.secretary, proposal=proposal, deadline=timezone.now() + timedelta(days=3))
    board_member = login(cast.board_member)
    assert tasks_shown(board_member) == 1  # the ballot; no fonds, no meeting waits
    with CaptureQueriesContext(connection) as queries:
        page = board_member.get(reverse("home")).content.decode()
    assert "Votez" in page or "Cast your vote" in page
    asked = " ".join(query["sql"] for query in queries)
    assert "archives_fonds" not in asked and "meetings_meeting" not in asked
    # A fonds offered recounts the archive's part for everyone, not the meetings', nor the
    # proposals' (both processes' steps are Viewflow tasks: the archive's are not a proposal's).
    archive_actions.record_offer(
        cast.production_member, title="Mes bobines", items=[ItemDraft(title="Royan", format="super8", count=3)]
    )
    stale = dict(NavigationCount.objects.filter(user=cast.board_member, name="tasks").values_list("part", "stale"))
    assert stale["archives"] and not stale["meetings"] and not stale["workflows"]
    assert tasks_shown(login(cast.staff)) == 1  # the offer's triage
    assert_kept_counts_are_fresh(vars(cast).values())


def test_a_recount_that_raced_with_a_change_does_not_hide_it(cast):
    counters.counts_for(cast.coordinator)  # the rows exist
    NavigationCount.objects.filter(user=cast.coordinator).update(stale=True)
    counting = counters._counting["tasks"]
    raced = []

    def count_while_something_changes(user):
        if not raced:
            raced.append(True)
            counters._mark_stale("tasks", None)  # committed by another request meanwhile
        return 0

    counters._counting["tasks"] = {"workflows": count_while_something_changes}
    try:
        counters.counts_for(cast.coordinator)
    finally:
        counters._counting["tasks"] = counting
    raced_part = NavigationCount.objects.get(user=cast.coordinator, name="tasks", part="workflows")
    assert raced_part.stale  # recounted next page


@pytest.mark.django_db(transaction=True)
def test_changes_marking_the_parts_in_opposite_orders_do_not_deadlock(association_bodies, cast):
    """A role saved marks the proposals' part then the archive's; an offer the archive's, then
    Viewflow's task (the proposals' part). At once, on PostgreSQL, neither may fail."""
    for person in vars(cast).values():
        counters.counts_for(person)  # the rows to lock exist
    both_marked_one = threading.Barrier(2)

    def change(first: str, second: str):
        def marking():
            with transaction.atomic():
                counters._mark_stale("tasks", None, part=first)
                with contextlib.suppress(threading.BrokenBarrierError):  # the other waits for this one
                    both_marked_one.wait(timeout=2)
                counters._mark_stale("tasks", None, part=second)

        return marking

    assert failures(run_together(change("workflows", "archives"), change("archives", "workflows"))) == []
    marked = NavigationCount.objects.filter(name="tasks", part__in=["workflows", "archives"])
    assert set(marked.values_list("stale", flat=True)) == {True}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("first, second", [("workflows", "archives"), ("archives", "workflows")])
def test_a_change_for_some_people_does_not_deadlock_with_one_for_everyone(association_bodies, cast, first, second):
    """A ballot cast (its voter's part, after commit) while a process change marks two parts for
    everyone: whichever order the rows are met in, neither may fail on PostgreSQL."""
    people = sorted(person.pk for person in vars(cast).values())
    for person in vars(cast).values():
        counters.counts_for(person)  # the rows to lock exist
    first_marked = threading.Event()

    def for_everyone():
        with transaction.atomic():
            counters._mark_stale("tasks", None, part=first)
            first_marked.set()
            time.sleep(0.3)  # the other change is waiting on a row by now
            counters._mark_stale("tasks", None, part=second)

    def for_some():
        first_marked.wait(timeout=5)
        counters._mark_stale("tasks", people)  # every part of theirs, as committed changes do

    assert failures(run_together(for_everyone, for_some)) == []
    assert set(NavigationCount.objects.filter(name="tasks").values_list("stale", flat=True)) == {True}


def test_an_app_lists_what_it_waits_for_only_with_its_own_count():
    from intranet import plugins

    with pytest.raises(RuntimeError, match="register that count"):
        plugins.register("lonely", home_waiting=[lambda user: []], home_waiting_counted_in="tasks")
    assert "lonely" not in plugins.plugged_in_apps()


def test_a_page_reads_the_counts_without_counting(cast, login):
    make_proposal(cast.production_member, stage="in_review")
    coordinator = login(cast.coordinator)
    coordinator.get(reverse("forums:index"))  # recounted once
    with CaptureQueriesContext(connection) as queries:
        page = coordinator.get(reverse("forums:index")).content.decode()
    assert re.search(r'class="nav-count">1<', page)
    counting = [
        query["sql"]
        for query in queries
        if "viewflow_task" in query["sql"] or "notifications_notification" in query["sql"]
    ]
    assert counting == []


def test_saving_an_account_recounts_tasks_only_when_a_role_changed(cast, login):
    """Signing in, a new name or a new password changes nobody's tasks: the counts stay kept
    (a busy morning of sign-ins does not make every member's next page count again)."""
    people = list(vars(cast).values())
    for person in people:
        counters.counts_for(person)
    member = cast.production_member
    login(member)  # records the sign-in
    member.set_password("a new long passphrase")
    member.save(update_fields=["password"])
    edit_profile(member, first_name="Renamed")
    assert not NavigationCount.objects.filter(name="tasks", stale=True).exists()
    core_actions.deactivate_member(cast.staff, user=member)
    assert NavigationCount.objects.filter(user=cast.board_member, name="tasks", stale=True).exists()
    assert_kept_counts_are_fresh(people)
