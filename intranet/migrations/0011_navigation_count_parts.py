from django.db import migrations, models


def forget_counts(apps, schema_editor):
    # The kept counts are a cache: each person's parts are counted again at their next page.
    apps.get_model("intranet", "NavigationCount").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("intranet", "0010_home_visits"),
    ]

    operations = [
        migrations.RunPython(forget_counts, migrations.RunPython.noop),
        migrations.RemoveConstraint(model_name="navigationcount", name="one_navigation_count_per_name"),
        migrations.AddField(
            model_name="navigationcount",
            name="part",
            field=models.CharField(db_default="", default="", max_length=40),
        ),
        migrations.AddField(
            model_name="navigationcount",
            name="recount_after",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddConstraint(
            model_name="navigationcount",
            constraint=models.UniqueConstraint(fields=("user", "name", "part"), name="one_navigation_count_per_part"),
        ),
        # Backwards, the rows of several parts would break the old constraint: forgotten first.
        migrations.RunPython(migrations.RunPython.noop, forget_counts),
    ]
