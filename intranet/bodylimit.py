"""Refuse request bodies larger than the largest upload before Django reads them.

Django's ASGI handler writes the whole body to a temporary file before any view runs, so a
view cannot stop an oversized upload early. This wrapper answers 413 at once when the declared
length is too large, and cuts the connection when a body without a declared length grows past
the limit.
"""

from __future__ import annotations

import json
from urllib.parse import urlsplit

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import override

# Room for multipart boundaries, headers and form fields around the largest file.
ENVELOPE_BYTES = 1024 * 1024


def body_limit() -> int:
    return settings.DOCUMENTS_MAX_UPLOAD_BYTES + ENVELOPE_BYTES


class RequestBodyLimit:
    def __init__(self, application):
        self.application = application

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.application(scope, receive, send)
        limit = body_limit()
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            return await self._too_large(send, scope)
        received = 0
        answered = False

        async def limited_receive():
            nonlocal received, answered
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    # Django treats a disconnect as an aborted request: nothing is stored, and it
                    # answers nothing (the server would turn that into a bare 500): we answer.
                    if not answered:
                        answered = True
                        await self._too_large(send, scope)
                    return {"type": "http.disconnect"}
            return message

        async def send_unless_answered(message):
            if not answered:
                await send(message)

        return await self.application(scope, limited_receive, send_unless_answered)

    async def _too_large(self, send, scope):
        with override(settings.LANGUAGE_CODE):
            message = _("This file is larger than the limit of %(limit)s; it was not stored.") % {
                "limit": filesizeformat(settings.DOCUMENTS_MAX_UPLOAD_BYTES)
            }
            headers = dict(scope.get("headers") or [])
            if scope.get("path", "").startswith("/api/"):
                content_type, body = JSON, _json({"detail": message, "code": "too_large"})  # the API's error body
            elif _wants_a_page(headers):
                # A form sent without the page's script: a page saying why, with the way back.
                page = render_to_string("413.html", {"message": message, "back": _way_back(headers)})
                content_type, body = b"text/html; charset=utf-8", page.encode()
            else:
                content_type, body = JSON, _json({"ok": False, "message": message})  # what the upload script reads
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [(b"content-type", content_type), (b"connection", b"close")],
            }
        )
        await send({"type": "http.response.body", "body": body})


JSON = b"application/json; charset=utf-8"


def _json(content: dict) -> bytes:
    return json.dumps(content, ensure_ascii=False).encode()


def _wants_a_page(headers: dict[bytes, bytes]) -> bool:
    """A browser's own form submission asks for HTML first; the page's scripts ask for JSON."""
    accept = headers.get(b"accept", b"").decode("latin-1")
    return b"x-requested-with" not in headers and accept.startswith("text/html")


def _way_back(headers: dict[bytes, bytes]) -> str:
    """The page the form was on, if it is one of this site's (the Referer's path), else home."""
    referer = urlsplit(headers.get(b"referer", b"").decode("latin-1"))
    host = headers.get(b"host", b"").decode("latin-1")
    if referer.netloc == host and referer.path.startswith("/") and not referer.path.startswith("//"):
        return referer.path + (f"?{referer.query}" if referer.query else "")
    return "/"
