"""The exclusive jobs' lock: on PostgreSQL a job runs on one connection at a time; on SQLite it runs."""

from __future__ import annotations

import contextlib
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from intranet.jobs import job_lock, lock_key, run_exclusive
from tests.factories import make_proposal
from workflows import actions
from workflows.models import BoardVote

on_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="advisory locks are PostgreSQL's")


@contextlib.contextmanager
def other_connection():
    """A second database session, as another node's worker would have."""
    import psycopg

    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    with psycopg.connect(**params, autocommit=True) as other:
        yield other


def try_lock(other, job: str) -> bool:
    return other.execute("SELECT pg_try_advisory_lock(%s)", [lock_key(job)]).fetchone()[0]


def unlock(other, job: str) -> None:
    other.execute("SELECT pg_advisory_unlock(%s)", [lock_key(job)])


def test_each_job_has_its_own_fixed_key():
    assert lock_key("workflows.close_votes") == lock_key("workflows.close_votes")
    assert lock_key("workflows.close_votes") != lock_key("workflows.remind_votes")
    assert -(2**63) <= lock_key("notifications.send") < 2**63


@pytest.mark.django_db
def test_a_job_runs_when_nobody_else_runs_it():
    assert run_exclusive("tests.job", lambda: "ran", if_busy="skipped") == "ran"
    with job_lock("tests.job") as held:
        assert held
    assert run_exclusive("tests.job", lambda: "ran again", if_busy="skipped") == "ran again"


@pytest.mark.skipif(
    connection.vendor == "postgresql",
    reason="the no-op lock is SQLite's; on PostgreSQL the tests above check the real one",
)
@pytest.mark.django_db
def test_on_sqlite_the_lock_is_a_no_op_and_the_periodic_jobs_still_close_what_is_due(cast, capsys):
    vote = actions.open_board_vote(
        cast.secretary, proposal=make_proposal(cast.production_member), deadline=timezone.now() + timedelta(days=7)
    )
    BoardVote.objects.filter(pk=vote.pk).update(deadline=timezone.now() - timedelta(minutes=1))
    with job_lock("workflows.close_votes") as held:
        assert held
    call_command("worker", "--once")
    assert "1 vote(s) closed." in capsys.readouterr().out


@on_postgres
@pytest.mark.django_db
def test_while_one_connection_runs_a_job_a_second_connection_does_not_get_its_lock():
    with other_connection() as other:
        with job_lock("tests.job") as held:
            assert held
            assert not try_lock(other, "tests.job")
            assert try_lock(other, "tests.other_job")  # each job its own lock
            unlock(other, "tests.other_job")
        assert try_lock(other, "tests.job")  # released at the end of the pass
        try:
            called = []
            assert run_exclusive("tests.job", lambda: called.append(1), if_busy="skipped") == "skipped"
            assert not called
        finally:
            unlock(other, "tests.job")
    assert run_exclusive("tests.job", lambda: "ran", if_busy="skipped") == "ran"


@on_postgres
@pytest.mark.django_db
def test_the_lock_is_released_when_the_job_fails():
    with pytest.raises(RuntimeError), job_lock("tests.job"):
        raise RuntimeError("the job failed")
    with other_connection() as other:
        assert try_lock(other, "tests.job")
        unlock(other, "tests.job")


@on_postgres
@pytest.mark.django_db
def test_the_worker_skips_closing_votes_while_another_node_closes_them(cast, capsys):
    vote = actions.open_board_vote(
        cast.secretary, proposal=make_proposal(cast.production_member), deadline=timezone.now() + timedelta(days=7)
    )
    BoardVote.objects.filter(pk=vote.pk).update(deadline=timezone.now() - timedelta(minutes=1))
    with other_connection() as other:
        assert try_lock(other, "workflows.close_votes")
        call_command("worker", "--once", "--only", "workflows.close_votes")
        assert "vote(s) closed" not in capsys.readouterr().out
        assert BoardVote.objects.get(pk=vote.pk).closed_at is None
        unlock(other, "workflows.close_votes")
    call_command("worker", "--once", "--only", "workflows.close_votes")
    assert "1 vote(s) closed." in capsys.readouterr().out


@on_postgres
@pytest.mark.django_db
def test_the_worker_skips_the_digests_and_the_sending_while_another_node_runs_them(monkeypatch):
    from intranet.notifications import actions as notification_actions

    ran = []
    monkeypatch.setattr(notification_actions, "queue_daily_digests", lambda: ran.append("digests") or 0)
    monkeypatch.setattr(notification_actions, "send_due_emails", lambda: ran.append("send") or {"sent": 0})
    mail_jobs = ["--only", "notifications.digests", "--only", "notifications.send"]
    with other_connection() as other:
        assert try_lock(other, "notifications.digests") and try_lock(other, "notifications.send")
        call_command("worker", "--once", *mail_jobs)
        assert ran == []
        unlock(other, "notifications.digests")
        unlock(other, "notifications.send")
    call_command("worker", "--once", *mail_jobs)
    assert ran == ["digests", "send"]
