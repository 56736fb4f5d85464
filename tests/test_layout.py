"""The base layout: accessible landmarks, security headers on every page, the 404 page."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_layout_has_skip_link_landmarks_and_navigation(cast, login):
    page = login(cast.production_member).get(reverse("home")).content.decode()
    assert '<a class="skip-link" href="#main">' in page
    assert '<main id="main"' in page
    assert "<header" in page and "<footer" in page
    assert 'aria-label="Navigation principale"' in page
    assert 'aria-current="page"' in page


def test_staff_link_is_shown_to_staff_only(cast, login):
    assert reverse("staff_dashboard") in login(cast.staff).get(reverse("home")).content.decode()
    assert reverse("staff_dashboard") not in login(cast.coordinator).get(reverse("home")).content.decode()


@pytest.mark.parametrize("path", ["/compte/connexion/", "/annuaire/", "/page-inexistante/"])
def test_every_page_carries_a_content_security_policy(cast, login, path):
    response = login(cast.production_member).get(path)
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_pages_have_no_inline_script_or_style(cast, login):
    for name in ("home", "directory", "edit_profile"):
        page = login(cast.staff).get(reverse(name)).content.decode()
        assert "<script>" not in page
        assert " style=" not in page


def test_missing_page_is_a_french_404(cast, login):
    response = login(cast.production_member).get("/nulle-part/")
    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()


def test_static_style_sheet_is_served(client, db):
    response = client.get("/static/intranet/css/site.css")
    assert response.status_code == 200


def test_page_scripts_take_every_address_from_the_page(cast, login):
    """A route renamed in Python must not leave a script asking an old address: the layout gives
    the socket's path and the bell's count URL, and no script writes an address of its own."""
    page = login(cast.production_member).get(reverse("home")).content.decode()
    assert '<meta name="live-socket" content="/ws/">' in page
    assert f'data-unread-url="{reverse("notifications:unread_count")}"' in page
    scripts = sorted(Path(settings.BASE_DIR).glob("*/static/**/*.js"))
    assert len(scripts) >= 4
    for script in scripts:
        # Literals that are a path ("/ws/") or end one after a placeholder (`${base}/ws/`, `${url}unread/`).
        literals = re.findall(r"""["'`](/[\w/-]*|[^"'`\n]*\}/?[\w-]+/)["'`]""", script.read_text())
        assert literals == [], f"{script.name} writes the address(es) {literals}"


def test_every_scrolling_table_is_a_named_region_the_keyboard_can_scroll():
    """On a phone a wide table scrolls inside its box: a keyboard user must be able to focus the
    box to scroll it, and a screen reader hears what it holds (WCAG 2.1.1, axe's
    scrollable-region-focusable)."""
    boxes = []
    for template in Path(settings.BASE_DIR, "templates").rglob("*.html"):
        boxes += [(template.name, tag) for tag in re.findall(r"<div[^>]*\btable-wrap\b[^>]*>", template.read_text())]
    assert len(boxes) >= 15
    for name, tag in boxes:
        assert 'tabindex="0"' in tag and 'role="region"' in tag, f"{name}: {tag}"
        assert "aria-label" in tag, f"{name}: {tag}"
