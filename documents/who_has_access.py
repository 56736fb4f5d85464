"""Who can open a folder, and why: the grants on it and above it, and everyone they reach (the
folder's access page and the API). Reads only, by the same rules as ``documents.policies``."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.models import Group

from documents import policies
from documents.models import LEVEL_OF_PERMISSION, AccessLevel, Folder, FolderGroupPermission, FolderUserPermission
from intranet.groups import group_labels
from intranet.models import User


@dataclass
class Reason:
    level: int
    folder: Folder | None = None  # where the grant is; None for staff
    group: Group | None = None  # through which group; None for a grant to the person
    staff: bool = False

    @property
    def level_label(self) -> str:
        return AccessLevel(self.level).label


@dataclass
class Access:
    person: Person
    level: int = 0
    reasons: list[Reason] = field(default_factory=list)

    @property
    def level_label(self) -> str:
        return AccessLevel(self.level).label


@dataclass
class Grant:
    """A grant written on one folder, to a person or a group."""

    pk: int
    level: int
    folder: Folder
    user: User | None = None
    group: Group | None = None

    @property
    def level_label(self) -> str:
        return AccessLevel(self.level).label


def grants_on(folder_ids: list[int]) -> list[Grant]:
    """Every grant on these folders, people and groups alike."""
    grants = [
        Grant(pk=row.pk, level=LEVEL_OF_PERMISSION[row.permission.codename], folder=row.content_object, user=row.user)
        for row in FolderUserPermission.objects.filter(content_object_id__in=folder_ids).select_related(
            "permission", "user", "content_object"
        )
    ]
    grants += [
        Grant(pk=row.pk, level=LEVEL_OF_PERMISSION[row.permission.codename], folder=row.content_object, group=row.group)
        for row in FolderGroupPermission.objects.filter(content_object_id__in=folder_ids).select_related(
            "permission", "group", "content_object"
        )
    ]
    return grants


@dataclass(frozen=True)
class Person:
    """The little the access page needs of someone; hundreds are listed at once."""

    pk: int
    first_name: str
    last_name: str
    email: str
    handle: str

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


def _people(**filters) -> dict[int, Person]:
    rows = User.objects.filter(is_active=True, **filters).values_list(
        "pk", "first_name", "last_name", "email", "handle"
    )
    return {row[0]: Person(*row) for row in rows}


def effective_access(folder: Folder, grants: list[Grant] | None = None) -> list[Access]:
    """Everyone who can open the folder (active accounts), with their level and every reason.

    The same rules as ``policies.folder_level``, computed for all people at once in a fixed
    number of queries. ``grants`` are those of ``grants_on(folder.inheritance_chain_ids())``,
    when the caller has them already.
    """
    if grants is None:
        grants = grants_on(folder.inheritance_chain_ids())
    people: dict[int, Access] = {}

    def add(person: Person, reason: Reason) -> None:
        entry = people.setdefault(person.pk, Access(person=person))
        entry.level = max(entry.level, reason.level)
        entry.reasons.append(reason)

    for grant in grants:
        if grant.user is not None and grant.user.is_active:
            user = grant.user
            add(
                Person(user.pk, user.first_name, user.last_name, user.email, user.handle),
                Reason(grant.level, grant.folder),
            )
    group_grants = [grant for grant in grants if grant.group is not None]
    if group_grants:
        # Members and what is shown of them, in one query.
        rows = User.groups.through.objects.filter(
            group_id__in={grant.group.pk for grant in group_grants}, user__is_active=True
        ).values_list("group_id", "user_id", "user__first_name", "user__last_name", "user__email", "user__handle")
        members_of: dict[int, list[Person]] = {}
        for group_id, *person in rows:
            members_of.setdefault(group_id, []).append(Person(*person))
        for grant in group_grants:
            for person in members_of.get(grant.group.pk, []):
                add(person, Reason(level=grant.level, folder=grant.folder, group=grant.group))
    for person in _people(is_staff=True).values():
        add(person, Reason(level=AccessLevel.MANAGE, staff=True))
    for entry in people.values():
        entry.reasons.sort(key=lambda reason: (not reason.staff, -reason.level))
    return sorted(people.values(), key=lambda entry: (entry.person.last_name.lower(), entry.person.first_name.lower()))


# --- The access report, as its page and the API show it to one reader ----------------------


@dataclass(frozen=True)
class GroupShown:
    pk: int
    name: str
    label: str  # the group's name in words ("Members of the collège Production")


@dataclass
class GrantShown:
    """A grant on the folder or above it; ``folder`` is None for a folder above that the reader
    may not open (not named, as in the breadcrumbs)."""

    level: int
    folder: Folder | None
    here: bool  # written on the report's folder itself
    user: User | None = None
    group: GroupShown | None = None

    @property
    def level_label(self) -> str:
        return AccessLevel(self.level).label


@dataclass
class ReasonShown:
    """Why someone can open the folder; ``folder`` is None for staff, and for a folder above
    that the reader may not open."""

    level: int
    staff: bool
    folder: Folder | None
    here: bool
    group: GroupShown | None

    @property
    def level_label(self) -> str:
        return AccessLevel(self.level).label


@dataclass
class AccessShown:
    person: Person
    level: int
    reasons: list[ReasonShown]

    @property
    def level_label(self) -> str:
        return AccessLevel(self.level).label


@dataclass
class AccessReport:
    """Who can open a folder and why, as one reader who may see it is shown it."""

    folder: Folder
    grants: list[GrantShown]  # the nearest folder's last, in the order written
    people: list[AccessShown]  # by last name

    @property
    def grants_here(self) -> list[GrantShown]:
        return [grant for grant in self.grants if grant.here]

    @property
    def grants_above(self) -> list[GrantShown]:
        return [grant for grant in self.grants if not grant.here]


def _groups_shown(groups: list[Group]) -> dict[int, GroupShown]:
    labels = group_labels(groups)
    return {group.pk: GroupShown(group.pk, group.name, labels[group.pk]) for group in groups}


def written_grant(folder: Folder, *, level: int, user: User | None = None, group: Group | None = None) -> GrantShown:
    """A grant just written on ``folder``, as the report shows it."""
    shown = _groups_shown([group]) if group is not None else {}
    return GrantShown(level=level, folder=folder, here=True, user=user, group=shown.get(getattr(group, "pk", None)))


def access_report(user, folder: Folder) -> AccessReport:
    """The grants on ``folder`` and above it and everyone who can open it, with why (a fixed
    number of queries, however many people); for someone the policy lets see it."""
    grants = grants_on(folder.inheritance_chain_ids())
    access = effective_access(folder, grants)
    groups = _groups_shown([grant.group for grant in grants if grant.group is not None])
    openable = {grant.folder.pk for grant in grants if policies.can_view_folder(user, grant.folder)}

    def shown(place: Folder | None) -> Folder | None:
        return place if place is not None and place.pk in openable else None

    def group_of(group: Group | None) -> GroupShown | None:
        return groups[group.pk] if group is not None else None

    return AccessReport(
        folder=folder,
        grants=[
            GrantShown(
                level=grant.level,
                folder=shown(grant.folder),
                here=grant.folder.pk == folder.pk,
                user=grant.user,
                group=group_of(grant.group),
            )
            for grant in sorted(grants, key=lambda grant: (len(grant.folder.path), grant.pk))
        ],
        people=[
            AccessShown(
                person=entry.person,
                level=entry.level,
                reasons=[
                    ReasonShown(
                        level=reason.level,
                        staff=reason.staff,
                        folder=shown(reason.folder),
                        here=reason.folder is not None and reason.folder.pk == folder.pk,
                        group=group_of(reason.group),
                    )
                    for reason in entry.reasons
                ],
            )
            for entry in access
        ],
    )
