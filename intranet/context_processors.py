"""What the base layout needs on every page: the navigation the viewer is allowed to use."""

from intranet import plugins, policies
from intranet.notifications.selectors import unread_count


def navigation(request):
    user = getattr(request, "user", None)
    is_member = policies.is_member(user)
    return {
        "viewer_is_member": is_member,
        # Callables: the template counts only where it shows a count (error pages do not).
        # The apps' counters by name ("tasks": the workflow's steps and ballots waiting).
        "viewer_counts": plugins.navigation_counters(user) if is_member else {},
        "viewer_unread_notifications": (lambda: unread_count(user)) if is_member else 0,
        "viewer_is_staff": policies.can_manage_association(user),
        "viewer_can_use_admin": policies.can_use_admin(user),
    }
