"""The base layout: accessible landmarks, security headers on every page, the 404 page."""

import pytest
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
