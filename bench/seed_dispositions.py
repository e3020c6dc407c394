"""Add dispositions to the database seeded by bench/seed.py (bench/README.md, issue 3).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/esurat_bench \
        python bench/seed_dispositions.py

seed.py leaves registered incoming letters in the heads' inboxes (and the Sekda's for 30 % of
them) without any disposition. This script writes what esurat.dispositions.actions would have
written for three years of use: the receiver of each opened letter disposes it to 1–3 positions
below (the Sekretaris most often), who dispose further to kasi and staff; each disposition has
1–3 instructions, a due date from the letter's urgency in working days, read/done/withdrawn/
reopened/prepared states on a plausible timeline, a follow-up report (some with a file row) when
done, `closed_by_parent` below a reported branch, and a `disposition` participant row per
recipient (letter visibility). A few surat edaran are disposed by the Sekda to every head of
agency (trees of ~200 nodes). Not written: audit events and the files' bytes (no measured
page reads them). Rows go in with COPY in one transaction, into the indexed tables (a few
hundred thousand rows: dropping indexes would save little, and other benchmarks may be reading
the database). Refuses a database that already has dispositions.
"""

import argparse
import datetime
import hashlib
import os
import random
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "esurat.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402

from bench.seed import UTC, WITA, CopyWriter, iso, log  # noqa: E402
from esurat.dispositions.models import Disposition, Instruction  # noqa: E402
from esurat.lib.workdays import due_days  # noqa: E402
from esurat.organisations.models import Assignment, Holiday, Position  # noqa: E402

TABLES = ["dispositions_disposition", "dispositions_disposition_instructions",
          "dispositions_followup", "dispositions_followupfile"]  # fmt: skip
HOUR, DAY = 3600.0, 86400.0
NOTES = ["Segera koordinasikan dengan bidang terkait.", "Mohon dipelajari dan laporkan.",
         "Hadiri dan laporkan hasilnya.", "Siapkan bahan untuk rapat.", "Tindak lanjuti segera.",
         "Untuk menjadi perhatian.", "Bahas dengan saya besok pagi."]  # fmt: skip
REPORTS = ["Sudah dihadiri, notulen terlampir.", "Data telah disampaikan ke instansi pengirim.",
           "Sudah dikoordinasikan dengan bidang terkait.", "Konsep jawaban sudah disiapkan.",
           "Telah ditindaklanjuti sesuai ketentuan.", "Sudah diedarkan ke seluruh seksi."]  # fmt: skip
# Chance that a recipient at this level disposes further, and how many positions it picks.
FURTHER = {"head": 0.9, "second": 0.6, "third": 0.35, "staff": 0.0}
FAN = {"head": ((1, 2, 3), (55, 30, 15)), "second": ((1, 2, 3), (60, 30, 10)),
       "third": ((1, 2), (75, 25)), "staff": ((1,), (1,))}  # fmt: skip


