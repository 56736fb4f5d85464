"""ASGI entry point: HTTP goes to Django, WebSockets to the realtime router.

Pages run through Django's WSGI handler on a fixed pool of ``HTTP_THREADS`` threads (a2wsgi).
Django's ASGI handler starts a thread of its own for every request and, since a connection
belongs to its thread, opens a database connection for every request too: about 4-6 ms of server
CPU per page, a third of a light one. On the pool's threads connections stay open (SQLite) or go
back to the psycopg pool (PostgreSQL). Bodies are read before a thread is taken
(``intranet.bodylimit``), so a slow upload holds none. The live messages those threads send after
commit go out on the server's event loop (``realtime.events.PublishesFromServerLoop``).
"""

import os

from django.conf import settings as configured_settings
from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "intranet.settings")
if not configured_settings.configured:
    # A web process keeps its PostgreSQL connections in Django's psycopg pool unless told
    # otherwise: one per page thread (opening one per request cost 40-55 ms per page). Management
    # commands (the worker, whose advisory locks stay on its own connection) keep none.
    os.environ.setdefault("DB_POOL_SIZE", os.environ.get("HTTP_THREADS", "8"))
# Django must be set up before the routing imports models and consumers.
get_asgi_application()

from a2wsgi import WSGIMiddleware  # noqa: E402
from channels.routing import ProtocolTypeRouter  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402

from intranet.bodylimit import RequestBodyLimit  # noqa: E402
from realtime.events import PublishesFromServerLoop  # noqa: E402
from realtime.routing import websocket_application  # noqa: E402

django_http_application = WSGIMiddleware(get_wsgi_application(), workers=settings.HTTP_THREADS)

application = PublishesFromServerLoop(
    ProtocolTypeRouter({"http": RequestBodyLimit(django_http_application), "websocket": websocket_application})
)
