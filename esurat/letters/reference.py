"""Reference data shipped with the product: letter kinds and classification codes."""

import csv
from pathlib import Path

CLASSIFICATION_CSV = (
    Path(__file__).parent / "data" / "klasifikasi-arsip-pemda-permendagri-83-2022.csv"
)

# (code, name, abbreviation, layout, paper). Per Permendagri 1/2023 on naskah dinas.
LETTER_KINDS = [
    ("surat-dinas", "Surat Dinas", "SD", "korespondensi", "A4"),
    ("nota-dinas", "Nota Dinas", "ND", "korespondensi", "A4"),
    ("memo", "Memo", "M", "korespondensi", "A4"),
    ("surat-undangan", "Surat Undangan", "SU", "korespondensi", "A4"),
    ("surat-edaran", "Surat Edaran", "SE", "judul", "F4"),
    ("surat-tugas", "Surat Tugas", "ST", "judul", "F4"),
    ("surat-keputusan", "Surat Keputusan", "SK", "judul", "F4"),
    ("berita-acara", "Berita Acara", "BA", "judul", "F4"),
    ("surat-keterangan", "Surat Keterangan", "SKet", "judul", "A4"),
    ("surat-pengantar", "Surat Pengantar", "SP", "korespondensi", "A4"),
    ("pengumuman", "Pengumuman", "P", "judul", "A4"),
    ("laporan", "Laporan", "L", "judul", "A4"),
    ("telaahan-staf", "Telaahan Staf", "TS", "judul", "A4"),
    ("notula", "Notula", "N", "judul", "A4"),
]


def classification_rows():
    with CLASSIFICATION_CSV.open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            yield row["code"].strip(), row["name"].strip()


def load(Classification, LetterKind) -> None:
    """Insert what is missing; names an administrator corrected are kept."""
    existing = set(Classification.objects.values_list("code", flat=True))
    by_code = {}
    new = []
    for code, name in classification_rows():
        if code not in existing:
            new.append(Classification(code=code, name=name[:300]))
    Classification.objects.bulk_create(new, batch_size=1000)
    by_code = {c.code: c for c in Classification.objects.all()}
    orphans = []
    for code, obj in by_code.items():
        parent = by_code.get(code.rsplit(".", 1)[0]) if "." in code else None
        if parent and obj.parent_id != parent.pk:
            obj.parent = parent
            orphans.append(obj)
    Classification.objects.bulk_update(orphans, ["parent"], batch_size=1000)
    for code, name, abbreviation, layout, paper in LETTER_KINDS:
        LetterKind.objects.get_or_create(
            code=code,
            defaults={"name": name, "abbreviation": abbreviation, "layout": layout, "paper": paper},
        )
