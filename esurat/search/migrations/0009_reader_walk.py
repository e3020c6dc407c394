"""PostgreSQL only: `search_reader`, one row per key of an entry's `readers` (key, sort_at,
letter_id), under one btree (key, sort_at DESC, letter_id DESC): the letters a user may read,
newest first, without visiting any letter they may not read. A search for a word found in many
of a head of agency's letters walks these rows and checks each letter's words, where the date
index of every entry made it read ten times as many rows (bench/README.md, issue 12).

The database keeps the rows in step itself: statement triggers on the entries (transition
tables, set-based) write the rows of inserted entries, rewrite those of entries whose readers
or date changed, and remove those of deleted entries, in the same transaction, whoever writes
the entry (this code, an older process still running during a deployment, a migration). Two
transactions changing one entry are serialised by the entry's row lock, so the second one's
trigger sees the first one's rows. The joins to the walk index are nested loops (a hash join
would read all 5.6 million rows of a city for each statement). `manage.py reindex --full` skips
the triggers in its own sessions only (`esurat.loading`) and writes every row once at its end
(esurat.search.backends.postgres.bulk_end)."""

from django.db import migrations

CREATE = (
    "CREATE TABLE IF NOT EXISTS search_reader (key bigint NOT NULL, "
    "sort_at timestamp with time zone NOT NULL, letter_id bigint NOT NULL)"
)
INDEX = (
    "CREATE INDEX IF NOT EXISTS search_reader_walk ON search_reader "
    "(key, sort_at DESC, letter_id DESC)"
)
CHANGED = "(n.readers IS DISTINCT FROM o.readers OR n.sort_at IS DISTINCT FROM o.sort_at)"
# The rows of an old entry `o`, found through the walk index.
OLD_ROWS = "r.key = ANY(o.readers) AND r.sort_at = o.sort_at AND r.letter_id = o.letter_id"
LOADING = """IF current_setting('esurat.loading', true) = 'on' THEN  -- a full reindex's session
            RETURN NULL;
        END IF;"""
FUNCTIONS = [
    f"""CREATE OR REPLACE FUNCTION search_reader_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        {LOADING}
        INSERT INTO search_reader (key, sort_at, letter_id)
        SELECT unnest(readers), sort_at, letter_id FROM new_rows;
        RETURN NULL;
    END $$""",
    f"""CREATE OR REPLACE FUNCTION search_reader_updated() RETURNS trigger LANGUAGE plpgsql
    SET enable_hashjoin = off SET enable_mergejoin = off AS $$
    BEGIN
        {LOADING}
        IF NOT EXISTS (SELECT 1 FROM new_rows) THEN  -- an INSERT ... ON CONFLICT that inserted
            RETURN NULL;
        END IF;
        DELETE FROM search_reader r USING old_rows o JOIN new_rows n ON n.letter_id = o.letter_id
        WHERE {CHANGED} AND {OLD_ROWS};
        INSERT INTO search_reader (key, sort_at, letter_id)
        SELECT unnest(n.readers), n.sort_at, n.letter_id
        FROM old_rows o JOIN new_rows n ON n.letter_id = o.letter_id WHERE {CHANGED};
        RETURN NULL;
    END $$""",
    f"""CREATE OR REPLACE FUNCTION search_reader_deleted() RETURNS trigger LANGUAGE plpgsql
    SET enable_hashjoin = off SET enable_mergejoin = off AS $$
    BEGIN
        {LOADING}
        DELETE FROM search_reader r USING old_rows o WHERE {OLD_ROWS};
        RETURN NULL;
    END $$""",
    """CREATE OR REPLACE FUNCTION search_reader_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        TRUNCATE search_reader;
        RETURN NULL;
    END $$""",
]
TRIGGERS = [
    "CREATE TRIGGER search_reader_inserted AFTER INSERT ON search_searchentry "
    "REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION search_reader_inserted()",
    "CREATE TRIGGER search_reader_updated AFTER UPDATE ON search_searchentry "
    "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows "
    "FOR EACH STATEMENT EXECUTE FUNCTION search_reader_updated()",
    "CREATE TRIGGER search_reader_deleted AFTER DELETE ON search_searchentry "
    "REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION search_reader_deleted()",
    # Emptied with the entries (a TRUNCATE fires no DELETE trigger; the tests' flush truncates)
    "CREATE TRIGGER search_reader_truncated AFTER TRUNCATE ON search_searchentry "
    "FOR EACH STATEMENT EXECUTE FUNCTION search_reader_truncated()",
]
FILL = (
    "INSERT INTO search_reader (key, sort_at, letter_id) "
    "SELECT unnest(readers), sort_at, letter_id FROM search_searchentry"
)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # The table locked first, so that no entry is written between the fill and the triggers.
    schema_editor.execute("LOCK TABLE search_searchentry IN SHARE ROW EXCLUSIVE MODE")
    for sql in [CREATE, *FUNCTIONS, *TRIGGERS, FILL, INDEX, "ANALYZE search_reader"]:
        schema_editor.execute(sql)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in ("inserted", "updated", "deleted", "truncated"):
            schema_editor.execute(
                f"DROP TRIGGER IF EXISTS search_reader_{name} ON search_searchentry"
            )
            schema_editor.execute(f"DROP FUNCTION IF EXISTS search_reader_{name}()")
        schema_editor.execute("DROP TABLE IF EXISTS search_reader")


class Migration(migrations.Migration):
    dependencies = [("search", "0008_attachment_text")]

    operations = [migrations.RunPython(forwards, backwards)]
