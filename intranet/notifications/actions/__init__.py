"""Every write of the notifications: creating them (inside the transaction of their cause),
reading them, the members' preferences, and the outbox that e-mails wait in.

``notify`` is called by the other apps' actions, in their transaction, with recipients they
computed from their own policies. It writes the notifications and, for those to be e-mailed at
once, the outbox row in the same transaction; the unread counters reach the pages after commit.
The worker (``notifications_worker``) sends the outbox after commit and builds the digests.

They live in ``notices`` (notifications created, the unread counters told), ``reading`` (marked
read, preferences, unsubscribing), ``outbox`` (e-mails queued, sent, retried) and ``digests``;
callers name them from here.
"""

from intranet.notifications.actions.digests import DIGEST_REACH, digest_day, digest_moment, queue_daily_digests
from intranet.notifications.actions.notices import notify, push_unread_counts_on_commit
from intranet.notifications.actions.outbox import (
    CLAIM_DURATION,
    FIRST_RETRY,
    GIVE_UP_AFTER,
    LONGEST_RETRY,
    claim,
    queue_written_email,
    release_stale_claims,
    send_due_emails,
    settle_seeded_history,
)
from intranet.notifications.actions.reading import (
    mark_all_read,
    mark_read,
    mark_read_about,
    mark_read_about_for,
    set_preferences,
    unsubscribe,
)

# Read from here by callers of the module before it became a package.
from intranet.notifications.preferences import preferences_of

__all__ = [
    "CLAIM_DURATION",
    "DIGEST_REACH",
    "FIRST_RETRY",
    "GIVE_UP_AFTER",
    "LONGEST_RETRY",
    "claim",
    "digest_day",
    "digest_moment",
    "mark_all_read",
    "mark_read",
    "mark_read_about",
    "mark_read_about_for",
    "notify",
    "preferences_of",
    "push_unread_counts_on_commit",
    "queue_daily_digests",
    "queue_written_email",
    "release_stale_claims",
    "send_due_emails",
    "set_preferences",
    "settle_seeded_history",
    "unsubscribe",
]
