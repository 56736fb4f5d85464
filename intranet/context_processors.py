"""What the base layout needs on every page: the navigation the viewer is allowed to use."""

from intranet import policies


def navigation(request):
    user = getattr(request, "user", None)
    return {
        "viewer_is_member": policies.is_member(user),
        "viewer_is_staff": policies.can_manage_association(user),
        "viewer_can_use_admin": policies.can_use_admin(user),
    }