class Org:
    """Positions, who sits in them, and who may receive a disposition from whom."""

    def __init__(self):
        rows = list(Position.objects.values_list("pk", "agency_id", "superior_id", "title",
                                                 "is_head", "holder_id"))  # fmt: skip
        self.agency = {pk: a for pk, a, *_ in rows}
        self.title = {pk: t for pk, _a, _s, t, _h, _u in rows}
        heads = {pk for pk, _a, _s, _t, h, _u in rows if h}
        self.head_of = {a: pk for pk, a, _s, _t, h, _u in rows if h}
        below = {}
        for pk, _agency, sup, *_ in rows:
            if sup is not None:
                below.setdefault(sup, []).append(pk)
        self.walikota = next(pk for pk, _a, sup, _t, h, _u in rows if h and sup is None)
        self.sekda = next(pk for pk, _a, sup, _t, h, _u in rows if h and sup == self.walikota)
        # Level: head / second (sekretaris, kabid, asisten, wakil) / third (kasi) / staff.
        self.level = {}
        for pk, _a, sup, title, h, _u in rows:
            if h:
                self.level[pk] = "head"
            elif sup in heads:
                self.level[pk] = "second"
            elif title.startswith(("Kepala Seksi", "Kepala Bagian")):
                self.level[pk] = "third"
            else:
                self.level[pk] = "staff"
        # Candidates: subordinates in the same agency (the Sekda's heads of agency only for the
        # edaran trees; the Wali Kota's Sekda is in another agency but is his natural target).
        self.below = {
            sup: [p for p in subs if self.agency[p] == self.agency[sup]
                  or (sup == self.walikota and p == self.sekda)]
            for sup, subs in below.items()
        }  # fmt: skip
        # A kabid disposes to their kasi rather than straight to staff.
        next_level = {"head": "second", "second": "third", "third": "staff"}
        self.preferred = {
            sup: [p for p in subs if self.level[p] == next_level.get(self.level[sup])]
            for sup, subs in self.below.items()
        }
        self.heads_below_sekda = [p for p in below.get(self.sekda, []) if p in heads]
        self.secretary = {
            sup: next((p for p in subs if self.title[p].startswith("Sekretaris")), None)
            for sup, subs in self.below.items()
        }
        # Who acts for a position: the holder, or the Plt. of a vacant post.
        self.actor = {pk: (u, "") for pk, *_r, u in rows if u}
        self.delegate = {}
        for position, user, kind in Assignment.objects.values_list("position_id", "user_id",
                                                                   "kind"):  # fmt: skip
            if kind in Assignment.ACTING_KINDS:
                self.actor[position] = (user, kind)
            elif kind == Assignment.Kind.DELEGATE:
                self.delegate[position] = user


class WorkDays:
    """Due dates: `n` working days after a local date (weekends and the holiday table)."""

    def __init__(self, government_id):
        self.holidays = set(
            Holiday.objects.filter(government_id=government_id).values_list("date", flat=True)
        )

    def add(self, start: datetime.date, n: int) -> datetime.date:
        day = start
        while n:
            day += datetime.timedelta(days=1)
            if day.weekday() < 5 and day not in self.holidays:
                n -= 1
        return day


