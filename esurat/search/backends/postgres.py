"""Search on PostgreSQL: the weighted tsvector column `vector` (GIN) and trigram indexes on
`numbers` and `names` (pg_trgm), created by migration 0003."""

import datetime
import json
from concurrent.futures import ThreadPoolExecutor

from django.db import connection, transaction
from django.db.models import (
    BooleanField,
    DateTimeField,
    ExpressionWrapper,
    F,
    FloatField,
    Q,
    Value,
)
from django.db.models.expressions import RawSQL

from esurat.letters.access import (
    INCOMING_CLERK_STATES,
    SENT_CLERK_STATES,
    clerk_agency_ids,
    seat_position_ids,
)
from esurat.letters.models import NARROW_SECURITY, Letter
from esurat.search.models import SearchEntry
from esurat.search.text import distinct_words, fold, strip_tags, vector_text

TABLE = SearchEntry._meta.db_table
# A misspelt name's check (word_similarity against the names, ~3 µs a row: never walked).
_ALIKE = f"<%% {TABLE}.names"


# Who may read a letter, as keys of the `readers` column (migration 0007): the positions of its
# participations and inbox rows, and -agency_id for each agency whose registry clerks may read it
# (its own agency and those that registered it, when it is neither R nor SR and in a state a
# clerk sees: esurat.letters.access, visible_letter_ids). A search reads the letters whose keys
# meet the user's (`readers && keys`, a GIN index), then checks each result by the rule itself:
# a stale key can hide a letter, never show one.
READERS_SQL = """
    SELECT letter_id, position_id AS k FROM letters_participant WHERE letter_id = ANY(%(ids)s)
    UNION
    SELECT letter_id, position_id FROM letters_inboxentry WHERE letter_id = ANY(%(ids)s)
    UNION
    SELECT l.id, -l.agency_id FROM letters_letter l
    WHERE l.id = ANY(%(ids)s) AND {clerk}
    UNION
    SELECT g.letter_id, -g.agency_id FROM letters_registration g
    JOIN letters_letter l ON l.id = g.letter_id
    WHERE g.letter_id = ANY(%(ids)s) AND {clerk}
""".format(
    clerk="l.security <> ALL(%(narrow)s) AND (l.state = ANY(%(sent_states)s) OR "
    "(l.origin = %(registered)s AND l.state = ANY(%(incoming_states)s)))"
)
READERS_PARAMS = {
    "narrow": list(NARROW_SECURITY),
    "sent_states": list(SENT_CLERK_STATES),
    "incoming_states": list(INCOMING_CLERK_STATES),
    "registered": Letter.Origin.REGISTERED.value,
}

# What of a batch of letters is searchable, read in one query: subject, numbers, the names of
# its sender, agency and recipients, body (HTML), summary, and the text of its scan and of its
# other attachments. Folded in Python
# (esurat.search.text, the same code as SQLite's entries): a C-level byte translation costs
# ~30 µs a letter where the same folding in SQL (unaccent + regexp_replace) cost ~0.5 ms.
SOURCE_SQL = """
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
SELECT l.id, l.subject, l.number || ' ' || l.sender_number,
       concat_ws(' ', s.name, a.name, a.short_name, r.names), l.body, l.summary,
       concat_ws(' ', t.text, (SELECT string_agg(x.text, ' ' ORDER BY f.id)
                               FROM letters_attachment f
                               JOIN search_attachmenttext x ON x.attachment_id = f.id
                               WHERE f.letter_id = l.id AND x.state = 'done'))
FROM letters_letter l
JOIN organisations_agency a ON a.id = l.agency_id
LEFT JOIN letters_externalparty s ON s.id = l.sender_id
LEFT JOIN search_lettertext t ON t.letter_id = l.id AND t.state = 'done'
LEFT JOIN r ON r.letter_id = l.id
WHERE l.id = ANY(%(ids)s)
"""

