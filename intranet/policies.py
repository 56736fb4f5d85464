"""Who may do what with people, collèges and profiles. Views, templates and actions ask here."""

from __future__ import annotations

from contextlib import contextmanager

from intranet.models import BoardMembership, CollegeMembership, CollegeRole


def is_member(user) -> bool:
    """Any active account: every member reads the directory and the general space."""
    return bool(user and user.is_authenticated and user.is_active)


def can_manage_association(user) -> bool:
    """Staff manage collèges, memberships, roles, invitations and read the audit log."""
    return is_member(user) and user.is_staff


_BOARD_ROLES = "_board_roles_read_once"


def is_board_member(user, *, roles=None) -> bool:
    """On the board (holding one of ``roles``, when given)."""
    known = getattr(user, _BOARD_ROLES, None)
    if known is not None and is_member(user):
        if "roles" not in known:
            known["roles"] = set(BoardMembership.objects.filter(user=user).values_list("role", flat=True))
        return bool(known["roles"]) if roles is None else bool(known["roles"].intersection(roles))
    memberships = BoardMembership.objects.filter(user=user)
    if roles is not None:
        memberships = memberships.filter(role__in=roles)
    return is_member(user) and memberships.exists()


@contextmanager
def board_roles_read_once(user):
    """Within this block (several questions about one moment, such as the scopes of a search),
    the person's board roles are read once, at the first question; forgotten at its end."""
    if user is None or getattr(user, _BOARD_ROLES, None) is not None:
        yield
        return
    try:
        setattr(user, _BOARD_ROLES, {})
    except AttributeError:  # an object that takes no attributes: asked each time, as usual
        yield
        return
    try:
        yield
    finally:
        delattr(user, _BOARD_ROLES)


def belongs_to_college(user, college_id: int) -> bool:
    return is_member(user) and CollegeMembership.objects.filter(user=user, college_id=college_id).exists()


def coordinates_college(user, college_id: int) -> bool:
    return (
        is_member(user)
        and CollegeMembership.objects.filter(user=user, college_id=college_id, role=CollegeRole.COORDINATOR).exists()
    )


def can_use_admin(user) -> bool:
    return can_manage_association(user) or bool(is_member(user) and user.is_superuser)


def can_view_member(viewer, member) -> bool:
    """Members see active members; staff also see deactivated accounts."""
    return is_member(viewer) and (member.is_active or can_manage_association(viewer))


def can_edit_profile(user, profile) -> bool:
    return is_member(user) and (profile.user_id == user.pk or can_manage_association(user))


def visible_contact(viewer, profile) -> dict[str, str]:
    """The contact details of ``profile`` that ``viewer`` may read, as the profile allows."""
    sees_everything = profile.user_id == viewer.pk or can_manage_association(viewer)
    contact = {}
    if profile.user.email and (sees_everything or profile.show_email):
        contact["email"] = profile.user.email
    if profile.phone and (sees_everything or profile.show_phone):
        contact["phone"] = profile.phone
    if profile.website:
        contact["website"] = profile.website
    return contact
