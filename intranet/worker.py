"""The background worker (``manage.py worker``): one loop that runs every app's jobs in turn.

Each app declares its jobs in its ``ready()`` (``intranet.plugins``): the core indexes
search changes and sends e-mails, documents read the text of uploads, workflows close votes.
A job is either *exclusive*, run under its database lock (``intranet.jobs.job_lock``) so that
one node at a time runs it, or works through a queue whose rows it claims one by one, so that
the workers of several nodes share it without doing anything twice. A job that did something
runs again at the next tick (its queue may hold more); one that did nothing waits its interval.
SIGTERM or SIGINT stops the loop after the job under way. Each pass writes the worker's
heartbeat (at most every ``HEARTBEAT_EVERY`` seconds), which ``manage.py check --database
default`` reads in production (``intranet.checks``).

Why a loop of our own rather than a task library: the queues already are domain tables that
pages read (the outbox with its retries and backoff, the versions' extraction status shown on
the document page, search changes applied 500 to an index commit), and the locks are four lines
of ``pg_try_advisory_lock``. django-tasks (0.12, with django-tasks-db) would add a task table
beside each of them and has no periodic jobs; Procrastinate needs PostgreSQL, where a laptop
runs on SQLite. The loop is the part they would replace, and it is this module.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import time
from collections.abc import Callable, Iterable

from django.db import DatabaseError, close_old_connections, connections
from django.utils import timezone

from intranet.jobs import Job, Report, run_exclusive
from intranet.models import WorkerHeartbeat

logger = logging.getLogger("intranet.worker")

HEARTBEAT_EVERY = 10.0  # seconds between two writes of the heartbeat
STALE_AFTER = 120.0  # seconds without a heartbeat before the system check says the worker is gone
PAUSE_AFTER_ERROR = 5.0  # seconds before a job that raised runs again
LONGEST_NAP = 0.1  # seconds: how often a sleeping worker looks at its stop signal


def worker_name() -> str:
    """The heartbeat's key: one worker per machine, the one that beat last."""
    return socket.gethostname()[:100]


def beat(name: str, *, started_at) -> None:
    WorkerHeartbeat.objects.update_or_create(
        name=name, defaults={"pid": os.getpid(), "started_at": started_at, "beat_at": timezone.now()}
    )


def forget(name: str) -> None:
    """A worker that stopped on purpose is not reported as gone."""
    WorkerHeartbeat.objects.filter(name=name, pid=os.getpid()).delete()


def let_go_of_old_connections() -> None:
    """As after a request: connections past their age or broken are closed, and reopened by the
    next query. Not inside a transaction (a test's), which closing would break."""
    if not any(connection.in_atomic_block for connection in connections.all(initialized_only=True)):
        close_old_connections()


class Worker:
    """Runs ``jobs`` in one loop until it is told to stop (a signal, its parent gone, ``--once``)."""

    def __init__(
        self,
        jobs: Iterable[Job],
        *,
        say: Callable[[str], None] = print,
        longest_interval: float | None = None,
        stop_with_parent: bool = False,
        name: str | None = None,
    ) -> None:
        self.jobs = list(jobs)
        self.say = say
        self.longest_interval = longest_interval
        self.parent = os.getppid() if stop_with_parent else None
        self.name = name or worker_name()
        self.stopping = False
        self.started_at = timezone.now()
        self.next_run = dict.fromkeys((job.name for job in self.jobs), 0.0)
        self.last_beat = -HEARTBEAT_EVERY

    def interval(self, job: Job) -> float:
        return min(job.every, self.longest_interval) if self.longest_interval else job.every

    def run(self, *, once: bool = False) -> None:
        """The loop. ``once``: pass over every job until none has more to do, then stop (for cron;
        the heartbeat stays, so that a worker run every minute is not reported gone)."""
        previous = {number: signal.signal(number, self._stop_on_signal) for number in (signal.SIGTERM, signal.SIGINT)}
        try:
            while not self.should_stop():
                reports = self.tick(every_job=once)
                self.heartbeat()
                if once and not any(report.more for report in reports.values()):
                    break
                if not once:
                    self.nap()
        finally:
            self.stop_jobs(keep_heartbeat=once)
            for number, handler in previous.items():
                signal.signal(number, handler)
        if self.stopping:
            self.say("Worker stopped.")

    def tick(self, *, every_job: bool = False) -> dict[str, Report]:
        """One pass over the jobs: each job due (or each job, with ``every_job``) runs once."""
        now = time.monotonic()
        reports = {}
        for job in self.jobs:
            if self.should_stop():
                break
            if not every_job and self.next_run[job.name] > now:
                continue
            report = self.run_job(job, raise_errors=every_job)
            if report is None:  # it failed (logged): it waits a little longer before trying again
                reports[job.name] = Report()
                self.next_run[job.name] = time.monotonic() + max(self.interval(job), PAUSE_AFTER_ERROR)
                continue
            reports[job.name] = report
            if report.line:
                self.say(report.line)
            self.next_run[job.name] = time.monotonic() + (0 if report.more else self.interval(job))
        return reports

    def run_job(self, job: Job, *, raise_errors: bool = False) -> Report | None:
        """The job's report, or None when it raised (unless ``raise_errors``)."""
        try:
            if job.exclusive:
                return run_exclusive(job.name, job.run, if_busy=Report())
            return job.run()
        except Exception:
            if raise_errors:
                raise
            logger.exception("Job %s failed; it runs again shortly.", job.name)
            let_go_of_old_connections()  # a broken connection is replaced before the next job
            return None

    def heartbeat(self) -> None:
        if time.monotonic() - self.last_beat < HEARTBEAT_EVERY:
            return
        try:
            beat(self.name, started_at=self.started_at)
        except DatabaseError:
            logger.warning("Could not write the worker's heartbeat", exc_info=True)
            let_go_of_old_connections()
        self.last_beat = time.monotonic()

    def nap(self) -> None:
        """Sleep until the next job is due, waking up to a stop signal."""
        pause = min(self.next_run.values(), default=0) - time.monotonic()
        if pause <= 0:
            return
        let_go_of_old_connections()
        deadline = time.monotonic() + pause
        while not self.should_stop() and (left := deadline - time.monotonic()) > 0:
            time.sleep(min(left, LONGEST_NAP))

    def should_stop(self) -> bool:
        if self.parent is not None and os.getppid() != self.parent:
            self.stopping = True
        return self.stopping

    def stop_jobs(self, *, keep_heartbeat: bool = False) -> None:
        for job in self.jobs:
            if job.stop is not None:
                try:
                    job.stop()
                except Exception:
                    logger.exception("Job %s did not stop cleanly", job.name)
        if keep_heartbeat:
            return
        try:
            forget(self.name)
        except DatabaseError:
            logger.warning("Could not remove the worker's heartbeat", exc_info=True)

    def _stop_on_signal(self, number, _frame) -> None:
        # The job under way finishes; the loop stops before the next one.
        self.stopping = True
