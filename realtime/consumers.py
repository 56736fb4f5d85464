"""The one authenticated WebSocket each page opens.

It joins the group of its user so that the server can reach every page a person has open
(and close them all when the account is deactivated).
"""

from __future__ import annotations

from channels.generic.websocket import AsyncJsonWebsocketConsumer

from realtime.events import user_group

# Application close codes (4000–4999 are ours to define).
CLOSE_NOT_AUTHENTICATED = 4401
CLOSE_SESSION_ENDED = 4403


class LiveConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated or not user.is_active:
            # Accept then close with our code, so the page can tell "log in again" from a network error.
            await self.accept()
            await self.close(code=CLOSE_NOT_AUTHENTICATED)
            return
        self.group = user_group(user.pk)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        await self.send_json({"event": "hello", "data": {"user": user.pk}})

    async def disconnect(self, code):
        group = getattr(self, "group", None)
        if group:
            await self.channel_layer.group_discard(group, self.channel_name)

    @classmethod
    async def decode_json(cls, text_data):
        try:
            return await super().decode_json(text_data)
        except ValueError:
            return None  # answered as an unknown message below, without closing the socket

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        if text_data is None:
            await self.send_json({"event": "error", "data": {"code": "text_frames_only"}})
            return
        await super().receive(text_data=text_data, **kwargs)

    async def receive_json(self, content, **kwargs):
        if isinstance(content, dict) and content.get("type") == "ping":
            await self.send_json({"event": "pong"})
        else:
            await self.send_json({"event": "error", "data": {"code": "unknown_message"}})

    async def session_end(self, message):
        await self.close(code=CLOSE_SESSION_ENDED)
