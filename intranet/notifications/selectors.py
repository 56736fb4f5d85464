"""Reads of the notifications: the unread count of the bell, and the list page's rows with what
the person may still see of each target."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Paginator
from django.http import Http404
from django.utils.translation import gettext as _

from intranet.activity import Waiting
from intranet.links import address_maker
from intranet.notifications import targets, wording
from intranet.notifications.kinds import MENTION
from intranet.notifications.models import Notification
from intranet.notifications.preferences import preferences_of

PER_PAGE = 30


def unread_count(user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def _unread_mentions(user):
    return Notification.objects.filter(recipient=user, kind=MENTION.value, read_at__isnull=True)


def unread_mention_count(user) -> int:
    """Kept per person beside the bell's count: the home looks for unread mentions only when
    there are some, not whenever anything is unread."""
    return _unread_mentions(user).count()


@dataclass(frozen=True)
class Row:
    notification: Notification
    sentence: str
    visible: bool
    url: str = ""  # the target's address, when the person may still open it

    @property
    def is_unread(self) -> bool:
        return self.notification.read_at is None


def notifications_page(user, *, page: str | int | None, unread_only: bool = False):
    """A page of the person's notifications, newest first: (page, rows)."""
    notifications = Notification.objects.filter(recipient=user).select_related("actor")
    if unread_only:
        notifications = notifications.filter(read_at__isnull=True)
    current = Paginator(notifications, PER_PAGE).get_page(page)
    items = list(current)
    described = targets.describe(user, {(n.target_type, n.target_id) for n in items})
    rows = []
    for notification in items:
        target = described.get((notification.target_type, notification.target_id))
        if target is None:
            rows.append(Row(notification, wording.hidden_sentence(), visible=False))
        else:
            actor = notification.actor.get_full_name() if notification.actor else ""
            sentence = wording.sentence(notification.event, actor=actor, title=target.title)
            rows.append(Row(notification, sentence, visible=True, url=target.url))
    return current, rows


def get_notification_target_for_user(user, notification_id: int) -> tuple[Notification, str]:
    """The person's own notification and where it leads; 404 for someone else's, a missing one,
    or one whose target they may no longer see (after it is marked read)."""
    notification = Notification.objects.filter(pk=notification_id, recipient=user).first()
    if notification is None:
        raise Http404
    target = targets.describe(user, {(notification.target_type, notification.target_id)}).get(
        (notification.target_type, notification.target_id)
    )
    return notification, (target.url if target else "")


def preferences_for(user) -> dict[str, str]:
    return preferences_of(user.pk)


MENTIONS_ON_HOME = 20


def unread_mentions(user) -> list[Waiting]:
    """For the home's "waiting for me": the unread mentions of the person, in what they may still
    open, each leading through its notification (opening it marks it read)."""
    mentions = list(_unread_mentions(user).select_related("actor").order_by("-created_at")[:MENTIONS_ON_HOME])
    described = targets.describe(user, {(n.target_type, n.target_id) for n in mentions})
    waiting = []
    open_url = address_maker("notifications:open")
    for notification in mentions:
        target = described.get((notification.target_type, notification.target_id))
        if target is not None:
            actor = notification.actor.get_full_name() if notification.actor else ""
            waiting.append(
                Waiting(
                    kind="mention",
                    title=target.title,
                    url=open_url(notification.pk),
                    action=_("%(actor)s mentions you") % {"actor": actor} if actor else _("You are mentioned"),
                    since=notification.created_at,
                )
            )
    return waiting
