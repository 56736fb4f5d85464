"""WebSocket routes. Later features add their subscriptions to the same socket."""

from channels.auth import AuthMiddlewareStack
from channels.routing import URLRouter
from django.urls import path

from realtime.consumers import LiveConsumer
from realtime.origins import SiteOriginValidator

SOCKET_PATH = "ws/"  # pages learn it from the layout (realtime.context_processors), never from a script

websocket_urlpatterns = [path(SOCKET_PATH, LiveConsumer.as_asgi())]

# Only the site's own origins, exactly (a missing Origin is refused), then the session user.
websocket_application = SiteOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns)))
