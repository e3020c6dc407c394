"""Give the letters of a seeded database realistic Indonesian text for the search benchmark.

    createdb -h 127.0.0.1 -U postgres -T esurat_bench_base esurat_bench_search
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/esurat_bench_search
    python manage.py migrate
    python bench/seed_search.py            # ~4 min on 2 cores for 1,000,000 letters

Runs on a database seeded by bench/seed.py (whose subjects and bodies are a dozen fixed phrases).
Every letter gets a subject and an HTML body varied from bench/search_words.py (a few hundred
administrative words with a Zipf-like frequency, so "kegiatan" is in most letters and the tail is
rare) and the letter's classification name; 20 % of the letters get the OCR text of a 1–3 page
scan (search.LetterText, state done): every registered incoming letter, then sent letters at
random. The text of a scan repeats its letterhead, number and subject and adds paragraphs of its
own, with a few OCR misreadings. About one numbered letter in eight (all of Bappeda's) gets an
old-style number with a three-digit code, `005/1187/BAPPEDA/XI/2026`; the others keep seed.py's
`000.1.2/0042/DISDIK/III/2025`. The 2,000 outside senders get realistic names.

Letters are rewritten by one UPDATE from a staging table filled by COPY, with letters_letter's
non-unique indexes dropped first and rebuilt after a VACUUM FULL; the scan texts are streamed
with COPY. Refuses a database whose scan texts are already seeded.
"""

import argparse
import datetime
import os
import random
import sys
import time
from itertools import accumulate
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "esurat.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

from bench.search_words import (  # noqa: E402
    CLOSINGS,
    CONTENT,
    FUNCTION,
    MONTHS,
    OPENINGS,
    SUBJECT_HEADS,
    SUBJECT_TAILS,
)
from bench.seed import ROMAN, CopyWriter  # noqa: E402

WORDS = list(dict.fromkeys(CONTENT))
WORD_CUM = list(accumulate(1 / (r + 3) for r in range(len(WORDS))))  # Zipf-Mandelbrot
HEAD_CUM = list(accumulate(1 / (r + 1) ** 0.7 for r in range(len(SUBJECT_HEADS))))
OLD_CODES = ["005", "090", "800", "900", "050", "027", "045", "440", "500", "600", "400", "421"]
PARTY_KINDS = [
    "Kementerian {w}", "Dinas {w} Provinsi {p}", "Badan {w} Provinsi {p}", "PT {c} {s}",
    "CV {c}", "Universitas {c}", "Yayasan {c} {s}", "Kantor Wilayah {w} Provinsi {p}",
    "Balai {w} Wilayah {r}", "Bank {c}", "Rumah Sakit {c}", "Kejaksaan Negeri {c}",
]  # fmt: skip
PARTY_WORDS = ["Dalam Negeri", "Keuangan", "Kesehatan", "Pendidikan", "Pekerjaan Umum",
               "Sosial", "Perhubungan", "Pertanian", "Lingkungan Hidup", "Ketenagakerjaan",
               "Komunikasi dan Informatika", "Kependudukan", "Pariwisata", "Perindustrian"]  # fmt: skip
PROVINCES = ["Sulawesi Selatan", "Jawa Timur", "Kalimantan Timur", "Nusa Tenggara Barat",
             "Sumatera Utara", "Jawa Barat", "Bali", "Papua", "Maluku", "Riau"]  # fmt: skip
COINED = ["Sinar Harapan", "Mitra Sejahtera", "Karya Mandiri", "Nusantara", "Cahaya Timur",
          "Bina Insani", "Hasanuddin", "Mulia Abadi", "Sentosa", "Bakti Husada", "Makmur Jaya",
          "Sejahtera Bersama", "Tunas Bangsa", "Borneo", "Celebes", "Amanah"]  # fmt: skip
SUFFIX = ["Persada", "Utama", "Indonesia", "Konsultan", "Teknik", "Nusantara", "Abadi"]


def log(started, message):
    print(f"[{time.monotonic() - started:7.1f}s] {message}", flush=True)


def copy_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\t", " ").replace("\r", "").replace("\n", "\\n")


