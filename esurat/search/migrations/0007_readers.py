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


# Who may read, as this migration found the rules (a copy: the live code may change; the
# backend's READERS_SQL is the same query).
CLERK = (
    "l.security <> ALL(ARRAY['R', 'SR']) AND (l.state = ANY(ARRAY['sent', 'revoked']) OR "
    "(l.origin = 'registered' AND l.state = ANY(ARRAY['registered', 'filed', 'sent'])))"
)
FILL = f"""
WITH k AS (
    SELECT letter_id, position_id AS k FROM letters_participant WHERE letter_id = ANY(%(ids)s)
    UNION
    SELECT letter_id, position_id FROM letters_inboxentry WHERE letter_id = ANY(%(ids)s)
    UNION
    SELECT l.id, -l.agency_id FROM letters_letter l WHERE l.id = ANY(%(ids)s) AND {CLERK}
    UNION
    SELECT g.letter_id, -g.agency_id FROM letters_registration g
    JOIN letters_letter l ON l.id = g.letter_id WHERE g.letter_id = ANY(%(ids)s) AND {CLERK}),
rd AS (SELECT letter_id, array_agg(k ORDER BY k) AS readers FROM k GROUP BY letter_id)
UPDATE search_searchentry e SET readers = rd.readers FROM rd WHERE e.letter_id = rd.letter_id
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        for sql in ADD:
            cursor.execute(sql)
        cursor.execute("SELECT letter_id FROM search_searchentry ORDER BY letter_id")
        ids = [row[0] for row in cursor.fetchall()]
        for start in range(0, len(ids), 5000):
            cursor.execute(FILL, {"ids": ids[start : start + 5000]})
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
