"""Timings of the organisation import (issue 11), in-process.

    python bench/onboarding.py              # a throw-away SQLite database in a temp dir
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/esurat_bench_onboard python bench/onboarding.py

Builds the demo city in an empty database, generates a workbook of 80 agencies, 400 units,
1,500 positions (every head under the demo Sekda, found by its UUID), 12,000 employees, 1,500
placements, 160 roles and 40 acting appointments, then times:

- the dry run: reading the workbook (openpyxl, read-only) and checking it against the database;
- the import: do_import_organisation (reads and checks again, then writes in one transaction);
- the re-import of the same file: its dry run, which must find nothing to change, and
  do_import_organisation run on it anyway (a no-op).

Invitations are enqueued to a dummy task backend (not sent). The exit status is non-zero when a
target (60 s each) is missed or the re-import changes anything.
"""

import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "esurat.settings")
if not os.environ.get("DATABASE_URL"):
    os.environ["ESURAT_VAR_DIR"] = tempfile.mkdtemp(prefix="esurat-bench-onboard-")
os.environ["TASKS_BACKEND"] = "django.tasks.backends.dummy.DummyBackend"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

AGENCIES, POSITIONS, EMPLOYEES, UNITS_PER_AGENCY = 80, 1500, 12_000, 5
TARGET_S = 60.0


def generate(sekda_key: str) -> bytes:
    from esurat.onboarding import workbook

    sheets = {name: [] for name in workbook.SHEETS}
    per_agency = POSITIONS // AGENCIES
    extra = POSITIONS - per_agency * AGENCIES
    nips = [f"{1970 + i // 1000}0101{2000 + i % 20}01{1 + i % 2}{i % 1000:03d}"
            for i in range(EMPLOYEES)]  # fmt: skip
    assert all(len(n) == 18 for n in nips) and len(set(nips)) == EMPLOYEES
    for i, nip in enumerate(nips):
        sheets["Pegawai"].append([nip, f"Pegawai Nomor {i}", f"p{i}@kota.go.id", ""])
    n = 0
    for a in range(AGENCIES):
        code = f"OPD{a:02d}"
        sheets["Perangkat Daerah"].append(
            [
                code,
                f"Dinas Nomor {a}",
                f"Dinas {a}",
                "dinas",
                f"Jl. Nomor {a}",
                f"opd{a}@kota.go.id",
                "",
                "",
            ]
        )
        for u in range(UNITS_PER_AGENCY):
            sheets["Unit"].append([code, f"U{u}", f"Bidang {u}", "" if u == 0 else "U0"])
        count = per_agency + (1 if a < extra else 0)
        for p in range(count):
            key = f"{code}-{p:03d}"
            superior = (
                sekda_key if p == 0 else (f"{code}-000" if p < 6 else f"{code}-{p % 5 + 1:03d}")
            )
            sheets["Jabatan"].append(
                [
                    code,
                    key,
                    f"Jabatan {p} {code}",
                    "" if p == 0 else f"U{p % UNITS_PER_AGENCY}",
                    superior,
                    "Ya" if p == 0 else "Tidak",
                    "Ya" if p < 6 else "Tidak",
                ]
            )
            sheets["Penempatan"].append([nips[n], key])
            n += 1
        sheets["Peran"].append([nips[n - 1], "pencatat", code])
        sheets["Peran"].append([nips[n - 2], "admin_opd", code])
        if a < 40:
            sheets["Plt-Plh"].append(
                [f"{code}-001", nips[n - 3], "plt", "2026-11-02", "", "Sprint"]
            )
    return workbook.write(sheets)


def main() -> int:
    call_command("migrate", verbosity=0)
    from esurat.onboarding import actions, workbook
    from esurat.onboarding.access import admin_scope
    from esurat.onboarding.models import Import
    from esurat.onboarding.plan import make_plan
    from esurat.organisations.demo import build_demo_city
    from esurat.organisations.models import Government

    if Government.objects.exists():
        print("refusing: the database has a government already")
        return 2
    city = build_demo_city()
    sekda = str(city.position("Setda", "Sekretaris Daerah").code)
    t = time.perf_counter()
    content = generate(sekda)
    print(f"workbook: {len(content) / 1e6:.1f} MB, generated in {time.perf_counter() - t:.1f} s")
    scope = admin_scope(city.users["admin"])
    results, failed = {}, False

    def dry_run():
        sheets = workbook.read(content)
        return make_plan(city.government, sheets, scope=None)

    def timed(name, fn):
        nonlocal failed
        t = time.perf_counter()
        out = fn()
        results[name] = time.perf_counter() - t
        failed |= results[name] > TARGET_S
        return out

    plan = timed("dry run", dry_run)
    assert plan.problem_total == 0, plan.report()["problems"][:5]
    print("planned:", plan.counts_shown())

    def do_import():
        row = actions.do_upload_import(scope=scope, user=city.users["admin"],
                                       filename="bench.xlsx", content=content)  # fmt: skip
        Import.objects.filter(pk=row.pk).update(state=Import.State.QUEUED)
        return actions.do_import_organisation(upload=row)

    row = timed("import", do_import)
    assert row.state == "done", row.report
    again = timed("re-import: dry run", dry_run)
    print("re-import:", again.counts_shown())
    failed |= again.changes != 0
    row = timed("re-import: import", do_import)
    failed |= row.report["changes"] != 0
    print(f"database: {connection.vendor}")
    for name, seconds in results.items():
        print(f"{name:24s} {seconds:6.1f} s  (target ≤ {TARGET_S:.0f} s)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