class Generator:
    """Builds the disposition rows of one letter at a time, top-down (parents get ids first)."""

    def __init__(self, rng, org, workdays, instructions, now):
        self.rng, self.org, self.workdays, self.now = rng, org, workdays, now
        self.instructions, self.instruction_w = instructions
        self.next_id = 0
        self.givers = set()  # (letter, giver) pairs already disposed
        self.stats = dict.fromkeys(Disposition.State.values, 0)
        self.stats["closed_by_parent"] = self.stats["follow_ups"] = 0

    def pick(self, giver, k):
        """k distinct subordinates of the giver: a head's Sekretaris most often, a kabid's kasi
        rather than staff, the first units (Asisten 1, Kabid 1, Kasi 1) more than the last."""
        rng, org = self.rng, self.org
        candidates = org.below.get(giver, [])
        if not candidates:
            return []
        chosen = []
        secretary = org.secretary.get(giver)
        p_secretary = 0.75 if giver == org.sekda else 0.5
        if secretary and org.level[giver] == "head" and rng.random() < p_secretary:
            chosen.append(secretary)
        pool = org.preferred.get(giver) or candidates
        if rng.random() < 0.15:
            pool = candidates
        rest = [p for p in pool if p not in chosen]
        while len(chosen) < k and rest:
            chosen.append(rest.pop(int(len(rest) * rng.random() ** 1.5)))
        return chosen

    def batch(self, letter, giver, parent_id, at, limit, targets, out):
        """One act of disposing: rows to `targets` at `at`, then their own subtrees.

        A position that got the letter twice (inbox and a disposition) disposes it once: do_dispose
        refuses a second disposition from the same giver to the same position."""
        rng, org = self.rng, self.org
        if (letter[0], giver) in self.givers:
            return
        self.givers.add((letter[0], giver))
        urgency = letter[2]
        local = datetime.datetime.fromtimestamp(at, WITA).date()
        due = self.workdays.add(local, due_days(urgency))
        actor, acting = org.actor.get(giver, (None, ""))
        prepared = (parent_id is None and org.level[giver] == "head" and giver in org.delegate
                    and self.now - at < 10 * DAY and rng.random() < 0.08)  # fmt: skip
        if prepared:  # the delegate's proposal, waiting for the leader's tap
            actor, acting = org.delegate[giver], "delegate"
        n_instr = rng.choices((1, 2, 3), (60, 32, 8))[0]
        instr = list(dict.fromkeys(rng.choices(self.instructions, self.instruction_w, k=n_instr)))
        note = rng.choice(NOTES) if rng.random() < 0.35 else ""
        batch = uuid.uuid4()
        for target in targets:
            self.next_id += 1
            row = {"id": self.next_id, "batch": batch, "letter": letter[0], "parent": parent_id,
                   "from": giver, "to": target, "due": due, "note": note, "created": at,
                   "by": actor, "as": acting, "instr": instr, "prepared": prepared,
                   "urgency": urgency, "security": letter[3]}  # fmt: skip
            out.append(row)
            if not prepared:
                self.receive(letter, row, limit, out)

    def receive(self, letter, row, limit, out):
        """The recipient's side of a row: read, withdrawn, report, further dispositions."""
        rng, org, now = self.rng, self.org, self.now
        created, target = row["created"], row["to"]
        row["reader"] = org.actor.get(target, (None, ""))
        row["read"] = None if rng.random() < 0.04 else created + rng.expovariate(1 / (5 * HOUR))
        row["withdrawn"] = None
        if rng.random() < 0.015:  # withdrawn before it was read (a wrong recipient)
            row["withdrawn"] = min(created + rng.expovariate(1 / HOUR), now - 60)
            row["read"] = None
            return
        row["limit"] = limit  # an ancestor's report closes this branch at `limit`
        row["report"] = None
        if row["read"] is not None and rng.random() < 0.85:
            days = 1.5 if row["urgency"] == "biasa" else 0.8
            row["report"] = row["read"] + rng.expovariate(1 / (days * DAY))
        own_limit = min(limit, row["report"] or float("inf"), now)
        level = org.level[target]
        if row["read"] is None or row["read"] >= own_limit or rng.random() >= FURTHER[level]:
            return
        at = row["read"] + rng.expovariate(1 / (8 * HOUR))
        if at >= own_limit - 60:
            return
        k = rng.choices(*FAN[level])[0]
        targets = self.pick(target, k)
        if targets and row["reader"][0]:
            self.batch(letter, target, row["id"], at, own_limit, targets, out)

    def root(self, letter, position, read_at, out, *, everyone=False):
        """The inbox receiver's own disposition of the letter (no parent)."""
        rng = self.rng
        at = read_at + rng.expovariate(1 / (3 * HOUR))
        if at >= self.now - 60 or self.org.actor.get(position, (None,))[0] is None:
            return
        if everyone:  # a surat edaran the Sekda sends down to every head of agency
            targets = [self.org.secretary[position], *self.org.heads_below_sekda]
        else:
            targets = self.pick(position, rng.choices(*FAN["head"])[0])
        if targets:
            self.batch(letter, position, None, at, float("inf"), targets, out)

    def settle(self, row):
        """The row's final state as of now: done (reported or closed from above), open, …"""
        rng, now = self.rng, self.now
        if row["prepared"]:
            return "prepared"
        if row["withdrawn"]:
            return "withdrawn"
        limit, report, read = row["limit"], row["report"], row["read"]
        row["closed_by_parent"] = False
        row["done"] = row["reopened"] = None
        if report is not None and report < limit and report < now:
            row["done"] = report
            if report < now - 2 * DAY and rng.random() < 0.01:
                row["reopened"] = min(report + rng.expovariate(1 / DAY), now - 60)
                return "reopened"
            return "done"
        if limit < now:
            row["done"], row["closed_by_parent"] = limit, True
            if read is not None and read >= limit:
                row["read"] = None
            return "done"
        if read is not None and read < now:
            return "read"
        row["read"] = None
        return "sent"


