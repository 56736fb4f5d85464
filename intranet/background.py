"""The core's background jobs, run by ``manage.py worker``: the search index's pending changes,
the daily digests and the e-mails due. Declared in ``IntranetConfig.ready()``."""

from __future__ import annotations

import logging

from intranet.jobs import Job, Report
from intranet.notifications import actions as notifications
from intranet.search.engine import IndexBusy
from intranet.search.indexer import apply_pending

logger = logging.getLogger(__name__)

DIGEST_CHECK_EVERY = 60.0  # seconds


def index_search_changes() -> Report:
    """Applies a batch of pending search changes (new content is found within a second). Not
    exclusive: on PostgreSQL each worker takes the rows the others are not on."""
    try:
        applied = apply_pending()
    except IndexBusy:
        logger.info("The search index is being rebuilt; its pending changes wait.")
        return Report()
    return Report(more=bool(applied))


def queue_digests() -> Report:
    queued = notifications.queue_daily_digests()
    return Report(f"{queued} digest(s) queued." if queued else "")


def send_emails() -> Report:
    results = notifications.send_due_emails()
    if not any(results.values()):
        return Report()
    return Report(", ".join(f"{count} {name}" for name, count in results.items()), more=True)


JOBS = (
    # Every 0.3 s while the queue is empty: new content is searchable within about a second.
    Job("search.index", index_search_changes, every=0.3, exclusive=False),
    Job("notifications.digests", queue_digests, every=DIGEST_CHECK_EVERY),
    Job("notifications.send", send_emails, every=1.0),
)
