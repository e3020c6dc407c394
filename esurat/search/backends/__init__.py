"""Search: one small interface over the database's own full-text search.

    index_letter(letter)   make the letter's current state findable (in the caller's transaction)
    index_letters(ids)     the same for a batch (manage.py reindex)
    refresh_readers(ids)   only who may find them (a participation or inbox row changed)
    remove(letter_ids)     forget letters
    search(user, query, filters, order, after) -> Results (a page, facets, total)

The backend is chosen by the database vendor: PostgreSQL (tsvector, GIN, pg_trgm) or SQLite
(FTS5). Both see the same words (esurat.search.text folds the text and the query alike) and are
run by the same tests. Results, totals and facets are counted only over the letters the user may
read (esurat.letters.access.visible_letter_ids): there is no unscoped search.
"""

import base64
import datetime
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace

from django.db import connection, transaction
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, TextField, Value
from django.db.models.functions import Concat
from django.utils.translation import gettext_lazy as _

from esurat.letters.access import (
    seat_position_ids,
    visible_letter_exists,
)
from esurat.letters.models import InboxEntry, Letter, LetterKind
from esurat.lib.ids import ids_in
from esurat.organisations.models import Agency
from esurat.search.backends import postgres, sqlite
from esurat.search.models import AttachmentText, LetterText, SearchEntry
from esurat.search.text import Term, number_text, snippet, strip_tags, terms

PAGE_SIZE = 20
# Totals are counted up to COUNT_CAP (shown as "1,000+" above it) and facets only for at most
# that many matches: counting 88,000 matches exactly on each search costs seconds at 1,000,000
# letters (bench/README.md, issue 12), and is not a useful number to read.
COUNT_CAP = 1000


def _backend():
    return postgres if connection.vendor == "postgresql" else sqlite


def index_letter(letter: Letter) -> None:
    """Write the letter's search entry from what the database holds now. Call it inside the
    do_* action that changed a searchable field (subject, body, number, sender, recipients,
    state, scan text), after the change is saved: it commits or rolls back with the action."""
    index_letters([letter.pk])


def index_letters(letter_ids) -> int:
    """Write the search entries of these letters (a batch); returns how many were written."""
    return _backend().index(list(letter_ids))


def refresh_readers(letter_ids) -> None:
    """Who may find these letters changed (a participation, an inbox row or a registration added
    or removed) but nothing else: write only that part of their entries, in the caller's
    transaction."""
    _backend().refresh_readers(list(letter_ids))


def bulk_start(empty: bool = False) -> None:
    """Before loading every entry (manage.py reindex --full): drop what slows a bulk load, and
    with `empty` every entry (the load starts from the first letter)."""
    _backend().bulk_start(empty)


def bulk_end(jobs: int = 1) -> None:
    """After a bulk load: build the text indexes again (idempotent), `jobs` at a time."""
    _backend().bulk_end(jobs)


def remove(letter_ids) -> None:
    """Forget these letters' search entries."""
    _backend().delete(letter_ids)


class Order:
    NEWEST = "newest"
    RELEVANT = "relevant"
    CHOICES = (NEWEST, RELEVANT)


@dataclass(frozen=True)
class Filters:
    """What narrows a search besides its words; empty values narrow nothing."""

    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    kind: str = ""  # a letter kind's code
    agency: uuid.UUID | None = None  # an agency's code
    classification: str = ""  # a classification code: the code and those below it
    direction: str = ""  # "in": registered from outside; "out": drafted here
    state: str = ""
    read: str = ""  # "read" or "unread": the user's own inbox rows


@dataclass
class Results:
    hits: list  # Letter objects (with kind, agency, sender), each with .snippet and .unread
    total: int  # at most COUNT_CAP + 1 (see `capped`)
    facets: dict = field(default_factory=dict)  # name -> [(value, count)], largest first
    next_cursor: str = ""
    terms: list = field(default_factory=list)
    fuzzy: bool = False
    order: str = "newest"  # Order.NEWEST or Order.RELEVANT (among the newest COUNT_CAP + 1)

    @property
    def capped(self) -> bool:
        """More than COUNT_CAP letters matched: `total` is not exact and there are no facets."""
        return self.total > COUNT_CAP

    @property
    def cap(self) -> int:
        return COUNT_CAP


DIRECTION = {"in": Letter.Origin.REGISTERED, "out": Letter.Origin.DRAFTED}


