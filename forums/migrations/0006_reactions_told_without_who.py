"""Reaction events recorded before frames stopped naming who reacted: they are replayed to pages
that reconnect, so the reactor's id, the kind and whether it was given are taken out of them."""

from django.db import migrations

WHO = ("actor", "kind", "given")


def forget_who_reacted(apps, schema_editor):
    ForumEvent = apps.get_model("forums", "ForumEvent")
    changed = []
    for event in ForumEvent.objects.filter(kind="post.reacted").iterator(chunk_size=2000):
        if any(key in event.data for key in WHO):
            event.data = {key: value for key, value in event.data.items() if key not in WHO}
            changed.append(event)
        if len(changed) >= 2000:
            ForumEvent.objects.bulk_update(changed, ["data"])
            changed = []
    ForumEvent.objects.bulk_update(changed, ["data"])


class Migration(migrations.Migration):
    dependencies = [("forums", "0005_post_thread_since")]

    operations = [migrations.RunPython(forget_who_reacted, migrations.RunPython.noop)]
