import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from esurat.audit.models import AuditEvent
from esurat.dispositions.models import Disposition, FollowUp, FollowUpFile
from esurat.dispositions.tests.conftest import BINA_MARGA, SDA, TEKNIK_JALAN, give
from esurat.tests.tools import ONE_PAGE_PDF, pdf_bytes

PDF = ONE_PAGE_PDF


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def report(client, d, text, *files):
    return client.post(reverse("dispositions:report", args=[d.code]),
                       {"text": text, "files": list(files)})  # fmt: skip


@pytest.mark.django_db
def test_it_reports_the_follow_up_with_a_file_and_closes_the_branch(client, pupr, media):
    bina_marga, sda = give(pupr, "kadis.pupr", [BINA_MARGA, SDA])
    (staff,) = give(pupr, "kabid.binamarga", [TEKNIK_JALAN])
    client.force_login(pupr.user("kabid.binamarga"))
    draft = SimpleUploadedFile("konsep-balasan.pdf", PDF, content_type="application/pdf")
    response = report(client, bina_marga, "Konsep jawaban terlampir.", draft)
    assert response.status_code == 302
    assert response["Location"] == reverse("dispositions:detail", args=[bina_marga.code])

    bina_marga.refresh_from_db()
    assert bina_marga.state == "done" and bina_marga.done_at
    follow_up = FollowUp.objects.get(disposition=bina_marga)
    assert follow_up.text == "Konsep jawaban terlampir."
    assert follow_up.created_by == pupr.user("kabid.binamarga")
    assert follow_up.position == pupr.position(BINA_MARGA)
    stored = FollowUpFile.objects.get(follow_up=follow_up)
    assert stored.sha256 == hashlib.sha256(PDF).hexdigest()
    assert stored.content_type == "application/pdf"
    # The branch is closed: the staff disposition under it too, not the sibling branch.
    staff.refresh_from_db()
    sda.refresh_from_db()
    assert (staff.state, staff.closed_by_parent) == ("done", True)
    assert sda.state == "sent"
    event = AuditEvent.objects.get(action="disposition.reported")
    assert event.data["closed_below"] == 1 and event.data["files"] == [stored.sha256]

    # The giver downloads the file.
    client.force_login(pupr.user("kadis.pupr"))
    response = client.get(reverse("dispositions:follow_up_file",
                                  args=[bina_marga.code, stored.code]))  # fmt: skip
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF


@pytest.mark.django_db
def test_it_refuses_a_file_that_is_not_a_pdf_or_image(client, pupr, media):
    (d,) = give(pupr, "kadis.pupr", [BINA_MARGA])
    client.force_login(pupr.user("kabid.binamarga"))
    bad = SimpleUploadedFile("laporan.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = report(client, d, "Selesai.", bad)
    assert response.status_code == 200
    assert "Only PDF documents and JPEG or PNG images can be attached." in response.content.decode()
    d.refresh_from_db()
    assert d.state == "sent"
    assert not FollowUp.objects.exists() and not list(media.rglob("*.*"))


@pytest.mark.django_db
def test_it_lets_only_the_recipient_report(client, pupr, media):
    (d,) = give(pupr, "kadis.pupr", [BINA_MARGA])
    client.force_login(pupr.user("kadis.pupr"))
    response = report(client, d, "Saya yang lapor")
    assert response.status_code == 302
    d.refresh_from_db()
    assert d.state == Disposition.State.SENT and not FollowUp.objects.exists()


@pytest.mark.django_db
def test_it_requires_text(client, pupr, media):
    (d,) = give(pupr, "kadis.pupr", [BINA_MARGA])
    client.force_login(pupr.user("kabid.binamarga"))
    response = client.get(reverse("dispositions:report", args=[d.code]))
    assert response.status_code == 200
    response = report(client, d, "  ")
    assert response.status_code == 200
    d.refresh_from_db()
    assert d.state == "sent"


@pytest.mark.django_db
def test_it_answers_not_found_to_an_outsider(client, pupr, media):
    (d,) = give(pupr, "kadis.pupr", [BINA_MARGA])
    client.force_login(pupr.user("staf.pupr"))
    assert report(client, d, "x").status_code == 404
    assert client.put(reverse("dispositions:report", args=[d.code])).status_code == 405


@pytest.mark.django_db
def test_it_refuses_a_follow_up_pdf_over_the_page_limit_or_encrypted(client, pupr, media, settings):
    settings.SCAN_MAX_PAGES = 3
    (d,) = give(pupr, "kadis.pupr", [BINA_MARGA])
    client.force_login(pupr.user("kabid.binamarga"))
    for content, message in [
        (pdf_bytes(4), "The PDF has 4 pages; the limit is 3."),
        (pdf_bytes(1, password="rahasia"), "The PDF is protected with a password or encrypted."),
        (b"%PDF-1.7\n" + b"\x8f garbage " * 500, "The PDF is damaged and cannot be read."),
    ]:
        bad = SimpleUploadedFile("laporan.pdf", content, content_type="application/pdf")
        response = report(client, d, "Selesai.", bad)
        assert response.status_code == 200 and message in response.content.decode()
    d.refresh_from_db()
    assert d.state == "sent"
    assert not FollowUp.objects.exists() and not list(media.rglob("*.*"))
    assert not AuditEvent.objects.filter(action="disposition.reported").exists()


@pytest.mark.django_db
def test_it_serves_a_follow_up_file_under_a_safe_name(client, pupr, media):
    (d,) = give(pupr, "kadis.pupr", [BINA_MARGA])
    client.force_login(pupr.user("kabid.binamarga"))
    photo = SimpleUploadedFile("foto\u202egnp.exe", _png(), content_type="image/png")
    assert report(client, d, "Foto lokasi terlampir.", photo).status_code == 302
    stored = FollowUpFile.objects.get()
    assert stored.original_name == "fotognp.png"
    client.force_login(pupr.user("kadis.pupr"))
    response = client.get(reverse("dispositions:follow_up_file", args=[d.code, stored.code]))
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == (
        "attachment; filename=\"fotognp.png\"; filename*=UTF-8''fotognp.png"
    )
    assert response["X-Content-Type-Options"] == "nosniff"


def _png() -> bytes:
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(buf, "PNG")
    return buf.getvalue()