# Then one statement writes the entries: the letters' own columns, the folded texts, the
# vector (title and numbers weight A, names B, with positions; the body's distinct words with
# none: weight D, the default) given in tsvector text form, and the readers keys. The folded body
# itself is not stored: it only fed the vector (2.2 GB of TOAST at 1,000,000 letters).
INDEX_SQL = f"""
WITH v AS (
    SELECT * FROM unnest(string_to_array(%(id_text)s, ',')::bigint[],
                         string_to_array(%(titles)s, '|'), string_to_array(%(numbers)s, '|'),
                         string_to_array(%(names)s, '|'), string_to_array(%(vectors)s, '|'))
        AS v(letter_id, title, numbers, names, vector)),
k AS ({READERS_SQL}),
rd AS (SELECT letter_id, array_agg(k ORDER BY k) AS readers FROM k GROUP BY letter_id)
INSERT INTO {TABLE} (letter_id, government_id, agency_id, kind_id, classification_id, origin,
                     state, security, dated, sort_at, title, numbers, names, body, readers,
                     vector)
SELECT l.id, l.government_id, l.agency_id, l.kind_id, l.classification_id, l.origin, l.state,
       l.security,
       COALESCE(l.letter_date, l.received_on, (l.created_at AT TIME ZONE 'UTC')::date),
       COALESCE(l.sent_at, l.created_at),
       -- string_to_array('', '|') is an empty array: one letter's empty text comes back NULL
       COALESCE(v.title, ''), COALESCE(v.numbers, ''), COALESCE(v.names, ''), '',
       COALESCE(rd.readers, '{{}}'), COALESCE(v.vector, '')::tsvector
FROM v
JOIN letters_letter l ON l.id = v.letter_id
LEFT JOIN rd ON rd.letter_id = l.id
ON CONFLICT (letter_id) DO UPDATE SET
    government_id = EXCLUDED.government_id, agency_id = EXCLUDED.agency_id,
    kind_id = EXCLUDED.kind_id, classification_id = EXCLUDED.classification_id,
    origin = EXCLUDED.origin, state = EXCLUDED.state, security = EXCLUDED.security,
    dated = EXCLUDED.dated, sort_at = EXCLUDED.sort_at, title = EXCLUDED.title,
    numbers = EXCLUDED.numbers, names = EXCLUDED.names, body = '', readers = EXCLUDED.readers,
    vector = EXCLUDED.vector
"""


def index(letter_ids) -> int:
    """Insert or replace the entries of these letters; returns how many letters were found."""
    ids = list(letter_ids)
    columns = {"ids": [], "titles": [], "numbers": [], "names": [], "vectors": []}
    with connection.cursor() as cursor:
        cursor.execute(SOURCE_SQL, {"ids": ids})
        for pk, subject, numbers, names, body, summary, scan in cursor.fetchall():
            title, numbers, names = fold(subject), fold(numbers), fold(names)
            words = distinct_words(" ".join((strip_tags(body), summary, scan or "")))
            columns["ids"].append(pk)
            columns["titles"].append(title)
            columns["numbers"].append(numbers)
            columns["names"].append(names)
            columns["vectors"].append(
                vector_text([(title, "A"), (numbers, "A"), (names, "B")], words)
            )
        if not columns["ids"]:
            return 0
        # Each column as one string, split by the database: folded text holds no "|" (nor ","),
        # and one string is passed at C speed where a list is adapted item by item in Python.
        ids = columns.pop("ids")
        joined = {name: "|".join(texts) for name, texts in columns.items()}
        if _LOADING["on"]:  # the walk's rows are written once, by bulk_end
            cursor.execute("SELECT set_config('esurat.loading', 'on', true)")
        cursor.execute(
            INDEX_SQL, {"id_text": ",".join(map(str, ids)), "ids": ids, **joined, **READERS_PARAMS}
        )
        return cursor.rowcount


