"""The organisation workbook: its sheets and Indonesian headers, reading one safely, writing one.

A workbook is checked by its content before openpyxl opens it: it must be a ZIP holding an
Excel workbook, with few entries and a bounded uncompressed size (a zip bomb is refused without
being inflated). Cells holding formulas are refused, not evaluated: a formula's cached value may
be missing or stale (a generated file has none), and the import must be what the person sees.
"""

import io
import zipfile
from dataclasses import dataclass

from django.utils.translation import gettext as _

from esurat.lib import xlsx

# sheet title → column headers, in order. Sheet titles cannot hold "/" in Excel: "Plt-Plh".
SHEETS: dict[str, list[str]] = {
    "Perangkat Daerah": ["Kode", "Nama", "Nama Singkat", "Jenis", "Alamat", "E-mail", "Telepon",
                         "Situs Web"],
    "Unit": ["Kode Perangkat Daerah", "Kode Unit", "Nama Unit", "Kode Unit Induk"],
    "Jabatan": ["Kode Perangkat Daerah", "Kode Jabatan", "Nama Jabatan", "Kode Unit",
                "Kode Jabatan Atasan", "Kepala", "Penandatangan"],
    "Pegawai": ["NIP", "Nama Lengkap", "E-mail", "Telepon"],
    "Penempatan": ["NIP", "Kode Jabatan"],
    "Peran": ["NIP", "Peran", "Kode Perangkat Daerah"],
    "Plt-Plh": ["Kode Jabatan", "NIP", "Jenis", "Mulai", "Selesai", "Keterangan"],
}  # fmt: skip

# One example row per sheet in the template, so the admin sees the expected shape.
EXAMPLES: dict[str, list] = {
    "Perangkat Daerah": ["DISKOMINFO", "Dinas Komunikasi dan Informatika", "Diskominfo", "dinas",
                         "Jl. Pramuka No. 3", "diskominfo@kota.go.id", "0511-123456",
                         "diskominfo.kota.go.id"],
    "Unit": ["DISKOMINFO", "APTIKA", "Bidang Aplikasi Informatika", ""],
    "Jabatan": ["DISKOMINFO", "KOMINFO-01", "Kepala Dinas Komunikasi dan Informatika", "", "",
                "Ya", "Ya"],
    "Pegawai": ["197505122000032003", "Ir. Siti Rahmawati, M.T.", "siti@kota.go.id",
                "0812000000"],
    "Penempatan": ["197505122000032003", "KOMINFO-01"],
    "Peran": ["197505122000032003", "admin_opd", "DISKOMINFO"],
    "Plt-Plh": ["KOMINFO-01", "197505122000032003", "plh", "2026-01-05", "2026-01-09",
                "Sprint Sekda 800/12"],
}  # fmt: skip

# Agency kinds as written in the workbook (Indonesian) ↔ Agency.Kind values.
AGENCY_KINDS = {"sekretariat": "secretariat", "dinas": "office", "badan": "board",
                "kecamatan": "district", "kelurahan": "village", "pimpinan": "leadership",
                "lainnya": "other"}  # fmt: skip
ROLES = {
    "pencatat": "clerk",
    "admin_opd": "agency_admin",
    "admin_pemda": "government_admin",
    "pimpinan": "leadership",  # Wali Kota / Sekda: the city's evaluation (esurat/reports)
}
ACTING = {"plt": "plt", "plh": "plh", "pj": "pj"}
YES, NO = "Ya", "Tidak"

MAX_BYTES = 20 * 1024 * 1024  # the uploaded file
MAX_UNCOMPRESSED = 200 * 1024 * 1024  # every entry inflated (12,000 employees ≈ 5 MB)
MAX_ENTRIES = 200
MAX_RATIO = 200  # an entry inflating more than 200× is a bomb, not a spreadsheet
MAX_ROWS = 50_000  # per sheet
PROGRESS_EVERY = 500  # rows between two progress reports of the worker


class WorkbookRefused(Exception):
    """The file cannot be read as an organisation workbook; the message is for the user."""


@dataclass
class Row:
    number: int  # the row number in the sheet, as Excel shows it
    values: dict[str, str]

    def __getitem__(self, header: str) -> str:
        return self.values.get(header, "")


