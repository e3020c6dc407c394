"""Query counts and server-side timings of the disposition screens on the seeded database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/esurat_bench python bench/measure_dispositions.py
    … python bench/measure_dispositions.py --explain     # also EXPLAIN (ANALYZE, BUFFERS)
    … python bench/measure_dispositions.py --reference   # the code before (see the end of file)

Seed with bench/seed.py, then bench/seed_dispositions.py. In-process like bench/measure.py: the
selectors of esurat/dispositions/selectors.py with a fresh user object (seat queries included),
then the pages through django.test.Client (middleware, session, templates, navigation counters):
a letter's disposition tree (the htmx partial, its own page, and the letter page that embeds it)
for small and large trees, "my dispositions" (received, given, overdue; first page and a page at
a random depth) for the heaviest and typical users, and the counters. Query counts come from
CaptureQueriesContext; the point is that they do not grow with the data. Every run first checks
that the list selector and the counters agree with the reference (the code before per-seat
lists) on each persona's first and a deep page. Writes nothing but the audit events of R/SR
letters opened (every such read is logged): the letter pages are opened by users with nothing
left to mark read.
"""

import argparse
import os
import random
import sys
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "esurat.settings")

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.backends.signals import connection_created  # noqa: E402
from django.db.models import Count, Exists, OuterRef, Q  # noqa: E402
from django.test import Client  # noqa: E402

from bench.measure import capture, fresh, line, summary, timed  # noqa: E402  (django.setup)
from esurat.accounts.models import User  # noqa: E402
from esurat.dispositions import selectors  # noqa: E402
from esurat.dispositions.models import Disposition  # noqa: E402
from esurat.letters import selectors as letter_selectors  # noqa: E402
from esurat.letters.models import InboxEntry, Letter  # noqa: E402
from esurat.organisations.models import Position  # noqa: E402

# Position titles of seed.py whose holders are the heavy users of dispositions.
HEAVY_POSITIONS = {"sekretaris.setda": "Sekretaris Setda", "sekretaris.disdik": "Sekretaris Disdik"}
PERSONAS = ["sekda", "walikota", "sekpri.walikota", "plt.kadis", "kadis.disdik", "staf.disdik"]


