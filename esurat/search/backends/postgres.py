"""Search on PostgreSQL: the weighted tsvector column `vector` (GIN) and trigram indexes on
`numbers` and `names` (pg_trgm), created by migration 0003."""

from django.db import connection
from django.db.models import BooleanField, FloatField, Q
from django.db.models.expressions import RawSQL

from esurat.search.models import SearchEntry

TABLE = SearchEntry._meta.db_table


# One statement builds the entries of a batch of letters (given as an array of ids) from the
# letter, its sender, agency, recipients and scan text: the same columns as
# esurat.search.documents.entries_for builds in Python for SQLite, folded by esurat_fold
# (migration 0004), the twin of esurat.search.text.fold.
INDEX_SQL = f"""
WITH r AS (
    SELECT rc.letter_id,
           string_agg(concat_ws(' ', p.title, pa.name, pa.short_name, ra.name, ra.short_name,
                                x.name), ' ' ORDER BY rc.id) AS names
    FROM letters_recipient rc
    LEFT JOIN organisations_position p ON p.id = rc.position_id
    LEFT JOIN organisations_agency pa ON pa.id = p.agency_id
    LEFT JOIN organisations_agency ra ON ra.id = rc.agency_id
    LEFT JOIN letters_externalparty x ON x.id = rc.external_id
    WHERE rc.letter_id = ANY(%(ids)s)
    GROUP BY rc.letter_id)
INSERT INTO {TABLE} (letter_id, government_id, agency_id, kind_id, classification_id, origin,
                     state, security, dated, sort_at, title, numbers, names, body)
SELECT l.id, l.government_id, l.agency_id, l.kind_id, l.classification_id, l.origin, l.state,
       l.security, COALESCE(l.letter_date, l.received_on, (l.created_at AT TIME ZONE 'UTC')::date),
       COALESCE(l.sent_at, l.created_at),
       esurat_fold(l.subject),
       esurat_fold(l.number || ' ' || l.sender_number),
       esurat_fold(concat_ws(' ', s.name, a.name, a.short_name, r.names)),
       esurat_fold(concat_ws(' ', regexp_replace(l.body, '<[^>]*>|&[#a-z0-9]+;', ' ', 'gi'),
                             l.summary, t.text))
FROM letters_letter l
JOIN organisations_agency a ON a.id = l.agency_id
LEFT JOIN letters_externalparty s ON s.id = l.sender_id
LEFT JOIN search_lettertext t ON t.letter_id = l.id AND t.state = 'done'
LEFT JOIN r ON r.letter_id = l.id
WHERE l.id = ANY(%(ids)s)
ON CONFLICT (letter_id) DO UPDATE SET
    government_id = EXCLUDED.government_id, agency_id = EXCLUDED.agency_id,
    kind_id = EXCLUDED.kind_id, classification_id = EXCLUDED.classification_id,
    origin = EXCLUDED.origin, state = EXCLUDED.state, security = EXCLUDED.security,
    dated = EXCLUDED.dated, sort_at = EXCLUDED.sort_at, title = EXCLUDED.title,
    numbers = EXCLUDED.numbers, names = EXCLUDED.names, body = EXCLUDED.body
"""


def index(letter_ids) -> int:
    """Insert or replace the entries of these letters (the tsvector follows by itself: a
    generated column); returns how many letters were found."""
    with connection.cursor() as cursor:
        cursor.execute(INDEX_SQL, {"ids": list(letter_ids)})
        return cursor.rowcount


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


# The text indexes of migration 0003, dropped while `manage.py reindex --full` loads every entry
# and built again at its end: one build is much faster than a million index updates.
TEXT_INDEXES = {
    "search_vector": f"CREATE INDEX IF NOT EXISTS search_vector ON {TABLE} USING gin (vector)",
    "search_numbers_trgm": f"CREATE INDEX IF NOT EXISTS search_numbers_trgm ON {TABLE} "
    "USING gin (numbers gin_trgm_ops)",
    "search_names_trgm": f"CREATE INDEX IF NOT EXISTS search_names_trgm ON {TABLE} "
    "USING gin (names gin_trgm_ops)",
}


def bulk_start() -> None:
    with connection.cursor() as cursor:
        for name in TEXT_INDEXES:
            cursor.execute(f"DROP INDEX IF EXISTS {name}")


def bulk_end() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # inside a transaction (the tests)
        cursor.execute("SET maintenance_work_mem = '256MB'")
        for sql in TEXT_INDEXES.values():
            cursor.execute(sql)
        cursor.execute(f"ANALYZE {TABLE}")
