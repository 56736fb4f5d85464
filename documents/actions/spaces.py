"""Creating the document spaces."""

from __future__ import annotations

from guardian.shortcuts import assign_perm

from documents.models import PERMISSION_OF_LEVEL, AccessLevel, Folder, Space, SpaceKind
from intranet.groups import ALL_MEMBERS_GROUP, BOARD_GROUP, system_group
from intranet.models import College


def create_space(
    *, kind: str, slug: str, name: str, college: College | None = None, position: int = 0, description: str = ""
) -> Space:
    """A space with its root folder and default access (called by the collège and setup actions)."""
    space = Space.objects.create(
        kind=kind, slug=slug, name=name, college=college, position=position, description=description
    )
    root = Folder.objects.create(space=space, name=name, path="")
    root.path = f"/{root.pk}/"
    root.access_root = root
    root.save(update_fields=["path", "access_root"])
    if kind == SpaceKind.COLLEGE:
        assign_perm(PERMISSION_OF_LEVEL[AccessLevel.UPLOAD], college.members_group, root)
        assign_perm(PERMISSION_OF_LEVEL[AccessLevel.MANAGE], college.coordinators_group, root)
    elif kind == SpaceKind.BOARD:
        assign_perm(PERMISSION_OF_LEVEL[AccessLevel.UPLOAD], system_group(BOARD_GROUP), root)
    elif kind == SpaceKind.ARCHIVE:
        pass  # staff only: each fonds's folder opens as its rights allow (workflows.archives.files)
    else:
        assign_perm(PERMISSION_OF_LEVEL[AccessLevel.VIEW], system_group(ALL_MEMBERS_GROUP), root)
    return space


def create_space_for_college(college: College) -> Space:
    return create_space(
        kind=SpaceKind.COLLEGE,
        slug=f"college-{college.slug}",
        name=college.name,
        college=college,
        position=10 + college.position,
    )
