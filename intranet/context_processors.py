"""What the base layout needs on every page: the navigation the viewer is allowed to use."""

from urllib.parse import urlsplit

from django.utils.functional import SimpleLazyObject
from django.utils.http import url_has_allowed_host_and_scheme

from intranet import counters, policies


def navigation(request):
    user = getattr(request, "user", None)
    is_member = policies.is_member(user)
    # Read only where a page shows them (error pages do not), in one query: the person's counts
    # by name ("tasks": the apps' steps and ballots waiting; "notifications": the bell).
    counts = SimpleLazyObject(lambda: counters.counts_for_page(user)) if is_member else {}
    return {
        "viewer_is_member": is_member,
        "viewer_counts": counts,
        "viewer_unread_notifications": (lambda: counts["notifications"]) if is_member else 0,
        "viewer_is_staff": policies.can_manage_association(user),
        "viewer_can_use_admin": policies.can_use_admin(user),
        "page_address": page_address(request),
    }


def page_address(request) -> str:
    """Where the language switch brings the person back: this page, or, on the answer to a form
    that came back with an error (an address that only takes forms), the page the form was on;
    "" (the home) when that is not known."""
    if request.method in ("GET", "HEAD"):
        return request.get_full_path()
    referer = request.META.get("HTTP_REFERER", "")
    if not url_has_allowed_host_and_scheme(referer, allowed_hosts={request.get_host()}):
        return ""
    parts = urlsplit(referer)
    return parts.path + (f"?{parts.query}" if parts.query else "")
