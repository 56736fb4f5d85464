"""The daily digests: one e-mail per person and day, with what they chose to read that way."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from datetime import time as time_of_day

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from intranet.notifications.kinds import Delivery
from intranet.notifications.models import Notification, OutgoingEmail
from intranet.notifications.preferences import preferences_of

# The digest gathers what is unread, not yet e-mailed and at most this old.
DIGEST_REACH = timedelta(days=7)


def digest_day(now: datetime) -> date | None:
    """The day whose digest is due at ``now`` (local time), or None before the digest hour."""
    local = timezone.localtime(now)
    return local.date() if local.hour >= settings.NOTIFICATIONS_DIGEST_HOUR else None


def digest_moment(day: date) -> datetime:
    """When ``day``'s digest is due: the digest hour (``NOTIFICATIONS_DIGEST_HOUR``, the same for
    everyone), local time. The digest holds what came before it; what comes after waits for the
    next day's, even while the worker queues today's late."""
    return timezone.make_aware(datetime.combine(day, time_of_day(settings.NOTIFICATIONS_DIGEST_HOUR)))


def queue_daily_digests(now: datetime | None = None) -> int:
    """One digest per person and day, with their unread notifications not yet e-mailed that came
    before the digest hour (since the previous digest). Running twice (or on two machines)
    queues nothing more: each digest has its unique key, and the notifications it takes are
    taken once (in the same transaction as the digest row)."""
    now = now or timezone.now()
    day = digest_day(now)
    if day is None:
        return 0
    moment = digest_moment(day)
    # Only what came before the hour: the job runs all day, and a notification arriving at 9:00
    # must not make a digest of its own that day (and hold back the rest until tomorrow).
    waiting = Notification.objects.filter(
        delivery=Delivery.DIGEST,
        email__isnull=True,
        read_at__isnull=True,
        created_at__lt=moment,
        created_at__gte=moment - DIGEST_REACH,
    )
    queued = 0
    for user_id in sorted(set(waiting.values_list("recipient_id", flat=True))):
        with transaction.atomic():
            digest, created = OutgoingEmail.objects.get_or_create(
                key=f"digest:{user_id}:{day.isoformat()}",
                defaults={"purpose": OutgoingEmail.Purpose.DIGEST, "recipient_id": user_id, "send_after": now},
            )
            if not created:
                continue  # today's digest exists: what came since waits for tomorrow's
            still_digest = [kind for kind, delivery in preferences_of(user_id).items() if delivery == Delivery.DIGEST]
            taken = waiting.filter(recipient_id=user_id, kind__in=still_digest).update(email=digest)
            if taken:
                queued += 1
            else:
                OutgoingEmail.objects.filter(pk=digest.pk).update(status=OutgoingEmail.Status.DROPPED)
    return queued
