"""The one authenticated WebSocket each page opens.

It joins the group of its user (so the server can reach every page a person has open, and close
them when the account is deactivated), and the groups of what the page subscribes to, once the
owning app's policy agrees. On subscribing, the page says the last event it saw and gets what
it missed from the database.
"""

from __future__ import annotations

import contextlib
import logging
import time

from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import translation

from realtime import subscriptions
from realtime.events import rendering_for, session_group, user_group
from realtime.readmarks import read_marks

logger = logging.getLogger(__name__)

# Application close codes (4000–4999 are ours to define).
CLOSE_NOT_AUTHENTICATED = 4401
CLOSE_SESSION_ENDED = 4403
CLOSE_TRY_AGAIN_LATER = 1013
MAX_SUBSCRIPTIONS = 50
# Each subscription may replay hundreds of rows: a page needs a handful a minute, not thousands.
SUBSCRIBE_BUDGET = 60
# A page tells what its reader has read every few seconds at most.
READ_BUDGET = 30
BUDGET_WINDOW_SECONDS = 60.0
MAX_MESSAGE_CHARACTERS = 2_000


def _page_language(code) -> str:
    known = {language for language, _name in settings.LANGUAGES}
    return code if isinstance(code, str) and code in known else settings.LANGUAGE_CODE


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 2**53