# `search_reader` (migration 0009): a row per key of each entry's `readers`, kept in step by
# the database's own triggers on the entries, for the walk (`newest`). A full reindex's sessions
# skip the triggers (`esurat.loading`: ~15 s of 1,000,000 letters' load copying each written
# entry into the triggers' transition tables) and write every row once at the end, in one
# transaction that other sessions wait for.
READER_TABLE = "search_reader"
READER_INDEX = (
    f"CREATE INDEX IF NOT EXISTS search_reader_walk ON {READER_TABLE} "
    "(key, sort_at DESC, letter_id DESC)"
)
READER_REFILL = [
    "DROP INDEX IF EXISTS search_reader_walk",
    f"TRUNCATE {READER_TABLE}",
    f"INSERT INTO {READER_TABLE} (key, sort_at, letter_id) "
    f"SELECT unnest(readers), sort_at, letter_id FROM {TABLE}",
    READER_INDEX,
]
_LOADING = {"on": False}  # between bulk_start and bulk_end, in the reindexing process


def refresh_readers(letter_ids) -> None:
    """Write the readers keys of these letters again (after participations, inbox rows or
    registrations changed without the rest of the entry)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""WITH k AS ({READERS_SQL}),
                rd AS (SELECT letter_id, array_agg(k ORDER BY k) AS readers FROM k
                       GROUP BY letter_id)
                UPDATE {TABLE} e SET readers = COALESCE(rd.readers, '{{}}')
                FROM (SELECT unnest(%(ids)s::bigint[]) AS letter_id) AS changed
                LEFT JOIN rd ON rd.letter_id = changed.letter_id
                WHERE e.letter_id = changed.letter_id""",
            {"ids": list(letter_ids), **READERS_PARAMS},
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
            alike = RawSQL(f"%s {_ALIKE}", [term.word], output_field=BooleanField())
            condition &= Q(_matches(_tsquery([term]))) | Q(alike)
    rank = ranking(terms)
    return entries.filter(condition).annotate(rank=rank)


# The newest matches, read the cheaper of two ways (bench/README.md, issue 12):
# - walking the letters the user may read newest first (`search_reader`: one index range per
#   key of theirs, merged), checking each one's words, and stopping at the `limit`-th match:
#   about limit × readable / matches letters read. Right when matches are many among what they
#   may read ("kegiatan", 90 % of the letters; "disdik" for its head of agency);
# - the GIN index (readers and words), every match's row visited for its date, then sorted:
#   about as many rows as match. Right when they are few ("stunting", 1 % of the letters).
# The planner cannot tell which: its estimate of "readers meet the user's keys AND these words"
# multiplies the two as if independent, where a head of agency's letters are those that carry
# the agency's words (96,745 matches of "disdik" estimated at 26,526, then sorted in 105 ms
# where a walk takes 11 ms). So the newest WINDOW readable letters are walked first, which
# measures how dense the matches are among them, and the walk goes on only while it is expected
# to cost less than visiting every match (a letter walked costs about WALK_COST matches visited).
WINDOW = 1200
WALK_COST = 1.75
# Below this many matches (planner's estimate) the GIN index is always cheaper: no walk tried.
FEW = 2000
_FROM = f'FROM "{TABLE}"'


def _estimate(cursor, sql: str, params) -> float:
    cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
    plan = cursor.fetchone()[0]
    return (json.loads(plan) if isinstance(plan, str) else plan)[0]["Plan"]["Plan Rows"]


def newest(matched, limit: int, user, after=None) -> list[tuple]:
    """The newest `limit` matches as (letter_id, sort_at), newest first. `matched` holds only
    entries older than `after` (a (letter_id, sort_at)), where the walk starts."""
    rows = matched.order_by().values_list("letter_id", "sort_at")
    sql, params = rows.query.sql_with_params()
    keys = sorted(set(sum(_keys(user), [])))
    with connection.cursor() as cursor:
        walk = keys and sql.count(_FROM) == 1 and _ALIKE not in sql
        if walk and _estimate(cursor, sql, params) >= FEW:
            walked, complete = _walk(cursor, sql, params, keys, WINDOW, limit, after)
            if len(walked) >= limit or complete:
                return walked
            density = len(walked) / WINDOW
            if density:
                readable = _estimate(cursor, *_stream(keys, None, after))
                to_walk = limit / density
                if WALK_COST * to_walk <= density * readable:
                    walked, complete = _walk(cursor, sql, params, keys, int(2 * to_walk), limit,
                                             after)  # fmt: skip
                    if len(walked) >= limit or complete:
                        return walked
    return _from_index(rows, limit, walked_first=bool(walk))


