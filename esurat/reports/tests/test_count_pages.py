"""Page counts of sent letters: counted after delivery and by the backfill command."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from esurat.letters.actions import do_add_attachment
from esurat.letters.tests.factories import draft_nota_dinas, send_through
from esurat.organisations.access import seats_of
from esurat.reports.models import PageCount
from esurat.tests.tools import ONE_PAGE_PDF


def test_it_counts_the_pages_of_sent_letters_once(city, capsys):
    letter = draft_nota_dinas(city)
    staff = city.users["staf.aptika"]
    pdf = SimpleUploadedFile("a.pdf", ONE_PAGE_PDF, content_type="application/pdf")
    do_add_attachment(letter=letter, seat=seats_of(staff)[0], user=staff, upload=pdf)
    png = SimpleUploadedFile("b.png", _png(), content_type="image/png")
    do_add_attachment(letter=letter, seat=seats_of(staff)[0], user=staff, upload=png)
    send_through(city, letter)
    PageCount.objects.all().delete()  # as before this app: nothing counted yet
    call_command("count_pages")
    row = PageCount.objects.get(letter=letter)
    assert row.attachment_pages == 2 and row.letter_pages >= 1  # a PDF page and an image
    call_command("count_pages")
    assert "0 letters counted" in capsys.readouterr().out.splitlines()[-1]
    assert PageCount.objects.count() == 1


def _png() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (20, 20), "white").save(out, "PNG")
    return out.getvalue()
