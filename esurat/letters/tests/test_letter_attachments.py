from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from esurat.audit.models import AuditEvent
from esurat.letters.models import Attachment
from esurat.letters.tests.factories import draft_nota_dinas, send_through
from esurat.tests.tools import ONE_PAGE_PDF, pdf_bytes

PDF = ONE_PAGE_PDF


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _stored_files(media):
    return [p for p in media.rglob("*") if p.is_file()]


def _add(client, letter, name="undangan.pdf", content=PDF):
    upload = SimpleUploadedFile(name, content, content_type="application/pdf")
    return client.post(reverse("letters:attachment_add", args=[letter.code]), {"file": upload})


@pytest.mark.django_db
def test_it_attaches_a_pdf(client, city, media):
    letter = draft_nota_dinas(city)
    client.force_login(city.users["staf.aptika"])
    response = _add(client, letter)
    assert response.status_code == 302
    attachment = Attachment.objects.get(letter=letter)
    assert attachment.original_name == "undangan.pdf" and len(attachment.sha256) == 64
    assert len(_stored_files(media)) == 1
    assert AuditEvent.objects.filter(letter=letter, action="letter.attachment_added").count() == 1


@pytest.mark.django_db
def test_it_refuses_a_file_that_is_not_a_pdf_or_image_and_stores_nothing(client, city, media):
    letter = draft_nota_dinas(city)
    client.force_login(city.users["staf.aptika"])
    response = _add(client, letter, name="virus.pdf", content=b"MZ\x90\x00 not a pdf at all")
    assert response.status_code == 302
    response = client.get(response["Location"])
    errors = [str(m) for m in response.context["messages"] if m.level_tag == "error"]
    assert len(errors) == 1 and "virus.pdf" in errors[0]
    assert not Attachment.objects.exists()
    assert _stored_files(media) == []
    assert not AuditEvent.objects.filter(action="letter.attachment_added").exists()


@pytest.mark.django_db
def test_it_refuses_attachments_once_the_letter_is_sent(client, city, media):
    letter = send_through(city, draft_nota_dinas(city))
    client.force_login(city.users["staf.aptika"])
    _add(client, letter)
    assert not Attachment.objects.exists()
    assert _stored_files(media) == []


@pytest.mark.django_db
def test_it_downloads_through_an_access_check(client, city):
    letter = draft_nota_dinas(city)
    client.force_login(city.users["staf.aptika"])
    _add(client, letter)
    attachment = Attachment.objects.get()
    url = reverse("letters:attachment_download", args=[attachment.code])
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    client.force_login(city.users["staf.pupr"])
    assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_it_logs_the_download_of_a_secret_letters_attachment(client, city):
    letter = draft_nota_dinas(city, security="R")
    client.force_login(city.users["staf.aptika"])
    _add(client, letter)
    attachment = Attachment.objects.get()
    before = AuditEvent.objects.filter(action="letter.read").count()
    client.get(reverse("letters:attachment_download", args=[attachment.code]))
    assert AuditEvent.objects.filter(action="letter.read").count() == before + 1


@pytest.mark.django_db
def test_it_removes_an_attachment_while_editable(
    client, city, media, django_capture_on_commit_callbacks
):
    letter = draft_nota_dinas(city)
    client.force_login(city.users["staf.aptika"])
    _add(client, letter)
    attachment = Attachment.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("letters:attachment_remove", args=[attachment.code]),
                               {"back": "edit"})  # fmt: skip
    assert _stored_files(media) == []
    assert response["Location"] == reverse("letters:edit", args=[letter.code])
    assert not Attachment.objects.exists()
    assert AuditEvent.objects.filter(letter=letter, action="letter.attachment_removed").count() == 1


@pytest.mark.django_db
def test_it_refuses_outsiders_and_other_methods(client, city):
    letter = draft_nota_dinas(city)
    client.force_login(city.users["staf.aptika"])
    _add(client, letter)
    attachment = Attachment.objects.get()
    remove = reverse("letters:attachment_remove", args=[attachment.code])
    assert client.get(remove).status_code == 405
    assert client.get(reverse("letters:attachment_add", args=[letter.code])).status_code == 405
    client.force_login(city.users["staf.pupr"])
    assert client.post(remove).status_code == 404
    assert _add(client, letter).status_code == 404
    assert Attachment.objects.count() == 1
    client.logout()
    assert (
        "/accounts/login/"
        in client.get(reverse("letters:attachment_download", args=[attachment.code]))["Location"]
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "content,message",
    [
        (pdf_bytes(10_000), "The PDF has 10000 pages; the limit is 300."),
        (pdf_bytes(1, password="rahasia"), "The PDF is protected with a password or encrypted."),
        (b"%PDF-1.7\n" + b"\x8f garbage " * 500, "The PDF is damaged and cannot be read."),
    ],
    ids=["10000-pages", "encrypted", "garbage-after-magic"],
)
def test_it_refuses_a_pdf_it_cannot_read_as_a_scan_would_be(client, city, media, content, message):
    letter = draft_nota_dinas(city)
    client.force_login(city.users["staf.aptika"])
    response = client.get(_add(client, letter, name="lampiran.pdf", content=content)["Location"])
    errors = [str(m) for m in response.context["messages"] if m.level_tag == "error"]
    assert len(errors) == 1 and "lampiran.pdf" in errors[0] and message in errors[0]
    assert not Attachment.objects.exists() and _stored_files(media) == []
    assert not AuditEvent.objects.filter(action="letter.attachment_added").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "uploaded,served",
    [
        ("surat\u202efdp.exe", "suratfdp.pdf"),  # a right-to-left override hid ".exe"
        ("Undangan Rapat\u200b Musrenbang – Kecamatan Tebet.PDF",
         "Undangan Rapat Musrenbang – Kecamatan Tebet.pdf"),
        ("..\\..\\laporan", "laporan.pdf"),  # no path
    ],
)  # fmt: skip
def test_it_serves_a_safe_name_ending_in_the_real_type(client, city, media, uploaded, served):
    letter = draft_nota_dinas(city)
    client.force_login(city.users["staf.aptika"])
    _add(client, letter, name=uploaded)
    attachment = Attachment.objects.get()
    assert attachment.original_name == served
    response = client.get(reverse("letters:attachment_download", args=[attachment.code]))
    fallback = served.replace("–", "").replace("  ", " ")
    assert response["Content-Disposition"] == (
        f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(served, safe='')}"
    )
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_it_serves_a_safe_name_for_a_file_stored_before_names_were_cleaned(client, city, media):
    letter = draft_nota_dinas(city)
    client.force_login(city.users["staf.aptika"])
    _add(client, letter)
    Attachment.objects.update(original_name="surat.pdf\n.html")
    attachment = Attachment.objects.get()
    response = client.get(reverse("letters:attachment_download", args=[attachment.code]))
    assert response["Content-Disposition"] == (
        "attachment; filename=\"surat.pdf\"; filename*=UTF-8''surat.pdf"
    )
    Attachment.objects.update(original_name="surat\u202efdp.exe")
    page = client.get(reverse("letters:detail", args=[letter.code])).content.decode()
    assert "suratfdp.pdf" in page and "\u202e" not in page
