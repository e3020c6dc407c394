"""Reading scans: born-digital PDFs keep their text, pictures go through the real Tesseract, and
the proposal is read the way a clerk reads an Indonesian official letter."""

import datetime

import pytest

from esurat.letters import ocr
from esurat.letters.tests.incoming_factories import image_only_pdf, text_pdf
from esurat.tests.tools import require

TODAY = datetime.date(2026, 11, 25)

TYPICAL = """PEMERINTAH PROVINSI KALIMANTAN TIMUR
DINAS KOMUNIKASI DAN INFORMATIKA
Jl. Basuki Rahmat No. 41, Samarinda 75117, Telp. (0541) 123456

Banua Raya, 23 November 2026
Nomor  : 005/123/DISKOMINFO/XI/2026
Sifat : Biasa
Lampiran : 1 (satu) berkas
Hal : Undangan Rapat Koordinasi

Yth. Kepala Dinas Komunikasi dan Informatika
Kota Banua Raya
di-
Banua Raya

Dengan hormat,
Kami mengundang Bapak/Ibu pada hari Senin, 30 November 2026.
"""


def test_it_proposes_number_date_subject_and_sender_from_a_typical_letter():
    assert ocr.propose(TYPICAL, today=TODAY) == {
        "sender": "Dinas Komunikasi dan Informatika Provinsi Kalimantan Timur",
        "sender_number": "005/123/DISKOMINFO/XI/2026",
        "sender_date": "2026-11-23",
        "subject": "Undangan Rapat Koordinasi",
    }


def test_it_never_takes_the_addressee_for_the_sender():
    text = "Nomor : 12/UND/2026\nYth. Kepala Dinas Pendidikan\nKota Banua Raya\nHal : Rapat"
    assert ocr.propose(text, today=TODAY)["sender"] == ""


def test_it_reads_perihal_a_wrapped_subject_and_a_number_beside_the_date():
    text = (
        "KEMENTERIAN DALAM NEGERI\nREPUBLIK INDONESIA\nJalan Medan Merdeka Utara No. 7\n"
        "Nomor ; 400.10/ 5512 /SJ      Jakarta, 2 Okt 2026\n"
        "Perihal: Permohonan Data Penyelenggaraan Pemerintahan\nberbasis elektronik tahun 2026\n"
        "Kepada Yth.\nWali Kota Banua Raya\n"
    )
    proposal = ocr.propose(text, today=TODAY)
    assert proposal["sender"] == "Kementerian Dalam Negeri Republik Indonesia"
    assert proposal["sender_number"] == "400.10/5512/SJ"
    assert proposal["sender_date"] == "2026-10-02"
    assert proposal["subject"] == (
        "Permohonan Data Penyelenggaraan Pemerintahan berbasis elektronik tahun 2026"
    )


def test_it_ignores_a_meeting_date_in_the_future_and_reads_dates_in_digits():
    text = "Tanggal : 05-11-2026\nHal : Rapat\nDengan hormat,\nRapat pada 30 Desember 2026."
    assert ocr.propose(text, today=TODAY)["sender_date"] == "2026-11-05"
    assert ocr.parse_date("rapat 30 Desember 2026", today=TODAY) is None
    assert ocr.parse_date("Samarinda, 7 Pebruari 2025") == datetime.date(2025, 2, 7)
    assert ocr.parse_date("31 Februari 2026") is None


def test_it_proposes_nothing_rather_than_guessing():
    assert ocr.propose("", today=TODAY) == {
        "sender": "", "sender_number": "", "sender_date": "", "subject": ""
    }  # fmt: skip


def test_it_keeps_the_own_text_of_a_born_digital_pdf_without_ocr(tmp_path, monkeypatch):
    def no_ocr(*args, **kwargs):
        raise AssertionError("a PDF with its own text must not be OCRed")

    monkeypatch.setattr(ocr, "_ocr", no_ocr)
    path = tmp_path / "digital.pdf"
    path.write_bytes(text_pdf())
    result = ocr.read_pdf(path)
    assert result.source == "pdf" and result.pages == 1
    proposal = ocr.propose(result.text, today=TODAY)
    assert proposal["sender_number"] == "050/77/BAPPEDA/X/2026"
    assert proposal["subject"] == "Permohonan Data Perencanaan"
    assert proposal["sender_date"] == "2026-10-02"
    assert proposal["sender"] == "Badan Perencanaan Pembangunan Daerah Kabupaten Paser"


def test_it_reads_an_image_only_letter_with_the_real_tesseract(tmp_path):
    """Real OCR: a letter drawn at 300 dpi into a PDF without any text, read in Indonesian."""
    require("tesseract")
    path = tmp_path / "scan.pdf"
    path.write_bytes(image_only_pdf())
    assert ocr.digital_text(path) == [""]
    result = ocr.read_pdf(path)
    assert result.source == "ocr" and result.pages == 1
    assert "Undangan Rapat Koordinasi" in result.text
    proposal = ocr.propose(result.text, today=TODAY)
    assert proposal["sender_number"] == "005/123/DISKOMINFO/XI/2026"
    assert proposal["sender_date"] == "2026-11-23"
    assert proposal["subject"] == "Undangan Rapat Koordinasi"
    assert proposal["sender"] == "Dinas Komunikasi dan Informatika Provinsi Kalimantan Timur"


def test_it_reports_an_unreadable_pdf(tmp_path):
    path = tmp_path / "broken.pdf"
    path.write_bytes(b"%PDF-1.4\nnot really\n")
    with pytest.raises(ocr.ReadError):
        ocr.read_pdf(path)
