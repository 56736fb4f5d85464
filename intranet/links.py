"""Links that leave the site (e-mails): the site's public address, ``SITE_URL``, joined to a path;
and the addresses of many rows of one kind, resolved once.

``manage.py serve`` (what ``make run`` starts) sets ``SITE_URL`` to the address it serves, for
the server and the workers beside it, unless the environment names one.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable
from functools import lru_cache
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse

# Listening on every interface says nothing of the address people use: this machine's.
_WILDCARD_HOSTS = {"0.0.0.0": "127.0.0.1", "::": "::1"}  # noqa: S104 - a mapping, not a bind
_PLACEHOLDER = "987654321"
_WORD = "a-word_0"
_SLUG = re.compile(r"[-a-zA-Z0-9_]+")  # what a slug converter accepts, and no URL encodes


def absolute_url(path: str) -> str:
    """``path`` (from ``reverse`` or a target's url) at the site's public address."""
    return settings.SITE_URL + path


def site_hostname() -> str:
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def served_address(host: str, port: int) -> str:
    """The address of a server listening on ``host``:``port``, as a browser writes it."""
    host = _WILDCARD_HOSTS.get(host, host)
    try:
        if ipaddress.ip_address(host).version == 6:
            host = f"[{host}]"
    except ValueError:
        pass  # a name, not an IP address
    return f"http://{host}:{port}"


def address_maker(name: str) -> Callable[[object], str]:
    """The address of view ``name`` for one argument: ``address_maker("forums:thread")(12)``
    is ``reverse("forums:thread", args=[12])``. ``reverse`` walks the URL patterns at every call
    (tens of microseconds); the pattern is resolved once per process and script prefix."""
    return _maker(name, get_script_prefix(), get_urlconf())


def address(name: str, value: object = None) -> str:
    """``reverse(name)``, or ``reverse(name, args=[value])``, resolved once (``address_maker``)."""
    if value is None:
        return _address(name, get_script_prefix(), get_urlconf())
    return address_maker(name)(value)


@lru_cache(maxsize=512)
def _maker(name: str, _script_prefix: str, _urlconf) -> Callable[[object], str]:
    head, _placeholder, tail = reverse(name, args=[_PLACEHOLDER]).partition(_PLACEHOLDER)
    try:  # does the view take a word (a slug, a decision number), or only a number?
        takes_words = reverse(name, args=[_WORD]) == f"{head}{_WORD}{tail}"
    except NoReverseMatch:
        takes_words = False

    def make(value: object) -> str:
        # An id, or a slug where the view takes one, is filled in; anything else goes through
        # reverse, which encodes and checks it.
        if isinstance(value, int) or (takes_words and isinstance(value, str) and _SLUG.fullmatch(value)):
            return f"{head}{value}{tail}"
        return reverse(name, args=[value])

    return make


@lru_cache(maxsize=512)
def _address(name: str, _script_prefix: str, _urlconf) -> str:
    return reverse(name)
