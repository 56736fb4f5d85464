from django.db import migrations, models
from django.utils.text import slugify


def give_handles(apps, schema_editor):
    User = apps.get_model("intranet", "User")
    taken = set()
    for user in User.objects.order_by("pk"):
        base = ".".join(p for p in (slugify(user.first_name), slugify(user.last_name)) if p).replace("-", ".")
        base = (base or slugify(user.email.split("@")[0]).replace("-", ".") or "membre")[:40].strip("._-") or "membre"
        handle, counter = base, 1
        while handle in taken:
            counter += 1
            handle = f"{base}{counter}"
        taken.add(handle)
        user.handle = handle
        user.save(update_fields=["handle"])


class Migration(migrations.Migration):
    dependencies = [("intranet", "0002_association_bodies")]

    operations = [
        migrations.AddField(
            model_name="user",
            name="handle",
            field=models.CharField(max_length=50, null=True, verbose_name="handle"),
        ),
        migrations.RunPython(give_handles, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="user",
            name="handle",
            field=models.CharField(
                help_text="Others mention you with @ followed by this name.",
                max_length=50,
                unique=True,
                verbose_name="handle",
            ),
        ),
    ]
