"""The intranet's ASGI application with a NAIVE live consumer, as the baseline of bench/fanout.py.

Identical to ``intranet.asgi`` except for the WebSocket route: its consumer takes Channels'
default ``dispatch`` path for ``live.event`` too (one ``sync_to_async`` thread hop per delivered
message, to close stale database connections) and decodes then re-encodes the JSON payload for
every subscriber, which is what the project's ``LiveConsumer`` was written to avoid.

Run it with ``python -m daphne bench.naive_asgi:application`` from the repository root.
"""

import json
import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "intranet.settings")
# Django must be set up before the routing imports models and consumers.
django_http_application = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402
from django.urls import path  # noqa: E402

from realtime.consumers import LiveConsumer  # noqa: E402
from realtime.events import rendering_for  # noqa: E402


class NaiveLiveConsumer(LiveConsumer):
    """LiveConsumer as it would be written without the fan-out optimisations."""

    async def dispatch(self, message):
        # Skip LiveConsumer.dispatch (the hot path) and go straight to Channels' default one.
        await super(LiveConsumer, self).dispatch(message)

    async def live_event(self, message):
        # One json.loads + json.dumps per subscriber instead of forwarding the sender's text.
        text = message.get("text") or rendering_for(message, user_key=self.user_key, language=self.language)
        if text:
            await self.send_json(json.loads(text))


websocket_application = AllowedHostsOriginValidator(
    AuthMiddlewareStack(URLRouter([path("ws/", NaiveLiveConsumer.as_asgi())]))
)

application = ProtocolTypeRouter({"http": django_http_application, "websocket": websocket_application})
