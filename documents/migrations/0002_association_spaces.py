from django.db import migrations

from documents.bodies import create_spaces


def create(apps, schema_editor):
    create_spaces(apps=apps)


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0001_initial"),
        ("intranet", "0003_user_handle"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