def _from_index(rows, limit: int, *, walked_first: bool) -> list[tuple]:
    """Every match from the GIN index, sorted: the date through an expression no index provides,
    so that the planner does not walk the date index instead. (`walked_first`: a walk was tried,
    for the tests that force it.)"""
    by_date = ExpressionWrapper(F("sort_at") + Value(datetime.timedelta(0)),
                                output_field=DateTimeField())  # fmt: skip
    return list(rows.order_by(by_date.desc(), "-letter_id")[:limit])


def _stream(keys, window: int | None, after) -> tuple[str, list]:
    """The letters with any of these keys, newest first, each once (at most `window`): one range
    of the walk index per key, merged in date order."""
    start, start_params = "", []
    if after is not None:
        start, start_params = " AND (sort_at, letter_id) < (%s, %s)", [after[1], after[0]]
    limit = "" if window is None else " LIMIT %s"
    ranges = " UNION ALL ".join(
        f"(SELECT letter_id, sort_at FROM {READER_TABLE} WHERE key = %s{start} "
        f"ORDER BY sort_at DESC, letter_id DESC{limit})"
        for _key in keys
    )
    params = []
    for key in keys:
        params += [key, *start_params] + ([window] if window is not None else [])
    sql = (
        f"SELECT DISTINCT ON (sort_at, letter_id) letter_id, sort_at FROM ({ranges}) u "
        f"ORDER BY sort_at DESC, letter_id DESC{limit}"
    )
    return sql, params + ([window] if window is not None else [])


def _walk(cursor, sql, params, keys, window: int, limit: int, after) -> tuple[list, bool]:
    """The matches among the newest `window` letters the user may read (after `after`), newest
    first, at most `limit`, and whether those were all the letters they may read. Each letter's
    entry is read by its key (a nested loop, which stops at the `limit`-th match)."""
    stream, stream_params = _stream(keys, window, after)
    head, tail = sql.split(_FROM)
    n = head.count("%s")  # the parameters before FROM (none for plain columns)
    with transaction.atomic():  # an error rolls the settings back with the savepoint
        cursor.execute("SELECT set_config('enable_hashjoin', 'off', true), "
                       "set_config('enable_mergejoin', 'off', true)")  # fmt: skip
        cursor.execute(
            f"{head}FROM ({stream}) r JOIN {TABLE} ON {TABLE}.letter_id = r.letter_id "
            f"AND {TABLE}.sort_at = r.sort_at{tail} ORDER BY r.sort_at DESC, r.letter_id DESC "
            "LIMIT %s",
            [*params[:n], *stream_params, *params[n:], limit],
        )
        found = cursor.fetchall()
        cursor.execute("SELECT set_config('enable_hashjoin', 'on', true), "
                       "set_config('enable_mergejoin', 'on', true)")  # fmt: skip
    if len(found) >= limit:
        return found, False
    count_sql, count_params = _stream(keys, window + 1, after)
    cursor.execute(f"SELECT count(*) FROM ({count_sql}) c", count_params)
    return found, cursor.fetchone()[0] <= window


def ranking(terms) -> RawSQL:
    """How well an entry matches the terms (higher first): ts_rank over the weighted vector."""
    return RawSQL(
        f"ts_rank({TABLE}.vector, to_tsquery('simple', %s))::float8",
        [_tsquery(terms)],
        output_field=FloatField(),
    )


