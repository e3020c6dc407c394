"""The dry run lists every problem at its sheet and row, and writes nothing."""

import io
import zipfile

import pytest
from django.urls import reverse

from esurat.audit.models import AuditEvent
from esurat.onboarding import workbook
from esurat.onboarding.models import Import
from esurat.onboarding.tests.conftest import NIP_A, last_import, sheets, upload, xlsx
from esurat.organisations.models import Agency, Position

pytestmark = pytest.mark.django_db


def _problems(client, data) -> set[tuple]:
    upload(client, xlsx(data))
    row = last_import()
    assert row.state == "checked"
    return {(p["sheet"], p["row"], p["message"]) for p in row.report["problems"]}


def test_it_reports_each_error_class_at_its_sheet_and_row(client, admin):
    data = sheets()
    data["Perangkat Daerah"].append(["DISPAR", "Dinas Lain", "Lain", "dinas", "", "", "", ""])
    data["Perangkat Daerah"].append(["DINSOS", "Dinas Sosial", "Dinsos", "dinas", "", "bukan-email",
                                     "", ""])  # fmt: skip
    data["Unit"].append(["NOPE", "X", "Unit", ""])
    data["Jabatan"].append(["DISPAR", "DISPAR-9", "Staf", "", "DISPAR-404", "Tidak", "Tidak"])
    data["Jabatan"].append(["DISHUB", "DISHUB-2", "Sekretaris", "", "DISHUB-3", "Tidak", "Ya"])
    data["Jabatan"].append(["DISHUB", "DISHUB-3", "Kabid", "", "DISHUB-2", "Tidak", "Ya"])
    data["Pegawai"].append([NIP_A, "Andi Lagi", "", ""])
    data["Pegawai"].append(["12345", "NIP Pendek", "", ""])
    data["Pegawai"].append(["199912312020121999", "Surel Salah", "bukan@", ""])
    data["Penempatan"].append(["199912312020121998", "DISPAR-2"])
    data["Penempatan"].append([NIP_A, "DISPAR-3"])
    problems = _problems(client, data)
    expected = {
        ("Perangkat Daerah", 4, "Agency code DISPAR appears twice."),
        ("Perangkat Daerah", 5, "“bukan-email” is not an e-mail address."),
        ("Unit", 5, "Unknown agency code NOPE (not on sheet “Perangkat Daerah”)."),
        ("Jabatan", 6, "Unknown superior position DISPAR-404."),
        ("Jabatan", 7, "Position DISHUB-2 is its own superior, through its superiors."),
        ("Jabatan", 8, "Position DISHUB-3 is its own superior, through its superiors."),
        ("Pegawai", 5, f"NIP {NIP_A} appears twice."),
        ("Pegawai", 6, "NIP “12345” is not 18 digits."),
        ("Pegawai", 7, "“bukan@” is not an e-mail address."),
        ("Penempatan", 5, "Unknown NIP 199912312020121998 (not on sheet “Pegawai”)."),
        ("Penempatan", 6, "Position DISPAR-3 is held twice (also row 3)."),
    }
    assert problems == expected
    page = client.get(reverse("onboarding:import_detail", kwargs={"code": last_import().code}))
    assert page.content.count(b"data-problem>") == len(expected)
    assert b"Import now" not in page.content
    assert not Agency.objects.filter(unit_code__in=["DISPAR", "DISHUB"]).exists()


def test_it_reports_unknown_units_roles_and_acting_rows(client, admin):
    data = sheets()
    data["Unit"].append(["DISPAR", "A", "Bidang A", "B"])
    data["Jabatan"].append(["DISPAR", "DISPAR-8", "Staf", "NOPE", "DISPAR-1", "Tidak", "Tidak"])
    data["Jabatan"].append(["DISPAR", "DISPAR-7", "Kepala Lagi", "", "", "Ya", "Ya"])
    data["Peran"].append([NIP_A, "raja", "DISPAR"])
    data["Plt-Plh"].append(["DISPAR-2", NIP_A, "plt", "kemarin", "", ""])
    data["Plt-Plh"].append(["DISPAR-2", NIP_A, "plh", "2026-02-10", "2026-02-01", ""])
    problems = {(s, r) for s, r, _ in _problems(client, data)}
    assert problems == {("Unit", 5), ("Jabatan", 6), ("Jabatan", 7), ("Peran", 4),
                        ("Plt-Plh", 3), ("Plt-Plh", 4)}  # fmt: skip