class LiveConsumer(AsyncJsonWebsocketConsumer):
    layer_unavailable = False

    async def __call__(self, scope, receive, send):
        try:
            await super().__call__(scope, receive, send)
        except Exception:
            if getattr(self, "channel_name", None) is not None:
                raise  # the layer was up: a real error, not an outage
            # Channels asks the layer for this socket's channel before the handshake: with Redis
            # down that fails. Serve the handshake without a layer and tell the page to retry.
            logger.warning("Channel layer unavailable for a new socket", exc_info=True)
            self.layer_unavailable = True
            self.channel_layer_alias = "unavailable"  # no such layer: Channels runs without one
            await super().__call__(scope, receive, send)

    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated or not user.is_active:
            # Accept then close with our code, so the page can tell "log in again" from a network error.
            await self.accept()
            await self.close(code=CLOSE_NOT_AUTHENTICATED)
            return
        self.user = user
        self.user_key = str(user.pk)  # how rendered events name the people they route
        self.language = _page_language(getattr(user, "language", None))
        self.subscribed: dict[tuple[str, int], str] = {}
        self.subscribed_groups: set[str] = set()
        self.group = user_group(user.pk)
        if self.layer_unavailable:
            self.group = None
            await self.accept()
            await self.close(code=CLOSE_TRY_AGAIN_LATER)
            return
        try:
            await self.channel_layer.group_add(self.group, self.channel_name)
        except Exception:
            # The channel layer (Redis) is down: no 500 on the handshake; the page retries later
            # and catches up from the database.
            logger.warning("Channel layer unavailable, socket of user %s told to retry", user.pk, exc_info=True)
            self.group = None
            await self.accept()
            await self.close(code=CLOSE_TRY_AGAIN_LATER)
            return
        self.subscribed_groups.add(self.group)
        session = self.scope.get("session")
        self.session_group = session_group(session.session_key) if session and session.session_key else None
        if self.session_group:
            # Logging out of this browser closes this socket (the layer is up: just used).
            await self.channel_layer.group_add(self.session_group, self.channel_name)
        await self.accept()
        await self.send_json({"event": "hello", "data": {"user": user.pk}})

    async def disconnect(self, code):
        groups = [
            getattr(self, "group", None),
            getattr(self, "session_group", None),
            *getattr(self, "subscribed", {}).values(),
        ]
        for group in filter(None, groups):
            # If the layer is down, its groups expire on their own.
            with contextlib.suppress(Exception):
                await self.channel_layer.group_discard(group, self.channel_name)

    async def dispatch(self, message):
        # Hot path: forwarding an already-encoded event touches no database, so it skips the
        # per-message thread hop that closes stale connections.
        if message["type"] == "live.event":
            if message.get("group") in getattr(self, "subscribed_groups", ()):
                text = message.get("text")
                if text is None:  # rendered per group of readers: this page's rendering
                    text = rendering_for(message, user_key=self.user_key, language=self.language)
                if text:
                    await self.send(text_data=text)
            return
        # Channels would first hop to a thread to close stale database connections, for every
        # frame a page sends (hundreds of read marks after one reply). Every database call here
        # goes through database_sync_to_async, which closes them in the thread it uses.
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    @classmethod
    async def decode_json(cls, text_data):
        try:
            return await super().decode_json(text_data)
        except (ValueError, RecursionError):
            return None  # answered as an unknown message below, without closing the socket

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        if not text_data:
            await self._error("text_frames_only" if text_data is None else "unknown_message")
            return
        if len(text_data) > MAX_MESSAGE_CHARACTERS:
            await self._error("message_too_large")
            return
        await super().receive(text_data=text_data, **kwargs)

    async def receive_json(self, content, **kwargs):
        kind = content.get("type") if isinstance(content, dict) else None
        if kind == "ping":
            await self.send_json({"event": "pong"})
        elif kind == "subscribe":
            await self._subscribe(content)
        elif kind == "unsubscribe":
            await self._unsubscribe(content)
        elif kind == "read":
            await self._mark_read(content)
        else:
            await self._error("unknown_message")

    async def _current_user(self):
        """The account as it is now: rights may have changed since the socket opened."""
        user = await database_sync_to_async(get_user_model().objects.filter(pk=self.user.pk, is_active=True).first)()
        if user is None:
            await self.close(code=CLOSE_SESSION_ENDED)
        else:
            self.user = user
        return user

    def _within_budget(self, name: str, budget: int) -> bool:
        now = time.monotonic()
        recent = [moment for moment in getattr(self, name, []) if now - moment < BUDGET_WINDOW_SECONDS]
        recent.append(now)
        setattr(self, name, recent)
        return len(recent) <= budget

    async def _subscribe(self, content):
        if not self._within_budget("subscribe_times", SUBSCRIBE_BUDGET):
            await self._error("too_many_requests")
            return
        name, target, since = content.get("channel"), content.get("id"), content.get("since", 0)
        if "lang" in content:  # the page's language: rendered events come in it
            self.language = _page_language(content["lang"])
        kind = subscriptions.get(name) if isinstance(name, str) else None
        if kind is None or not _is_int(target) or not _is_int(since):
            await self._error("bad_subscription")
            return
        if (name, target) not in self.subscribed and len(self.subscribed) >= MAX_SUBSCRIPTIONS:
            await self._error("too_many_subscriptions")
            return
        if await self._current_user() is None:
            return
        group = await database_sync_to_async(kind.authorize)(self.user, target)
        if group is None:
            # Missing and forbidden look the same.
            await self.send_json({"event": "error", "data": {"code": "not_found", "channel": name, "id": target}})
            return
        try:
            await self.channel_layer.group_add(group, self.channel_name)
        except Exception:
            logger.warning("Channel layer lost during a subscription", exc_info=True)
            await self.close(code=CLOSE_TRY_AGAIN_LATER)
            return
        self.subscribed[(name, target)] = group
        self.subscribed_groups.add(group)
        await self.send_json({"event": "subscribed", "data": {"channel": name, "id": target}})
        # Joined first, replayed second: nothing falls between; the page drops what it sees twice.
        replayed, complete = await database_sync_to_async(self._replay)(kind, target, since)
        for text in replayed:
            await self.send(text_data=text)
        if not complete:
            # Too much was missed to replay it all: the page reloads instead.
            await self.send_json({"event": "stale", "data": {"channel": name, "id": target}})

    def _replay(self, kind: subscriptions.SubscriptionKind, target: int, since: int) -> tuple[list[str], bool]:
        # Missed events are rendered for this reader alone, in the page's language.
        with translation.override(self.language):
            return kind.replay(self.user, target, since)

    async def _mark_read(self, content):
        """The reader has seen a subscription up to a number (a thread's messages), in batches."""
        if not self._within_budget("read_times", READ_BUDGET):
            await self._error("too_many_requests")
            return
        name, target, number = content.get("channel"), content.get("id"), content.get("number")
        kind = subscriptions.get(name) if isinstance(name, str) else None
        if kind is None or kind.mark_read is None or not _is_int(target) or not _is_int(number):
            await self._error("bad_read")
            return
        if (name, target) not in self.subscribed:
            # Only what the page shows and the policy let it subscribe to.
            await self._error("not_subscribed")
            return
        # Recorded with the other pages' marks of the same moment (realtime.readmarks).
        read_marks.add(self, kind_name=name, user=self.user, target=target, number=number)

    async def read_not_recorded(self):
        with contextlib.suppress(Exception):  # the page may have gone meanwhile
            await self._error("try_again")

    async def _unsubscribe(self, content):
        name, target = content.get("channel"), content.get("id")
        if not isinstance(name, str) or not _is_int(target):
            await self._error("bad_subscription")
            return
        group = self.subscribed.pop((name, target), None)
        self.subscribed_groups = {self.group, *self.subscribed.values()}
        if group is not None:
            await self.channel_layer.group_discard(group, self.channel_name)

    async def _error(self, code: str):
        await self.send_json({"event": "error", "data": {"code": code}})

    async def access_changed(self, message):
        """Someone's rights changed: drop, at once, every subscription the policy no longer allows."""
        if await self._current_user() is None:
            return
        for (name, target), group in list(self.subscribed.items()):
            kind = subscriptions.get(name)
            still_allowed = await database_sync_to_async(kind.authorize)(self.user, target)
            if still_allowed != group:
                await self.channel_layer.group_discard(group, self.channel_name)
                del self.subscribed[(name, target)]
                self.subscribed_groups = {self.group, *self.subscribed.values()}
                await self.send_json({"event": "unsubscribed", "data": {"channel": name, "id": target}})

    async def session_end(self, message):
        kept = message.get("kept")
        if kept is not None and kept == getattr(self, "session_group", None):
            # This browser changed the password: its pages stay open, under its session's new key.
            await self.channel_layer.group_add(message["kept_as"], self.channel_name)
            await self.channel_layer.group_discard(kept, self.channel_name)
            self.session_group = message["kept_as"]
            return
        await self.close(code=CLOSE_SESSION_ENDED)
