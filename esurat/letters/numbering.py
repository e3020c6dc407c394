"""Counters and letter-number templates."""

import datetime
import string

from django.db import IntegrityError, transaction

from esurat.letters.models import LetterKind, Sequence
from esurat.lib.dates import roman_month

PLACEHOLDERS = {"classification", "seq", "unit_code", "kind", "month", "month_roman", "year"}


def next_value(key: str, year: int) -> int:
    """Increment and return the counter (key, year), locking its row until the caller commits.

    Must run inside the transaction that uses the value: a rollback gives the value back, so the
    series has no gaps, and the row lock makes concurrent callers queue, so no value repeats.
    """
    assert transaction.get_connection().in_atomic_block, "next_value needs a transaction"
    if not Sequence.objects.filter(key=key, year=year).exists():
        try:
            with transaction.atomic():
                Sequence.objects.create(key=key, year=year)
        except IntegrityError:
            pass  # created by a concurrent caller; lock it below
    counter = Sequence.objects.select_for_update().get(key=key, year=year)
    counter.last_value += 1
    counter.save(update_fields=["last_value"])
    return counter.last_value


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
