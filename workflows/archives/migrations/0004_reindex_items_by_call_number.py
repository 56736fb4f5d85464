"""Items are indexed as "call number — title" since this release: every item goes back to the
search indexer's queue, so an existing index finds them by the label on their box without a
manual rebuild (the background worker applies the queue as for any change)."""

from django.db import migrations


def queue_items_for_the_index(apps, schema_editor):
    Item = apps.get_model("archives", "Item")
    SearchChange = apps.get_model("intranet", "SearchChange")
    ids = Item.objects.order_by("pk").values_list("pk", flat=True).iterator()
    SearchChange.objects.bulk_create(
        (SearchChange(kind="archive_item", object_id=item_id) for item_id in ids), batch_size=1000
    )


class Migration(migrations.Migration):
    dependencies = [
        ("archives", "0003_item_subjects"),
        ("intranet", "0011_navigation_count_parts"),
    ]

    operations = [migrations.RunPython(queue_items_for_the_index, migrations.RunPython.noop)]