def check_zip(content: bytes) -> None:
    """Refuse what is not a workbook, or would explode when read, before openpyxl opens it."""
    if len(content) > MAX_BYTES:
        raise WorkbookRefused(_("The file is larger than 20 MB."))
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise WorkbookRefused(_("This file is not an Excel workbook (.xlsx).")) from exc
    names = {e.filename for e in entries}
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise WorkbookRefused(_("This file is not an Excel workbook (.xlsx)."))
    if len(entries) > MAX_ENTRIES:
        raise WorkbookRefused(_("The workbook holds too many parts to be an organisation list."))
    total = 0
    for e in entries:
        total += e.file_size
        if e.file_size > 1024 * 1024 and e.file_size > MAX_RATIO * max(e.compress_size, 1):
            raise WorkbookRefused(_("The workbook is compressed suspiciously (a zip bomb?)."))
    if total > MAX_UNCOMPRESSED:
        raise WorkbookRefused(_("The workbook is larger than 200 MB once unpacked."))


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    return str(value).strip()


def read(content: bytes, *, on_progress=None) -> dict[str, list[Row]]:
    """Every sheet's rows as text, by header. Raises WorkbookRefused with an Indonesian-ready
    message on a missing sheet or header, a formula, or a sheet over MAX_ROWS rows.

    `on_progress(rows_read, rows_expected)` is called every PROGRESS_EVERY rows and after each
    sheet (the worker's progress bar); the expected count comes from each sheet's declared size.
    """
    import openpyxl

    check_zip(content)
    try:
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds on a damaged file
        raise WorkbookRefused(_("The workbook could not be read: it is damaged.")) from exc
    try:
        missing = [title for title in SHEETS if title not in book.sheetnames]
        if missing:
            raise WorkbookRefused(
                _("The workbook has no sheet %(sheets)s. Start from the template.")
                % {"sheets": ", ".join(f"“{m}”" for m in missing)}
            )
        expected = sum(min(book[title].max_row or 1, MAX_ROWS + 1) for title in SHEETS)
        done = 0

        def tick(n):
            nonlocal done
            done += n
            if on_progress:
                on_progress(done, max(expected, done))

        sheets = {}
        for title, headers in SHEETS.items():
            sheets[title] = _read_sheet(book[title], title, headers, tick)
        return sheets
    finally:
        book.close()


def _read_sheet(sheet, title: str, headers: list[str], tick) -> list[Row]:
    rows = sheet.iter_rows()
    first = next(rows, ())
    found = [_text(c.value) for c in first]
    index = {}
    for header in headers:
        if header not in found:
            raise WorkbookRefused(
                _("Sheet “%(sheet)s” has no column “%(header)s” in its first row.")
                % {"sheet": title, "header": header}
            )
        index[header] = found.index(header)
    out = []
    number = 1
    for number, cells in enumerate(rows, start=2):
        if number % PROGRESS_EVERY == 0:
            tick(PROGRESS_EVERY)
        if number > MAX_ROWS + 1:
            raise WorkbookRefused(
                _("Sheet “%(sheet)s” has more than %(limit)s rows; split the workbook.")
                % {"sheet": title, "limit": f"{MAX_ROWS:,}".replace(",", ".")}
            )
        values = {}
        for header, i in index.items():
            cell = cells[i] if i < len(cells) else None
            if cell is None:
                values[header] = ""
                continue
            if cell.data_type == "f":
                raise WorkbookRefused(
                    _("Sheet “%(sheet)s”, row %(row)s, column “%(header)s” holds a formula. "
                      "Type the values themselves (copy, then paste as values).")
                    % {"sheet": title, "row": number, "header": header}
                )  # fmt: skip
            if header == "NIP" and isinstance(cell.value, int | float) and cell.value >= 1e15:
                # Excel keeps 15 significant digits: an 18-digit NIP typed as a number is lost.
                raise WorkbookRefused(
                    _("Sheet “%(sheet)s”, row %(row)s: the NIP was typed as a number and lost "
                      "its last digits. Format the NIP column as text and type the NIPs again.")
                    % {"sheet": title, "row": number}
                )  # fmt: skip
            values[header] = _text(cell.value)
        if any(values.values()):
            out.append(Row(number, values))
    tick(number % PROGRESS_EVERY)
    return out


def write(sheets: dict[str, list[list]]) -> bytes:
    """A workbook with every sheet of SHEETS, its headers in bold, then the given rows as text
    (a NIP typed as a number would lose its meaning)."""
    import openpyxl
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = openpyxl.Workbook(write_only=True)
    bold = Font(bold=True)
    for title, headers in SHEETS.items():
        sheet = book.create_sheet(title)
        for i, header in enumerate(headers):
            sheet.column_dimensions[chr(ord("A") + i)].width = max(14, len(header) + 4)
        head = []
        for header in headers:
            cell = WriteOnlyCell(sheet, value=header)
            cell.font = bold
            head.append(cell)
        sheet.append(head)
        for row in sheets.get(title, []):
            sheet.append(xlsx.row(sheet, ["" if v is None else str(v) for v in row]))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def template() -> bytes:
    """The empty template: every sheet with its headers and one example row."""
    return write({title: [row] for title, row in EXAMPLES.items()})
