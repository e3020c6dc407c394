"""Search at 1,000,000 letters: the full reindex, then permission-scoped searches (issue 12).

    createdb -h 127.0.0.1 -U postgres -T esurat_bench_base esurat_bench_search
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/esurat_bench_search
    python manage.py migrate
    python bench/seed_search.py                 # realistic text, 20 % scanned (~3 min)
    python bench/search.py --reindex            # reindex (time, peak RSS), then the searches
    python bench/search.py --explain            # searches only, EXPLAIN ANALYZE of the slowest

The reindex runs `manage.py reindex` in a child process under /usr/bin/time -v (wall clock and
the peak resident set size of the Python process; PostgreSQL's own backend is not counted).
The searches call esurat.search.backends.search — the function the search page and the API
call — in this process, with a fresh user object per call (so the seat and clerk queries are in
the time), for a user who may read ~100,000 letters (kadis.disdik), one who may read ~100
(staf.disdik) and the heaviest reader (sekda, ~128,000): ≥ 50 realistic queries each (words of
the word list, sender names, a misspelt name, words found only in a scan of a letter the user
may read), the most common term, letter numbers exact and partial. Each set is warmed up by its
first two queries, then every query runs once (`--cold`: twice, the first pass reported).
Read-only.
"""

import argparse
import os
import random
import re
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "esurat.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from bench.measure import capture, fresh, line, ms  # noqa: E402
from bench.search_words import CONTENT  # noqa: E402
from esurat.accounts.models import User  # noqa: E402
from esurat.letters.access import visible_letter_ids  # noqa: E402
from esurat.letters.models import Letter  # noqa: E402
from esurat.search.backends import Order, search  # noqa: E402
from esurat.search.models import LetterText  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
TARGETS = {"search": 100.0, "common": 300.0, "number": 30.0}
USERS = {
    "kadis.disdik": "head of the largest agency: may read ~97,000 letters",
    "staf.disdik": "a staff member: may read ~160 letters",
    "sekda": "the heaviest reader: may read ~128,000 letters",
}
COMMON = "kegiatan"  # rank 1 of bench/search_words.py: in most letters
QUERIES = [
    "undangan rapat", "surat undangan rapat", "rapat koordinasi", "laporan evaluasi",
    "evaluasi kinerja", "kepegawaian", "pegawai", "permohonan data",
    "permohonan data kepegawaian", "anggaran", "pengadaan barang jasa", "pengadaan",
    "monitoring dan evaluasi", "sosialisasi", "bimbingan teknis", "stunting", "banjir",
    "beasiswa", "perjalanan dinas", "kenaikan pangkat", "pengajuan cuti", "musrenbang",
    "apbd perubahan", "vaksinasi", "retribusi parkir", "laporan kegiatan triwulan", "zonasi",
    "akreditasi", "gratifikasi", "inspektorat temuan", "bappeda", "bappeda evaluasi", "disdik",
    "kementerian keuangan", "sinar harapan", "hasanudin", "triwulan iii", "tahun anggaran 2026",
    "kecamatan 5", "surat tugas", "nota dinas", "telaahan staf", "pelatihan",
    "rekapitulasi absensi", "bantuan sosial", "penertiban reklame", "imunisasi posyandu",
    "perizinan", "pajak daerah", "upacara kemerdekaan", "keamanan informasi", "spbe",
    "reformasi birokrasi", "undangan", "laporan",
]  # fmt: skip
RARE = set(CONTENT[200:])


def run(user_id, query, order=Order.NEWEST):
    """One search as the page runs it: a fresh user, the first page with total and facets."""
    user = fresh(user_id)
    started = time.perf_counter()
    results = search(user, query, order=order)
    return ms(time.perf_counter() - started), results


def reindex(options):
    print(f"\n== Full reindex: manage.py reindex {options} under /usr/bin/time -v", flush=True)
    cmd = ["/usr/bin/time", "-v", sys.executable, str(ROOT / "manage.py"), "reindex",
           "--no-progress", *options.split()]  # fmt: skip
    out = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, check=False)
    text = out.stdout + out.stderr
    wall = re.search(r"Elapsed \(wall clock\) time.*: (\S+)", text)
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
    user_cpu = re.search(r"User time \(seconds\): (\S+)", text)
    print("   " + "\n   ".join(out.stdout.strip().splitlines()[-3:]))
    if wall and rss:
        parts = [float(p) for p in wall.group(1).split(":")]
        seconds = sum(p * 60**i for i, p in enumerate(reversed(parts)))
        mb = int(rss.group(1)) / 1024
        print(f"   wall {seconds:.0f} s (target ≤ 120: {'OK' if seconds <= 120 else 'MISSED'}), "
              f"python CPU {user_cpu.group(1)} s, peak RSS {mb:.0f} MB "
              f"(target ≤ 1024: {'OK' if mb <= 1024 else 'MISSED'})", flush=True)  # fmt: skip
    else:
        print(text[-2000:])


def queries_for(user_id, rng):
    """The user's query set: the fixed list, plus words found only in the scans of letters the
    user may read, and the numbers (exact and partial) of such letters."""
    user = fresh(user_id)
    visible = list(Letter.objects.filter(pk__in=visible_letter_ids(user)).values_list(
        "pk", flat=True))  # fmt: skip
    sample = rng.sample(visible, min(len(visible), 400))
    scans = list(LetterText.objects.filter(letter_id__in=sample, state="done")
                 .values_list("text", flat=True)[:10])  # fmt: skip
    scan_words = []
    for text in scans:
        words = [w for w in re.findall(r"[a-z]+", text.lower()) if w in RARE]
        if words:
            scan_words.append(" ".join(rng.sample(words, min(2, len(words)))))
    numbered = list(Letter.objects.filter(pk__in=sample).exclude(number="")
                    .values_list("number", flat=True)[:20])  # fmt: skip
    exact = numbered[:10]
    partial = ["/".join(n.split("/")[1:3]) for n in numbered[10:20]]  # "1187/BAPPEDA"
    return len(visible), QUERIES + scan_words, exact, partial


