"""Messages to people's open pages, always sent after the transaction commits.

Each open socket joins the group of its user (``user_group``). Messages go to the groups of the
people concerned; the consumer never filters a broadcast.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import transaction

logger = logging.getLogger(__name__)

# The largest WebSocket frame the server accepts, and the largest a page is sent.
MAX_FRAME_BYTES = 64 * 1024


def user_group(user_id: int) -> str:
    return f"user.{user_id}"


def session_group(session_key: str) -> str:
    """The sockets opened with one login session (one browser), hashed: the key is a secret."""
    return "session." + hashlib.sha256(session_key.encode()).hexdigest()[:32]


def close_session_sockets_on_commit(session_key: str, *, reason: str) -> None:
    """Close the sockets of one login session (logging out closes that browser's pages, not the
    person's other devices)."""
    transaction.on_commit(
        partial(_send_to_groups, [session_group(session_key)], {"type": "session.end", "reason": reason}),
        robust=True,
    )


def send_on_commit(text: str, *, groups: Iterable[str]) -> None:
    """Send an already-encoded event to these groups once the transaction commits.

    The text is encoded once by the caller and forwarded as is by every socket. Groups are
    decided now, inside the transaction, from the same policies as the pages.
    """
    targets = sorted(set(groups))
    if targets:
        transaction.on_commit(partial(_send_text_skipping_commit, targets, text))


def send_per_user_on_commit(build: Callable[[], dict[int, str]]) -> None:
    """Once the transaction commits, call ``build`` (user id → encoded event, read from the
    committed state, e.g. each person's unread count) and send each text to its person's pages."""

    def send() -> None:
        # One hop to the event loop for all of them (hundreds after a batch of read marks).
        _send_messages(
            [
                (group, {"type": "live.event", "text": text, "group": group})
                for group, text in ((user_group(user_id), text) for user_id, text in build().items())
            ]
        )

    transaction.on_commit(send, robust=True)


@dataclass
class Renderings:
    """One event as each group of its readers sees it, rendered once per group and language.

    ``texts`` holds the encoded frame under ``rendering_key(language)`` for what any reader of
    the subscription may see, and under ``rendering_key(language, variant)`` for what only some
    may see (a document name, a hidden text); ``routes`` names those readers (user id → variant).
    A socket whose person is not routed receives the default: never more than anyone may see.
    """

    texts: dict[str, str]
    routes: dict[str, str] = field(default_factory=dict)


def rendering_key(language: str, variant: str | None = None) -> str:
    return f"{language}/{variant}" if variant else language


def rendering_for(message: dict, *, user_key: str, language: str) -> str | None:
    """The text of a rendered event meant for this person's page, in its language."""
    texts = message.get("texts") or {}
    variant = (message.get("routes") or {}).get(user_key)
    return texts.get(rendering_key(language, variant)) or texts.get(rendering_key(settings.LANGUAGE_CODE, variant))


def send_rendered_on_commit(build: Callable[[], Renderings | None], *, group: str) -> None:
    """Once the transaction commits, render the event from the committed state (``build``) and
    send every rendering in one message to the group; each socket forwards the one for its page."""

    def send() -> None:
        renderings = build()
        if renderings is not None and renderings.texts:
            _send_to_groups([group], {"type": "live.event", "texts": renderings.texts, "routes": renderings.routes})

    transaction.on_commit(send, robust=True)


def tell_users_access_changed_on_commit(*, user_ids: Iterable[int]) -> None:
    """Their open sockets re-check every subscription now (left a collège, thread moved…)."""
    recipients = sorted(set(user_ids))
    if recipients:
        transaction.on_commit(partial(_group_send_skipping_commit, recipients, {"type": "access.changed"}))


def tell_group_access_changed_on_commit(group: str) -> None:
    transaction.on_commit(partial(_send_to_groups, [group], {"type": "access.changed"}))


def close_sockets_on_commit(*, user_ids: Iterable[int], reason: str) -> None:
    """Close every open socket of these people once the transaction commits (e.g. deactivation).

    Recipients are decided now, inside the transaction; nothing leaves before the commit, so a
    rolled-back change is never acted upon.
    """
    recipients = sorted(set(user_ids))
    if recipients:
        transaction.on_commit(
            partial(_group_send_skipping_commit, recipients, {"type": "session.end", "reason": reason})
        )


def close_other_sessions_sockets_on_commit(user_id: int, *, reason: str, kept: tuple[str, str] | None) -> None:
    """Close this person's open sockets once the transaction commits (e.g. a new password), but
    those of the session ``kept`` names, by its key before and after Django cycled it: they stay
    open and join the new key's group, so that logging out of that browser still closes them."""
    message = {"type": "session.end", "reason": reason}
    if kept is not None:
        old_key, new_key = kept
        message.update(kept=session_group(old_key), kept_as=session_group(new_key))
    transaction.on_commit(partial(_group_send_skipping_commit, [user_id], message))


def _group_send_skipping_commit(user_ids: list[int], message: dict) -> None:
    _send_to_groups([user_group(user_id) for user_id in user_ids], message)


def _send_text_skipping_commit(groups: list[str], text: str) -> None:
    _send_to_groups(groups, {"type": "live.event", "text": text})


def _send_to_groups(groups: list[str], message: dict) -> None:
    # The group travels with the message: a socket that left the group while the message was
    # already queued for it (rights just changed) drops it.
    _send_messages([(group, {**message, "group": group}) for group in groups])


# Batches waiting to be sent at most: beyond, the channel layer is not keeping up and new ones
# are dropped (the changes are committed; open pages show them when opened again, or for the
# forums when their socket reconnects and replays the event log).
OUTBOX_LIMIT = 10_000


class _Publisher:
    """Sends on the server's event loop, in the order they came, the batches that the pages'
    threads hand over after commit: a page goes back to its answer at once, and the loop's
    connections to the channel layer stay open. ``async_to_sync`` from the thread would start a
    thread, an event loop and, with Redis, a connection for each batch (1.4 ms of CPU instead of
    0.13), and the page would wait for every group's round trip before answering."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.waiting: deque[tuple[object, list[tuple[str, dict]]]] = deque()
        self.sending: asyncio.Task | None = None  # one at a time, and only while some wait

    def hand_over(self, layer, messages: list[tuple[str, dict]]) -> None:
        """On the loop (from another thread, through ``call_soon_threadsafe``)."""
        if len(self.waiting) >= OUTBOX_LIMIT:
            logger.warning("Dropped %d live messages: the channel layer is not keeping up", len(messages))
            return
        self.waiting.append((layer, messages))
        if self.sending is None:
            self.sending = self.loop.create_task(self._send_waiting())

    async def _send_waiting(self) -> None:
        try:
            while self.waiting:
                layer, messages = self.waiting.popleft()
                try:
                    await _group_send_each(layer, messages)
                except Exception:  # never stop sending the next pages' messages
                    logger.exception("Live messages could not be sent")
        finally:
            self.sending = None


# The publisher of the server's loop in this process (``PublishesFromServerLoop``).
_publisher: _Publisher | None = None


class PublishesFromServerLoop:
    """ASGI middleware around the whole application: it notes the server's event loop, on which
    the messages sent after commit by the pages' threads then go out."""

    def __init__(self, application):
        self.application = application

    async def __call__(self, scope, receive, send):
        global _publisher
        loop = asyncio.get_running_loop()
        if _publisher is None or _publisher.loop is not loop:  # no await: one request does it
            _publisher = _Publisher(loop)
        return await self.application(scope, receive, send)


def _on_a_running_loop(loop: asyncio.AbstractEventLoop) -> bool:
    try:
        return asyncio.get_running_loop() is loop
    except RuntimeError:
        return False


def _send_messages(messages: list[tuple[str, dict]]) -> None:
    layer = get_channel_layer()
    if layer is None or not messages:
        return
    publisher = _publisher
    if publisher is None or not publisher.loop.is_running():
        # A management command, the worker, a test without a server: an event loop of its own.
        async_to_sync(_group_send_each)(layer, messages)
    elif _on_a_running_loop(publisher.loop):
        publisher.hand_over(layer, messages)
    else:
        publisher.loop.call_soon_threadsafe(publisher.hand_over, layer, messages)


async def _group_send_each(layer, messages: list[tuple[str, dict]]) -> None:
    for group, message in messages:
        try:
            await layer.group_send(group, message)
        except Exception:
            # The change is committed and saved; pages catch up from the database on reconnect.
            logger.warning("Could not reach the channel layer for %s", group, exc_info=True)
