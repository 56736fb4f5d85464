"""The application as the server runs it (intranet.asgi): pages on a fixed pool of threads."""

from __future__ import annotations

import asyncio

import pytest
from django.conf import settings


async def ask(application, method: str, path: str, receive, headers=()) -> list[dict]:
    sent: list[dict] = []

    async def send(message):
        sent.append(message)

    scope = {
        "type": "http", "method": method, "path": path, "raw_path": path.encode(), "query_string": b"",
        "root_path": "", "scheme": "http", "http_version": "1.1", "server": ("127.0.0.1", 8000),
        "client": ("127.0.0.1", 50000), "headers": [(b"host", b"127.0.0.1:8000"), *headers],
    }  # fmt: skip
    await application(scope, receive, send)
    return sent


# With a CSRF cookie, Django reads the form's fields (for the token) before anything else.
FORM_HEADERS = [
    (b"content-type", b"application/x-www-form-urlencoded"),
    (b"content-length", b"1000"),
    (b"cookie", b"csrftoken=" + b"a" * 32),
]


@pytest.mark.django_db(transaction=True)
async def test_slow_uploads_do_not_hold_the_threads_pages_run_on():
    """More uploads trickling in than there are page threads: another person's page still answers
    at once, as the bodies are read before a thread is taken."""
    from intranet.asgi import application

    upload_goes_on = asyncio.Event()

    async def trickling_body():
        await upload_goes_on.wait()
        return {"type": "http.disconnect"}

    uploads = [
        asyncio.create_task(ask(application, "POST", "/compte/connexion/", trickling_body, FORM_HEADERS))
        for _ in range(settings.HTTP_THREADS + 2)
    ]
    await asyncio.sleep(0.2)

    async def empty_body():
        return {"type": "http.request", "body": b"", "more_body": False}

    try:
        page = await asyncio.wait_for(ask(application, "GET", "/compte/connexion/", empty_body), timeout=15)
    finally:
        upload_goes_on.set()
        await asyncio.gather(*uploads)
    assert page[0]["type"] == "http.response.start"
    assert page[0]["status"] == 200
