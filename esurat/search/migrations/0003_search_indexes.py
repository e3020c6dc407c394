"""The full-text indexes of SearchEntry, which differ by database (written by hand: Django's
migration state knows nothing of them, so `makemigrations` leaves them alone).

PostgreSQL: a stored generated tsvector column (`simple` configuration: the text is already
folded by esurat.search.text, so both databases see the same words), weighted A for the subject
and numbers, B for names, D for the body, with a GIN index; pg_trgm GIN indexes on `numbers` and
`names` for partial numbers and misspelt names.

SQLite: an FTS5 table `search_fts` (rowid = letter id) with the same four columns and prefix
indexes for 2- and 3-character prefixes; kept by the same writes as SearchEntry.
"""

from django.db import migrations

POSTGRES = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    """ALTER TABLE search_searchentry ADD COLUMN vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple'::regconfig, title), 'A')
        || setweight(to_tsvector('simple'::regconfig, numbers), 'A')
        || setweight(to_tsvector('simple'::regconfig, names), 'B')
        || setweight(to_tsvector('simple'::regconfig, body), 'D')) STORED""",
    "CREATE INDEX search_vector ON search_searchentry USING gin (vector)",
    "CREATE INDEX search_numbers_trgm ON search_searchentry USING gin (numbers gin_trgm_ops)",
    "CREATE INDEX search_names_trgm ON search_searchentry USING gin (names gin_trgm_ops)",
]
POSTGRES_BACK = [
    "DROP INDEX IF EXISTS search_names_trgm",
    "DROP INDEX IF EXISTS search_numbers_trgm",
    "DROP INDEX IF EXISTS search_vector",
    "ALTER TABLE search_searchentry DROP COLUMN IF EXISTS vector",
]
SQLITE = [
    "CREATE VIRTUAL TABLE search_fts USING fts5(title, numbers, names, body, "
    "tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3')",
]
SQLITE_BACK = ["DROP TABLE IF EXISTS search_fts"]


def _run(statements: dict):
    def run(apps, schema_editor):
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0002_search_entry")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRES, "sqlite": SQLITE}),
            _run({"postgresql": POSTGRES_BACK, "sqlite": SQLITE_BACK}),
        ),
    ]
