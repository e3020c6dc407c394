"""PostgreSQL only: the search vector is written by the INSERT that builds the entry instead of
being a column generated from the stored texts, and the folded `body` is no longer stored.

Why (bench/README.md, issue 12): at 1,000,000 letters the folded body was 2.2 GB of TOAST kept
only to feed the generated column, and `to_tsvector` re-parsed text that is already folded to
`[0-9a-z ]`. The entry's texts are now folded in Python (esurat.search.text, as for SQLite) and
the vector given in its text form: title and numbers weight A, names B, with positions; the
body's distinct words without positions (weight D, the default: ranking loses only the body's
term frequency).

`DROP EXPRESSION` keeps every existing vector: nothing needs rebuilding. The old entries keep
their stored body until they are written again (`manage.py reindex --full` frees the space).
"""

from django.db import migrations

POSTGRES = ["ALTER TABLE search_searchentry ALTER COLUMN vector DROP EXPRESSION"]
POSTGRES_BACK = [
    "ALTER TABLE search_searchentry DROP COLUMN IF EXISTS vector",
    """ALTER TABLE search_searchentry ADD COLUMN vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple'::regconfig, title), 'A')
        || setweight(to_tsvector('simple'::regconfig, numbers), 'A')
        || setweight(to_tsvector('simple'::regconfig, names), 'B')
        || setweight(to_tsvector('simple'::regconfig, body), 'D')) STORED""",
    "CREATE INDEX IF NOT EXISTS search_vector ON search_searchentry USING gin (vector)",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            with schema_editor.connection.cursor() as cursor:
                for sql in statements:
                    cursor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0005_inbox_position_letter")]

    operations = [migrations.RunPython(_run(POSTGRES), _run(POSTGRES_BACK))]
