"""Seed PostgreSQL with a large government for the performance measurements (bench/README.md).

    createdb -h 127.0.0.1 -U postgres esurat_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/esurat_bench \
        python bench/seed.py --letters 1000000

One government, 60 agencies, 10,000 positions each with its holder, 1,000,000 letters over three
years and 3 × letters inbox rows, skewed: five leadership positions receive ~5 % of the letters
each, heads of agencies ~1 %, staff a few dozen a year. The organisation goes through the ORM
(bulk_create); letters and their rows are streamed with COPY into tables whose secondary
indexes and foreign keys are dropped first and rebuilt afterwards (the usual bulk-load order).
Every seeded account's password is "bench". Refuses a database that already has letters.
"""

import argparse
import datetime
import os
import random
import sys
import tempfile
import time
import uuid
from itertools import accumulate
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "esurat.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth.hashers import make_password  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from esurat.accounts.models import Role, User  # noqa: E402
from esurat.letters.models import Classification, ExternalParty, Letter, LetterKind  # noqa: E402
from esurat.organisations.models import (  # noqa: E402
    Agency,
    Assignment,
    Government,
    Position,
    Unit,
)

PASSWORD = "bench"
UTC = datetime.UTC
WITA = datetime.timezone(datetime.timedelta(hours=8))
BIG_TABLES = ["letters_letter", "letters_inboxentry", "letters_recipient", "letters_participant",
              "letters_reviewstep"]  # fmt: skip
ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]

# (short name, kind, share of the 10,000 positions). 60 agencies, sizes as in a mid-size city.
DINAS = ["Disdik", "Dinkes", "Dinas PUPR", "Dinsos", "Disnaker", "Disdukcapil", "DLH",
         "Dishub", "Diskominfo", "Disperindag", "DKP", "Dispar", "Dispora", "DPMPTSP",
         "Disperkim", "Distan", "Disperpus", "DP3A", "Dinas Koperasi", "Damkar", "DPPKB",
         "Disbudpar", "Dinas Pangan", "Dinas Perikanan"]  # fmt: skip
BADAN = ["Bappeda", "BPKAD", "BKPSDM", "Bapenda", "BPBD", "Kesbangpol", "Balitbang", "Inspektorat"]
SIZE = {"Disdik": 14, "Dinkes": 11, "Dinas PUPR": 5, "Setda": 4.5, "Satpol PP": 3, "Dishub": 3,
        "DLH": 3, "Damkar": 2, "RSUD": 6}  # fmt: skip


def agency_plan():
    plan = [("Wali Kota", "leadership", 0.12), ("Setda", "secretariat", SIZE["Setda"]),
            ("Setwan", "secretariat", 0.8), ("RSUD", "office", SIZE["RSUD"]),
            ("Satpol PP", "office", SIZE["Satpol PP"])]  # fmt: skip
    plan += [(name, "office", SIZE.get(name, 1.2)) for name in DINAS]
    plan += [(name, "board", 1.0) for name in BADAN]
    plan += [(f"Kec. {i}", "district", 0.7) for i in range(1, 11)]
    plan += [(f"Kel. {i}", "village", 0.22) for i in range(1, 14)]
    assert len(plan) == 60, len(plan)
    return plan


def log(started, message):
    print(f"[{time.monotonic() - started:7.1f}s] {message}", flush=True)


