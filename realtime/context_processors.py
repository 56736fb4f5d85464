"""Where the page's script opens its socket: read from the routes, so no script writes a URL."""

from realtime.routing import SOCKET_PATH


def live_socket(request):
    return {"live_socket_path": f"/{SOCKET_PATH}"}
