"""What a page may subscribe to on its socket. Apps register their kinds of subscription.

A kind answers two questions, both from the app's own policy and selectors:
``authorize(user, target_id)`` returns the channel-layer group to join, or None (same refusal
for missing and forbidden); ``replay(user, target_id, since)`` returns the encoded events the page
missed, from the database, and whether that is all of them (False: too many, the page reloads);
``mark_read(user, target_id, number)``, if the kind has one, records what the reader has seen.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class SubscriptionKind:
    authorize: Callable[[object, int], str | None]
    replay: Callable[[object, int, int], list[str]]
    # What the page's reader has seen of it (up to a number), told over the socket: no request.
    mark_read: Callable[[object, int, int], None] | None = None


_kinds: dict[str, SubscriptionKind] = {}


def register(name: str, kind: SubscriptionKind) -> None:
    _kinds[name] = kind


def get(name: str) -> SubscriptionKind | None:
    return _kinds.get(name)