def build_organisation(rng, n_positions, started):
    gov = Government.objects.create(name="Pemerintah Kota Bench Raya", short_name="Bench Raya")
    plan = agency_plan()
    total = sum(share for _, _, share in plan)
    agencies = Agency.objects.bulk_create(
        Agency(government=gov, name=f"{short} Kota Bench Raya", short_name=short,
               unit_code=short.upper().replace(" ", "").replace(".", "")[:20], kind=kind)
        for short, kind, _ in plan
    )  # fmt: skip
    sizes = [max(8, round(n_positions * share / total)) for _, _, share in plan]
    sizes[DINAS.index("Disdik") + 5] += n_positions - sum(sizes)  # the remainder to Disdik

    # Level by level, so that superiors have primary keys before their subordinates.
    def level(rows):
        return Position.objects.bulk_create(rows, batch_size=2000)

    heads = level([Position(agency=a, title="Wali Kota" if a.kind == "leadership"
                            else f"Kepala {a.short_name}", is_head=True, can_sign=True)
                   for a in agencies])  # fmt: skip
    walikota = heads[0]
    sekda = heads[1]
    for head in heads[2:]:
        head.superior = sekda
    sekda.superior = walikota
    Position.objects.bulk_update(heads, ["superior"])
    units = Unit.objects.bulk_create(
        Unit(agency=a, name=f"Bidang {i}") for a, size in zip(agencies, sizes, strict=True)
        for i in range(max(1, min(8, size // 60)) + 1)
    )  # fmt: skip
    units_of = {}
    for u in units:
        units_of.setdefault(u.agency_id, []).append(u)
    second = []  # secretary, kabid (Asisten in Setda)
    for a, head in zip(agencies, heads, strict=True):
        if a.kind == "leadership":
            second.append(Position(agency=a, title="Wakil Wali Kota", superior=head, can_sign=True))
            continue
        a_units = units_of[a.pk]
        second.append(Position(agency=a, unit=a_units[0], title=f"Sekretaris {a.short_name}",
                               superior=head, can_sign=True))  # fmt: skip
        for i, unit in enumerate(a_units[1:], 1):
            title = f"Asisten {i}" if a.short_name == "Setda" else f"Kepala Bidang {i}"
            second.append(Position(agency=a, unit=unit, title=title, superior=head, can_sign=True))
    second = level(second)
    third = []  # kasubbag / kasi / kabag
    for p in second:
        if p.title == "Wakil Wali Kota":
            continue
        for i in range(3):
            title = (
                f"Kepala Bagian {i + 1} {p.title}"
                if "Asisten" in p.title or (p.title.startswith("Sekretaris Setda"))
                else f"Kepala Seksi {i + 1} {p.title}"
            )
            third.append(Position(agency_id=p.agency_id, unit_id=p.unit_id, title=title,
                                  superior=p))  # fmt: skip
    third = level(third)
    counts = {}
    for p in [*heads, *second, *third]:
        counts[p.agency_id] = counts.get(p.agency_id, 0) + 1
    under = {}
    for p in [*second, *third]:
        under.setdefault(p.agency_id, []).append(p)
    staff = []
    for a, head, size in zip(agencies, heads, sizes, strict=True):
        supers = under.get(a.pk, [head])
        # The registry clerk first: the first staff position under the secretary.
        for i in range(max(1, size - counts[a.pk])):
            sup = supers[i % len(supers)]
            title = "Pengadministrasi Umum" if i == 0 else f"Pelaksana {i}"
            staff.append(Position(agency=a, unit_id=sup.unit_id, title=title, superior=sup))
    staff = level(staff)
    positions = [*heads, *second, *third, *staff]
    log(started, f"{len(agencies)} agencies, {len(positions)} positions")

    # Holders: one account per position, except a few vacant posts (a Plt acts there).
    password = make_password(PASSWORD)
    named = {walikota.pk: "walikota", sekda.pk: "sekda"}
    vacant = {heads[3].pk}  # the head of RSUD: its first kabid is Plt (a two-seat user)
    users, holders = [], []
    nips = rng.sample(range(10**17, 10**18), len(positions))
    for i, p in enumerate(positions):
        if p.pk in vacant:
            continue
        users.append(User(username=named.get(p.pk, f"asn{i:05d}"), password=password,
                          full_name=f"Pegawai {i:05d}", nip=str(nips[i]), government=gov,
                          email=f"asn{i:05d}@benchraya.go.id"))  # fmt: skip
        holders.append(p)
    users = User.objects.bulk_create(users, batch_size=2000)
    for p, u in zip(holders, users, strict=True):
        p.holder = u
    Position.objects.bulk_update(holders, ["holder"], batch_size=2000)
    by_pos = {p.pk: p for p in positions}
    holder_of = {p.pk: p.holder_id for p in positions}

    # Acting officials and delegates (multi-seat users).
    rsud_kabid = next(p for p in second if p.agency_id == heads[3].agency_id
                      and p.title.startswith("Kepala Bidang"))  # fmt: skip
    User.objects.filter(pk=rsud_kabid.holder_id).update(username="plt.kadis")
    leader_staff = next(p for p in staff if p.agency_id == agencies[0].pk)
    User.objects.filter(pk=leader_staff.holder_id).update(username="sekpri.walikota")
    assignments = [
        Assignment(position=heads[3], user_id=rsud_kabid.holder_id, kind="plt",
                   note="Plt. Direktur"),
        Assignment(position=walikota, user_id=leader_staff.holder_id, kind="delegate",
                   note="Sekretaris pribadi"),
    ]  # fmt: skip
    for a, head in zip(agencies[1:], heads[1:], strict=True):
        secretary = next((p for p in second if p.agency_id == a.pk), None)
        if secretary is not None and secretary.holder_id:
            assignments.append(Assignment(position=head, user_id=secretary.holder_id,
                                          kind="delegate", note="Sekretaris pimpinan"))  # fmt: skip
    Assignment.objects.bulk_create(assignments)
    clerks = {}
    for p in staff:
        if p.title == "Pengadministrasi Umum":
            clerks[p.agency_id] = p
    Role.objects.bulk_create(
        Role(user_id=p.holder_id, kind=Role.Kind.CLERK, agency_id=a) for a, p in clerks.items()
    )
    heavy_user = [p for p in staff if p.agency_id == agencies[DINAS.index("Disdik") + 5].pk][7]
    User.objects.filter(pk=heavy_user.holder_id).update(username="staf.disdik")
    User.objects.filter(pk=heads[DINAS.index("Disdik") + 5].holder_id).update(
        username="kadis.disdik"
    )
    log(started, f"{len(users)} accounts, {len(assignments)} acting officials and delegates")
    return gov, agencies, sizes, heads, second, third, staff, by_pos, holder_of, clerks


def position_weights(heads, second, third, staff, rng, walikota, sekda):
    """Target share of inbox rows per position: the skew of a real government."""
    heavy = {walikota.pk, sekda.pk}
    for p in second:
        if p.title in ("Wakil Wali Kota", "Asisten 1", "Asisten 2"):
            heavy.add(p.pk)
    w = {}
    for p in heads:
        w[p.pk] = rng.lognormvariate(0, 0.5) * 12
    for p in second:
        w[p.pk] = rng.lognormvariate(0, 0.5) * 2.4
    for p in third:
        w[p.pk] = rng.lognormvariate(0, 0.6) * 0.55
    for p in staff:
        w[p.pk] = rng.lognormvariate(0, 0.8) * 0.085
    return w, heavy


def wall_times(rng, n, days, now):
    """n creation instants over `days`, more recent days busier (adoption grows), on weekdays
    between 07:30 and 16:00 WITA; sorted, as epoch seconds."""
    start = now - datetime.timedelta(days=days)
    day0 = datetime.datetime(start.year, start.month, start.day, tzinfo=WITA)
    out = []
    while len(out) < n:
        d = int(days * (rng.random() ** 0.6))  # density rises towards today
        day = day0 + datetime.timedelta(days=d)
        if day.weekday() >= 5:
            continue
        t = day.timestamp() + 27000 + rng.random() * 30600
        if t < now.timestamp() - 600:
            out.append(t)
    out.sort()
    return out


def iso(ts: float) -> str:
    return datetime.datetime.fromtimestamp(ts, UTC).isoformat()


def local_date(ts: float) -> datetime.date:
    return datetime.datetime.fromtimestamp(ts, WITA).date()


BODY_PARTS = [
    "Dengan hormat, sehubungan dengan pelaksanaan program kerja tahun anggaran berjalan, kami "
    "sampaikan hal-hal sebagai berikut.",
    "Berdasarkan Peraturan Wali Kota tentang Tata Naskah Dinas di lingkungan Pemerintah Kota, "
    "setiap naskah dinas disampaikan melalui aplikasi persuratan elektronik.",
    "Kegiatan dimaksud akan dilaksanakan pada hari kerja di ruang rapat utama dengan agenda "
    "pembahasan capaian kinerja triwulan serta rencana tindak lanjut.",
    "Mengingat pentingnya acara tersebut, dimohon kehadiran Bapak/Ibu tepat waktu atau menunjuk "
    "pejabat yang membidangi untuk mewakili.",
    "Data dukung yang diperlukan agar disampaikan paling lambat lima hari kerja setelah surat ini "
    "diterima, dalam format yang telah ditentukan.",
    "Demikian disampaikan, atas perhatian dan kerja sama Bapak/Ibu diucapkan terima kasih.",
]
TOPICS = [
    "Rapat Koordinasi",
    "Permohonan Data",
    "Undangan Sosialisasi",
    "Laporan Kegiatan",
    "Penyampaian Dokumen",
    "Pelaksanaan Apel",
    "Usulan Anggaran",
    "Monitoring dan Evaluasi",
    "Permohonan Narasumber",
    "Pemberitahuan Jadwal",
    "Penugasan Pegawai",
    "Rekapitulasi",
]
SUBJECT_TAIL = ["Triwulan I", "Triwulan II", "Triwulan III", "Triwulan IV", "Tahun Anggaran",
                "Pembangunan Daerah", "Pelayanan Publik", "Reformasi Birokrasi", "SPBE",
                "Penanganan Stunting", "Pengendalian Inflasi", "Kearsipan"]  # fmt: skip


def required_columns(raw, table, columns) -> dict:
    """NOT NULL columns without a database default that the seed does not know about (added by
    a later migration): filled with the type's empty value so the seed keeps up with the models."""
    empty = {"character varying": "", "text": "", "integer": 0, "bigint": 0, "smallint": 0,
             "boolean": "f", "jsonb": "{}"}  # fmt: skip
    with raw.cursor() as cursor:
        cursor.execute(
            "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = %s "
            "AND is_nullable = 'NO' AND column_default IS NULL AND is_identity = 'NO'", [table])  # fmt: skip
        rows = cursor.fetchall()
    return {name: empty[kind] for name, kind in rows if name not in columns and kind in empty}


class CopyWriter:
    """Streams rows to COPY in text format in chunks (values must not contain tab or newline).

    One connection runs one COPY at a time, so a writer filled while another COPY is open
    spools to a temporary file and copies it on close.
    """

    def __init__(self, raw, table, columns, chunk=20000, spool=False):
        self.fill = required_columns(raw, table, columns)
        quoted = ", ".join(f'"{c}"' for c in [*columns, *self.fill])
        self.raw, self.sql = raw, f"COPY {table} ({quoted}) FROM STDIN"
        self.spool = tempfile.TemporaryFile("w+", encoding="utf-8") if spool else None
        if not spool:
            self.cursor = raw.cursor()
            self.copy_cm = self.cursor.copy(self.sql)
            self.copy = self.copy_cm.__enter__()
        self.rows, self.chunk, self.count = [], chunk, 0

    def add(self, values):
        if self.fill:
            values = [*values, *self.fill.values()]
        self.rows.append("\t".join("\\N" if v is None else str(v) for v in values))
        if len(self.rows) >= self.chunk:
            self.flush()

    def flush(self):
        if self.rows:
            (self.spool or self.copy).write("\n".join(self.rows) + "\n")
            self.count += len(self.rows)
            self.rows = []

    def close(self):
        self.flush()
        if self.spool:
            self.spool.seek(0)
            with self.raw.cursor() as cursor, cursor.copy(self.sql) as copy:
                while block := self.spool.read(1 << 20):
                    copy.write(block)
            self.spool.close()
        else:
            self.copy_cm.__exit__(None, None, None)
            self.cursor.close()
        return self.count


def drop_secondary(cursor):
    """Drop foreign keys and non-unique indexes of the big tables; return the SQL to rebuild."""
    cursor.execute(
        "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE contype = 'f' AND conrelid::regclass::text = ANY(%s)",
        [BIG_TABLES],
    )
    fks = cursor.fetchall()
    cursor.execute(
        "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
        "WHERE i.indrelid::regclass::text = ANY(%s) AND NOT i.indisunique AND NOT i.indisprimary",
        [BIG_TABLES])  # fmt: skip
    indexes = cursor.fetchall()
    for table, name, _ in fks:
        cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for name, _ in indexes:
        cursor.execute(f"DROP INDEX {name}")
    rebuild = [definition for _, definition in indexes]
    rebuild += [f'ALTER TABLE {t} ADD CONSTRAINT "{n}" {d}' for t, n, d in fks]
    return rebuild


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--letters", type=int, default=1_000_000)
    parser.add_argument("--positions", type=int, default=10_000)
    parser.add_argument("--inbox-per-letter", type=float, default=3.0)
    parser.add_argument("--years", type=float, default=3.0)
    parser.add_argument("--seed", type=int, default=20260501)
    args = parser.parse_args()
    started = time.monotonic()
    if connection.vendor != "postgresql":
        sys.exit("bench/seed.py needs PostgreSQL: set DATABASE_URL=postgres://…")
    call_command("migrate", verbosity=0)
    if Letter.objects.exists():
        sys.exit("This database already has letters; seed a fresh one (dropdb/createdb).")
    log(started, "migrated")
    rng = random.Random(args.seed)
    n = args.letters
    scale = n / 1_000_000

    (gov, agencies, sizes, heads, second, third, staff, by_pos, holder_of,
     clerks) = build_organisation(rng, args.positions, started)  # fmt: skip
    walikota, sekda = heads[0], heads[1]
    weights, heavy = position_weights(heads, second, third, staff, rng, walikota, sekda)
    kinds = {k.code: k for k in LetterKind.objects.all()}
    kind_codes = list(kinds)
    kind_w = [6 if c in ("surat-dinas", "nota-dinas") else 3 if c == "surat-undangan" else 1
              for c in kind_codes]  # fmt: skip
    classifications = list(Classification.objects.filter(code__regex=r"^\d{3}\.\d+\.\d+$")
                           .values_list("pk", "code")[:300])  # fmt: skip
    parties = ExternalParty.objects.bulk_create(
        ExternalParty(government=gov, name=f"Instansi Luar {i}", match_key=f"instansi luar {i}")
        for i in range(2000)
    )
    party_cum = list(accumulate(1 / (i + 1) for i in range(len(parties))))

    by_agency = {}
    for p in [*second, *third, *staff]:
        by_agency.setdefault(p.agency_id, []).append(p)
    signers = {a.pk: [p for p in second if p.agency_id == a.pk] for a in agencies}
    drafters = {a.pk: [p for p in [*third, *staff] if p.agency_id == a.pk] or [h]
                for a, h in zip(agencies, heads, strict=True)}  # fmt: skip
    head_of = {a.pk: h for a, h in zip(agencies, heads, strict=True)}
    unit_codes = {a.pk: a.unit_code for a in agencies}
    agency_ids = [a.pk for a in agencies]
    agency_cum = list(accumulate(sizes))
    incoming_cum = list(accumulate(s * (6 if a.short_name in ("Setda", "Wali Kota") else 1)
                                   for a, s in zip(agencies, sizes, strict=True)))  # fmt: skip
    now = datetime.datetime.now(UTC)
    times = wall_times(rng, n, int(365 * args.years), now)
    recent = (now - datetime.timedelta(days=45)).timestamp()
    log(started, "planned")

    raw = connection.connection
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit = off")
        cursor.execute("SET maintenance_work_mem = '512MB'")
        rebuild = drop_secondary(cursor)

    # --- Letters -----------------------------------------------------------------------------
    cols = ["id", "code", "origin", "government_id", "agency_id", "kind_id", "classification_id",
            "security", "urgency", "subject", "body", "enclosures", "state", "drafter_id",
            "drafter_position_id", "signatory_position_id", "qualifier", "version",
            "review_round", "number", "letter_date", "signed_at", "sent_at", "created_at",
            "updated_at", "sender_id", "sender_number", "sender_date", "received_on", "channel",
            "summary"]  # fmt: skip
    letters = CopyWriter(raw, "letters_letter", cols)
    meta = []  # per letter: (id, agency, kind, urgency, security, delivered ts or None, k)
    seq = {}
    broadcasts = set(rng.sample(range(n // 2, n), max(1, round(30 * scale))))
    pending_review, participants = [], []
    for i, created in enumerate(times):
        lid = i + 1
        security = rng.choices("BTR", (85, 11, 4))[0]
        if security == "R" and rng.random() < 0.2:
            security = "SR"
        urgency = rng.choices(("biasa", "segera", "sangat_segera"), (75, 20, 5))[0]
        cls_pk, cls_code = classifications[int(len(classifications) * rng.random() ** 2)]
        subject = f"{rng.choice(TOPICS)} {rng.choice(SUBJECT_TAIL)} {rng.randint(1, 999)}"
        body = "<p>" + "</p><p>".join(rng.sample(BODY_PARTS, rng.randint(2, 5))) + "</p>"
        if i in broadcasts:
            agency_id, kind = agency_ids[1], kinds["surat-edaran"]
            state, origin = "sent", "drafted"
        elif rng.random() < 0.12:
            origin = "registered"
            agency_id = agency_ids[rng.choices(range(60), cum_weights=incoming_cum)[0]]
            kind = kinds[rng.choice(("surat-dinas", "surat-undangan", "surat-edaran"))]
            state = "registered" if rng.random() < 0.85 else "filed"
        else:
            origin = "drafted"
            agency_id = agency_ids[rng.choices(range(60), cum_weights=agency_cum)[0]]
            kind = kinds[rng.choices(kind_codes, kind_w)[0]]
            if created > recent:
                state = rng.choices(("sent", "draft", "in_review", "returned",
                                     "awaiting_signature", "withdrawn"),
                                    (62, 12, 12, 3, 8, 3))[0]  # fmt: skip
            else:
                state = "sent" if rng.random() < 0.975 else "withdrawn"
        if origin == "registered":
            clerk = clerks.get(agency_id) or head_of[agency_id]
            sent_ts = created
            received = local_date(created)
            party = parties[rng.choices(range(len(parties)), cum_weights=party_cum)[0]]
            letters.add([
                lid, uuid.uuid4(), origin, gov.pk, agency_id, kind.pk, cls_pk, security, urgency,
                subject, "", 0, state, holder_of[clerk.pk], clerk.pk, None, "", 1, 0, "", None,
                None, None, iso(created), iso(created), party.pk,
                f"{cls_code}/{rng.randint(1, 9999)}/{rng.choice(('KEMENDAGRI', 'PROV', 'BPK'))}",
                received - datetime.timedelta(days=rng.randint(1, 10)), received,
                rng.choice(("paper", "email")), "",
            ])  # fmt: skip
            k = 1 if rng.random() < 0.7 else 2
            meta.append((lid, agency_id, kind.pk, urgency, security, sent_ts, k, "reg"))
            continue
        if i in broadcasts:
            signatory, drafter = sekda if rng.random() < 0.5 else walikota, drafters[agency_id][0]
        else:
            drafter = rng.choice(drafters[agency_id])
            r = rng.random()
            signatory = (
                head_of[agency_id]
                if r < 0.55 or not signers[agency_id]
                else (rng.choice(signers[agency_id]))
            )
        drafter_user = holder_of[drafter.pk] or holder_of[head_of[agency_id].pk]
        sent_ts = created + rng.random() * 3 * 86400 if state == "sent" else None
        if sent_ts is not None and sent_ts > now.timestamp() - 60:
            sent_ts = now.timestamp() - 60 * rng.random() - 60
        number = letter_date = signed = ""
        if sent_ts is not None:
            d = local_date(sent_ts)
            key = (agency_id, d.year)
            seq[key] = seq.get(key, 0) + 1
            number = (
                f"{cls_code}/{seq[key]:04d}/{unit_codes[agency_id]}/{ROMAN[d.month - 1]}/{d.year}"
            )
            letter_date, signed = d, iso(sent_ts)
        updated = sent_ts or created + rng.random() * 86400
        updated = min(updated, now.timestamp() - 30)
        review_round = 1 if state in ("in_review", "returned", "awaiting_signature", "sent") else 0
        letters.add([
            lid, uuid.uuid4(), origin, gov.pk, agency_id, kind.pk, cls_pk, security, urgency,
            subject, body, rng.choice((0, 0, 0, 1, 2)), state, drafter_user, drafter.pk,
            signatory.pk, "a.n." if signatory.pk != head_of[agency_id].pk and rng.random() < 0.3
            else "", 1 + (rng.random() < 0.3), review_round, number, letter_date or None,
            signed or None, iso(sent_ts) if sent_ts else None, iso(created), iso(updated), None,
            "", None, None, "", "",
        ])  # fmt: skip
        participants.append((lid, drafter.pk, "drafter"))
        if state != "draft":
            participants.append((lid, signatory.pk, "signatory"))
        if state in ("in_review", "returned"):
            reviewer = drafter.superior_id if drafter.superior_id != signatory.pk else None
            if reviewer:
                pending_review.append((lid, reviewer, "pending" if state == "in_review"
                                       else "returned", updated))  # fmt: skip
                participants.append((lid, reviewer, "reviewer"))
        if sent_ts is not None:
            k = 10**9 if i in broadcasts else min(25, max(1, int(rng.paretovariate(1.6))))
            meta.append((lid, agency_id, kind.pk, urgency, security, sent_ts, k, "sent"))
        if lid % 200000 == 0:
            log(started, f"letters: {lid}")
    log(started, f"letters: {letters.close()} rows")

    # --- Inbox rows and recipients -----------------------------------------------------------
    all_positions = [*heads, *second, *third, *staff]
    everyone = [p.pk for p in all_positions]
    target_rows = int(n * args.inbox_per_letter)
    broadcast_rows = sum(len(everyone) for m in meta if m[6] == 10**9)
    slots = [m[6] for m in meta if m[6] != 10**9 and m[7] == "sent"]
    registered_rows = sum(m[6] for m in meta if m[7] == "reg")
    targeted = target_rows - broadcast_rows - registered_rows
    factor = targeted / sum(slots)
    # Scale the per-letter counts so the total lands on the target (paretovariate mean ~2.7).
    slots = [max(1, round(k * factor + rng.random() - 0.5)) for k in slots]
    heavy_rows = round(50_000 * scale)
    rest = sum(slots) - heavy_rows * len(heavy)
    light_w = {pk: w for pk, w in weights.items() if pk not in heavy}
    total_w = sum(light_w.values())
    pool = []
    for pk in heavy:
        pool += [pk] * heavy_rows
    for pk, w in light_w.items():
        pool += [pk] * max(1, round(rest * w / total_w))
    rng.shuffle(pool)
    log(started, f"pool of {len(pool)} deliveries for {len(slots)} letters + broadcasts")

    reader_of = {pk: (user, "") for pk, user in holder_of.items() if user}
    for a in Assignment.objects.filter(kind__in=Assignment.ACTING_KINDS):
        reader_of[a.position_id] = (a.user_id, a.kind)  # the acting official reads a vacant post
    # The spooled writer first: nothing else may run on the connection while a COPY is open.
    recipients = CopyWriter(
        raw,
        "letters_recipient",
        ["letter_id", "kind", "target", "position_id", "agency_id", "order"],
        spool=True,
    )
    inbox = CopyWriter(raw, "letters_inboxentry",
                       ["id", "letter_id", "position_id", "kind", "delivered_at", "from_agency_id",
                        "letter_kind_id", "urgency", "security", "read_at", "read_by_id",
                        "read_as"])  # fmt: skip
    read_cut = (now - datetime.timedelta(days=14)).timestamp()
    entry_id, cursor_pool, slot_i, carry = 0, 0, 0, []
    for lid, agency_id, kind_id, urgency, security, ts, k, what in meta:
        if what == "reg":
            chosen = [head_of[agency_id].pk] + ([sekda.pk] if k == 2 else [])
            chosen = list(dict.fromkeys(chosen))
        elif k == 10**9:
            chosen = everyone
            recipients.add([lid, "to", "government_all", None, None, 0])
        else:
            k = slots[slot_i]
            slot_i += 1
            chosen, kept = [], []
            while carry and len(chosen) < k:
                pk = carry.pop()
                (kept if pk in chosen else chosen).append(pk)
            carry += kept
            while len(chosen) < k and cursor_pool < len(pool):
                pk = pool[cursor_pool]
                cursor_pool += 1
                # A position drawn twice for one letter keeps its delivery for a later letter.
                (carry if pk in chosen else chosen).append(pk)
            if not chosen:
                chosen = [rng.choice(everyone)]
        delivered = iso(ts)
        for j, pk in enumerate(chosen):
            entry_id += 1
            rkind = "to" if j == 0 or (k != 10**9 and rng.random() < 0.5) else "cc"
            if k == 10**9:
                rkind = "to"
            else:
                recipients.add([lid, rkind, "position", pk, None, j])
            read_at = read_by = None
            read_as = ""
            p_read = 0.93 if ts < read_cut else 0.55
            if pk in heavy:
                p_read -= 0.06
            if pk in reader_of and rng.random() < p_read:
                read_at = iso(ts + rng.expovariate(1 / 14400))
                read_by, read_as = reader_of[pk]
            inbox.add([entry_id, lid, pk, rkind, delivered, agency_id, kind_id, urgency,
                       security, read_at, read_by, read_as])  # fmt: skip
    log(started, f"inbox: {inbox.close()} rows, recipients: {recipients.close()} rows")

    part = CopyWriter(raw, "letters_participant", ["letter_id", "position_id", "role"])
    for row in participants:
        part.add(row)
    part_rows = part.close()
    steps = CopyWriter(raw, "letters_reviewstep",
                       ["letter_id", "round", "order", "position_id", "state", "note",
                        "acted_as", "version"])  # fmt: skip
    for lid, pk, state, _ts in pending_review:
        steps.add([lid, 1, 0, pk, state, "Mohon diperbaiki" if state == "returned" else "", "",
                   None])  # fmt: skip
    log(started, f"participants: {part_rows}, review steps: {steps.close()}")

    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '512MB'")
        cursor.execute("SET max_parallel_maintenance_workers = 2")
        for statement in rebuild:
            cursor.execute(statement)
        log(started, f"rebuilt {len(rebuild)} indexes and foreign keys")
        for table in BIG_TABLES:
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                           f"(SELECT coalesce(max(id), 1) FROM {table}))")  # fmt: skip
        for table in [*BIG_TABLES, "organisations_position", "accounts_user"]:
            cursor.execute(f"VACUUM (ANALYZE) {table}")
    log(started, "vacuumed and analysed; done")


if __name__ == "__main__":
    main()
