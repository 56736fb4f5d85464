"""The background worker's heartbeat, as a system check: in production, ``manage.py check
--database default`` (and ``migrate``) warn when no worker has reported lately on some machine.

A check that reads the database runs only when asked for a database, as Django's own do; in
development and tests (no worker needed) it says nothing.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core.checks import Tags, Warning, register
from django.db import DatabaseError
from django.utils import timezone

from intranet.models import WorkerHeartbeat
from intranet.worker import STALE_AFTER


@register(Tags.database)
def check_worker_heartbeat(app_configs=None, databases=None, **kwargs):
    if not settings.PRODUCTION or not databases or "default" not in databases:
        return []
    return worker_warnings()


def worker_warnings(now: datetime | None = None) -> list[Warning]:
    """One warning when no worker ever reported, or one per machine whose worker went quiet."""
    now = now or timezone.now()
    try:
        heartbeats = list(WorkerHeartbeat.objects.order_by("name"))
    except DatabaseError:  # not migrated yet: the migrations' own check says so
        return []
    if not heartbeats:
        return [
            Warning(
                "No background worker is running: e-mails, search indexing, text extraction and "
                "votes past their deadline wait.",
                hint="Run `python manage.py worker` on at least one machine (see docs/deploy.md).",
                id="intranet.W001",
            )
        ]
    return [
        Warning(
            f"The background worker on {heartbeat.name} (pid {heartbeat.pid}) last reported "
            f"{int((now - heartbeat.beat_at).total_seconds())} s ago.",
            hint="Is it stopped or stuck? Restart it; remove the row of a machine that no longer runs one.",
            id="intranet.W002",
        )
        for heartbeat in heartbeats
        if now - heartbeat.beat_at > timedelta(seconds=STALE_AFTER)
    ]
