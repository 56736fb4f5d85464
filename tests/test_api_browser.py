"""In a real Chromium: the API docs page renders, under the site's Content-Security-Policy,
with its assets served by our own server."""

import pytest

from tests.browser import log_in
from tests.factories import PASSWORD, make_member, make_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def member(association_bodies):
    return make_member(actor=make_staff(), college="production", email="lectrice@example.org")


def test_the_api_docs_render_without_any_outside_request(asgi_server, member, browser):
    page = log_in(browser, asgi_server, member.email, PASSWORD)
    outside, refused = [], []
    page.on("request", lambda request: None if request.url.startswith(asgi_server) else outside.append(request.url))
    page.on(
        "console", lambda message: refused.append(message.text) if "Content Security Policy" in message.text else None
    )
    page.goto(f"{asgi_server}/api/docs/")
    page.locator(".opblock-summary-path").first.wait_for(timeout=10_000)
    assert page.locator(".opblock-summary-path", has_text="/api/v1/proposals/").count() >= 1
    assert outside == [] and refused == []
    # Scripts stay our own files only, even here.
    policy = page.evaluate("fetch(location.href).then(r => r.headers.get('content-security-policy'))")
    assert "script-src 'self';" in policy