def personas() -> dict[str, int]:
    """Named users, the two heaviest recipients, and a kasi with a typical number of rows."""
    found = dict(User.objects.filter(username__in=PERSONAS).values_list("username", "pk"))
    for name, title in HEAVY_POSITIONS.items():
        found[name] = Position.objects.get(title=title).holder_id
    kasi = (
        Position.objects.filter(title__startswith="Kepala Seksi", holder__isnull=False)
        .annotate(n=Count("dispositions_received"))
        .filter(n__gte=30)
        .order_by("n")
        .values_list("holder_id", "n")
    )
    rows = list(kasi)
    found["kasi (typical)"] = rows[len(rows) // 2][0]
    return found


def box_filter(user, box, today):
    if box == "overdue":
        return (selectors.received_filter(user) | selectors.given_filter(user)) & Q(
            state__in=Disposition.OPEN_STATES, due_date__lt=today
        )
    return selectors.given_filter(user) if box == "given" else selectors.received_filter(user)


def box_size(user, box, today) -> int:
    return Disposition.objects.filter(box_filter(user, box, today)).count()


def deep_cursor(user, box, today, rng, total):
    """The cursor of a page starting at a random depth (None when one page holds everything)."""
    if total <= selectors.PAGE_SIZE:
        return None
    offset = rng.randrange(selectors.PAGE_SIZE, total)
    qs = Disposition.objects.filter(box_filter(user, box, today))
    if box == "overdue":
        due, pk = qs.order_by("due_date", "pk").values_list("due_date", "pk")[offset]
        return selectors._encode_due(due, pk)
    at, pk = qs.order_by("-created_at", "-pk").values_list("created_at", "pk")[offset]
    return letter_selectors.encode_cursor(at, pk)


def show_sizes(people, today):
    print("  personas: received / given / overdue rows, open received, seats", flush=True)
    sizes = {}
    for name, pk in people.items():
        user = fresh(pk)
        sizes[name] = {box: box_size(user, box, today) for box in selectors.BOXES}
        c = selectors.counters(user, today=today)
        print(f"    {name:18s} {sizes[name]['received']:7d} {sizes[name]['given']:7d} "
              f"{sizes[name]['overdue']:6d}  open {c['received']:5d}  "
              f"seats {len(selectors.seats_of(user))}")  # fmt: skip
    return sizes


def measure_lists(args, people, sizes, typical, today, rng):
    """The selector for each box, first and deep pages: time and queries per persona."""
    print("\n== my_dispositions (selector, fresh user: seat queries included)", flush=True)
    counts_seen = {}
    for box in selectors.BOXES:
        for depth in ("first", "deep"):
            samples = []
            for name, pk in people.items():
                cursor = None
                if depth == "deep":
                    cursor = deep_cursor(fresh(pk), box, today, rng, sizes[name][box])
                    if cursor is None:
                        continue
                per = []
                for _ in range(args.runs):
                    user = fresh(pk)
                    with capture() as ctx:
                        t, page = timed(selectors.my_dispositions, user, box=box,
                                        cursor=cursor, today=today)  # fmt: skip
                    per.append(t)
                    kind = "rows" if page.items else "empty"
                    counts_seen.setdefault((box, kind), set()).add(len(ctx.captured_queries))
                samples += per
                st = summary(per)
                print(f"    {box:8s} {depth:5s} {name:18s} p50 {st['p50']:6.2f}  "
                      f"p95 {st['p95']:6.2f} ms  queries {len(ctx.captured_queries)}")  # fmt: skip
            line(f"{box}, {depth} page, personas", samples)
        samples, queries = [], set()
        for pk in typical:
            user = fresh(pk)
            with capture() as ctx:
                t, _page = timed(selectors.my_dispositions, user, box=box, today=today)
            samples.append(t)
            queries.add(len(ctx.captured_queries))
        line(f"{box}, first page, {len(typical)} typical users", samples,
             queries=f"{min(queries)}–{max(queries)}")  # fmt: skip
    print("  queries per page, every persona, first and deep pages (an empty page skips the")
    print("  instructions prefetch):")
    for box in selectors.BOXES:
        rows, empty = counts_seen.get((box, "rows"), set()), counts_seen.get((box, "empty"), set())
        print(f"    {box:8s} page with rows {sorted(rows)}  empty page {sorted(empty)}  → "
              f"{'fixed' if len(rows) == 1 and len(empty) <= 1 else 'VARIES'}")  # fmt: skip


def measure_counters(args, people, today):
    print("\n== counters", flush=True)
    for fn, label in ((selectors.counters, "disposition counters (my dispositions tabs)"),
                      (letter_selectors.counters, "navigation counters (incl. unread disp.)")):  # fmt: skip
        samples, queries = [], set()
        for pk in people.values():
            for _ in range(args.runs):
                user = fresh(pk)
                selectors.seats_of(user)  # as in a request: the page has read the seats
                with capture() as ctx:
                    t, _ = timed(fn, user, today=today) if fn is selectors.counters else timed(
                        fn, user)  # fmt: skip
                samples.append(t)
                queries.add(len(ctx.captured_queries))
        line(f"{label}, personas", samples, queries=f"{min(queries)}–{max(queries)}")
        for name in ("sekda", "sekretaris.setda"):
            per = []
            for _ in range(args.runs):
                user = fresh(people[name])
                selectors.seats_of(user)
                per.append((timed(fn, user, today=today) if fn is selectors.counters
                            else timed(fn, user))[0])  # fmt: skip
            line(f"  {name}", per)


def tree_letters(rng):
    """Letters with small, medium and the largest trees, each with a viewer who may open the
    letter page without anything being marked read: the giver of a root disposition."""
    sizes = (
        Disposition.objects.values("letter_id")
        .annotate(n=Count("pk"))
        .values_list("letter_id", "n")
    )
    by_size = sorted(sizes, key=lambda r: r[1])
    small = rng.sample([r for r in by_size if r[1] <= 3], 30)
    medium = rng.sample([r for r in by_size if 8 <= r[1] <= 15], 30)
    large = by_size[-20:]
    picked = {}
    for label, rows in (("small (≤3)", small), ("medium (8–15)", medium), ("large", large)):
        out = []
        for letter_id, n in rows:
            root = (
                Disposition.objects.filter(letter_id=letter_id, parent__isnull=True)
                .exclude(state=Disposition.State.PREPARED)
                .annotate(unread_to_giver=Exists(Disposition.objects.filter(
                    letter_id=letter_id, to_position_id=OuterRef("from_position_id"),
                    state=Disposition.State.SENT)))
                .filter(unread_to_giver=False)
                .values_list("from_position__holder_id", "from_position_id")
                .first()
            )  # fmt: skip
            if root is None or root[0] is None:
                continue
            unread_inbox = InboxEntry.objects.filter(
                letter_id=letter_id, position_id=root[1], read_at__isnull=True
            ).exists()
            if not unread_inbox:
                out.append((Letter.objects.values_list("code", flat=True).get(pk=letter_id), n,
                            root[0]))  # fmt: skip
        picked[label] = out
    return picked


def measure_tree(args, rng):
    print("\n== A letter's disposition tree (views through django.test.Client)", flush=True)
    picked = tree_letters(rng)
    clients = {}
    for label, rows in picked.items():
        sizes = [n for _code, n, _viewer in rows]
        print(f"  {label}: {len(rows)} letters, {min(sizes)}–{max(sizes)} nodes")
        for page, url, headers in (
            ("tree partial (htmx)", "/dispositions/letter/{}/tree/", {"HTTP_HX_REQUEST": "true"}),
            ("tree page", "/dispositions/letter/{}/tree/", {}),
            ("letter page", "/letters/{}/", {}),
        ):
            samples, queries, statuses = [], set(), set()
            for _ in range(args.tree_runs):
                for code, _n, viewer in rows:
                    if viewer not in clients:
                        clients[viewer] = Client()
                        clients[viewer].force_login(fresh(viewer))
                        clients[viewer].get("/")  # the session's first request costs more
                    with capture() as ctx:
                        t, response = timed(clients[viewer].get, url.format(code), **headers)
                    samples.append(t)
                    statuses.add(response.status_code)
                    queries.add(len(ctx.captured_queries))
            line(f"  {page} {sorted(statuses)}", samples, queries=f"{min(queries)}–{max(queries)}")


def measure_views(args, people, sizes, typical, today, rng):
    print("\n== GET /dispositions/ (views through django.test.Client)", flush=True)
    clients = {}
    for pk in [*people.values(), *typical]:
        clients[pk] = Client()
        clients[pk].force_login(fresh(pk))
    for box in selectors.BOXES:
        for depth in ("first", "deep"):
            samples, queries, statuses = [], {}, set()
            for name, pk in people.items():
                params = {"box": box}
                if depth == "deep":
                    cursor = deep_cursor(fresh(pk), box, today, rng, sizes[name][box])
                    if cursor is None:
                        continue
                    params["after"] = cursor
                for _ in range(args.runs):
                    with capture() as ctx:
                        t, response = timed(clients[pk].get, "/dispositions/", params)
                    samples.append(t)
                    statuses.add(response.status_code)
                    queries[name] = len(ctx.captured_queries)
            counts = sorted(set(queries.values()))
            line(f"GET ?box={box} {depth} page, personas {sorted(statuses)}", samples,
                 queries="–".join(map(str, counts)))  # fmt: skip
            if len(counts) > 1:
                print(f"    queries by persona: {queries}")
        samples, counts = [], set()
        for pk in typical:
            with capture() as ctx:
                t, response = timed(clients[pk].get, "/dispositions/", {"box": box})
            samples.append(t)
            counts.add(len(ctx.captured_queries))
        line(f"GET ?box={box} first page, {len(typical)} typical users", samples,
             queries=f"{min(counts)}–{max(counts)}")  # fmt: skip
    with capture() as ctx:
        clients[people["sekretaris.setda"]].get("/dispositions/", {"box": "given"})
    print("  queries of GET /dispositions/?box=given (sekretaris.setda):")
    for q in ctx.captured_queries:
        print(f"    {float(q['time']) * 1000:6.2f} ms  {q['sql'][:150]}")


def explain(people, sizes, today):
    """EXPLAIN (ANALYZE, BUFFERS) of every query on the dispositions table of the heavy users'
    lists, counters and the largest tree."""
    print("\n== EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)", flush=True)
    rng = random.Random(11)
    cases = []
    for name in ("sekretaris.setda", "sekda", "kadis.disdik", "sekpri.walikota"):
        for box in selectors.BOXES:
            user = fresh(people[name])
            cursor = deep_cursor(user, box, today, rng, sizes[name][box])
            cases.append((f"{box} first page {name}",
                          partial(selectors.my_dispositions, user, box=box, today=today)))  # fmt: skip
            if cursor:
                cases.append((f"{box} deep page {name}",
                              partial(selectors.my_dispositions, user, box=box, cursor=cursor,
                                      today=today)))  # fmt: skip
        cases.append((f"counters {name}", partial(selectors.counters, fresh(people[name]),
                                                  today=today)))  # fmt: skip
        cases.append((f"navigation counters {name}",
                      partial(letter_selectors.counters, fresh(people[name]))))  # fmt: skip
    largest = Disposition.objects.values("letter_id").annotate(n=Count("pk")).order_by("-n")[0]
    letter = Letter.objects.get(pk=largest["letter_id"])
    marks = selectors.deadlines(letter.government)
    cases.append((f"tree of the largest ({largest['n']} nodes)",
                  partial(selectors.tree, letter, fresh(people["sekda"]), marks=marks)))  # fmt: skip
    for title, fn in cases:
        with capture() as ctx:
            fn()
        for sql in [q["sql"] for q in ctx.captured_queries if "dispositions_" in q["sql"]]:
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + sql)
                plan = [row[0] for row in cursor.fetchall()]
            print(f"\n-- {title}\n   {sql[:400]}…")
            for row in plan:
                print("   " + row)


