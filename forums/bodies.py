"""The forums every association has: one per collège, the board's, and the general one.

Used by a data migration (with historical models) and by tests that empty the database.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

BOARD_FORUM = (
    "conseil-d-administration",
    "Conseil d'administration",
    "Forum privé des administrateur·rices et de l'équipe.",
)
GENERAL_FORUM = ("general", "Forum général", "Ouvert à tous les membres de la fédération.")

# Shown in the reader's language (intranet.builtins): the English the catalogue translates back.
BUILT_IN_TEXTS = {
    BOARD_FORUM[1]: _("Board of directors"),
    BOARD_FORUM[2]: _("Private forum of the board members and the staff."),
    GENERAL_FORUM[1]: _("General forum"),
    GENERAL_FORUM[2]: _("Open to every member of the federation."),
}


def create_forums(*, forum_model, college_model) -> None:
    """Create whatever forum is missing."""
    slug, name, description = GENERAL_FORUM
    forum_model.objects.get_or_create(
        kind="general", defaults={"slug": slug, "name": name, "description": description, "position": 0}
    )
    for college in college_model.objects.all():
        forum_model.objects.get_or_create(
            college=college,
            defaults={"kind": "college", "slug": college.slug, "name": college.name, "position": 10 + college.position},
        )
    slug, name, description = BOARD_FORUM
    forum_model.objects.get_or_create(
        kind="board", defaults={"slug": slug, "name": name, "description": description, "position": 50}
    )
