"""The kinds of notification: what a member chooses a delivery for. Each app declares its own
(``intranet.plugins.register(notification_kinds=…)``) with how it is delivered by default and
whether a burst is grouped; the core declares those it sends itself (mentions, invitations)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class Delivery(models.TextChoices):
    IMMEDIATELY = "immediately", _("by e-mail at once")
    DIGEST = "digest", _("in the daily digest")
    NEVER = "never", _("never by e-mail")


@dataclass(frozen=True)
class NotificationKind:
    value: str  # stored in each notification and preference: never renamed
    label: str | Promise  # how the member's preferences name it
    position: int  # its place among the preferences
    # What needs the member now goes at once by default; the rest waits for the daily digest.
    delivery: str = Delivery.DIGEST
    # Sent "at once" but held this long, so that a burst about one thing (ten replies in a
    # thread, a mention in each) makes one e-mail; None: each goes out alone.
    grouping_window: timedelta | None = None
    # Whether it may change what waits for the person (the home's "waiting for me" reads it again).
    may_change_waiting: bool = False


MENTION = NotificationKind(
    "mention",
    _("Someone mentions me"),
    10,
    Delivery.IMMEDIATELY,
    grouping_window=timedelta(minutes=1),
    may_change_waiting=True,
)
INVITATION = NotificationKind("invitation", _("Someone I invited joins"), 100)

_kinds: dict[str, NotificationKind] = {}


def add_kinds(kinds: Iterable[NotificationKind]) -> None:
    for kind in kinds:
        if _kinds.get(kind.value, kind) != kind:
            raise RuntimeError(f"Two apps declare the notification kind {kind.value!r} differently.")
        _kinds[kind.value] = kind


add_kinds([MENTION, INVITATION])


def all_kinds() -> list[NotificationKind]:
    return sorted(_kinds.values(), key=lambda kind: kind.position)


def values() -> list[str]:
    return [kind.value for kind in all_kinds()]


def kind_named(value: str) -> NotificationKind:
    """The kind of a stored value; a kind no app declares any more reads as a digest's, ungrouped."""
    return _kinds.get(value) or NotificationKind(value, value, 1000)


def choices() -> list[tuple[str, str | Promise]]:
    """For the models' fields (a callable: a new kind needs no migration)."""
    return [(kind.value, kind.label) for kind in all_kinds()]


def longest_grouping_window() -> timedelta:
    return max((kind.grouping_window for kind in _kinds.values() if kind.grouping_window), default=timedelta(0))