# The text indexes of migration 0003, dropped while `manage.py reindex --full` loads every entry
# and built again at its end: one build is much faster than a million index updates.
TEXT_INDEXES = {
    # One GIN index over who may read and the words (migration 0007): a search for a word by a
    # head of agency meets both conditions in one index scan (10 ms for 97,000 readable letters
    # and 120,000 matches) where two bitmaps, built then ANDed, cost 40 ms.
    "search_readers_vector": f"CREATE INDEX IF NOT EXISTS search_readers_vector ON {TABLE} "
    "USING gin (readers, vector)",
    "search_numbers_trgm": f"CREATE INDEX IF NOT EXISTS search_numbers_trgm ON {TABLE} "
    "USING gin (numbers gin_trgm_ops)",
    "search_names_trgm": f"CREATE INDEX IF NOT EXISTS search_names_trgm ON {TABLE} "
    "USING gin (names gin_trgm_ops)",
}


def bulk_start(empty: bool = False) -> None:
    """Drop the text indexes; `empty`: remove every entry first (a full rebuild from the first
    letter: no dead rows left behind, no conflict to check for each insert)."""
    with connection.cursor() as cursor:
        if empty:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # inside a transaction (the tests)
            cursor.execute(f"TRUNCATE {TABLE}")  # (and search_reader, by its trigger)
        for name in TEXT_INDEXES:
            cursor.execute(f"DROP INDEX IF EXISTS {name}")
        # The walk's index stays: other sessions' writes keep their rows through it meanwhile;
        # bulk_end writes all the rows again.
        cursor.execute(READER_INDEX)
    _LOADING["on"] = True


def bulk_end(jobs: int = 1) -> None:
    """Build the text indexes, `jobs` at a time (each on its own connection: PostgreSQL 15 builds
    one GIN index on one core, but several indexes of a table may be built at once)."""
    if jobs <= 1 or connection.in_atomic_block:  # the tests: the rows are in this transaction
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # inside a transaction (the tests)
            cursor.execute("SET maintenance_work_mem = '256MB'")
            for sql in [*TEXT_INDEXES.values(), *READER_REFILL]:
                cursor.execute(sql)
            cursor.execute(f"ANALYZE {TABLE}")
            cursor.execute(f"ANALYZE {READER_TABLE}")
            cursor.execute("SELECT set_config('esurat.loading', 'off', true)")
        _LOADING["on"] = False
        return

    def build(statements):
        try:
            with connection.cursor() as cursor:
                cursor.execute("SET maintenance_work_mem = '512MB'")
                if isinstance(statements, str):
                    cursor.execute(statements)
                    return
                with transaction.atomic():
                    for sql in statements:
                        cursor.execute(sql)
                cursor.execute(f"VACUUM (ANALYZE) {READER_TABLE}")
        finally:
            connection.close()

    # The largest first, so the others share the remaining cores; the walk's table is vacuumed
    # beside them, so that its index is read without visiting its rows.
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        list(pool.map(build, [*TEXT_INDEXES.values(), READER_REFILL]))
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {TABLE}")
    _LOADING["on"] = False


def _keys(user) -> tuple[list[int], list[int]]:
    """The user's keys of `readers`: their own seats and the registries they keep (-agency_id),
    and those they hold as a delegate (for letters neither R nor SR only)."""
    own, delegated = seat_position_ids(user)
    return own + [-agency for agency in sorted(clerk_agency_ids(user))], delegated


def readable(user) -> Q:
    """The entries whose readers meet the user's keys (the GIN index on `readers`): their seats,
    a delegate's only for letters neither R nor SR, and the registries they keep. A superset of
    what they may read only if a key went stale: the facade checks every result by the rule."""
    keys, delegated = _keys(user)
    condition = Q(RawSQL(f"{TABLE}.readers && %s::bigint[]", [keys], output_field=BooleanField()))
    if delegated:
        condition |= Q(
            RawSQL(f"{TABLE}.readers && %s::bigint[]", [delegated], output_field=BooleanField())
        ) & ~Q(security__in=NARROW_SECURITY)
    return condition
