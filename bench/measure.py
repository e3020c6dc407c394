"""Server-side timings and query counts of the list pages against a seeded database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/esurat_bench python bench/measure.py
    … python bench/measure.py --explain          # also print EXPLAIN (ANALYZE, BUFFERS)
    … python bench/measure.py --broadcast 3      # sign 3 letters to the whole government
    … python bench/measure.py --only-views       # only the pages through the test client

Everything runs in this process against the database in DATABASE_URL (seed it with
bench/seed.py): the selectors of esurat/letters/selectors.py called directly, then the views
through django.test.Client (middleware, session, templates, counters included). Times are wall
clock per call; query counts come from CaptureQueriesContext. Read-only except --broadcast,
which adds the signed letters (and their 10,000 inbox rows each) to the database.
"""

import argparse
import os
import random
import statistics
import sys
import time
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "esurat.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from esurat.accounts.models import User  # noqa: E402
from esurat.letters import selectors  # noqa: E402
from esurat.letters.models import InboxEntry  # noqa: E402

TARGETS = {
    "inbox first page": 15.0,
    "inbox later page (cursor)": 20.0,
    "unread counter, heaviest user": 5.0,
}
PERSONAS = ["walikota", "sekda", "sekpri.walikota", "plt.kadis", "kadis.disdik", "staf.disdik"]


def capture() -> CaptureQueriesContext:
    """A query capture that survives the 9,000-query log limit of long runs."""
    connection.queries_log.clear()
    return CaptureQueriesContext(connection)


def ms(seconds: float) -> float:
    return seconds * 1000


def summary(samples: list[float]) -> dict:
    s = sorted(samples)
    pick = lambda q: s[min(len(s) - 1, int(q * len(s)))]  # noqa: E731
    return {"n": len(s), "p50": pick(0.5), "p95": pick(0.95), "p99": pick(0.99), "max": s[-1],
            "mean": statistics.fmean(s)}  # fmt: skip


def line(name, samples, queries=None, target=None):
    st = summary(samples)
    verdict = ""
    if target is not None:
        verdict = f"  target ≤ {target:g} ms: {'OK' if st['p95'] <= target else 'MISSED'}"
    q = f"  queries {queries}" if queries is not None else ""
    print(f"  {name:44s} n={st['n']:4d}  p50 {st['p50']:6.2f}  p95 {st['p95']:6.2f}  "
          f"p99 {st['p99']:6.2f}  max {st['max']:7.2f} ms{q}{verdict}", flush=True)  # fmt: skip
    return st


def fresh(user_id) -> User:
    """A user object without the per-request caches (seats, clerk agencies)."""
    return User.objects.get(pk=user_id)


def timed(fn, *args, **kwargs):
    started = time.perf_counter()
    result = fn(*args, **kwargs)
    return ms(time.perf_counter() - started), result


def inbox_size(user) -> int:
    return InboxEntry.objects.filter(selectors.inbox_filter(user)).count()


def random_cursor(user, rng, total):
    """The cursor of a page starting at a random depth of the user's inbox."""
    if total <= selectors.PAGE_SIZE:
        return None
    offset = rng.randrange(selectors.PAGE_SIZE, total)
    row = (
        InboxEntry.objects.filter(selectors.inbox_filter(user))
        .order_by("-delivered_at", "-pk")
        .values_list("delivered_at", "pk")[offset : offset + 1]
    )
    at, pk = row[0]
    return selectors.encode_cursor(at, pk)


def sample_users(rng, n):
    ids = list(User.objects.filter(held_positions__isnull=False).values_list("pk", flat=True))
    return rng.sample(ids, min(n, len(ids)))


