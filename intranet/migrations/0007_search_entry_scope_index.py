from django.db import migrations

# The person's entries of the words, from the index alone: a search asks for the entries whose
# scope is one of the person's and whose vector matches. With the vector alone in the index,
# PostgreSQL read every entry of a common word from the table, then filtered out the scopes not
# theirs. GIN cannot look up ``scope IN (…)``, but it can ``ARRAY[scope] && ARRAY[…]``: the
# scope goes in as a one-element array. The index of the vector alone is replaced (a search
# always names the scopes). The entries need no rewriting: CREATE INDEX reads them.
FORWARD = [
    "CREATE INDEX IF NOT EXISTS intranet_searchentry_scope_vector ON intranet_searchentry"
    " USING gin ((ARRAY[scope::text]), vector)",
    "DROP INDEX IF EXISTS intranet_searchentry_vector",
]
BACKWARD = [
    "CREATE INDEX IF NOT EXISTS intranet_searchentry_vector ON intranet_searchentry USING gin (vector)",
    "DROP INDEX IF EXISTS intranet_searchentry_scope_vector",
]


def _run(statements):
    def run(apps, schema_editor):
        """On PostgreSQL only, as the text search configuration of 0004."""
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("intranet", "0006_apitoken"),
    ]

    operations = [
        migrations.RunPython(_run(FORWARD), _run(BACKWARD)),
    ]
