import io

import pytest
from django.urls import reverse

from esurat.dispositions.tests.conftest import BINA_MARGA, SDA, give
from esurat.letters.models import Registration
from esurat.tests.tools import embedded_fonts, require_font


@pytest.mark.django_db
def test_it_prints_the_lembar_disposisi(client, pupr):
    pytest.importorskip("weasyprint")
    d, _ = give(pupr, "kadis.pupr", [BINA_MARGA, SDA], note="Koordinasikan dengan Bappeda")
    client.force_login(pupr.user("kadis.pupr"))
    response = client.get(reverse("dispositions:sheet", args=[d.code]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    extract_text = pytest.importorskip("pdfminer.high_level").extract_text
    text = " ".join(extract_text(io.BytesIO(response.content)).split())
    agenda = Registration.objects.get(letter=pupr.letter, agency__short_name="Dinas PUPR",
                                      direction="in").agenda_number  # fmt: skip
    for expected in (
        "LEMBAR DISPOSISI", "DINAS PEKERJAAN UMUM DAN PENATAAN RUANG", agenda,
        "Dinas Komunikasi dan Informatika", pupr.letter.number, pupr.letter.subject,
        BINA_MARGA, SDA, "Untuk ditindaklanjuti", "Koordinasikan dengan Bappeda",
        pupr.user("kadis.pupr").full_name, "NIP 197201011998031008",
    ):  # fmt: skip
        assert expected in text, expected


@pytest.mark.django_db
def test_it_answers_not_found_to_an_outsider(client, pupr):
    (d,) = give(pupr, "kadis.pupr", [BINA_MARGA])
    client.force_login(pupr.user("staf.pupr"))
    assert client.get(reverse("dispositions:sheet", args=[d.code])).status_code == 404
    client.force_login(pupr.user("kadis.pupr"))
    assert client.post(reverse("dispositions:sheet", args=[d.code])).status_code == 405


@pytest.mark.django_db
def test_the_sheet_carries_the_government_emblem(client, pupr, settings, tmp_path):
    """The lembar disposisi is on the agency's letterhead, emblem included (embedded: the
    renderer fetches nothing)."""
    import subprocess

    from django.core.files.base import ContentFile

    from esurat.organisations.demo import demo_emblem_png
    from esurat.tests.tools import require

    require("pdfimages")
    settings.MEDIA_ROOT = tmp_path / "media"
    government = pupr.letter.government
    government.logo.save("lambang.png", ContentFile(demo_emblem_png()), save=True)
    (d,) = give(pupr, "kadis.pupr", [BINA_MARGA])
    client.force_login(pupr.user("kadis.pupr"))
    pdf = tmp_path / "sheet.pdf"
    pdf.write_bytes(client.get(reverse("dispositions:sheet", args=[d.code])).content)
    listing = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True,
                             check=True).stdout  # fmt: skip
    assert len(listing.strip().splitlines()) == 3  # two header lines, then the one image
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-singlefile", str(pdf),
                    "/tmp/shots/sheet-with-logo"], check=False)  # fmt: skip


@pytest.mark.django_db
def test_it_prints_the_sheet_in_liberation_sans(client, pupr):
    require_font("Liberation Sans", "fonts-liberation")
    d, _ = give(pupr, "kadis.pupr", [BINA_MARGA, SDA])
    client.force_login(pupr.user("kadis.pupr"))
    fonts = embedded_fonts(client.get(reverse("dispositions:sheet", args=[d.code])).content)
    assert "LiberationSans" in fonts and not [f for f in fonts if "DejaVu" in f], fonts


