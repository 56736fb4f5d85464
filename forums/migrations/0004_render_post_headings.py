import re

from django.db import migrations

HEADING = re.compile(r"^ {0,3}#{1,6}\s", re.MULTILINE)
MENTION = re.compile(r'<a class="mention" href="([^"]+)"[^>]*>@([^<]+)</a>')


def _mentions_as_stored(html: str):
    """The people a message linked to when it was written, and no one else: rendering again must
    not link (or unlink) anyone because rights changed since."""
    linked = {handle.lower(): (0, url) for url, handle in MENTION.findall(html)}
    return linked.get


def render_headings_again(apps, schema_editor):
    """Messages written before headings rendered lost "# " and "## " titles to plain lines: their
    text is rendered again, with the mentions they had, and so are their earlier versions."""
    from intranet.markdown import render_markdown

    for model_name in ("Post", "PostRevision"):
        model = apps.get_model("forums", model_name)
        for row in model.objects.filter(body__contains="#").only("pk", "body", "body_html").iterator():
            if HEADING.search(row.body):
                html = render_markdown(row.body, resolve_mention=_mentions_as_stored(row.body_html)).html
                model.objects.filter(pk=row.pk).update(body_html=html)


class Migration(migrations.Migration):
    dependencies = [("forums", "0003_forumfollow")]

    operations = [migrations.RunPython(render_headings_again, migrations.RunPython.noop)]
