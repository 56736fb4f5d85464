"""The background jobs that ``manage.py worker`` runs (``intranet.worker``): what a job is, the
registry of every app's jobs, and the lock that lets one node at a time run an exclusive job.

Each app declares its jobs with ``intranet.plugins.register(jobs=...)`` in its ``ready()`` (the
core's are in ``intranet.background``). The periodic jobs are already safe to run twice (row
locks, conditional updates, unique keys); their PostgreSQL advisory lock makes it so that while
one node runs a job the others skip it, instead of racing it. On SQLite (one machine, where
IMMEDIATE transactions already take turns) the lock is a no-op.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import NamedTuple, TypeVar

from django.db import DatabaseError, connection

logger = logging.getLogger(__name__)
T = TypeVar("T")


class Report(NamedTuple):
    """What one pass of a job did: the line to print (empty when there is nothing to tell), and
    whether there is more to do right away (its queue holds more, or a reading is under way)."""

    line: str = ""
    more: bool = False


@dataclass(frozen=True)
class Job:
    name: str  # also the name of its database lock when exclusive
    run: Callable[[], Report]
    every: float  # seconds between two passes when it has nothing to do
    exclusive: bool = True  # False: its queue rows are claimed one by one, every node takes its share
    stop: Callable[[], None] | None = None  # called once when the worker stops (let claimed work go)


_jobs: dict[str, Job] = {}


def register_jobs(*jobs: Job) -> None:
    """Called by ``intranet.plugins.register``."""
    for job in jobs:
        _jobs[job.name] = job


def registered_jobs() -> list[Job]:
    """Every app's jobs, in the order of ``INSTALLED_APPS``."""
    return list(_jobs.values())


def lock_key(job: str) -> int:
    """The advisory lock's key for ``job``: fixed, the same on every node (a signed 64-bit integer)."""
    digest = hashlib.sha256(f"intranet.jobs:{job}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


@contextlib.contextmanager
def job_lock(job: str) -> Iterator[bool]:
    """True when this process holds ``job``'s lock and should run it, False when another
    connection holds it (skip this pass). A session lock, released at the end of the block — or
    by PostgreSQL when the connection drops, so a killed worker never keeps it."""
    if connection.vendor != "postgresql":
        yield True
        return
    key = lock_key(job)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
        (acquired,) = cursor.fetchone()
    if not acquired:
        logger.debug("Job %s is running elsewhere: this pass skips it.", job)
        yield False
        return
    try:
        yield True
    finally:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [key])
        except DatabaseError:
            # The connection broke during the job: the lock went with it.
            logger.warning("Could not release the lock of job %s", job, exc_info=True)


def run_exclusive(job: str, function: Callable[[], T], *, if_busy: T) -> T:
    """``function()`` under ``job``'s lock, or ``if_busy`` when another node is running it."""
    with job_lock(job) as held:
        return function() if held else if_busy
