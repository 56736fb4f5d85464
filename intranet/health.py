"""What a monitoring probe asks: is the database answering, does the channel layer carry a
message, has a worker reported lately, how far behind is the search index, how full is the
documents' disk. Counts and ages only: nothing here names a person, a machine or a path."""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from pathlib import Path

import redis
from django.conf import settings
from django.db import connection
from django.db.models import Max, Min
from django.utils import timezone

from intranet.models import SearchChange, WorkerHeartbeat
from intranet.worker import STALE_AFTER

SEARCH_LAG_LIMIT = 300.0  # seconds: an index this far behind means the worker is not keeping up
DISK_FREE_LIMIT = 5.0  # percent of the documents' disk left


def _database() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"ok": True}


def _channel_layer() -> dict:
    """Redis answering a PING within a second (the live events go through it); the embedded
    in-memory layer lives in the process and cannot be unreachable. No channel is subscribed:
    a probe called every few seconds must leave nothing behind."""
    if not settings.REDIS_URL:
        return {"ok": True, "layer": "in-memory"}
    client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=1, socket_connect_timeout=1)
    try:
        return {"ok": bool(client.ping()), "layer": "redis"}
    finally:
        client.close()


def _worker() -> dict:
    last = WorkerHeartbeat.objects.aggregate(last=Max("beat_at"))["last"]
    if last is None:
        return {"ok": False, "seconds_since_last_report": None}
    age = (timezone.now() - last).total_seconds()
    return {"ok": age <= STALE_AFTER, "seconds_since_last_report": round(age)}


def _search_queue() -> dict:
    oldest = SearchChange.objects.aggregate(oldest=Min("created_at"))["oldest"]
    lag = (timezone.now() - oldest).total_seconds() if oldest else 0.0
    return {"ok": lag <= SEARCH_LAG_LIMIT, "pending": SearchChange.objects.count(), "oldest_seconds": round(lag)}


def _documents_disk() -> dict:
    folder = Path(settings.DOCUMENTS_ROOT)
    while not folder.exists() and folder != folder.parent:  # before the first upload: its disk
        folder = folder.parent
    usage = shutil.disk_usage(folder)
    free = 100.0 * usage.free / usage.total if usage.total else 0.0
    return {"ok": free >= DISK_FREE_LIMIT, "free_percent": round(free, 1)}


CHECKS: dict[str, Callable[[], dict]] = {
    "database": _database,
    "channel_layer": _channel_layer,
    "worker": _worker,
    "search_queue": _search_queue,
    "documents_disk": _documents_disk,
}


def health() -> dict:
    """Each check with its answer and time; ``ok`` only when every one is."""
    results = {}
    for name, check in CHECKS.items():
        started = time.perf_counter()
        try:
            result = check()
        except Exception as error:  # a probe reports a failing part, it does not fail itself
            result = {"ok": False, "error": type(error).__name__}
        result["ms"] = round(1000 * (time.perf_counter() - started), 1)
        results[name] = result
    return {"ok": all(result["ok"] for result in results.values()), "checks": results}