def _sheet_text(client, disposition) -> str:
    """The sheet's text, then its left column (Diteruskan kepada) read apart from the right one
    (Isi Disposisi), whose lines interleave with it in the page's text."""
    pdfium = pytest.importorskip("pypdfium2")
    response = client.get(reverse("dispositions:sheet", args=[disposition.code]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    document = pdfium.PdfDocument(response.content)
    try:
        page = document[0]
        width, height = page.get_size()
        text = page.get_textpage()
        halves = [text.get_text_range(), text.get_text_bounded(0, 0, width / 2, height),
                  text.get_text_bounded(width / 2, 0, width, height)]  # fmt: skip
    finally:
        document.close()
    return " ".join(" ".join(halves).split())


@pytest.mark.django_db
def test_it_marks_a_withdrawn_disposition_on_the_sheet(client, pupr, instructions):
    """Dispose, withdraw, re-dispose: after each step the sheets say which rows stand. A withdrawn
    row stays on its sheet, struck through and marked with when and by whom."""
    pytest.importorskip("weasyprint")
    from esurat.audit.models import AuditEvent
    from esurat.dispositions.models import Disposition
    from esurat.dispositions.tests.test_dispose import dispose
    from esurat.lib.dates import long_date_id

    kadis = pupr.user("kadis.pupr")
    today = long_date_id(pupr.letter.government.today())
    client.force_login(kadis)
    follow = [instructions["Untuk ditindaklanjuti"]]
    assert dispose(client, pupr.letter, [pupr.position(BINA_MARGA), pupr.position(SDA)],
                   follow).status_code == 302  # fmt: skip
    first = Disposition.objects.get(to_position=pupr.position(BINA_MARGA))
    sda = Disposition.objects.get(to_position=pupr.position(SDA))
    text = _sheet_text(client, first)
    assert f"1. {BINA_MARGA} (Kabid Binamarga) 2. {SDA} (Kabid Sda) Batas waktu" in text
    assert "Ditarik" not in text and "TIDAK BERLAKU" not in text

    # Withdrawn: the row stays, marked; the other row stands.
    assert client.post(reverse("dispositions:withdraw", args=[sda.code])).status_code == 302
    assert AuditEvent.objects.filter(action="disposition.withdrawn").count() == 1
    withdrawn = f"2. {SDA} (Kabid Sda) [Ditarik {today} oleh {kadis.full_name}]"
    for row in (first, sda):  # the same sheet, reached from either row of the batch
        text = _sheet_text(client, row)
        assert f"1. {BINA_MARGA} (Kabid Binamarga) {withdrawn} Batas waktu" in text
        assert "TIDAK BERLAKU" not in text

    # Disposed again to the same Kabid: a new sheet for the new batch, the old one unchanged.
    assert dispose(client, pupr.letter, [pupr.position(SDA)], follow).status_code == 302
    again = Disposition.objects.get(to_position=pupr.position(SDA), state="sent")
    assert again.batch != first.batch
    text = _sheet_text(client, again)
    assert f"1. {SDA} (Kabid Sda) Batas waktu" in text
    assert "Ditarik" not in text and BINA_MARGA not in text
    assert withdrawn in _sheet_text(client, first)

    # The whole batch withdrawn: the sheet says it no longer holds.
    assert client.post(reverse("dispositions:withdraw", args=[first.code])).status_code == 302
    text = _sheet_text(client, first)
    assert "DISPOSISI INI TELAH DITARIK DAN TIDAK BERLAKU" in text
    assert f"1. {BINA_MARGA} (Kabid Binamarga) [Ditarik {today} oleh {kadis.full_name}]" in text
    assert "TIDAK BERLAKU" not in _sheet_text(client, again)


@pytest.mark.django_db
def test_it_marks_a_discarded_prepared_disposition_on_the_sheet(client, pupr):
    """A delegate's proposal discarded before the leader sent it is "Dibatalkan", not valid."""
    pytest.importorskip("weasyprint")
    prepared, other = give(pupr, "sekdis.pupr", [BINA_MARGA, SDA])
    assert prepared.state == "prepared"
    client.force_login(pupr.user("kadis.pupr"))
    assert client.post(reverse("dispositions:discard", args=[other.code])).status_code == 302
    text = _sheet_text(client, prepared)
    assert "BELUM DISETUJUI PIMPINAN" in text
    assert f"2. {SDA} (Kabid Sda) [Dibatalkan" in text
    assert f"oleh {pupr.user('kadis.pupr').full_name}]" in text
