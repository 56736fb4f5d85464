"""The staff navigation: the core's screens, and between them the screens the apps registered
(``plugins.register(staff_screens=...)``); the core's template names no app."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from intranet import plugins

pytestmark = pytest.mark.django_db

NOT_STAFF = ["production_member", "coordinator", "board_member", "president", "secretary", "outsider"]
REGISTERED_SCREENS = ["proposals:vote_rules", "meetings:rules"]


def staff_nav_links(response) -> list[tuple[str, str, bool]]:
    """(address, label, is the current page) of each link in the page's staff navigation."""
    nav = re.search(
        r'<nav aria-label="[^"]*" class="card">\s*<ul class="tags">(.*?)</ul>', response.content.decode(), re.S
    )
    assert nav, "the page has no staff navigation"
    return [
        (href, html.unescape(label), bool(current))
        for href, current, label in re.findall(r'<a href="([^"]+)"( aria-current="page")?>([^<]+)</a>', nav.group(1))
    ]


@pytest.fixture
def fresh_registry(monkeypatch):
    """An empty plug-in registry for one test: the real apps' screens out, fake ones in."""
    monkeypatch.setattr(plugins, "_registry", plugins._Registry())


def test_the_staff_dashboard_links_the_core_screens_then_the_apps_then_the_rarer_core_ones(cast, login):
    links = staff_nav_links(login(cast.staff).get(reverse("staff_dashboard")))
    assert links == [
        (reverse("staff_dashboard"), "Vue d'ensemble", True),
        (reverse("staff_members"), "Comptes", False),
        (reverse("staff_invitations"), "Invitations", False),
        (reverse("staff_board"), "Conseil d'administration", False),
        (reverse("proposals:vote_rules"), "Règles de vote", False),
        (reverse("meetings:rules"), "Règles des séances", False),
        (reverse("staff_college_create"), "Nouveau collège", False),
        (reverse("staff_audit_log"), "Journal d'audit", False),
    ]


def test_the_rules_screens_come_from_the_apps_registrations_in_install_order():
    assert [name for name, _label in plugins.registered_staff_screens()] == REGISTERED_SCREENS
    assert [str(label) for _name, label in plugins.registered_staff_screens()] == [
        "Règles de vote",
        "Règles des séances",
    ]


@pytest.mark.parametrize("screen", REGISTERED_SCREENS)
def test_an_apps_staff_screen_marks_its_own_link_as_the_current_page(cast, login, screen):
    links = staff_nav_links(login(cast.staff).get(reverse(screen)))
    assert [href for href, _label, current in links if current] == [reverse(screen)]


def test_the_staff_template_names_no_app():
    template = Path(settings.BASE_DIR, "templates", "staff", "_nav.html").read_text(encoding="utf-8")
    assert "proposals:" not in template and "meetings:" not in template


@pytest.mark.usefixtures("fresh_registry")
def test_without_the_apps_registered_the_staff_dashboard_shows_the_core_screens_alone(cast, login):
    response = login(cast.staff).get(reverse("staff_dashboard"))
    assert response.status_code == 200
    assert [href for href, _label, _current in staff_nav_links(response)] == [
        reverse(name)
        for name in (
            "staff_dashboard",
            "staff_members",
            "staff_invitations",
            "staff_board",
            "staff_college_create",
            "staff_audit_log",
        )
    ]


@pytest.mark.usefixtures("fresh_registry")
def test_a_screen_an_app_registers_shows_between_the_core_screens(cast, login):
    plugins.register("somewhere", staff_screens=[("search", "Somewhere's screen")])
    links = staff_nav_links(login(cast.staff).get(reverse("staff_board")))
    assert [label for _href, label, _current in links][3:6] == [
        "Conseil d'administration",
        "Somewhere's screen",
        "Nouveau collège",
    ]
    assert (reverse("search"), "Somewhere's screen", False) in links


@pytest.mark.usefixtures("fresh_registry")
def test_two_apps_cannot_claim_the_same_staff_screen():
    plugins.register("first", staff_screens=[("search", "A screen")])
    with pytest.raises(RuntimeError, match="search"):
        plugins.register("second", staff_screens=[("search", "The same screen")])
    assert plugins.plugged_in_apps() == ["first"]


@pytest.mark.parametrize("screen", ["staff_dashboard", *REGISTERED_SCREENS])
@pytest.mark.parametrize("person", NOT_STAFF)
def test_staff_screens_are_still_a_404_for_everyone_else(cast, login, screen, person):
    assert login(getattr(cast, person)).get(reverse(screen)).status_code == 404
