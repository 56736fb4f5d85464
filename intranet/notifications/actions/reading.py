"""Notifications read (marked by the person, or seen in the page), and the members' choices of
delivery: set in their settings, or "never" from an e-mail's unsubscribe link."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from intranet.exceptions import ActionRefused
from intranet.models import User
from intranet.notifications import emails
from intranet.notifications.actions.notices import push_unread_counts_on_commit
from intranet.notifications.kinds import Delivery, values
from intranet.notifications.models import Notification, Preference
from intranet.notifications.preferences import preferences_of


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
