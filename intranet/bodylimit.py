"""Read a request's body before Django sees it, and refuse one larger than the largest upload.

Pages run on a fixed pool of threads (``intranet.asgi``): a slow upload must not hold one of them
while its bytes trickle in. So the body is read here, on the event loop, into memory or, past
``MEMORY_BYTES``, a temporary file (as Django's own ASGI handler does), and handed on whole with
its length declared, chunked uploads included. A declared length over the limit is answered 413
at once; a body without one that grows past the limit is answered 413 as soon as it does.
"""

from __future__ import annotations

import json
import tempfile
from urllib.parse import urlsplit

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import override

# Bodies up to this size stay in memory; larger ones go to a temporary file.
MEMORY_BYTES = 1024 * 1024
REPLAY_CHUNK_BYTES = 256 * 1024
LENGTH_HEADERS = (b"content-length", b"transfer-encoding")

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
        body = tempfile.SpooledTemporaryFile(max_size=MEMORY_BYTES)  # noqa: SIM115 - closed below
        try:
            size = 0
            while True:
                message = await receive()
                if message["type"] == "http.disconnect":
                    return  # the person left before sending everything: nothing to answer
                chunk = message.get("body", b"")
                size += len(chunk)
                if size > limit:
                    return await self._too_large(send, scope)
                body.write(chunk)
                if not message.get("more_body", False):
                    break
            body.seek(0)
            headers = [(name, value) for name, value in scope.get("headers") or [] if name not in LENGTH_HEADERS]
            scope = {**scope, "headers": [*headers, (b"content-length", str(size).encode())]}
            return await self.application(scope, _replay(body, size, receive), send)
        finally:
            body.close()

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


def _replay(body, size: int, receive):
    """The ASGI ``receive`` of a body already read: its chunks, then whatever the client does next."""
    replayed = False

    async def replay():
        nonlocal replayed
        if replayed:
            return await receive()  # after the body, as the server would: wait for a disconnect
        chunk = body.read(REPLAY_CHUNK_BYTES)
        replayed = body.tell() >= size
        return {"type": "http.request", "body": chunk, "more_body": not replayed}

    return replay


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
