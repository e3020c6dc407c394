"""The kop surat of the official PDF: the government's emblem, or the agency's own logo, embedded
as a scaled-down data URI that is read from storage once per process."""

import base64
import io
import logging

import pytest
from django.core.files.base import ContentFile
from django.template.loader import render_to_string

from esurat.letters.tests.factories import draft_nota_dinas
from esurat.organisations.demo import demo_emblem_png
from esurat.signing.pdf import SignerBlock, context_for, letterhead, render_letter_pdf
from esurat.signing.tests.helpers import first_page_png


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def png(size, color=(20, 60, 140)) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format="PNG")
    return buffer.getvalue()


def decoded(uri: str):
    from PIL import Image

    header, data = uri.split(",", 1)
    return header, Image.open(io.BytesIO(base64.b64decode(data)))


def give_logo(owner, data: bytes, name="logo.png") -> None:
    owner.logo.save(name, ContentFile(data))


def signer_of(letter):
    position = letter.signatory_position
    return SignerBlock(position, position.holder)


def page_images(pdf: bytes) -> list[tuple[int, int]]:
    """The pixel sizes of the images drawn on the first page."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    document = pdfium.PdfDocument(pdf)
    try:
        objects = document[0].get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE])
        return [tuple(obj.get_px_size()) for obj in objects]
    finally:
        document.close()


def test_it_prints_no_logo_when_there_is_none(city):
    assert letterhead(city.agencies["Diskominfo"])["logo"] is None


def test_every_agency_and_the_leadership_print_the_government_emblem(city):
    give_logo(city.government, demo_emblem_png())
    for short_name in ("Diskominfo", "Wali Kota"):
        agency = type(city.agencies[short_name]).objects.get(short_name=short_name)
        head = letterhead(agency)
        header, image = decoded(head["logo"])
        assert header == "data:image/png;base64"
        assert image.size == (213, 260)  # the 360 × 440 demo emblem at 300 dpi, 22 mm high
    assert head["is_leadership"] and head["agency"] == "WALI KOTA BANUA RAYA"


def test_a_large_logo_is_scaled_down_and_a_jpeg_stays_a_jpeg(city):
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (2400, 1200), (0, 120, 0)).save(buffer, format="JPEG")
    give_logo(city.government, buffer.getvalue(), "lambang.jpg")
    header, image = decoded(letterhead(city.agencies["Diskominfo"])["logo"])
    assert header == "data:image/jpeg;base64"
    assert image.size == (520, 260)


def test_an_agency_logo_overrides_the_government_emblem(city):
    give_logo(city.government, png((240, 240), (255, 0, 0)))
    give_logo(city.agencies["Dinkes"], png((200, 250), (0, 0, 255)))
    _, own = decoded(letterhead(city.agencies["Dinkes"])["logo"])
    _, emblem = decoded(letterhead(city.agencies["Diskominfo"])["logo"])
    assert (own.size, own.getpixel((5, 5))) == ((200, 250), (0, 0, 255))
    assert (emblem.size, emblem.getpixel((5, 5))) == ((240, 240), (255, 0, 0))


def test_transparency_is_flattened_onto_the_white_paper(city):
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGBA", (200, 200), (255, 0, 0, 0)).save(buffer, format="PNG")
    give_logo(city.government, buffer.getvalue())
    _, image = decoded(letterhead(city.agencies["Diskominfo"])["logo"])
    assert (image.mode, image.getpixel((5, 5))) == ("RGB", (255, 255, 255))


def test_it_reads_a_logo_from_storage_once(city):
    give_logo(city.government, png((300, 300)))
    first = letterhead(city.agencies["Diskominfo"])["logo"]
    city.government.logo.storage.delete(city.government.logo.name)
    assert letterhead(city.agencies["Dinas PUPR"])["logo"] == first


def test_a_logo_missing_from_storage_is_left_out_not_fatal(city, caplog):
    agency = city.agencies["Diskominfo"]
    give_logo(city.government, png((300, 300)))
    city.government.logo.storage.delete(city.government.logo.name)
    with caplog.at_level(logging.ERROR, logger="esurat.signing.pdf"):
        assert letterhead(agency)["logo"] is None
    assert "printed without it" in caplog.text
    # Not remembered as missing: once the file is back, the letterhead prints it.
    storage, name = city.government.logo.storage, city.government.logo.name
    storage.save(name, ContentFile(png((300, 300))))
    assert letterhead(agency)["logo"].startswith("data:image/png;base64,")


def test_the_pdf_carries_the_logo_beside_the_qr_code_and_fetches_nothing(city, settings,
                                                                         tmp_path):  # fmt: skip
    # Were the logo linked by its storage URL, WeasyPrint would have to fetch it from here.
    settings.MEDIA_URL = "http://127.0.0.1:9/media/"
    letter = draft_nota_dinas(city)
    without = render_letter_pdf(letter, signer=signer_of(letter), provider="local")
    give_logo(city.government, demo_emblem_png())
    letter.agency.government.refresh_from_db()

    context = context_for(letter, signer=signer_of(letter), provider="local")
    html = render_to_string("pdf/letter.html", context)
    assert '<div class="logo"><img src="data:image/png;base64,' in html
    assert "127.0.0.1:9" not in html and "/media/" not in html
    pdf = render_letter_pdf(letter, signer=signer_of(letter), provider="local")
    sizes = page_images(pdf)
    assert len(page_images(without)) == 1  # the QR code
    assert len(sizes) == 2 and (213, 260) in sizes  # the emblem, scaled down
    assert len(pdf) - len(without) < 40_000
    first_page_png(pdf, "letterhead-logo", tmp_path)
