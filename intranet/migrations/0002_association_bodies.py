"""The association's bodies exist from the first migration on: the four collèges with their
groups, the board, the staff and all-members groups, and the region's départements."""

from django.db import migrations

from intranet.bodies import create_association_bodies


def create_bodies(apps, schema_editor):
    create_association_bodies(
        group_model=apps.get_model("auth", "Group"),
        college_model=apps.get_model("intranet", "College"),
        territory_model=apps.get_model("intranet", "Territory"),
    )


class Migration(migrations.Migration):
    dependencies = [("intranet", "0001_initial")]

    operations = [migrations.RunPython(create_bodies, migrations.RunPython.noop)]