class Text:
    """Sentences and pages from the word list: a pool of sentences made once, then drawn."""

    def __init__(self, rng, pool=40000):
        self.rng = rng
        self.sentences = [self.sentence() for _ in range(pool)]
        self.noisy = [self.misread(s) for s in self.sentences[: pool // 4]]

    def words(self, k):
        return self.rng.choices(WORDS, cum_weights=WORD_CUM, k=k)

    def sentence(self):
        rng = self.rng
        out = []
        for w in self.words(rng.randint(6, 14)):
            if rng.random() < 0.45:
                out.append(rng.choice(FUNCTION))
            out.append(w)
        if rng.random() < 0.15:
            out.insert(rng.randrange(len(out)), str(rng.randint(2, 250)))
        return " ".join(out).capitalize() + "."

    def misread(self, sentence):
        """An OCR misreading: one or two words garbled (l→1, m→rn, e→c, a dropped letter)."""
        words = sentence.split(" ")
        for _ in range(self.rng.randint(1, 2)):
            i = self.rng.randrange(len(words))
            w = words[i]
            w = self.rng.choice([w.replace("l", "1", 1), w.replace("m", "rn", 1),
                                 w.replace("e", "c", 1), w[:-1] if len(w) > 3 else w])  # fmt: skip
            words[i] = w
        return " ".join(words)

    def paragraph(self, k, noisy=False):
        pool = self.noisy if noisy and self.rng.random() < 0.5 else self.sentences
        return " ".join(self.rng.choices(pool, k=k))

    def subject(self, class_name, year, agency):
        rng = self.rng
        head = rng.choices(SUBJECT_HEADS, cum_weights=HEAD_CUM)[0]
        r = rng.random()
        if r < 0.5:
            middle = class_name
        elif r < 0.85:
            middle = " ".join(w.capitalize() for w in self.words(rng.randint(1, 3)))
        else:
            middle = f"{' '.join(w.capitalize() for w in self.words(2))} {agency}"
        tail = rng.choice(SUBJECT_TAILS).format(
            year=year, month=rng.choice(MONTHS), kec=rng.randint(1, 10), kel=rng.randint(1, 13)
        )
        return f"{head} {middle} {tail}".strip()[:300]

    def body(self, subject, year):
        rng = self.rng
        opening = rng.choice(OPENINGS).format(
            ref=f"{rng.randint(1, 999):03d}/{rng.randint(1, 2999)}/{rng.choice(['SETDA', 'BKPSDM'])}",
            topic=subject.lower(),
            year=year,
        )
        paras = [opening] + [self.paragraph(rng.randint(1, 3)) for _ in range(rng.randint(1, 3))]
        paras.append(rng.choice(CLOSINGS))
        return "<p>" + "</p><p>".join(paras) + "</p>"

    def scan(self, *, sender, number, subject, agency, place, when, pages):
        """The text read from a 1–3 page scan: letterhead, number, subject, body, signature."""
        rng = self.rng
        head = (
            f"{sender.upper()}\nJalan {rng.choice(COINED)} No. {rng.randint(1, 200)} "
            f"Telepon (0411) {rng.randint(300000, 899999)}\n\n{place}, {when}\n"
            f"Nomor : {number}\nSifat : Biasa\nLampiran : {rng.randint(0, 3)} berkas\n"
            f"Perihal : {subject}\n\nKepada Yth.\nKepala {agency}\ndi Tempat\n\n"
        )
        out = []
        for page in range(pages):
            words, paras = 0, [head] if page == 0 else [f"- {page + 1} -\n"]
            while words < rng.randint(220, 320):
                p = self.paragraph(rng.randint(2, 4), noisy=True)
                words += p.count(" ") + 1
                paras.append(p)
            if page == pages - 1:
                paras.append(
                    f"{rng.choice(CLOSINGS)}\n\nKepala,\n\n{rng.choice(COINED)} "
                    f"{rng.choice(SUFFIX)}, S.Sos., M.Si.\nNIP {rng.randint(10**17, 10**18 - 1)}"
                )
            out.append("\n\n".join(paras))
        return "\f".join(out)


def drop_letter_indexes(cursor):
    """Drop letters_letter's non-unique indexes; return the SQL to rebuild them."""
    cursor.execute(
        "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
        "WHERE i.indrelid = 'letters_letter'::regclass AND NOT i.indisunique "
        "AND NOT i.indisprimary"
    )
    indexes = cursor.fetchall()
    for name, _ in indexes:
        cursor.execute(f"DROP INDEX {name}")
    return [definition for _, definition in indexes]


def rename_parties(cursor, rng):
    cursor.execute("SELECT id FROM letters_externalparty ORDER BY id")
    rows = []
    for (pk,) in cursor.fetchall():
        name = rng.choice(PARTY_KINDS).format(
            w=rng.choice(PARTY_WORDS), p=rng.choice(PROVINCES), c=rng.choice(COINED),
            s=rng.choice(SUFFIX), r=rng.choice(["I", "II", "III", "IV", "V", "VI"]),
        )  # fmt: skip
        rows.append((f"{name} {pk}" if rng.random() < 0.3 else name, pk))
    # match_key stays unique per government: it keeps the party's id.
    cursor.executemany(
        "UPDATE letters_externalparty SET name = %s, match_key = lower(%s) || ' #' || id "
        "WHERE id = %s",
        [(name, name, pk) for name, pk in rows],
    )
    return {pk: name for name, pk in rows}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=20261203)
    parser.add_argument("--scanned", type=float, default=0.20, help="share of letters with OCR")
    args = parser.parse_args()
    started = time.monotonic()
    if connection.vendor != "postgresql":
        sys.exit("bench/seed_search.py needs PostgreSQL: set DATABASE_URL=postgres://…")
    rng = random.Random(args.seed)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM search_lettertext")
        if cursor.fetchone()[0]:
            sys.exit("This database already has scan texts; start from a fresh copy.")
        cursor.execute("SELECT id, name FROM letters_classification")
        class_name = dict(cursor.fetchall())
        cursor.execute("SELECT id, short_name, name, unit_code FROM organisations_agency")
        agencies = {pk: (short, name, unit) for pk, short, name, unit in cursor.fetchall()}
        parties = rename_parties(cursor, rng)
        cursor.execute(
            "SELECT id, classification_id, agency_id, origin, state, number, sender_id, "
            "sender_number, coalesce(letter_date, received_on, created_at::date) "
            "FROM letters_letter ORDER BY id"
        )
        letters = cursor.fetchall()
    log(started, f"{len(letters)} letters read, {len(parties)} senders renamed")
    text = Text(rng)
    log(started, "sentence pool made")

    n = len(letters)
    incoming = [i for i, row in enumerate(letters) if row[3] == "registered"]
    sent = [i for i, row in enumerate(letters) if row[4] == "sent"]
    want = int(n * args.scanned)
    scanned = set(incoming[:want])
    if len(scanned) < want:
        scanned |= set(rng.sample(sent, min(len(sent), want - len(scanned))))

    raw = connection.connection
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit = off")
        cursor.execute(
            "CREATE UNLOGGED TABLE bench_letter_text "
            "(id bigint PRIMARY KEY, subject varchar(300), body text, number varchar(120))"
        )
    scans = CopyWriter(
        raw,
        "search_lettertext",
        ["letter_id", "scan_sha256", "state", "source", "text", "pages", "proposal", "error",
         "attempts", "updated_at"],
        chunk=2000,
        spool=True,
    )  # fmt: skip
    # The spooled writer first: nothing else may run on the connection while a COPY is open.
    staged = CopyWriter(raw, "bench_letter_text", ["id", "subject", "body", "number"],
                        chunk=5000)  # fmt: skip
    now = datetime.datetime.now(datetime.UTC).isoformat()
    scan_chars = 0
    for i, (lid, cls, agency_id, origin, _state, number, sender, sender_number, day) in enumerate(
        letters
    ):
        short, agency_name, unit = agencies[agency_id]
        subject = text.subject(class_name[cls], day.year, short)
        body = "" if origin == "registered" else text.body(subject, day.year)
        if number and (unit == "BAPPEDA" or rng.random() < 0.12):
            seq = number.split("/")[1]
            number = f"{rng.choice(OLD_CODES)}/{seq}/{unit}/{ROMAN[day.month - 1]}/{day.year}"
        staged.add([lid, copy_escape(subject), copy_escape(body), number])
        if i in scanned:
            pages = rng.choices((1, 2, 3), (50, 30, 20))[0]
            scan = text.scan(
                sender=parties[sender] if sender else agency_name,
                number=sender_number if origin == "registered" else number,
                subject=subject,
                agency=short,
                place="Makassar" if sender else "Bench Raya",
                when=f"{day.day} {MONTHS[day.month - 1]} {day.year}",
                pages=pages,
            )
            scan_chars += len(scan)
            scans.add([lid, "", "done", "ocr", copy_escape(scan), pages, "{}", "", 1, now])
        if (i + 1) % 200000 == 0:
            log(started, f"texts: {i + 1}")
    log(started, f"staged {staged.close()} letters")
    log(started, f"scan texts: {scans.close()} rows, {scan_chars / 1e6:.0f} MB")

    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '512MB'")
        cursor.execute("SET max_parallel_maintenance_workers = 2")
        rebuild = drop_letter_indexes(cursor)
        cursor.execute(
            "UPDATE letters_letter l SET subject = t.subject, body = t.body, number = t.number "
            "FROM bench_letter_text t WHERE t.id = l.id"
        )
        log(started, f"updated {cursor.rowcount} letters")
        cursor.execute("DROP TABLE bench_letter_text")
        cursor.execute("VACUUM FULL letters_letter")
        for statement in rebuild:
            cursor.execute(statement)
        log(started, f"rebuilt {len(rebuild)} indexes")
        for table in ("letters_letter", "search_lettertext", "letters_externalparty"):
            cursor.execute(f"VACUUM (ANALYZE) {table}")
        cursor.execute(
            "SELECT pg_size_pretty(pg_total_relation_size('letters_letter')), "
            "pg_size_pretty(pg_total_relation_size('search_lettertext'))"
        )
        sizes = cursor.fetchone()
    log(started, f"letters_letter {sizes[0]}, search_lettertext {sizes[1]}; done")


if __name__ == "__main__":
    main()
