import re

from django.db import migrations

HEADING = re.compile(r"^ {0,3}#{1,6}\s", re.MULTILINE)


def render_headings_again(apps, schema_editor):
    """Proposals written before headings rendered lost "# " and "## " titles to plain lines:
    their text is rendered again (the renderer is pure: no mentions in proposals)."""
    from intranet.markdown import render_markdown

    Proposal = apps.get_model("workflows", "Proposal")
    for proposal in Proposal.objects.filter(body__contains="#").only("pk", "body").iterator():
        if HEADING.search(proposal.body):
            Proposal.objects.filter(pk=proposal.pk).update(body_html=render_markdown(proposal.body).html)


class Migration(migrations.Migration):
    dependencies = [("workflows", "0005_start_processes_of_earlier_proposals")]

    operations = [migrations.RunPython(render_headings_again, migrations.RunPython.noop)]
