"""The association's fixed bodies: the four collèges, the groups of the board, staff and all
members, and the départements of the region.

Used by a data migration (with historical models) and by tests that empty the database.
"""

from __future__ import annotations

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
