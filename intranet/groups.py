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


def _system_group_label(name: str) -> str:
    labels = {
        ALL_MEMBERS_GROUP: _("All members"),
        BOARD_GROUP: _("Board"),
        STAFF_GROUP: _("Staff"),
    }
    return labels.get(name, name)


def _college_group_label(college_name: str, *, coordinators: bool) -> str:
    if coordinators:
        return _("%(college)s — coordinators") % {"college": college_name}
    return _("%(college)s — members") % {"college": college_name}


def group_labels(groups) -> dict[int, str]:
    """How each group is named in the interface ("Production — members"), in one query."""
    groups = list(groups)
    ids = [group.pk for group in groups]
    named = {}
    for college in College.objects.filter(Q(members_group_id__in=ids) | Q(coordinators_group_id__in=ids)):
        named[college.members_group_id] = _college_group_label(college.name, coordinators=False)
        named[college.coordinators_group_id] = _college_group_label(college.name, coordinators=True)
    return {group.pk: named.get(group.pk) or _system_group_label(group.name) for group in groups}


def group_as_code(group) -> dict[str, object]:
    """A group as a record keeps it, in no language: its name, and its collège's name if it has one
    (the name the collège bore then). ``label_of_group_code`` names it in the reader's language."""
    college = College.objects.filter(Q(members_group=group) | Q(coordinators_group=group)).first()
    if college is None:
        return {"group": group.name}
    return {"group": group.name, "college": college.name, "coordinators": college.coordinators_group_id == group.pk}


def label_of_group_code(code: dict) -> str:
    if "college" in code:
        return _college_group_label(code["college"], coordinators=bool(code.get("coordinators")))
    return _system_group_label(code["group"])
