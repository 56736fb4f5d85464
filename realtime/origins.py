"""Which pages may open the live socket: the site's own origins, exactly (scheme, host, port).

Channels' ``AllowedHostsOriginValidator`` compares host names only, so ``http://127.0.0.1:9``
passed for a site on ``http://127.0.0.1:8000``, and ``http://`` for an ``https://`` site. The
origins come from the settings: the site's public address (``SITE_URL``, which ``manage.py
serve`` sets to the address it serves unless the environment names one) and
``CSRF_TRUSTED_ORIGINS`` (``https://*.example.org`` allows its subdomains, as Django's CSRF
check does).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from channels.security.websocket import OriginValidator
from django.conf import settings

DEFAULT_PORTS = {"http": 80, "https": 443}
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}

Origin = tuple[str, str, int]  # scheme, host, port


def parse_origin(value: str) -> Origin | None:
    try:
        parts = urlsplit(value.strip())
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS or not parts.hostname:
        return None
    return scheme, parts.hostname.lower(), port or DEFAULT_PORTS[scheme]


def site_origins() -> list[Origin]:
    """Read at each handshake, so that a changed setting (tests, live servers) applies at once."""
    origins = [parse_origin(settings.SITE_URL), *(parse_origin(o) for o in settings.CSRF_TRUSTED_ORIGINS)]
    return [origin for origin in origins if origin is not None]


def is_site_origin(value: str) -> bool:
    origin = parse_origin(value)
    if origin is None:
        return False
    scheme, host, port = origin
    for allowed_scheme, allowed_host, allowed_port in site_origins():
        if (scheme, port) != (allowed_scheme, allowed_port):
            continue
        if host == allowed_host or (allowed_host.startswith("*.") and host.endswith(allowed_host[1:])):
            return True
        if not settings.PRODUCTION and {host, allowed_host} <= LOOPBACK_HOSTS:
            # A developer's server on this machine answers to each of its names on that port.
            return True
    return False


class SiteOriginValidator(OriginValidator):
    """Refuses (403 on the handshake) a socket whose Origin is missing or not the site's own."""

    def __init__(self, application):
        super().__init__(application, allowed_origins=[])

    def valid_origin(self, parsed_origin) -> bool:
        return parsed_origin is not None and is_site_origin(parsed_origin.geturl())