def registered_inbox():
    """Inbox rows of registered (not filed) incoming letters: who got which letter, and when
    they opened it, letter by letter."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT l.id, l.agency_id, l.urgency, l.security, k.code, e.position_id, "
            "extract(epoch from e.read_at) FROM letters_inboxentry e "
            "JOIN letters_letter l ON l.id = e.letter_id "
            "JOIN letters_letterkind k ON k.id = l.kind_id "
            "WHERE l.origin = 'registered' AND l.state = 'registered' ORDER BY l.id, e.id"
        )
        return cursor.fetchall()


def generate(rng, org, gen, rows_in, edaran_share):
    """Every letter's dispositions, in letter order."""
    out, letter = [], None
    for lid, agency_id, urgency, security, kind, position, read_at in rows_in:
        letter = (lid, agency_id, urgency, security)
        if read_at is None:  # not opened yet: not disposed yet
            continue
        read_at = float(read_at)
        if position == org.sekda and org.agency[position] != agency_id:
            # A copy for the Sekda's information: disposed now and then, for coordination.
            if rng.random() >= 0.35:
                continue
        elif rng.random() >= FURTHER["head"]:
            continue  # the head only reads it
        everyone = (position == org.sekda and kind == "surat-edaran"
                    and rng.random() < edaran_share)  # fmt: skip
        gen.root(letter, position, read_at, out, everyone=everyone)
    return out


def write(raw, gen, rows, rng):
    """COPY the rows, their instructions, follow-ups, files and participant rows."""
    cols = ["id", "code", "batch", "letter_id", "parent_id", "from_position_id",
            "to_position_id", "note", "due_date", "state", "created_by_id", "created_as",
            "created_at", "sent_by_id", "sent_as", "sent_at", "read_by_id", "read_as", "read_at",
            "done_at", "closed_by_parent", "withdrawn_by_id", "withdrawn_at", "reopened_by_id",
            "reopened_at", "reopen_note", "security"]  # fmt: skip
    disp = CopyWriter(raw, "dispositions_disposition", cols, spool=True)
    through = CopyWriter(raw, "dispositions_disposition_instructions",
                         ["disposition_id", "instruction_id"], spool=True)  # fmt: skip
    follow = CopyWriter(raw, "dispositions_followup", ["id", "code", "disposition_id", "text",
                        "position_id", "created_by_id", "created_as", "created_at"], spool=True)  # fmt: skip
    files = CopyWriter(raw, "dispositions_followupfile", ["follow_up_id", "code", "file",
                       "original_name", "content_type", "size", "sha256"], spool=True)  # fmt: skip
    part = CopyWriter(raw, "letters_participant", ["letter_id", "position_id", "role"], spool=True)
    seen, follow_id = set(), 0
    for r in rows:
        state = gen.settle(r)
        gen.stats[state] += 1
        code = uuid.uuid4()
        sent = state != "prepared"
        reader, read_as = r.get("reader", (None, ""))
        read = r.get("read")
        disp.add([
            r["id"], code, r["batch"], r["letter"], r["parent"], r["from"], r["to"], r["note"],
            r["due"], state, r["by"], r["as"], iso(r["created"]), r["by"] if sent else None,
            r["as"] if sent else "", iso(r["created"]) if sent else None,
            reader if read else None, read_as if read else "", iso(read) if read else None,
            iso(r["done"]) if r.get("done") else None, "t" if r.get("closed_by_parent") else "f",
            r["by"] if state == "withdrawn" else None,
            iso(r["withdrawn"]) if state == "withdrawn" else None,
            r["by"] if state == "reopened" else None,
            iso(r["reopened"]) if state == "reopened" else None,
            "Laporan belum lengkap." if state == "reopened" else "", r["security"],
        ])  # fmt: skip
        for instruction in r["instr"]:
            through.add([r["id"], instruction])
        if state in Disposition.VISIBLE_STATES and (r["letter"], r["to"]) not in seen:
            seen.add((r["letter"], r["to"]))
            part.add([r["letter"], r["to"], "disposition"])
        if r.get("done") and not r.get("closed_by_parent") and reader:
            gen.stats["follow_ups"] += 1
            follow_id += 1
            follow.add([follow_id, uuid.uuid4(), r["id"], rng.choice(REPORTS), r["to"], reader,
                        read_as, iso(r["done"])])  # fmt: skip
            if rng.random() < 0.3:
                files.add([follow_id, uuid.uuid4(), f"dispositions/{code}/{uuid.uuid4().hex}",
                           "laporan-tindak-lanjut.pdf", "application/pdf",
                           rng.randint(40_000, 900_000),
                           hashlib.sha256(str(follow_id).encode()).hexdigest()])  # fmt: skip
        gen.stats["closed_by_parent"] += bool(r.get("closed_by_parent"))
    counts = {"dispositions": disp.close(), "instructions": through.close(),
              "follow-ups": follow.close(), "files": files.close(),
              "participants": part.close()}  # fmt: skip
    return counts


