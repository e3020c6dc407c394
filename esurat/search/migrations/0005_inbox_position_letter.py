"""An index on the inbox for search's scope (bench/README.md, issue 12): a user's inbox letters
read from the index alone, with the read mark and the security class (the read/unread facet and
a delegate's R/SR rule), instead of one heap page per row (18,000 pages for a head of agency, on
every search). On the letters app's table, created here because search is what needs it."""

from django.db import migrations

CREATE = (
    "CREATE INDEX IF NOT EXISTS search_inbox_position_letter "
    "ON letters_inboxentry (position_id, letter_id)"
)


def create(apps, schema_editor):
    sql = CREATE
    if schema_editor.connection.vendor == "postgresql":
        sql += " INCLUDE (read_at, security)"
    schema_editor.execute(sql)


def drop(apps, schema_editor):
    schema_editor.execute("DROP INDEX IF EXISTS search_inbox_position_letter")


class Migration(migrations.Migration):
    dependencies = [("search", "0004_fold_function"), ("letters", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