def measure_selectors(args, rng):
    print("\n== Selectors (esurat/letters/selectors.py), called in-process", flush=True)
    personas = {u.username: u.pk for u in User.objects.filter(username__in=PERSONAS)}
    sizes = {}
    for name, pk in personas.items():
        user = fresh(pk)
        sizes[name] = (inbox_size(user), selectors.unread_count(user), len(
            selectors.seats_of(user)))  # fmt: skip
    print("  personas (inbox rows, unread, seats):", flush=True)
    for name, (total, unread, seats) in sizes.items():
        print(f"    {name:18s} {total:7d} {unread:6d} {seats}")
    typical = sample_users(rng, args.users)
    results = {}

    # Inbox, first page: a random sample of users plus every persona repeatedly.
    for label, ids in (("typical users", typical), ("personas", list(personas.values()))):
        samples = []
        rounds = 1 if label == "typical users" else args.runs // len(ids)
        for _ in range(rounds):
            for pk in ids:
                user = fresh(pk)
                t, _page = timed(selectors.inbox_page, user)
                samples.append(t)
        results[f"inbox first page, {label}"] = line(
            f"inbox first page, {label}", samples, target=TARGETS["inbox first page"]
        )
    for name, pk in personas.items():
        samples = [timed(selectors.inbox_page, fresh(pk))[0] for _ in range(args.runs // 4)]
        line(f"  inbox first page, {name}", samples, target=TARGETS["inbox first page"])

    # Later pages at random depths.
    for label, ids in (("typical users", typical[:100]), ("personas", list(personas.values()))):
        samples = []
        per_user = 1 if label == "typical users" else args.runs // len(ids)
        for pk in ids:
            user = fresh(pk)
            total = inbox_size(user)
            for _ in range(per_user):
                cursor = random_cursor(user, rng, total)
                if cursor:
                    samples.append(timed(selectors.inbox_page, fresh(pk), cursor=cursor)[0])
        results[f"inbox later page, {label}"] = line(
            f"inbox later page (cursor), {label}", samples,
            target=TARGETS["inbox later page (cursor)"],
        )  # fmt: skip
    for filters in ({"unread": True}, {"urgency": "sangat_segera"}):
        pk = personas["walikota"]
        samples = [timed(selectors.inbox_page, fresh(pk), **filters)[0] for _ in range(50)]
        line(f"inbox first page walikota {filters}", samples)

    # Unread counter for the heaviest unread inbox among personas and a sample.
    heaviest = max(personas.values(), key=lambda pk: selectors.unread_count(fresh(pk)))
    hv = fresh(heaviest)
    print(f"  heaviest unread: {hv.username} ({selectors.unread_count(hv)} unread)")
    samples = [timed(selectors.unread_count, fresh(heaviest))[0] for _ in range(args.runs)]
    results["unread"] = line("unread counter, heaviest user", samples,
                             target=TARGETS["unread counter, heaviest user"])  # fmt: skip
    warm = fresh(heaviest)
    selectors.seats_of(warm)  # as in a request, where the page has already read the seats
    samples = [timed(selectors.unread_count, warm)[0] for _ in range(args.runs)]
    line("unread counter, heaviest user, seats cached", samples,
         target=TARGETS["unread counter, heaviest user"])  # fmt: skip
    samples = [timed(selectors.counters, fresh(heaviest))[0] for _ in range(args.runs)]
    line("all nav counters (one query), heaviest user", samples)

    # The other boxes: times and query counts, personas and typical users.
    print("  list pages: queries per page (user object fresh, seats included)")
    boxes = {
        "inbox": lambda u: selectors.inbox_page(u),
        "outbox": lambda u: selectors.outbox_page(u),
        "drafts": lambda u: selectors.drafts_page(u),
        "needs_action": lambda u: (list(selectors.to_review(u)), list(selectors.to_sign(u))),
    }
    for box, fn in boxes.items():
        samples, counts = [], set()
        for pk in [*personas.values(), *typical[:50]]:
            for _ in range(3):
                user = fresh(pk)
                with capture() as ctx:
                    t, _ = timed(fn, user)
                samples.append(t)
                counts.add(len(ctx.captured_queries))
        line(f"{box} page (personas + 50 users)", samples,
             queries=f"{min(counts)}–{max(counts)}")  # fmt: skip
        worst = []
        for name, pk in personas.items():
            s = [timed(fn, fresh(pk))[0] for _ in range(10)]
            worst.append((summary(s)["p50"], name))
        slowest = max(worst)
        print(f"    slowest persona for {box}: {slowest[1]} p50 {slowest[0]:.2f} ms")
    return personas, typical


def measure_views(args, personas, typical):
    print("\n== Views through django.test.Client (middleware, session, templates)", flush=True)
    clients = {}
    for pk in [*personas.values(), *typical[:50]]:
        c = Client()
        c.force_login(fresh(pk))
        clients[pk] = c
    rng = random.Random(7)
    pages = {"inbox": "/letters/inbox/", "outbox": "/letters/outbox/",
             "drafts": "/letters/drafts/", "needs_action": "/letters/action/"}  # fmt: skip
    for url in pages.values():
        samples, cpu, counts, statuses = [], [], set(), set()
        for _ in range(3):
            for c in clients.values():
                with capture() as ctx:
                    started = time.process_time()
                    t, response = timed(c.get, url)
                    cpu.append(ms(time.process_time() - started))
                samples.append(t)
                statuses.add(response.status_code)
                counts.add(len(ctx.captured_queries))
        line(f"GET {url} status {sorted(statuses)}", samples,
             queries=f"{min(counts)}–{max(counts)}")  # fmt: skip
        # CPU of this process only (Python, psycopg): steadier than the clock on a shared machine.
        line("  of which CPU in this process", cpu)
    samples, counts = [], set()
    for pk, c in clients.items():
        user = fresh(pk)
        cursor = random_cursor(user, rng, inbox_size(user))
        if cursor:
            for _ in range(2):
                with capture() as ctx:
                    t, response = timed(c.get, "/letters/inbox/", {"after": cursor})
                assert response.status_code == 200
                samples.append(t)
                counts.add(len(ctx.captured_queries))
    line("GET /letters/inbox/?after=<cursor>", samples, queries=f"{min(counts)}–{max(counts)}")
    c = clients[personas["walikota"]]
    with capture() as ctx:
        c.get("/letters/inbox/")
    print("  queries of GET /letters/inbox/ (walikota):")
    for q in ctx.captured_queries:
        print(f"    {float(q['time']) * 1000:6.2f} ms  {q['sql'][:150]}")


def explain(personas):
    """EXPLAIN (ANALYZE, BUFFERS) of the list queries of the heavy personas, to show the indexes
    used: every captured query that reads the table named in the case."""
    print("\n== EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) of the main queries", flush=True)
    rng = random.Random(11)
    cases = []
    for name in ("walikota", "sekpri.walikota", "plt.kadis"):
        user = fresh(personas[name])
        cursor = random_cursor(user, rng, inbox_size(user))
        cases.append((f"inbox first page {name}", partial(selectors.inbox_page, user), "inbox"))
        cases.append((f"inbox deep page {name}",
                      partial(selectors.inbox_page, user, cursor=cursor), "inbox"))  # fmt: skip
    for name in ("sekda", "sekpri.walikota"):
        cases.append((f"navigation counters {name}",
                      partial(selectors.counters, fresh(personas[name])), "inbox"))  # fmt: skip
    for name in ("kadis.disdik", "plt.kadis"):
        cases.append((f"outbox {name}", partial(selectors.outbox_page, fresh(personas[name])),
                      "FROM \"letters_letter\""))  # fmt: skip
    cases.append(("drafts staf.disdik",
                  partial(selectors.drafts_page, fresh(personas["staf.disdik"])),
                  "FROM \"letters_letter\""))  # fmt: skip
    for title, fn, marker in cases:
        with capture() as ctx:
            fn()
        for sql in [q["sql"] for q in ctx.captured_queries if marker in q["sql"]]:
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + sql)
                plan = [row[0] for row in cursor.fetchall()]
            print(f"\n-- {title}\n   {sql[:300]}…")
            for row in plan:
                print("   " + row)


def broadcast(n, passphrase):
    """Sign letters addressed to the whole government; time do_sign until commit.

    The provider is SIGNING_PROVIDER's: `recorded` times the delivery (the figures in
    bench/README.md); `local` adds the PDF and its PAdES signature (the first signing issues the
    Sekda's key with `passphrase`)."""
    from django.contrib.auth.hashers import check_password

    from esurat.letters import actions
    from esurat.letters.access import Action, seat_for_action
    from esurat.letters.models import Classification, LetterKind
    from esurat.organisations.access import seats_of
    from esurat.organisations.models import Position

    print(f"\n== A letter to the whole government, signed with do_sign "
          f"(provider {settings.SIGNING_PROVIDER})", flush=True)  # fmt: skip
    sekda = User.objects.get(username="sekda")
    head = Position.objects.get(holder=sekda)
    drafter_pos = (
        Position.objects.filter(agency=head.agency, holder__isnull=False, superior__isnull=False)
        .exclude(pk=head.pk)
        .first()
    )
    drafter = drafter_pos.holder
    positions = Position.objects.filter(agency__government=sekda.government).count()
    password_hash_time = []
    for i in range(n):
        seat = next(s for s in seats_of(drafter) if s.position.pk == drafter_pos.pk)
        letter = actions.do_create_draft(
            seat=seat, user=drafter, kind=LetterKind.objects.get(code="surat-edaran"),
            classification=Classification.objects.filter(code__startswith="000.").first(),
            security="B", urgency="segera", subject=f"Surat edaran bench {time.time():.0f} {i}",
            body="<p>Kepada seluruh ASN.</p>",
            recipients=[{"kind": "to", "target": "government_all"}], reviewers=[],
            signatory=head,
        )  # fmt: skip
        letter = actions.do_submit(letter=letter, seat=seat, user=drafter)
        signer = fresh(sekda.pk)
        sign_seat = seat_for_action(signer, letter, Action.SIGN)
        t0 = time.perf_counter()
        check_password("bench", signer.password)
        password_hash_time.append(ms(time.perf_counter() - t0))
        with capture() as ctx:
            t, signed = timed(actions.do_sign, letter=letter, seat=sign_seat, user=signer,
                              password="bench", secret=passphrase)  # fmt: skip
        delivered = InboxEntry.objects.filter(letter=signed).count()
        by_kind = statement_kinds(ctx.captured_queries)
        print(
            f"  sign → committed: {t:7.1f} ms, {delivered} inbox rows (positions {positions}), "
            f"{len(ctx.captured_queries)} queries {by_kind}",
            flush=True,
        )
    print(
        f"  of which the password check (PBKDF2, {settings.PASSWORD_HASHERS[0].split('.')[-1]}):"
        f" {statistics.fmean(password_hash_time):.0f} ms"
    )
    agg = InboxEntry.objects.filter(letter__subject__startswith="Surat edaran bench").aggregate(
        n=Count("pk")
    )
    print(f"  total broadcast inbox rows in the database: {agg['n']}")


def statement_kinds(queries) -> dict:
    kinds = {}
    for q in queries:
        word = q["sql"].split(None, 1)[0].upper()
        kinds[word] = kinds.get(word, 0) + 1
    return kinds


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=200, help="samples per persona measurement")
    parser.add_argument("--users", type=int, default=300, help="random users sampled")
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--no-views", action="store_true")
    parser.add_argument("--only-broadcast", action="store_true", help="skip the read measurements")
    parser.add_argument("--only-views", action="store_true", help="only the pages (test client)")
    parser.add_argument("--passphrase", default="bench-signing",
                        help="the Sekda's signing passphrase (provider local)")  # fmt: skip
    parser.add_argument("--broadcast", type=int, default=0, metavar="N",
                        help="also sign N letters to the whole government (writes)")  # fmt: skip
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("bench/measure.py needs the seeded PostgreSQL database (DATABASE_URL).")
    settings.DEBUG = False
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM letters_letter")
        letters = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM letters_inboxentry")
        rows = cursor.fetchone()[0]
    print(f"database: {letters} letters, {rows} inbox rows; PostgreSQL "
          f"{connection.pg_version}; {os.cpu_count()} CPUs")  # fmt: skip
    rng = random.Random(2026)
    if args.only_views:
        personas = {u.username: u.pk for u in User.objects.filter(username__in=PERSONAS)}
        measure_views(args, personas, sample_users(rng, args.users))
    elif not args.only_broadcast:
        personas, typical = measure_selectors(args, rng)
        if not args.no_views:
            measure_views(args, personas, typical)
        if args.explain:
            explain(personas)
    if args.broadcast:
        broadcast(args.broadcast, args.passphrase)


if __name__ == "__main__":
    main()
