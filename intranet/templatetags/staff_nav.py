"""The staff navigation: the core's screens, with those the apps register between them
(``plugins.register(staff_screens=...)``), built once here so that ``staff/_nav.html`` names no app."""

from __future__ import annotations

from dataclasses import dataclass

from django import template
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from intranet import plugins

register = template.Library()

# The everyday screens come first, the apps' after them, the rarer ones (a new collège, the log) last.
CORE_SCREENS_FIRST: list[plugins.StaffScreen] = [
    ("staff_dashboard", _("Overview")),
    ("staff_members", _("Accounts")),
    ("staff_invitations", _("Invitations")),
    ("staff_board", _("Board")),
]
CORE_SCREENS_LAST: list[plugins.StaffScreen] = [
    ("staff_college_create", _("New collège")),
    ("staff_audit_log", _("Audit log")),
]


@dataclass(frozen=True)
class StaffLink:
    url: str
    label: str
    is_current: bool


def staff_links(current_view_name: str | None = None) -> list[StaffLink]:
    """Every staff screen in the navigation's order, the one named ``current_view_name`` marked."""
    screens = [*CORE_SCREENS_FIRST, *plugins.registered_staff_screens(), *CORE_SCREENS_LAST]
    return [StaffLink(reverse(name), label, name == current_view_name) for name, label in screens]


@register.simple_tag(takes_context=True)
def staff_nav_links(context) -> list[StaffLink]:
    match = getattr(context.get("request"), "resolver_match", None)
    return staff_links(match.view_name if match else None)
