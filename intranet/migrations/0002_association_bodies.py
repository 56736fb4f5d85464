"""The association's bodies exist from the first migration on: the four collèges with their
groups, the board, the staff and all-members groups, and the region's départements."""

from django.db import migrations

GROUPS = ["adherents", "conseil-d-administration", "equipe-salariee"]

COLLEGES = [
    (
        "production",
        "Production",
        "Producteurs, réalisateurs, techniciens : la fabrication des œuvres en région.",
    ),
    (
        "diffusion",
        "Diffusion",
        "Salles de cinéma, festivals, distributeurs et circulation des films.",
    ),
    (
        "education",
        "Éducation",
        "Éducation à l'image, dispositifs scolaires, ateliers et formation des publics.",
    ),
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


def create_bodies(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    College = apps.get_model("intranet", "College")
    Territory = apps.get_model("intranet", "Territory")
    for name in GROUPS:
        Group.objects.get_or_create(name=name)
    for position, (slug, name, description) in enumerate(COLLEGES):
        if College.objects.filter(slug=slug).exists():
            continue
        College.objects.create(
            slug=slug,
            name=name,
            description=description,
            position=position,
            members_group=Group.objects.create(name=f"college-{slug}-membres"),
            coordinators_group=Group.objects.create(name=f"college-{slug}-animation"),
        )
    for code, name in TERRITORIES:
        Territory.objects.get_or_create(code=code, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("intranet", "0001_initial")]

    operations = [migrations.RunPython(create_bodies, migrations.RunPython.noop)]
