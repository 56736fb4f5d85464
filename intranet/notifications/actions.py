"""Every write of the notifications: creating them (inside the transaction of their cause),
reading them, the members' preferences, and the outbox that e-mails wait in.

``notify`` is called by the other apps' actions, in their transaction, with recipients they
computed from their own policies. It writes the notifications and, for those to be e-mailed at
once, the outbox row in the same transaction; the unread counters reach the pages after commit.
The worker (``notifications_worker``) sends the outbox after commit and builds the digests.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from datetime import time as time_of_day
from functools import partial

from django.conf import settings
from django.db import DatabaseError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from intranet import counters
from intranet.exceptions import ActionRefused
from intranet.models import User
from intranet.notifications import emails
from intranet.notifications.kinds import Delivery, NotificationKind, kind_named, values
from intranet.notifications.models import Notification, OutgoingEmail, Preference
from intranet.notifications.preferences import deliveries, preferences_of
from intranet.notifications.wording import has_sentence
from realtime.events import send_per_user_on_commit

logger = logging.getLogger(__name__)

# Sending: a claim lasts this long from the moment it is taken (a worker that died mid-send gives
# the e-mail back after it); a failure is retried after 1, 2, 4… minutes, then every 2 hours,
# and given up two days after the e-mail was queued (staff see it in the administration).
CLAIM_DURATION = timedelta(minutes=5)
FIRST_RETRY = timedelta(minutes=1)
LONGEST_RETRY = timedelta(hours=2)
GIVE_UP_AFTER = timedelta(days=2)
# The digest gathers what is unread, not yet e-mailed and at most this old.
DIGEST_REACH = timedelta(days=7)


def notify(
    *,
    kind: NotificationKind,
    event: str,
    recipients: Iterable[int],
    target_type: str,
    target_id: int,
    actor: User | None = None,
    group_key: str = "",
    once_while_unread: bool = False,
) -> list[Notification]:
    """Notify these people (never the actor, never a deactivated account), in the caller's
    transaction. The caller has decided, from its policy, that each of them may see the target.
    A constant number of queries, whatever the number of recipients.

    ``once_while_unread``: for a notice whose page and e-mail tell the target as it is when read
    or sent (a changed agenda), someone who has not read the last one of this event and target,
    and whose e-mail of it is still to be written, gets no other."""
    if not has_sentence(event):
        raise ValueError(f"No app registered a sentence for the event {event!r}.")
    if kind.value not in values():
        raise ValueError(f"No app declared the notification kind {kind.value!r}.")
    wanted = set(recipients) - {actor.pk if actor else None}
    if once_while_unread:
        wanted -= _still_to_tell(event, target_type, target_id)
    user_ids = sorted(User.objects.filter(pk__in=wanted, is_active=True).values_list("pk", flat=True))
    if not user_ids:
        return []
    chosen = deliveries(user_ids, kind.value)
    now = timezone.now()
    group_key = group_key or f"{target_type}:{target_id}"
    notifications = Notification.objects.bulk_create(
        [
            Notification(
                recipient_id=user_id,
                kind=kind.value,
                event=event,
                actor=actor,
                target_type=target_type,
                target_id=target_id,
                group_key=group_key,
                created_at=now,
                delivery=chosen[user_id],
            )
            for user_id in user_ids
        ]
    )
    _queue_at_once([n for n in notifications if n.delivery == Delivery.IMMEDIATELY], group_key, now)
    push_unread_counts_on_commit(user_ids, may_change_waiting=kind.may_change_waiting)
    return notifications


def _still_to_tell(event: str, target_type: str, target_id: int) -> set[int]:
    """Who has an unread notification of this event and target not e-mailed yet (none to send, or
    its e-mail waiting: locked, so that a worker about to send it waits for this change)."""
    unread = Notification.objects.filter(event=event, target_type=target_type, target_id=target_id, read_at=None)
    waiting = OutgoingEmail.objects.select_for_update().filter(
        pk__in=unread.values("email_id"), status=OutgoingEmail.Status.PENDING
    )
    untold = unread.filter(Q(email__isnull=True) | Q(email_id__in=list(waiting.values_list("pk", flat=True))))
    return set(untold.values_list("recipient_id", flat=True))


def _queue_at_once(notifications: list[Notification], group_key: str, now: datetime) -> None:
    """Into each recipient's e-mail about the same thing if one is still waiting (grouped kinds),
    or a new one. The waiting e-mails are locked, so that a worker claiming one meanwhile waits
    and then sends these notifications too."""
    if not notifications:
        return
    window = kind_named(notifications[0].kind).grouping_window
    waiting: dict[int, OutgoingEmail] = {}
    if window is not None:
        pending = OutgoingEmail.objects.select_for_update().filter(
            recipient_id__in=[n.recipient_id for n in notifications],
            purpose=OutgoingEmail.Purpose.NOTIFICATIONS,
            group_key=group_key,
            status=OutgoingEmail.Status.PENDING,
        )
        waiting = {email.recipient_id: email for email in pending}
        # A kind with a shorter window (a mention) brings a waiting e-mail forward.
        hurried = [e.pk for e in waiting.values() if e.send_after > now + window]
        OutgoingEmail.objects.filter(pk__in=hurried).update(send_after=now + window)
    new = OutgoingEmail.objects.bulk_create(
        [
            OutgoingEmail(
                purpose=OutgoingEmail.Purpose.NOTIFICATIONS,
                recipient_id=n.recipient_id,
                group_key=group_key,
                key=f"notification:{n.pk}",
                send_after=now + (window or timedelta(0)),
            )
            for n in notifications
            if n.recipient_id not in waiting
        ]
    )
    waiting.update({email.recipient_id: email for email in new})
    for notification in notifications:
        notification.email = waiting[notification.recipient_id]
    Notification.objects.bulk_update(notifications, ["email"])


def push_unread_counts_on_commit(user_ids: Iterable[int], *, may_change_waiting: bool = True) -> None:
    """Every change to someone's unread notifications comes here: their bells are told, and the
    count their next page shows is recounted. ``may_change_waiting``: whether an open home should
    read its "waiting for me" again (a notification read may be a mention it lists)."""
    user_ids = sorted(set(user_ids))
    counters.stale_on_commit(("notifications", "mentions"), user_ids)
    send_per_user_on_commit(partial(_unread_events, user_ids, may_change_waiting))


def _unread_events(user_ids: list[int], may_change_waiting: bool) -> dict[int, str]:
    counts = dict(
        Notification.objects.filter(recipient_id__in=user_ids, read_at__isnull=True)
        .values_list("recipient_id")
        .annotate(unread=Count("pk"))
        .values_list("recipient_id", "unread")
    )
    return {
        user_id: json.dumps(
            {"event": "notifications.unread", "data": {"unread": unread, "waiting": may_change_waiting}},
            separators=(",", ":"),
        )
        for user_id, unread in ((user_id, counts.get(user_id, 0)) for user_id in user_ids)
    }


# --- Reading --------------------------------------------------------------------------------


def mark_read(user: User, *, notification_ids: Iterable[int]) -> int:
    """Mark the person's own notifications read (anyone else's ids are ignored)."""
    with transaction.atomic():
        marked = Notification.objects.filter(
            recipient=user, pk__in=list(notification_ids), read_at__isnull=True
        ).update(read_at=timezone.now())
        if marked:
            push_unread_counts_on_commit([user.pk])
    return marked


def mark_read_about(user: User, *, target_type: str, target_ids) -> int:
    """The person has seen these targets in the page (a thread read up to a post): their
    notifications about them are read, and so not mailed later. ``target_ids`` may be a query."""
    marked = Notification.objects.filter(
        recipient=user, read_at__isnull=True, target_type=target_type, target_id__in=target_ids
    ).update(read_at=timezone.now())
    if marked:
        push_unread_counts_on_commit([user.pk])
    return marked


def mark_read_about_for(user_ids: list[int], *, target_type: str, target_ids) -> set[int]:
    """``mark_read_about`` for many people who have seen the same targets; returns those who had
    notifications about them (only their bells are told)."""
    unread = Notification.objects.filter(
        recipient_id__in=user_ids, read_at__isnull=True, target_type=target_type, target_id__in=target_ids
    )
    recipients = set(unread.values_list("recipient_id", flat=True).distinct())
    if recipients:
        unread.filter(recipient_id__in=recipients).update(read_at=timezone.now())
        push_unread_counts_on_commit(recipients)
    return recipients


def mark_all_read(user: User) -> int:
    with transaction.atomic():
        marked = Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())
        if marked:
            push_unread_counts_on_commit([user.pk])
    return marked


# --- Preferences ----------------------------------------------------------------------------


def set_preferences(user: User, *, choices: dict[str, str]) -> None:
    """The person's delivery for each kind given; an unknown kind or delivery is refused whole."""
    for kind, delivery in choices.items():
        if kind not in values() or delivery not in Delivery.values:
            raise ActionRefused(_("Unknown choice: reload the page and choose again."))
    with transaction.atomic():
        for kind, delivery in choices.items():
            Preference.objects.update_or_create(user=user, kind=kind, defaults={"delivery": delivery})


def unsubscribe(*, token: str) -> tuple[User, list[str]]:
    """From a signed link, without logging in: the kind it names (or every kind now in the
    digest, for a digest's link) is no longer e-mailed. Returns the person and the kinds."""
    user_id, scope = emails.read_unsubscribe_token(token)  # raises emails.BadLink
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        raise emails.BadLink("unknown")
    with transaction.atomic():
        if scope == emails.DIGEST_SCOPE:
            kinds = [kind for kind, delivery in preferences_of(user.pk).items() if delivery == Delivery.DIGEST]
        else:
            kinds = [scope]
        for kind in kinds:
            Preference.objects.update_or_create(user=user, kind=kind, defaults={"delivery": Delivery.NEVER})
    return user, kinds


# --- The outbox -----------------------------------------------------------------------------


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


# --- Digests --------------------------------------------------------------------------------


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
