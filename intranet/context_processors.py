"""What the base layout needs on every page: the navigation the viewer is allowed to use."""

from intranet import policies


def navigation(request):
    user = getattr(request, "user", None)
    is_member = policies.is_member(user)
    return {
        "viewer_is_member": is_member,
        # A callable: the template counts only where it shows the count (error pages do not).
        "viewer_task_count": (lambda: _task_count(user)) if is_member else 0,
        "viewer_unread_notifications": (lambda: _unread_notifications(user)) if is_member else 0,
        "viewer_is_staff": policies.can_manage_association(user),
        "viewer_can_use_admin": policies.can_use_admin(user),
    }


def _task_count(user) -> int:
    from workflows.selectors import task_count

    return task_count(user)


def _unread_notifications(user) -> int:
    from intranet.notifications.selectors import unread_count

    return unread_count(user)