# --- Reference: the list selector and the delegate's R/SR condition as they were before the
# per-seat pieces and Disposition.security (bench/README.md, issue 3, findings 2 and 3). The
# selector must return exactly its rows and cursors; --reference measures it for a before/after
# on the same database and machine.


def reference_side(user, field_name):
    """selectors._side before Disposition.security: the letter's class, through a join."""
    own, delegated = selectors._seat_ids(user)
    q = Q(**{f"{field_name}__in": own})
    if delegated:
        q |= Q(**{f"{field_name}__in": delegated}) & ~Q(
            letter__security__in=selectors.NARROW_SECURITY
        )
    return q


def reference_my_dispositions(user, *, box="received", cursor=None, today=None):
    """selectors.my_dispositions before: one OR over the seats, cursors without a scan bound."""
    size = selectors.PAGE_SIZE
    received = reference_side(user, "to_position_id") & Q(state__in=Disposition.VISIBLE_STATES)
    given = reference_side(user, "from_position_id")
    if box == "overdue":
        qs = Disposition.objects.filter(
            received | given,
            state__in=Disposition.OPEN_STATES,
            due_date__lt=today or user.government.today(),
        )
        after = selectors._decode_due(cursor)
        if after:
            due, pk = after
            qs = qs.filter(Q(due_date__gt=due) | Q(due_date=due, pk__gt=pk))
        rows = list(selectors._rows(qs.order_by("due_date", "pk"))[: size + 1])
        more = len(rows) > size
        rows = rows[:size]
        cursor = selectors._encode_due(rows[-1].due_date, rows[-1].pk) if more else None
        return letter_selectors.Page(rows, cursor)
    qs = Disposition.objects.filter(given if box == "given" else received)
    after = letter_selectors.decode_cursor(cursor)
    if after:
        at, pk = after
        qs = qs.filter(Q(created_at__lt=at) | Q(created_at=at, pk__lt=pk))
    rows = list(selectors._rows(qs.order_by("-created_at", "-pk"))[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    cursor = letter_selectors.encode_cursor(rows[-1].created_at, rows[-1].pk) if more else None
    return letter_selectors.Page(rows, cursor)


def check_against_reference(people, sizes, today, rng):
    """The selector returns exactly the reference's rows and cursors (else exit)."""
    checked = 0
    for name, pk in people.items():
        for box in selectors.BOXES:
            for cursor in (None, deep_cursor(fresh(pk), box, today, rng, sizes[name][box])):
                old = reference_my_dispositions(fresh(pk), box=box, cursor=cursor, today=today)
                new = selectors.my_dispositions(fresh(pk), box=box, cursor=cursor, today=today)
                if [d.pk for d in old.items] != [d.pk for d in new.items] or (
                    old.next_cursor != new.next_cursor
                ):
                    sys.exit(f"selector differs from the reference: {name} {box} cursor={cursor}")
                checked += 1
            new_counts = selectors.counters(fresh(pk), today=today)
            selectors._side, current = reference_side, selectors._side
            try:
                old_counts = selectors.counters(fresh(pk), today=today)
            finally:
                selectors._side = current
            if old_counts != new_counts:
                sys.exit(f"counters differ from the reference: {name}")
    print(f"  same rows and cursors as the reference selector ({checked} pages), same counters")


def serial_plans(sender=None, connection=None, **kwargs):
    """No parallel workers: on two busy cores starting them costs more than the scan they share."""
    with connection.cursor() as cursor:
        cursor.execute("SET max_parallel_workers_per_gather = 0")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20, help="samples per persona and page")
    parser.add_argument("--tree-runs", type=int, default=5, help="passes over the tree letters")
    parser.add_argument("--users", type=int, default=100, help="typical users sampled")
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--no-views", action="store_true")
    parser.add_argument("--only-explain", action="store_true", help="skip the timings")
    parser.add_argument("--no-parallel", action="store_true",
                        help="SET max_parallel_workers_per_gather = 0 on every connection")  # fmt: skip
    parser.add_argument("--reference", action="store_true",
                        help="measure the code before per-seat lists and Disposition.security "
                        "(the reference at the end of this file, patched into the views too)")  # fmt: skip
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("bench/measure_dispositions.py needs the seeded PostgreSQL database.")
    if not Disposition.objects.exists():
        sys.exit("No dispositions: run bench/seed_dispositions.py first.")
    settings.DEBUG = False
    if args.no_parallel:
        connection_created.connect(serial_plans)
        connection.ensure_connection()
        serial_plans(connection=connection)
    with connection.cursor() as cursor:
        cursor.execute("SELECT (SELECT count(*) FROM letters_letter), "
                       "(SELECT count(*) FROM dispositions_disposition)")  # fmt: skip
        letters, dispositions = cursor.fetchone()
    print(f"database: {letters} letters, {dispositions} dispositions; PostgreSQL "
          f"{connection.pg_version}; {os.cpu_count()} CPUs")  # fmt: skip
    rng = random.Random(2026)
    people = personas()
    today = fresh(people["sekda"]).government.today()
    sizes = show_sizes(people, today)
    # Typical users: anyone who has received a disposition, sampled.
    ids = list(Disposition.objects.values_list("to_position__holder_id", flat=True).distinct())
    typical = rng.sample([pk for pk in ids if pk], args.users)
    check_against_reference(people, sizes, today, random.Random(5))
    if args.reference:  # the views, the counters and the navigation call them through the module
        selectors.my_dispositions = reference_my_dispositions
        selectors._side = reference_side
        print("  measuring the REFERENCE (before): plain OR lists, letter join for R/SR")
    if args.only_explain:
        explain(people, sizes, today)
        return
    measure_lists(args, people, sizes, typical, today, rng)
    measure_counters(args, people, today)
    if not args.no_views:
        measure_tree(args, rng)
        measure_views(args, people, sizes, typical, today, rng)
    if args.explain:
        explain(people, sizes, today)


if __name__ == "__main__":
    main()
