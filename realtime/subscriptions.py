"""What a page may subscribe to on its socket. Apps declare their kinds of subscription with
``intranet.plugins.register(live_subscriptions=...)`` (this module sits below the core).

A kind answers two questions, both from the app's own policy and selectors:
``authorize(user, target_id)`` returns the channel-layer group to join, or None (same refusal
for missing and forbidden); ``replay(user, target_id, since)`` returns the encoded events the page
missed, from the database, and whether that is all of them (False: too many, the page reloads);
``mark_read([(user, target_id, number), …])``, if the kind has one, records what readers have
seen, many at once (``realtime.readmarks`` gathers them).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class SubscriptionKind:
    authorize: Callable[[object, int], str | None]
    replay: Callable[[object, int, int], list[str]]
    # What pages' readers have seen (up to a number), told over their sockets: no request.
    mark_read: Callable[[list[tuple[object, int, int]]], None] | None = None


_kinds: dict[str, SubscriptionKind] = {}


def register(name: str, kind: SubscriptionKind) -> None:
    """Called by ``intranet.plugins.register``."""
    if name in _kinds:
        raise RuntimeError(f"Two subscription kinds named {name!r}.")
    _kinds[name] = kind


def get(name: str) -> SubscriptionKind | None:
    return _kinds.get(name)
