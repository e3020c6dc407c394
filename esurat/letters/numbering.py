"""Counters and letter-number templates."""

import datetime
import string

from django.db import connection, transaction

from esurat.letters.models import LetterKind, Sequence
from esurat.lib.dates import roman_month

PLACEHOLDERS = {"classification", "seq", "unit_code", "kind", "month", "month_roman", "year"}


def next_value(key: str, year: int) -> int:
    """Increment and return the counter (key, year), locking its row until the caller commits.

    Must run inside the transaction that uses the value: a rollback gives the value back, so the
    series has no gaps, and the row lock makes concurrent callers queue, so no value repeats.
    """
    return next_values([key], year)[key]


def next_values(keys: list[str], year: int) -> dict[str, int]:
    """Increment the counters (key, year) of every key and return key → its new value.

    The guarantees of next_value, for many counters in ONE statement (a signing to the whole
    government draws 60 agenda numbers): an upsert creates a missing counter at 1 or adds 1 to
    the existing one and locks its row until the caller commits. Rows are locked in the order of
    `keys`, so callers that list them in one agreed order (agency id) cannot deadlock.
    """
    assert transaction.get_connection().in_atomic_block, "next_value needs a transaction"
    if len(set(keys)) != len(keys):
        raise ValueError("each counter may be drawn once per call")
    if not keys:
        return {}
    table = connection.ops.quote_name(Sequence._meta.db_table)
    rows = ", ".join(["(%s, %s, 1)"] * len(keys))
    sql = (
        f"INSERT INTO {table} (key, year, last_value) VALUES {rows} "
        f"ON CONFLICT (key, year) DO UPDATE SET last_value = {table}.last_value + 1 "
        "RETURNING key, last_value"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [value for key in keys for value in (key, year)])
        return dict(cursor.fetchall())


def agenda_key(agency_id: int, direction: str) -> str:
    """The counter of an agency's agenda (registry book), one series per direction (in, out)."""
    return f"agenda:{direction}:a{agency_id}"


def sequence_key(kind: LetterKind, *, agency, classification) -> str:
    scope = kind.sequence_scope
    if scope == LetterKind.Scope.AGENCY:
        return f"out:a{agency.pk}"
    if scope == LetterKind.Scope.AGENCY_KIND:
        return f"out:a{agency.pk}:k{kind.pk}"
    if scope == LetterKind.Scope.AGENCY_CLASSIFICATION:
        return f"out:a{agency.pk}:c{classification.code}"
    return f"out:g{agency.government_id}:k{kind.pk}"


def check_template(template: str) -> None:
    fields = {name for _, name, _, _ in string.Formatter().parse(template) if name}
    unknown = fields - PLACEHOLDERS
    if unknown:
        raise ValueError(f"unknown placeholders: {', '.join(sorted(unknown))}")
    if "seq" not in fields:
        raise ValueError("the template needs {seq}")


def render_number(
    kind: LetterKind, *, seq: int, insert: int, agency, classification, date: datetime.date
) -> str:
    seq_text = f"{seq:0{kind.seq_digits}d}" + (f".{insert}" if insert else "")
    return kind.number_template.format(
        classification=classification.code,
        seq=seq_text,
        unit_code=agency.unit_code,
        kind=kind.abbreviation,
        month=f"{date.month:02d}",
        month_roman=roman_month(date),
        year=date.year,
    )
