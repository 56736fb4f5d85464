"""The outbox that e-mails wait in: a written e-mail queued, the due ones claimed and sent (by
any number of workers), failures retried then given up, and a seeding run's e-mails dropped."""

from __future__ import annotations

import logging
import time
from datetime import datetime, timedelta

from django.db import DatabaseError, transaction
from django.utils import timezone

from intranet.notifications import emails
from intranet.notifications.kinds import Delivery
from intranet.notifications.models import Notification, OutgoingEmail

# The name its log lines have always carried (the module before ``actions`` became a package).
logger = logging.getLogger("intranet.notifications.actions")

# Sending: a claim lasts this long from the moment it is taken (a worker that died mid-send gives
# the e-mail back after it); a failure is retried after 1, 2, 4… minutes, then every 2 hours,
# and given up two days after the e-mail was queued (staff see it in the administration).
CLAIM_DURATION = timedelta(minutes=5)
FIRST_RETRY = timedelta(minutes=1)
LONGEST_RETRY = timedelta(hours=2)
GIVE_UP_AFTER = timedelta(days=2)


def queue_written_email(*, key: str, to_address: str, subject: str, text: str, html: str = "") -> OutgoingEmail:
    """An e-mail written now (an invitation, whose link exists only here), sent by the worker
    after the caller's transaction commits. Its body is wiped once sent."""
    return OutgoingEmail.objects.create(
        purpose=OutgoingEmail.Purpose.MESSAGE, key=key, to_address=to_address, subject=subject, text=text, html=html
    )


def _backoff(attempts: int) -> timedelta:
    return min(FIRST_RETRY * 2 ** (attempts - 1), LONGEST_RETRY)


def release_stale_claims(now: datetime | None = None) -> int:
    """E-mails claimed by a worker that stopped before finishing go back to the queue; that
    counts as an attempt, so a message that stops every worker is given up in the end."""
    now = now or timezone.now()
    stale = OutgoingEmail.objects.filter(status=OutgoingEmail.Status.SENDING, claimed_until__lt=now)
    released = 0
    for email in stale:
        _failed(email, now, "the worker stopped while sending", retry_at=now)
        released += 1
    return released


def claim(email_id: int, now: datetime) -> bool:
    """A conditional update: of two workers, exactly one moves the e-mail to "sending". The
    claim runs from the moment it is taken, not from the start of a long batch."""
    claimed_at = max(now, timezone.now())
    return bool(
        OutgoingEmail.objects.filter(pk=email_id, status=OutgoingEmail.Status.PENDING).update(
            status=OutgoingEmail.Status.SENDING, claimed_until=claimed_at + CLAIM_DURATION
        )
    )


def send_due_emails(now: datetime | None = None, *, limit: int = 100) -> dict[str, int]:
    """Send what is due. Safe with several workers: each e-mail is claimed before it is sent."""
    now = now or timezone.now()
    release_stale_claims(now)
    due = OutgoingEmail.objects.filter(status=OutgoingEmail.Status.PENDING, send_after__lte=now).order_by(
        "send_after", "pk"
    )
    results = {"sent": 0, "failed": 0, "dropped": 0, "retrying": 0}
    for email_id in list(due.values_list("pk", flat=True)[:limit]):
        if claim(email_id, now):
            results[_send_claimed(email_id, now)] += 1
    return results


def _send_claimed(email_id: int, now: datetime) -> str:
    email = OutgoingEmail.objects.select_related("recipient").get(pk=email_id)
    try:
        message = emails.build_message(email)
    except Exception:
        logger.exception("Could not write e-mail %s", email_id)
        return _failed(email, now, "could not be written")
    if message is None:  # nothing left the person may see or still wants, or all read already
        _finish(email, OutgoingEmail.Status.DROPPED, now)
        return "dropped"
    try:
        message.send()
    except Exception as error:
        logger.warning("Sending e-mail %s failed (attempt %s)", email_id, email.attempts + 1, exc_info=True)
        return _failed(email, now, str(error))
    _finish(email, OutgoingEmail.Status.SENT, now, subject=message.subject)
    return "sent"


def _failed(email: OutgoingEmail, now: datetime, error: str, *, retry_at: datetime | None = None) -> str:
    attempts = email.attempts + 1
    gave_up = now - email.created_at >= GIVE_UP_AFTER
    OutgoingEmail.objects.filter(pk=email.pk).update(
        status=OutgoingEmail.Status.FAILED if gave_up else OutgoingEmail.Status.PENDING,
        attempts=attempts,
        last_error=error[:500],
        send_after=retry_at or now + _backoff(attempts),
        claimed_until=None,
    )
    if gave_up:
        logger.error("Gave up sending e-mail %s after %s attempts: %s", email.pk, attempts, error)
        return "failed"
    return "retrying"


def _finish(email: OutgoingEmail, status: str, now: datetime, *, subject: str = "") -> None:
    """Mark the e-mail done. Tried a few times: once it has left, failing to say so would send it
    again after the claim lapses (its stable Message-ID lets mail servers drop that copy)."""
    fields = {"status": status, "sent_at": now if status == OutgoingEmail.Status.SENT else None}
    fields["claimed_until"] = None
    if email.purpose == OutgoingEmail.Purpose.MESSAGE:
        fields.update(text="", html="")  # an invitation's link is not kept once delivered
    elif subject:
        fields["subject"] = subject[:250]
    for attempt in range(3):
        try:
            OutgoingEmail.objects.filter(pk=email.pk).update(**fields)
            return
        except DatabaseError:
            if attempt == 2:
                raise
            time.sleep(0.5 * (attempt + 1))


def settle_seeded_history(*, since: datetime) -> None:
    """What a seeding run (the demo data) queued from ``since`` is not e-mailed: its e-mails are
    dropped, and its notifications stay in the page but out of tomorrow's digest."""
    with transaction.atomic():
        OutgoingEmail.objects.filter(status=OutgoingEmail.Status.PENDING, created_at__gte=since).update(
            status=OutgoingEmail.Status.DROPPED
        )
        Notification.objects.filter(email__isnull=True, delivery=Delivery.DIGEST, created_at__gte=since).update(
            delivery=Delivery.NEVER
        )
