"""PostgreSQL only: `esurat_fold(text)`, the SQL twin of esurat.search.text.fold (lower case,
accents removed by `unaccent`, anything but letters and digits one space), so that entries are
built by one INSERT … SELECT (esurat.search.backends.postgres) instead of row by row in Python.
Declared IMMUTABLE with the dictionary named, as unaccent() itself is only STABLE."""

from django.db import migrations

POSTGRES = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    """CREATE OR REPLACE FUNCTION esurat_fold(text) RETURNS text
       LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
       SELECT btrim(regexp_replace(
           lower(public.unaccent('public.unaccent'::regdictionary, coalesce($1, ''))),
           '[^0-9a-z]+', ' ', 'g'))
       $$""",
]
POSTGRES_BACK = ["DROP FUNCTION IF EXISTS esurat_fold(text)"]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0003_search_indexes")]

    operations = [migrations.RunPython(_run(POSTGRES), _run(POSTGRES_BACK))]
