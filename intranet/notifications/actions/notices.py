"""Notifications created, inside the transaction of their cause: each recipient's delivery, the
e-mail they join (or a new one) in the outbox, and the unread counters told after commit."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime, timedelta
from functools import partial

from django.db.models import Count, Q
from django.utils import timezone

from intranet import counters
from intranet.models import User
from intranet.notifications.kinds import Delivery, NotificationKind, kind_named, values
from intranet.notifications.models import Notification, OutgoingEmail
from intranet.notifications.preferences import deliveries
from intranet.notifications.wording import has_sentence
from realtime.events import send_per_user_on_commit


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
