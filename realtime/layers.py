"""The embedded channel layer (no Redis), made to scale with the number of open pages.

Channels' in-memory layer expires old messages by walking every channel and every group on each
``receive`` and ``group_send``: with N pages open on a thread, one broadcast costs N × (N + groups),
and at 500 subscribers that walk took half the server's time (bench/fanout.py). Expiry is a
safety net for stalled readers, not a deadline: doing it at most once a second keeps it.
"""

from __future__ import annotations

import time

from channels.layers import InMemoryChannelLayer

CLEAN_INTERVAL_SECONDS = 1.0


def _now() -> float:
    return time.monotonic()


class ThrottledInMemoryChannelLayer(InMemoryChannelLayer):
    _next_clean = 0.0

    def _clean_expired(self):
        now = _now()
        if now < self._next_clean:
            return
        self._next_clean = now + CLEAN_INTERVAL_SECONDS
        super()._clean_expired()
