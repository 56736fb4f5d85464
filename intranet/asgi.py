"""ASGI entry point: HTTP goes to Django, WebSockets to the realtime router."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "intranet.settings")
# Django must be set up before the routing imports models and consumers.
django_http_application = get_asgi_application()

from channels.routing import ProtocolTypeRouter  # noqa: E402

from intranet.bodylimit import RequestBodyLimit  # noqa: E402
from realtime.routing import websocket_application  # noqa: E402

application = ProtocolTypeRouter(
    {"http": RequestBodyLimit(django_http_application), "websocket": websocket_application}
)
