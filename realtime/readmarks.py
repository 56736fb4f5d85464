"""What pages tell they have read, recorded in batches.

A reply in a thread open in hundreds of pages brings hundreds of read marks a few seconds later,
told on the pages' sockets. Recording each in its own transaction costs more than delivering the
reply itself; this process-wide buffer keeps the highest number per (kind, person, target) and
hands them to the kind's ``mark_read`` together, a fraction of a second later, in one
transaction. A batch the database refuses is told to its sockets ("try_again").
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field

from channels.db import database_sync_to_async

from realtime import subscriptions

logger = logging.getLogger(__name__)

# Long enough to gather a burst (pages tell at most every few seconds), short enough that the
# reader's other pages move their counters at once.
FLUSH_DELAY_SECONDS = 0.25
# One transaction never holds more; the rest waits for the next flush.
MAX_BATCH = 1000


@dataclass
class _Pending:
    user: object
    number: int
    sockets: list = field(default_factory=list)


class ReadMarkBuffer:
    def __init__(self, delay: float = FLUSH_DELAY_SECONDS):
        self.delay = delay
        self.pending: dict[tuple[str, int, int], _Pending] = {}
        self.flushing: asyncio.Task | None = None

    def add(self, socket, *, kind_name: str, user, target: int, number: int) -> None:
        key = (kind_name, user.pk, target)
        entry = self.pending.get(key)
        if entry is None:
            entry = self.pending[key] = _Pending(user=user, number=number)
        entry.number = max(entry.number, number)
        entry.user = user  # the latest account, as the socket last read it
        if socket not in entry.sockets:
            entry.sockets.append(socket)
        if self.flushing is None or self.flushing.done():
            self.flushing = asyncio.get_running_loop().create_task(self._flush_soon())

    async def _flush_soon(self) -> None:
        while self.pending:
            await asyncio.sleep(self.delay)
            await self.flush()

    async def flush(self) -> None:
        keys = list(self.pending)[:MAX_BATCH]
        batch = {key: self.pending.pop(key) for key in keys}
        by_kind: dict[str, list[tuple[tuple[str, int, int], _Pending]]] = {}
        for key, entry in batch.items():
            by_kind.setdefault(key[0], []).append((key, entry))
        for kind_name, entries in by_kind.items():
            kind = subscriptions.get(kind_name)
            marks = [(entry.user, key[2], entry.number) for key, entry in entries]
            try:
                await database_sync_to_async(kind.mark_read)(marks)
            except Exception:
                # A busy or lost database must not close the pages' sockets: they tell again later.
                logger.warning("Could not record %d read marks", len(marks), exc_info=True)
                for _key, entry in entries:
                    for socket in entry.sockets:
                        await socket.read_not_recorded()


read_marks = ReadMarkBuffer()
