"""What the base layout needs on every page: the navigation the viewer is allowed to use."""

from django.utils.functional import SimpleLazyObject

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
    }
