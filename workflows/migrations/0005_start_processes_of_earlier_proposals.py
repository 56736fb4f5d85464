from django.db import migrations


def start_missing_processes(apps, schema_editor):
    # The current models on purpose: Viewflow's node references need the live flow class. Safe
    # while this stays near the head; squash it once every installation has run it.
    from workflows.proposals.backfill import start_missing_processes as run

    run()


class Migration(migrations.Migration):
    dependencies = [
        ("workflows", "0004_proposal_folder"),
        ("viewflow", "0015_task_scheduled"),
    ]

    operations = [migrations.RunPython(start_missing_processes, migrations.RunPython.noop)]
