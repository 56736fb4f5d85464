"""The association's fixed bodies: the four collèges, the groups of the board, staff and all
members, and the départements of the region.

Used by a data migration (with historical models) and by tests that empty the database.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from intranet.groups import SYSTEM_GROUPS, college_group_names

COLLEGES = [
    ("production", "Production", "Producteurs, réalisateurs, techniciens : la fabrication des œuvres en région."),
    ("diffusion", "Diffusion", "Salles de cinéma, festivals, distributeurs et circulation des films."),
    ("education", "Éducation", "Éducation à l'image, dispositifs scolaires, ateliers et formation des publics."),
    (
        "patrimoine",
        "Patrimoine",
        "Archives filmiques et photographiques, fonds déposés, restauration et valorisation.",
    ),
]

# The built-in texts shown in the reader's language (intranet.builtins), from the English the
# catalogue translates into the French above. Collège names are the association's proper names.
BUILT_IN_TEXTS = {
    COLLEGES[0][2]: _("Producers, directors, technicians: making films in the region."),
    COLLEGES[1][2]: _("Cinemas, festivals, distributors and the circulation of films."),
    COLLEGES[2][2]: _("Film education, school schemes, workshops and audience training."),
    COLLEGES[3][2]: _("Film and photographic archives, deposited collections, restoration and promotion."),
}

# Nouvelle-Aquitaine; staff can change the list in the admin for another region.
TERRITORIES = [
    ("16", "Charente"),
    ("17", "Charente-Maritime"),
    ("19", "Corrèze"),
    ("23", "Creuse"),
    ("24", "Dordogne"),
    ("33", "Gironde"),
    ("40", "Landes"),
    ("47", "Lot-et-Garonne"),
    ("64", "Pyrénées-Atlantiques"),
    ("79", "Deux-Sèvres"),
    ("86", "Vienne"),
    ("87", "Haute-Vienne"),
]


def create_association_bodies(*, group_model, college_model, territory_model) -> None:
    """Create whatever is missing; existing rows are left as staff edited them."""
    for name in SYSTEM_GROUPS:
        group_model.objects.get_or_create(name=name)
    for position, (slug, name, description) in enumerate(COLLEGES):
        if college_model.objects.filter(slug=slug).exists():
            continue
        members_name, coordinators_name = college_group_names(slug)
        college_model.objects.create(
            slug=slug,
            name=name,
            description=description,
            position=position,
            members_group=group_model.objects.get_or_create(name=members_name)[0],
            coordinators_group=group_model.objects.get_or_create(name=coordinators_name)[0],
        )
    for code, name in TERRITORIES:
        territory_model.objects.get_or_create(code=code, defaults={"name": name})