def _unread_rows(user, *, read: bool | None = None):
    own, delegated = seat_position_ids(user)
    rows = InboxEntry.objects.filter(
        letter_id=OuterRef("letter_id"), position_id__in=own + delegated
    )
    if read is not None:
        rows = rows.filter(read_at__isnull=not read)
    return rows


def _filtered(entries, user, filters: Filters):
    f = filters
    if f.date_from:
        entries = entries.filter(dated__gte=f.date_from)
    if f.date_to:
        entries = entries.filter(dated__lte=f.date_to)
    if f.kind:
        entries = entries.filter(kind__code=f.kind)
    if f.agency:
        entries = entries.filter(agency__code=f.agency)
    if f.classification:
        code = f.classification.strip()
        entries = entries.filter(
            Q(classification__code=code) | Q(classification__code__startswith=f"{code}.")
        )
    if f.direction in DIRECTION:
        entries = entries.filter(origin=DIRECTION[f.direction])
    if f.state:
        entries = entries.filter(state=f.state)
    if f.read in ("read", "unread"):
        entries = entries.filter(Exists(_unread_rows(user, read=f.read == "read")))
    return entries


def _encode(*parts) -> str:
    return base64.urlsafe_b64encode("|".join(map(str, parts)).encode()).decode().rstrip("=")


def _decode(cursor: str) -> list[str]:
    try:
        return base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode().split("|")
    except ValueError:
        return []


def _after(entries, order: str, cursor: str):
    parts = _decode(cursor) if cursor else []
    try:
        if order == Order.RELEVANT and len(parts) == 2:
            rank, pk = float(parts[0]), int(parts[1])
            return entries.filter(Q(rank__lt=rank) | Q(rank=rank, letter_id__lt=pk))
        if order == Order.NEWEST and len(parts) == 2:
            at, pk = datetime.datetime.fromisoformat(parts[0]), int(parts[1])
            return entries.filter(Q(sort_at__lt=at) | Q(sort_at=at, letter_id__lt=pk))
    except ValueError:
        pass
    return entries


@dataclass(frozen=True)
class Facet:
    """One value of a facet: what the filter takes (a code), what is shown, how many letters."""

    value: str
    label: str
    count: int


READ_LABELS = {"unread": _("Unread"), "read": _("Read")}
DIRECTION_LABELS = {"in": _("Incoming (registered)"), "out": _("Drafted here")}


def _labelled(counts: dict) -> dict:
    """The facets' ids turned into codes and names (two small queries)."""
    kinds = LetterKind.objects.in_bulk([k for k, _n in counts["kind"]])
    agencies = Agency.objects.in_bulk([a for a, _n in counts["agency"]])
    states = dict(Letter.State.choices)
    return {
        "kind": [Facet(kinds[k].code, kinds[k].name, n) for k, n in counts["kind"]],
        "agency": [
            Facet(str(agencies[a].code), agencies[a].short_name, n) for a, n in counts["agency"]
        ],
        "direction": [Facet(d, str(DIRECTION_LABELS[d]), n) for d, n in counts["direction"]],
        "state": [Facet(v, str(states.get(v, v)), n) for v, n in counts["state"]],
        "read": [
            Facet(v, str(READ_LABELS[v]), counts_read)
            for v in ("unread", "read")
            if (counts_read := dict(counts["read"]).get(v))
        ],
    }


def _readable(user) -> Q:
    """Where a search starts: the backend's fast form of "what the user may read" (PostgreSQL:
    the `readers` keys and their GIN index; SQLite: `IN (their ids)`)."""
    return _backend().readable(user)


def _rule(user, among=None) -> Q:
    """The rule itself (esurat.letters.access, as correlated EXISTS), checked on every result
    after the fast form found it: a stale key can hide a letter, never show one. `among`: the
    ids being checked."""
    return visible_letter_exists(user, "letter_id", among)