def _refused(client, content, name="organisasi.xlsx") -> str:
    before = (Agency.objects.count(), Position.objects.count())
    upload(client, content, name)
    row = last_import()
    assert row.state == Import.State.FAILED
    page = client.get(reverse("onboarding:import_detail", kwargs={"code": row.code}))
    assert b"data-refused" in page.content and b"Import now" not in page.content
    assert (Agency.objects.count(), Position.objects.count()) == before
    assert not AuditEvent.objects.filter(action="onboarding.imported").exists()
    return row.report["refused"]


def test_it_refuses_a_file_that_is_not_a_workbook_whatever_its_name(client, admin):
    assert "not an Excel workbook" in _refused(client, b"%PDF-1.4 not a spreadsheet")
    zipped = io.BytesIO()
    with zipfile.ZipFile(zipped, "w") as z:
        z.writestr("hello.txt", "a zip, not a workbook")
    assert "not an Excel workbook" in _refused(client, zipped.getvalue())


def test_it_refuses_a_zip_bomb_before_inflating_it(client, admin):
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", b"\0" * (64 * 1024 * 1024))
    assert len(bomb.getvalue()) < 1024 * 1024
    assert "zip bomb" in _refused(client, bomb.getvalue())


def test_it_refuses_a_missing_sheet_or_header(client, admin):
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(xlsx()))
    del book["Plt-Plh"]
    out = io.BytesIO()
    book.save(out)
    assert "no sheet “Plt-Plh”" in _refused(client, out.getvalue())
    book = openpyxl.load_workbook(io.BytesIO(xlsx()))
    book["Pegawai"]["A1"] = "Nomor"
    out = io.BytesIO()
    book.save(out)
    assert "Sheet “Pegawai” has no column “NIP”" in _refused(client, out.getvalue())


def test_it_refuses_formulas(client, admin):
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(xlsx()))
    book["Pegawai"]["B2"] = '=CONCAT("Andi", " Wijaya")'
    out = io.BytesIO()
    book.save(out)
    assert "row 2, column “Nama Lengkap” holds a formula" in _refused(client, out.getvalue())


def test_it_refuses_a_nip_typed_as_a_number(client, admin):
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(xlsx()))
    book["Pegawai"]["A3"] = 198502022010012002  # Excel keeps 1.98502022010012E+17
    out = io.BytesIO()
    book.save(out)
    assert "row 3: the NIP was typed as a number" in _refused(client, out.getvalue())


def test_it_refuses_too_many_rows(client, admin, monkeypatch):
    monkeypatch.setattr(workbook, "MAX_ROWS", 2)
    assert "more than 2 rows" in _refused(client, xlsx())


def test_it_refuses_a_file_over_the_size_limit(client, admin, monkeypatch):
    monkeypatch.setattr(workbook, "MAX_BYTES", 100)
    response = upload(client, xlsx())
    assert response.status_code == 200 and b"larger than 20 MB" in response.content
    assert not Import.objects.exists()


def test_it_reports_its_progress_while_reading_a_large_sheet(db):
    data = sheets()
    data["Pegawai"] = [[f"19800101200501{i:04d}", f"Pegawai {i}", "", ""] for i in range(1200)]
    seen = []
    workbook.read(xlsx(data), on_progress=lambda done, expected: seen.append((done, expected)))
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)
    assert len(seen) >= 3 + len(workbook.SHEETS) - 1  # every 500 rows, and after each sheet
    assert seen[-1][0] == seen[-1][1]  # all read
