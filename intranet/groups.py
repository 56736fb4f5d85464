"""The Django groups that mirror the association's bodies.

Each collège's members and coordinators, the board, the staff and all members are groups, so
that object permissions can later be granted to a whole body. Only actions change them, through
``sync_user_groups``, which recomputes a person's managed groups from their memberships.
"""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.db.models import Q
from django.utils.translation import gettext as _

from intranet.models import BoardMembership, College

ALL_MEMBERS_GROUP = "adherents"
BOARD_GROUP = "conseil-d-administration"
STAFF_GROUP = "equipe-salariee"
SYSTEM_GROUPS = (ALL_MEMBERS_GROUP, BOARD_GROUP, STAFF_GROUP)


def college_group_names(slug: str) -> tuple[str, str]:
    return f"college-{slug}-membres", f"college-{slug}-animation"


def system_group(name: str) -> Group:
    group, _created = Group.objects.get_or_create(name=name)
    return group


def managed_groups():
    return Group.objects.filter(
        Q(name__in=SYSTEM_GROUPS) | Q(college_as_members__isnull=False) | Q(college_as_coordinators__isnull=False)
    )


def wanted_group_ids(user) -> set[int]:
    if not user.is_active:
        # A deactivated account keeps its memberships (for history) but no rights.
        return set()
    wanted = {system_group(ALL_MEMBERS_GROUP).pk}
    if user.is_staff:
        wanted.add(system_group(STAFF_GROUP).pk)
    if BoardMembership.objects.filter(user=user).exists():
        wanted.add(system_group(BOARD_GROUP).pk)
    for membership in user.college_memberships.select_related("college"):
        wanted.add(membership.college.members_group_id)
        if membership.is_coordinator:
            wanted.add(membership.college.coordinators_group_id)
    return wanted


def sync_user_groups(user) -> None:
    """Make the user's managed groups match their memberships; other groups are left alone."""
    wanted = wanted_group_ids(user)
    current = set(user.groups.filter(pk__in=managed_groups()).values_list("pk", flat=True))
    if current - wanted:
        user.groups.remove(*(current - wanted))
    if wanted - current:
        user.groups.add(*(wanted - current))


def group_labels(groups) -> dict[int, str]:
    """How each group is named in the interface ("Production — members"), in one query."""
    groups = list(groups)
    ids = [group.pk for group in groups]
    labels = {
        ALL_MEMBERS_GROUP: _("All members"),
        BOARD_GROUP: _("Board"),
        STAFF_GROUP: _("Staff"),
    }
    named = {}
    for college in College.objects.filter(Q(members_group_id__in=ids) | Q(coordinators_group_id__in=ids)):
        named[college.members_group_id] = _("%(college)s — members") % {"college": college.name}
        named[college.coordinators_group_id] = _("%(college)s — coordinators") % {"college": college.name}
    return {group.pk: named.get(group.pk) or labels.get(group.name, group.name) for group in groups}


def group_label(group) -> str:
    return group_labels([group])[group.pk]
