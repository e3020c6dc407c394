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
