"""PostgreSQL only: `search_reader`, one row per key of an entry's `readers` (key, sort_at,
letter_id), under one btree (key, sort_at DESC, letter_id DESC): the letters a user may read,
newest first, without visiting any letter they may not read. A search for a word found in many
of a head of agency's letters walks these rows and checks each letter's words, where the date
index of every entry made it read ten times as many rows (bench/README.md, issue 12). Written
with `readers` by the same functions (esurat.search.backends.postgres); no foreign key: letters
are never deleted, and a row left behind is never read (the walk joins the entry on its current
date and checks its current readers)."""

from django.db import migrations

CREATE = (
    "CREATE TABLE IF NOT EXISTS search_reader (key bigint NOT NULL, "
    "sort_at timestamp with time zone NOT NULL, letter_id bigint NOT NULL)"
)
FILL = (
    "INSERT INTO search_reader (key, sort_at, letter_id) "
    "SELECT unnest(readers), sort_at, letter_id FROM search_searchentry"
)
INDEX = (
    "CREATE INDEX IF NOT EXISTS search_reader_walk ON search_reader "
    "(key, sort_at DESC, letter_id DESC)"
)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for sql in (CREATE, FILL, INDEX, "ANALYZE search_reader"):
        schema_editor.execute(sql)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP TABLE IF EXISTS search_reader")


class Migration(migrations.Migration):
    dependencies = [("search", "0008_attachment_text")]

    operations = [migrations.RunPython(forwards, backwards)]
