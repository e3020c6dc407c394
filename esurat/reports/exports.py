"""The books and the evaluation as files: XLSX (openpyxl) and PDF (WeasyPrint, landscape A4/F4,
under the agency's or the government's letterhead, as esurat/dispositions/sheet.py)."""

import io

from django.utils import timezone, translation

from esurat.lib import xlsx
from esurat.lib.dates import long_date_id
from esurat.signing.pdf import letterhead, place_of, render_document_pdf


def _workbook():
    from openpyxl import Workbook  # only when a file is asked for
    from openpyxl.styles import Font

    return Workbook(), Font(bold=True)


def _save(wb) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _sheet(ws, bold, title: str, columns: list, rows: list) -> None:
    ws.append([title])
    ws["A1"].font = bold
    ws.append(columns)
    for cell in ws[2]:
        cell.font = bold
    for row in rows:
        ws.append(xlsx.row(ws, row))  # a subject or a name may start with "="


def book_xlsx(book, agency, period) -> bytes:
    wb, bold = _workbook()
    ws = wb.active
    ws.title = "Buku"
    _sheet(ws, bold, f"{book.title} — {agency.name} — {period}", book.columns, book.rows)
    return _save(wb)


def _pdf(template: str, context: dict) -> bytes:
    return render_document_pdf(template, context)  # official: always in Indonesian


def book_pdf(book, agency, period, paper: str) -> bytes:
    return _pdf("reports/book_pdf.html", {
        "book": book, "head": letterhead(agency), "agency": agency, "period": period,
        "paper": "330mm 215mm" if paper == "F4" else "A4 landscape",
        "printed": timezone.localtime(timezone.now(), period.zone).strftime("%d-%m-%Y %H:%M"),
    })  # fmt: skip


def _rows(ev) -> list[list]:
    """The summary table: one row per figure, a column per period."""
    out = []
    for label, key, _fmt in ev["metrics"]:
        out.append([str(label)] + [_value(f, key) for f in ev["periods"]])
    return out


def _value(figures, key):
    value = getattr(figures, key)
    return round(value, 2) if isinstance(value, float) else value


def evaluation_xlsx(ev) -> bytes:
    wb, bold = _workbook()
    ws = wb.active
    ws.title = "Ringkasan"
    heads = [str(p.period) for p in ev["periods"]]
    _sheet(ws, bold, f"Evaluasi e-Surat — {ev['scope_name']}", ["Ukuran", *heads], _rows(ev))
    daily = wb.create_sheet("Harian")
    _sheet(daily, bold, str(ev["main"].period),
           ["Tanggal", "Elektronik", "Kertas", "Pejabat aktif", "Sebelum 09.00"],
           [[d, e, p, a, x] for d, e, p, a, x in ev["main"].daily])  # fmt: skip
    ranked = wb.create_sheet("Peringkat")
    _sheet(ranked, bold, str(ev["main"].period),
           ["Perangkat Daerah", "Elektronik", "Kertas", "% elektronik", "Disposisi jatuh tempo",
            "Tepat waktu", "% tepat waktu"],
           [[r["agency"].name, r["electronic"], r["paper"],
             None if r["electronic_share"] is None else round(r["electronic_share"], 1),
             r["due"], r["on_time"],
             None if r["on_time_share"] is None else round(r["on_time_share"], 1)]
            for r in ev["ranking"]])  # fmt: skip
    paper = ev["main"].paper_saved
    saved = wb.create_sheet("Kertas")
    _sheet(saved, bold, "Penghematan kertas", ["Ukuran", "Nilai"], [
        ["Surat terkirim", paper.letters],
        ["Surat tanpa hitungan halaman (dihitung 1 halaman)", paper.uncounted],
        ["Halaman × salinan surat", paper.page_copies],
        ["Lembar disposisi", paper.disposition_sheets],
        ["Lembar kertas", paper.sheets],
        ["Rim", float(paper.reams)],
        ["Amplop", paper.envelopes],
        ["Biaya kertas (Rp)", float(paper.paper_cost)],
        ["Biaya toner (Rp)", float(paper.toner_cost)],
        ["Biaya amplop (Rp)", float(paper.envelope_cost)],
        ["Jumlah (Rp)", float(paper.total)],
    ])  # fmt: skip
    return _save(wb)


def evaluation_pdf(ev, government, agency) -> bytes:
    from esurat.organisations.models import Position

    sekda = (
        Position.objects.filter(agency__government=government, title="Sekretaris Daerah")
        .select_related("holder").first()
    )  # fmt: skip
    from esurat.reports.evaluation import table

    with translation.override("id"):  # the figures as Indonesian writes them: 80,0
        rows = table(ev["periods"])
        groups = table([f for _l, _n, f in ev.get("groups", [])])
    return _pdf("reports/evaluation_pdf.html", {
        **ev, "table": rows, "group_table": groups,
        "head": letterhead(agency) if agency else None, "government": government,
        "place": place_of(government), "today": long_date_id(government.today()),
        "sekda": sekda.holder if sekda else None,
    })  # fmt: skip