def summarise(org, rows):
    """Print the skew: the heaviest recipients and givers, and the largest trees."""
    received, given, trees = {}, {}, {}
    for r in rows:
        received[r["to"]] = received.get(r["to"], 0) + 1
        given[r["from"]] = given.get(r["from"], 0) + 1
        trees[r["letter"]] = trees.get(r["letter"], 0) + 1
    for name, counts in (("received", received), ("given", given)):
        top = sorted(counts.items(), key=lambda kv: -kv[1])[:5]
        values = sorted(counts.values())
        print(f"  {name}: {len(counts)} positions, median {values[len(values) // 2]}, top "
              + "; ".join(f"{org.title[pk]} {n}" for pk, n in top))  # fmt: skip
    sizes = sorted(trees.values())
    print(
        f"  trees: {len(sizes)} letters, median {sizes[len(sizes) // 2]}, "
        f"p99 {sizes[int(len(sizes) * 0.99)]}, max {sizes[-1]}"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=20260502)
    parser.add_argument("--edaran-share", type=float, default=0.005,
                        help="share of the Sekda's surat edaran disposed to every head")  # fmt: skip
    parser.add_argument("--dry-run", action="store_true", help="plan and summarise, write nothing")
    args = parser.parse_args()
    started = time.monotonic()
    if connection.vendor != "postgresql":
        sys.exit("bench/seed_dispositions.py needs PostgreSQL: set DATABASE_URL=postgres://…")
    if Disposition.objects.exists():
        sys.exit("This database already has dispositions; seed a fresh one with bench/seed.py.")
    rng = random.Random(args.seed)
    org = Org()
    government_id = Position.objects.values_list("agency__government_id", flat=True).first()
    if government_id is None:
        sys.exit("Run bench/seed.py first: this database has no organisation.")
    instructions = list(Instruction.objects.order_by("order").values_list("pk", "name"))
    # "Untuk ditindaklanjuti" and "Untuk diketahui" dominate real sheets.
    weights = [{"Untuk ditindaklanjuti": 30, "Untuk diketahui": 20, "Hadiri / wakili dan laporkan":
                10, "Koordinasikan": 8}.get(name, 3) for _, name in instructions]  # fmt: skip
    now = datetime.datetime.now(UTC).timestamp()
    gen = Generator(rng, org, WorkDays(government_id), ([pk for pk, _ in instructions], weights),
                    now)  # fmt: skip
    inbox = registered_inbox()
    log(started, f"{len(inbox)} inbox rows of registered letters read")
    rows = generate(rng, org, gen, inbox, args.edaran_share)
    log(started, f"{len(rows)} dispositions planned")
    summarise(org, rows)
    if args.dry_run:
        return

    # One transaction, into the indexed tables: all or nothing, and other benchmarks reading
    # the database meanwhile never see the tables without their indexes.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit = off")
        counts = write(connection.connection, gen, rows, rng)
        log(started, ", ".join(f"{v} {k}" for k, v in counts.items()))
    with connection.cursor() as cursor:
        for table in [
            "dispositions_disposition",
            "dispositions_followup",
            "dispositions_disposition_instructions",
            "dispositions_followupfile",
        ]:
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                           f"(SELECT coalesce(max(id), 1) FROM {table}))")  # fmt: skip
        for table in [*TABLES, "letters_participant"]:
            cursor.execute(f"VACUUM (ANALYZE) {table}")
    log(started, "states: " + ", ".join(f"{k} {v}" for k, v in gen.stats.items()))
    log(started, "vacuumed and analysed; done")


if __name__ == "__main__":
    main()
