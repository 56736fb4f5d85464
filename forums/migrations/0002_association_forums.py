from django.db import migrations

from forums.bodies import create_forums


def create(apps, schema_editor):
    create_forums(forum_model=apps.get_model("forums", "Forum"), college_model=apps.get_model("intranet", "College"))


class Migration(migrations.Migration):
    dependencies = [("forums", "0001_initial"), ("intranet", "0003_user_handle")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