def measure(name, user_id, rng, args):
    visible, words, exact, partial = queries_for(user_id, rng)
    print(f"\n== {name} ({USERS[name]}): {visible} exactly; {len(words)} word "
          f"queries, {len(exact)} exact and {len(partial)} partial numbers", flush=True)  # fmt: skip
    slow = []
    overall = []
    sets = [("words, newest first", words, Order.NEWEST, "search"),
            ("words, most relevant first", words[:20], Order.RELEVANT, "search"),
            (f"the most common term '{COMMON}'", [COMMON] * 5, Order.NEWEST, "common"),
            (f"'{COMMON}', most relevant first", [COMMON] * 5, Order.RELEVANT, "common"),
            ("letter number, exact", exact, Order.NEWEST, "number"),
            ("letter number, partial (1187/BAPPEDA)", partial, Order.NEWEST, "number")]  # fmt: skip
    for title, queries, order, target in sets:
        if args.sample:
            queries = queries[:: max(1, len(queries) // args.sample)][: args.sample]
        if not queries:
            continue
        cold, warm, hits = [], [], []
        for q in queries if args.cold else queries[:2]:  # a warm-up, or the whole cold pass
            cold.append(run(user_id, q, order)[0])
        for q in queries:
            t, results = run(user_id, q, order)
            warm.append(t)
            hits.append(results.total)
            slow.append((t, q, order))
        overall += warm
        if args.cold:
            line(f"{title} (cold)", cold)
        st = line(title, warm, target=TARGETS[target])
        print(f"    {'':44s} matches: median {sorted(hits)[len(hits) // 2]}, max {max(hits)}"
              + ("" if st["p95"] <= TARGETS[target] else "  ← see EXPLAIN"), flush=True)  # fmt: skip
    line("all queries (overall)", overall, target=TARGETS["search"])
    slow.sort(reverse=True)
    print("  slowest: " + "; ".join(f"{q!r} {o} {t:.0f} ms" for t, q, o in slow[:6]))
    if args.explain:
        for _, q, order in slow[: args.explain]:
            explain(user_id, q, order)


def explain(user_id, query, order):
    """EXPLAIN (ANALYZE, BUFFERS) of every query the search ran, with its own time."""
    user = fresh(user_id)
    with capture() as ctx:
        search(user, query, order=order)
    print(f"\n-- EXPLAIN {query!r} ({order}): {len(ctx.captured_queries)} queries")
    for q in ctx.captured_queries:
        sql = q["sql"]
        if "search_searchentry" not in sql or sql.startswith("EXPLAIN"):
            print(f"   [{float(q['time']) * 1000:7.1f} ms] {sql[:160]}…")
            continue
        with transaction.atomic(), connection.cursor() as cursor:  # the search's own settings
            cursor.execute("SELECT set_config('jit', 'off', true), "
                           "set_config('work_mem', '32MB', true)")  # fmt: skip
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + sql)
            plan = [row[0] for row in cursor.fetchall()]
        print(f"\n   [{float(q['time']) * 1000:7.1f} ms] {sql[:400]}…")
        for row in plan:
            print("      " + row)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reindex", action="store_true", help="first run the full reindex")
    parser.add_argument("--only-reindex", action="store_true")
    parser.add_argument("--reindex-options", default="--full --jobs 2",
                        help="options of manage.py reindex (default: --full --jobs 2)")  # fmt: skip
    parser.add_argument("--explain", type=int, default=0, metavar="N",
                        help="EXPLAIN ANALYZE the N slowest searches of each user")  # fmt: skip
    parser.add_argument("--user", action="append", choices=list(USERS))
    parser.add_argument("--cold", action="store_true", help="also report a first (cold) pass")
    parser.add_argument("--sample", type=int, default=0, metavar="N",
                        help="only N queries of each set (the heavy users take seconds each)")  # fmt: skip
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("bench/search.py needs the seeded PostgreSQL database (DATABASE_URL).")
    settings.DEBUG = False
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM letters_letter")
        letters = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM search_lettertext WHERE state = 'done'")
        scans = cursor.fetchone()[0]
        cursor.execute("SELECT current_setting('shared_buffers'), "
                       "pg_size_bytes(current_setting('shared_buffers'))")  # fmt: skip
        buffers, buffer_bytes = cursor.fetchone()
    print(f"database: {letters} letters, {scans} scan texts; PostgreSQL {connection.pg_version};"
          f" shared_buffers {buffers}; {os.cpu_count()} CPUs;"
          f" load average {os.getloadavg()[0]:.1f}", flush=True)  # fmt: skip
    if buffer_bytes < 1024**3:
        print("   note: shared_buffers below 1 GB holds little of the 1.2 GB search table, and each"
              " row a search visits is then read from the OS cache: the heads of agency's p95"
              " about doubles (bench/README.md, issue 12; docs/deploy.md, 2).", flush=True)
    if args.reindex or args.only_reindex:
        reindex(args.reindex_options)
    if args.only_reindex:
        return
    rng = random.Random(12)
    ids = dict(User.objects.filter(username__in=USERS).values_list("username", "pk"))
    for name in args.user or USERS:
        measure(name, ids[name], rng, args)


if __name__ == "__main__":
    main()
