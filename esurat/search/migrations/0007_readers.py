"""PostgreSQL only: `readers`, who may read each letter, as keys with a GIN index (bench/README.md,
issue 12): a position id for each participation and inbox row, -agency_id for each agency whose
registry clerks may read it. A search starts from `readers && the user's keys` (one index scan
beside the words' index scan) instead of probing every match for the rule, and still checks each
result by the rule itself (esurat.letters.access.visible_letter_exists). Written by the same
INSERT as the rest of the entry (esurat.search.backends.postgres); existing entries are filled
here."""

from django.db import migrations

ADD = [
    "ALTER TABLE search_searchentry ADD COLUMN IF NOT EXISTS readers bigint[] NOT NULL "
    "DEFAULT '{}'",
]
# One GIN index over both (it also serves a condition on either alone), in place of 0003's
# search_vector: a search meets who may read and the words in one index scan.
INDEX = (
    "CREATE INDEX IF NOT EXISTS search_readers_vector ON search_searchentry "
    "USING gin (readers, vector)"
)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    from esurat.search.backends.postgres import refresh_readers

    with schema_editor.connection.cursor() as cursor:
        for sql in ADD:
            cursor.execute(sql)
        cursor.execute("SELECT letter_id FROM search_searchentry ORDER BY letter_id")
        ids = [row[0] for row in cursor.fetchall()]
        for start in range(0, len(ids), 5000):
            refresh_readers(ids[start : start + 5000])
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(INDEX)
        cursor.execute("DROP INDEX IF EXISTS search_vector")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS search_vector ON search_searchentry USING gin (vector)"
        )
        schema_editor.execute("DROP INDEX IF EXISTS search_readers_vector")
        schema_editor.execute("ALTER TABLE search_searchentry DROP COLUMN IF EXISTS readers")


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0006_vector_written"),
        ("letters", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
