"""Playwright driving Debian's Chromium against a live server, for what only a browser shows."""

from __future__ import annotations

import os
import shutil

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def require_chromium() -> None:
    """Skip, saying why, where Chromium is absent; fail instead where it is required (CI)."""
    if os.path.exists(CHROMIUM) or shutil.which(CHROMIUM):
        return
    message = f"Chromium not found at {CHROMIUM} (Debian package 'chromium'): browser test not run"
    if os.environ.get("INTRANET_REQUIRE_BROWSER"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def asgi_server(django_db_setup, django_db_blocker):
    """The real ASGI application (HTTP and WebSockets) served by daphne in a thread of the test
    process, so that it shares the test database (including SQLite's in-memory one)."""
    import socket
    import threading
    import time

    from daphne.server import Server

    from intranet.asgi import application

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = Server(
        application=application,
        endpoints=[f"tcp:port={port}:interface=127.0.0.1"],
        signal_handlers=False,
        verbosity=0,
    )
    thread = threading.Thread(target=server.run, daemon=True, name="daphne")
    thread.start()
    for _ in range(100):
        with socket.socket() as client:
            if client.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.05)
    url = f"http://127.0.0.1:{port}"
    from django.conf import settings
    from django.test import override_settings

    # The site is also at this address: its pages' sockets come from it. (Not SITE_URL: the
    # other tests of this process keep the default public address.)
    with override_settings(CSRF_TRUSTED_ORIGINS=[*settings.CSRF_TRUSTED_ORIGINS, url]):
        yield url
    from twisted.internet import reactor

    reactor.callFromThread(reactor.stop)
    with django_db_blocker.unblock():
        _end_server_database_sessions()


def _end_server_database_sessions() -> None:
    """The server's worker threads keep their database connections open; on PostgreSQL they
    would stop pytest-django from dropping the test database at the end of the run."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


@pytest.fixture
def browser():
    require_chromium()
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread: tests prepare their data in
    # fixtures listed before this one, and teardown's ORM calls are let through.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        try:
            yield chromium
        finally:
            chromium.close()
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


def new_page(browser):
    """A page in a new browser context (its own cookies), in French."""
    page = browser.new_context(locale="fr-FR").new_page()
    page.set_default_timeout(10_000)
    return page


def log_in(browser, base_url: str, email: str, password: str):
    """A new browser context logged in as this person; returns its page."""
    page = new_page(browser)
    page.goto(base_url + "/compte/connexion/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", password)
    page.click("form[action='/compte/connexion/'] button[type=submit]")
    page.wait_for_url(base_url + "/")
    return page


@pytest.fixture
def browser_page(browser):
    """One page in a fresh French-speaking context, not logged in."""
    page = new_page(browser)
    try:
        yield page
    finally:
        page.context.close()
