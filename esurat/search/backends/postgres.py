"""Search on PostgreSQL: the weighted tsvector column `vector` (GIN) and trigram indexes on
`numbers` and `names` (pg_trgm), created by migration 0003."""

from django.db.models import BooleanField, FloatField, Q
from django.db.models.expressions import RawSQL

from esurat.search.models import SearchEntry

TABLE = SearchEntry._meta.db_table
UPDATE_FIELDS = [
    f.name for f in SearchEntry._meta.concrete_fields if not f.primary_key
]  # every column the ORM knows (`vector` is generated from them)


def write(entries: list[SearchEntry]) -> None:
    """Insert or replace these entries (the tsvector follows by itself: a generated column)."""
    SearchEntry.objects.bulk_create(
        entries, update_conflicts=True, unique_fields=["letter"], update_fields=UPDATE_FIELDS
    )


def delete(letter_ids) -> None:
    SearchEntry.objects.filter(letter_id__in=list(letter_ids)).delete()


def _tsquery(terms) -> str:
    """Every term must match: the word (a prefix when typed halfway) or its stem."""
    groups = []
    for term in terms:
        words = [f"{term.word}:*" if term.prefix else term.word]
        if term.stem != term.word:
            words.append(term.stem)
        groups.append("(" + " | ".join(words) + ")")
    return " & ".join(groups)


def _matches(query: str) -> RawSQL:
    return RawSQL(
        f"{TABLE}.vector @@ to_tsquery('simple', %s)", [query], output_field=BooleanField()
    )


def match(entries, terms, number: str, *, fuzzy: bool, government_id: int):
    """Narrow the entries to those matching the terms, annotated with `rank` (higher first).

    A number typed in part matches anywhere in the letter's numbers (trigram index). `fuzzy`
    (used when nothing matched exactly) also lets each term match a name it resembles:
    word_similarity ≥ pg_trgm's threshold (0.6), read from the trigram index on `names`."""
    query = _tsquery(terms)
    condition = Q(_matches(query))
    if number:
        condition |= Q(numbers__contains=number)
    if fuzzy:
        condition = Q()
        for term in terms:
            alike = RawSQL(f"%s <%% {TABLE}.names", [term.word], output_field=BooleanField())
            condition &= Q(_matches(_tsquery([term]))) | Q(alike)
    rank = RawSQL(
        f"ts_rank({TABLE}.vector, to_tsquery('simple', %s))::float8",
        [query],
        output_field=FloatField(),
    )
    return entries.filter(condition).annotate(rank=rank)
