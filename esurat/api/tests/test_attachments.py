import pytest

from esurat.api.tests.helpers import API, PDF, caller
from esurat.audit.models import AuditEvent
from esurat.letters.models import Attachment
from esurat.letters.tests.factories import draft_nota_dinas
from esurat.tests.tools import pdf_bytes


@pytest.mark.django_db
def test_it_attaches_downloads_and_removes_a_file(client, city):
    letter = draft_nota_dinas(city)
    staff = caller(client, city, "staf.aptika")
    response = staff.upload(f"/letters/{letter.code}/attachments", "surat.pdf", PDF)
    assert response.status_code == 201
    data = response.json()
    row = Attachment.objects.get(code=data["code"])
    assert (row.content_type, row.size, row.sha256) == ("application/pdf", len(PDF), data["sha256"])
    download = client.get(f"{API}/attachments/{row.code}", headers=staff.headers)
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert download["Content-Type"] == "application/pdf"
    assert "surat.pdf" in download["Content-Disposition"]
    assert staff.delete(f"/attachments/{row.code}").status_code == 204
    assert not Attachment.objects.exists()
    actions = list(AuditEvent.objects.filter(letter=letter).values_list("action", flat=True))
    assert actions[-2:] == ["letter.attachment_added", "letter.attachment_removed"]


@pytest.mark.django_db
def test_it_refuses_a_file_that_is_not_a_pdf_or_image(client, city):
    letter = draft_nota_dinas(city)
    staff = caller(client, city, "staf.aptika")
    response = staff.upload(f"/letters/{letter.code}/attachments", "x.pdf", b"MZ\x90\x00 exe",
                            content_type="application/pdf")  # fmt: skip
    assert response.status_code == 422 and response.json()["detail"][0]["msg"]
    assert not Attachment.objects.exists()
    missing = client.post(f"{API}/letters/{letter.code}/attachments", {}, headers=staff.headers)
    assert missing.status_code == 422


@pytest.mark.django_db
@pytest.mark.parametrize(
    "content,message",
    [
        (pdf_bytes(4), "The PDF has 4 pages; the limit is 3."),
        (pdf_bytes(1, password=""), "The PDF is protected with a password or encrypted."),
        (b"%PDF-1.7\n" + b"\x8f garbage " * 500, "The PDF is damaged and cannot be read."),
    ],
    ids=["over-the-page-limit", "encrypted", "garbage-after-magic"],
)
def test_it_refuses_a_pdf_it_cannot_read_as_the_screen_does(client, city, settings, content,
                                                            message):  # fmt: skip
    settings.SCAN_MAX_PAGES = 3
    letter = draft_nota_dinas(city)
    staff = caller(client, city, "staf.aptika")
    response = staff.upload(f"/letters/{letter.code}/attachments", "lampiran.pdf", content)
    assert response.status_code == 422
    assert message in response.json()["detail"][0]["msg"]
    assert not Attachment.objects.exists()
    assert not AuditEvent.objects.filter(action="letter.attachment_added").exists()


@pytest.mark.django_db
def test_it_names_the_download_by_its_real_type_not_the_uploaded_name(client, city):
    letter = draft_nota_dinas(city)
    staff = caller(client, city, "staf.aptika")
    response = staff.upload(f"/letters/{letter.code}/attachments", "surat\u202efdp.exe", PDF)
    assert response.status_code == 201 and response.json()["name"] == "suratfdp.pdf"
    download = client.get(f"{API}/attachments/{response.json()['code']}", headers=staff.headers)
    assert download["Content-Disposition"] == (
        "attachment; filename=\"suratfdp.pdf\"; filename*=UTF-8''suratfdp.pdf"
    )
    assert download["X-Content-Type-Options"] == "nosniff"