def _bounded(matched, user) -> tuple[list[tuple], dict]:
    """The newest COUNT_CAP + 1 matches the user may read, as (letter_id, sort_at) newest first,
    and the counts by kind, agency, direction, state and read/unread over them. Two queries: the
    newest matches by the fast form, then the rule, the facets' columns and the user's inbox
    marks for those ids alone; more only if the rule refused some (a stale key). Above
    COUNT_CAP there are no facets."""
    own, delegated = seat_position_ids(user)
    inbox = InboxEntry.objects.filter(letter_id=OuterRef("letter_id"),
                                      position_id__in=own + delegated)  # fmt: skip
    flag = lambda rows: ExpressionWrapper(Exists(rows), output_field=BooleanField())  # noqa: E731
    inbox_of = lambda ids: inbox.filter(ids_in("letter_id", ids))  # noqa: E731 (_rule's `among`)
    visible, last = [], None
    while len(visible) <= COUNT_CAP:
        ids = _backend().newest(_after_row(matched, last), COUNT_CAP + 1, user, after=last)
        if ids:
            among = [pk for pk, _at in ids]
            rows = SearchEntry.objects.filter(
                _rule(user, among), ids_in("letter_id", among)
            ).annotate(
                is_unread=flag(inbox_of(among).filter(read_at__isnull=True)),
                is_read=flag(inbox_of(among).filter(read_at__isnull=False)),
            )
            found = {row[0]: row for row in rows.values_list("letter_id", "sort_at", *COLUMNS)}
            visible += [found[pk] for pk, _at in ids if pk in found]
            last = ids[-1]
        if len(ids) <= COUNT_CAP:
            break
    visible = visible[: COUNT_CAP + 1]
    newest = [(row[0], row[1]) for row in visible]
    by = {name: Counter() for name in ("kind", "agency", "direction", "state", "read")}
    if len(visible) > COUNT_CAP:
        return newest, {name: [] for name in by}
    for _pk, _at, kind, agency, origin, state, unread, read in visible:
        by["kind"][kind] += 1
        by["agency"][agency] += 1
        by["direction"]["in" if origin == Letter.Origin.REGISTERED else "out"] += 1
        by["state"][state] += 1
        by["read"]["unread"] += 1 if unread else 0
        by["read"]["read"] += 1 if read else 0
    return newest, _labelled({name: counter.most_common() for name, counter in by.items()})


def _after_row(entries, last: tuple | None):
    """The entries after (letter_id, sort_at) in newest-first order."""
    if last is None:
        return entries
    pk, at = last
    return entries.filter(Q(sort_at__lt=at) | Q(sort_at=at, letter_id__lt=pk))


COLUMNS = ("kind_id", "agency_id", "origin", "state", "is_unread", "is_read")


def _page(user, rows, found: list[Term]) -> list[Letter]:
    ids = [row[0] for row in rows]
    letters = Letter.objects.filter(pk__in=ids).select_related(
        "kind", "agency", "sender", "scan_text", "classification"
    )
    by_id = {letter.pk: letter for letter in letters}
    unread = set(
        InboxEntry.objects.filter(
            letter_id__in=ids,
            position_id__in=sum(seat_position_ids(user), []),
            read_at__isnull=True,
        ).values_list("letter_id", flat=True)
    )
    attached = defaultdict(list)
    for letter_id, text in (
        AttachmentText.objects.filter(attachment__letter_id__in=ids, state=LetterText.State.DONE)
        .order_by("attachment_id").values_list("attachment__letter_id", "text")
    ):  # fmt: skip
        attached[letter_id].append(text)
    hits = []
    for pk in ids:
        letter = by_id[pk]
        scan = getattr(letter, "scan_text", None)
        text = " ".join((strip_tags(letter.body), letter.summary, scan.text if scan else "",
                         *attached.get(pk, [])))  # fmt: skip
        letter.snippet = snippet(text, found)
        letter.subject_marked = snippet(letter.subject, found, width=300)
        letter.unread = pk in unread
        hits.append(letter)
    return hits


def search(
    user, query: str, filters: Filters = Filters(), order: str = Order.NEWEST, after: str = ""
) -> Results:
    """A page of the letters the user may read that match `query` and `filters`, with the total
    and facet counts over all of them (never over a letter the user may not read).

    An empty query lists the visible letters (filters still apply). When the words match
    nothing, a second try tolerates misspelt names (`fuzzy`). `after` is the page's cursor
    (Results.next_cursor of the previous page)."""
    if connection.vendor != "postgresql":
        return _search(user, query, filters, order, after)
    with transaction.atomic():
        with connection.cursor() as cursor:
            # JIT compiles each plan (~55 ms) for statements that then run in a few ms; bitmaps
            # of common words stay exact (not lossy) in 32 MB.
            cursor.execute("SELECT set_config('jit', 'off', true), "
                           "set_config('work_mem', '32MB', true)")  # fmt: skip
        return _search(user, query, filters, order, after)


