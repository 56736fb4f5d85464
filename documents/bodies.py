"""The document spaces every association has: one per collège, the board's and the whole
association's, each with its root folder and default access.

Used by a data migration (with historical models) and by tests that empty the database.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from intranet.groups import ALL_MEMBERS_GROUP, BOARD_GROUP

ASSOCIATION_SPACE = ("association", "Association", "Statuts, composition du CA, formulaires : pour tous les membres.")
BOARD_SPACE = ("conseil-d-administration", "Conseil d'administration", "Documents de travail du CA.")

# Shown in the reader's language (intranet.builtins): the English the catalogue translates back.
BUILT_IN_TEXTS = {
    ASSOCIATION_SPACE[1]: _("Association"),
    ASSOCIATION_SPACE[2]: _("Articles, board membership, forms: for every member."),
    BOARD_SPACE[1]: _("Board of directors"),
    BOARD_SPACE[2]: _("Working documents of the board."),
}

LEVEL_PERMISSIONS = {
    1: ("view_folder", "View the folder and its documents"),
    2: ("upload_folder", "Upload into the folder"),
    3: ("manage_folder", "Manage the folder: rename, move, delete, permissions"),
}


def create_spaces(*, apps) -> None:
    """Create whatever space is missing, with the default grants on its root folder."""
    Space = apps.get_model("documents", "Space")
    Folder = apps.get_model("documents", "Folder")
    College = apps.get_model("intranet", "College")
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    GroupGrant = apps.get_model("documents", "FolderGroupPermission")

    # Permissions are normally created after migrations; the default grants need them now.
    content_type, _created = ContentType.objects.get_or_create(app_label="documents", model="folder")
    permissions = {
        level: Permission.objects.get_or_create(content_type=content_type, codename=codename, defaults={"name": name})[
            0
        ]
        for level, (codename, name) in LEVEL_PERMISSIONS.items()
    }

    def space(kind, slug, name, description, position, grants, college=None):
        if Space.objects.filter(slug=slug).exists():
            return
        created = Space.objects.create(
            kind=kind, slug=slug, name=name, description=description, position=position, college=college
        )
        root = Folder.objects.create(space=created, name=name, path="")
        root.path = f"/{root.pk}/"
        root.access_root = root
        root.save(update_fields=["path", "access_root"])
        for group, level in grants:
            GroupGrant.objects.get_or_create(group=group, permission=permissions[level], content_object=root)

    slug, name, description = ASSOCIATION_SPACE
    space("association", slug, name, description, 0, [(Group.objects.get_or_create(name=ALL_MEMBERS_GROUP)[0], 1)])
    for college in College.objects.all():
        space(
            "college",
            f"college-{college.slug}",
            college.name,
            "",
            10 + college.position,
            [(college.members_group, 2), (college.coordinators_group, 3)],
            college=college,
        )
    slug, name, description = BOARD_SPACE
    space("board", slug, name, description, 50, [(Group.objects.get_or_create(name=BOARD_GROUP)[0], 2)])