def _search(user, query, filters, order, after) -> Results:
    found = terms(query)
    backend = _backend()
    entries = _filtered(
        SearchEntry.objects.filter(_readable(user), government_id=user.government_id),
        user,
        filters,
    )
    order = order if order in Order.CHOICES else Order.NEWEST
    fuzzy, matched = False, entries
    if found:
        number = number_text(query)
        whole = [replace(term, prefix=False) for term in found]
        # Whole words first. Then, only when they find nothing: a number found in no word
        # ("187/bappeda") anywhere in the letters' numbers (a whole number's words are found in
        # ~20 ms, its trigrams read in ~190 ms at 1,000,000 letters); the last word as one still
        # typed ("undang" finds "undangan": a prefix reads the postings of every word it starts,
        # 25-75 ms for "disdik:*" or "dinas:*"); misspelt names (bench/README.md, issue 12).
        tries = [(whole, "", False)]
        tries += [(whole, number, False)] if number else []
        tries += [(found, "", False)] if found != whole else []
        tries += [] if number else [(whole, "", True)]
        if number and "/" in query:
            # A letter number typed whole: its distinctive words (1187, bappeda, 2026), then the
            # whole number in the entry's numbers; its short parts (005, xi) are in most letters
            # and cost the word index more than they narrow (bench/README.md, issue 12).
            keys = [term for term in whole if len(term.word) >= 4]
            if keys and keys != whole:
                tries.insert(0, (keys, number, None))
        for found, number_part, fuzzy in tries:  # noqa: B007 (the successful try is kept)
            if fuzzy is None:  # the key words of a number, then the number itself
                matched = backend.match(entries, found, "", fuzzy=False,
                                        government_id=user.government_id)  # fmt: skip
                # Checked on the few rows the words found: not by the trigram index, which the
                # planner would otherwise AND in (~50 ms for a whole number).
                matched = matched.alias(
                    plain=Concat("numbers", Value(""), output_field=TextField())
                ).filter(plain__contains=number_part)
                fuzzy = False
            else:
                matched = backend.match(entries, found, number_part, fuzzy=fuzzy,
                                        government_id=user.government_id)  # fmt: skip
            newest, facets = _bounded(matched, user)
            if newest:
                break
    else:
        newest, facets = _bounded(entries, user)
        order = Order.NEWEST
    total = len(newest)
    if not total:
        return Results(hits=[], total=0, facets=facets, terms=found, fuzzy=fuzzy)
    if order == Order.RELEVANT:
        # Ranked among the newest COUNT_CAP + 1 readable matches (all of them below the cap):
        # ranking each of 88,000 matches of a common word costs seconds (issue 12).
        ranked = SearchEntry.objects.filter(ids_in("letter_id", [r[0] for r in newest])).annotate(
            rank=backend.ranking(found)
        )
        ordered = _after(ranked, order, after).order_by("-rank", "-letter_id")
        rows = list(ordered.values_list("letter_id", "rank")[: PAGE_SIZE + 1])
    elif total <= COUNT_CAP or len(_after_rows(newest, after)) > PAGE_SIZE:
        rows = _after_rows(newest, after)[: PAGE_SIZE + 1]
    else:
        # Past the newest COUNT_CAP + 1: read on from the cursor, each row checked by the rule.
        ordered = _after(matched, order, after).order_by("-sort_at", "-letter_id")
        page = list(ordered.values_list("letter_id", "sort_at")[: PAGE_SIZE + 1])
        among = [r[0] for r in page]
        allowed = set(SearchEntry.objects.filter(_rule(user, among), ids_in("letter_id", among))
                      .values_list("letter_id", flat=True))  # fmt: skip
        more = len(page) > PAGE_SIZE
        rows = [r for r in page[:PAGE_SIZE] if r[0] in allowed]
        cursor = _encode(page[PAGE_SIZE - 1][1].isoformat(), page[PAGE_SIZE - 1][0]) if more else ""
        return Results(hits=_page(user, rows, found), total=total, facets=facets,
                       next_cursor=cursor, terms=found, fuzzy=fuzzy, order=order)  # fmt: skip
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    cursor = ""
    if more:
        last = rows[-1]
        cursor = _encode(last[1].isoformat() if order == Order.NEWEST else repr(last[1]), last[0])
    return Results(hits=_page(user, rows, found), total=total, facets=facets,
                   next_cursor=cursor, terms=found, fuzzy=fuzzy, order=order)  # fmt: skip


def _after_rows(rows: list[tuple], cursor: str) -> list[tuple]:
    """The (letter_id, sort_at) rows after the newest-first cursor."""
    parts = _decode(cursor) if cursor else []
    if len(parts) != 2:
        return rows
    try:
        at, pk = datetime.datetime.fromisoformat(parts[0]), int(parts[1])
    except ValueError:
        return rows
    return [r for r in rows if r[1] < at or (r[1] == at and r[0] < pk)]
