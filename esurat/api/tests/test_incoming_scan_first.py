"""Scan first over the API: upload the scan, poll its proposal, register with the confirmed
fields; and correct a registered letter with its proposal (PATCH /incoming/{code})."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from esurat.api.tests.helpers import API, caller
from esurat.audit.models import AuditEvent
from esurat.letters.models import IncomingScan, Letter
from esurat.letters.tests.incoming_factories import text_pdf
from esurat.search.models import LetterText

SCANS = "/incoming/scans"
NUMBER, SUBJECT = "050/77/BAPPEDA/X/2026", "Permohonan Data Perencanaan"


@pytest.fixture
def clerk(client, city):
    return caller(client, city, "agendaris.pupr")


def _upload(client, who, content=None, **extra):
    scan = SimpleUploadedFile("surat.pdf", content or text_pdf(), content_type="application/pdf")
    return client.post(API + SCANS, {"scan": scan, **extra}, headers=who.headers)


def _fields(city, **overrides) -> dict:
    today = city.government.today()
    data = {
        "sender_name": "Bappeda Kabupaten Paser", "sender_number": NUMBER,
        "sender_date": "2026-10-02", "received_on": today.isoformat(), "channel": "paper",
        "kind": "surat-dinas", "classification": "000.1.2.3", "security": "B",
        "urgency": "biasa", "subject": SUBJECT,
    }  # fmt: skip
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_it_uploads_polls_and_registers_with_the_confirmed_fields(
    client, city, clerk, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # the (immediate) worker reads it
        response = _upload(client, clerk)
    assert response.status_code == 201, response.content
    body = response.json()
    code = body["code"]
    assert (body["pages"], body["letter"], body["stalled"]) == (1, None, False)
    row = IncomingScan.objects.get(code=code)
    assert row.agency == city.agencies["Dinas PUPR"] and body["sha256"] == row.sha256
    assert AuditEvent.objects.filter(action="incoming_scan.uploaded").count() == 1
    polled = clerk.get(f"{SCANS}/{code}").json()
    assert polled["state"] == "done" and polled["source"] == "pdf"
    assert polled["proposal"]["sender_number"] == NUMBER
    assert polled["proposal"]["subject"] == SUBJECT
    assert polled["proposal"]["sender_date"] == "2026-10-02"

    confirmed = _fields(city, sender_name="Bappeda Kab. Paser", scan_code=code)
    response = client.post(API + "/incoming/", confirmed, headers=clerk.headers)
    assert response.status_code == 201, response.content
    letter = Letter.objects.get()
    out = response.json()
    assert out["code"] == str(letter.code) and out["agenda_number"]
    assert out["text"]["state"] == "done" and out["text"]["proposal"]["subject"] == SUBJECT
    assert letter.sender.name == "Bappeda Kab. Paser" and letter.attachments.get().sha256 == (
        row.sha256
    )
    assert clerk.get(f"{SCANS}/{code}").json()["letter"] == str(letter.code)
    # Sending it again (a retry after a lost answer) registers nothing more.
    again = client.post(API + "/incoming/", confirmed, headers=clerk.headers)
    assert again.status_code == 201 and again.json()["code"] == str(letter.code)
    assert Letter.objects.count() == 1


@pytest.mark.django_db
def test_it_refuses_a_bad_file_and_both_a_file_and_a_scan_code(client, city, clerk):
    response = _upload(client, clerk, content=b"just some text, not a scan")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "scan"]
    missing = client.post(API + SCANS, {}, headers=clerk.headers)
    assert missing.status_code == 422 and missing.json()["detail"][0]["loc"] == ["body", "scan"]
    assert IncomingScan.objects.count() == 0
    code = _upload(client, clerk).json()["code"]
    scan = SimpleUploadedFile("surat.pdf", text_pdf(), content_type="application/pdf")
    both = client.post(API + "/incoming/", {**_fields(city, scan_code=code), "scan": scan},
                       headers=clerk.headers)  # fmt: skip
    assert both.status_code == 422 and both.json()["detail"][0]["loc"] == ["body", "scan"]
    assert Letter.objects.count() == 0


@pytest.mark.django_db
def test_it_is_not_found_for_others_than_the_agencys_clerks(client, city, clerk):
    code = _upload(client, clerk).json()["code"]
    for username in ("agendaris.kominfo", "kadis.pupr", "staf.aptika"):
        other = caller(client, city, username)
        assert other.get(f"{SCANS}/{code}").status_code == 404, username
        assert other.delete(f"{SCANS}/{code}").status_code == 404, username
        response = client.post(API + "/incoming/", _fields(city, scan_code=code),
                               headers=other.headers)  # fmt: skip
        assert response.status_code == 404, username
    assert _upload(client, caller(client, city, "kadis.pupr")).status_code == 404
    assert client.get(f"{API}{SCANS}/{code}").status_code == 401
    assert Letter.objects.count() == 0 and IncomingScan.objects.count() == 1


@pytest.mark.django_db
def test_it_discards_an_uploaded_scan_but_not_a_registered_one(client, city, clerk):
    first = _upload(client, clerk).json()["code"]
    assert clerk.delete(f"{SCANS}/{first}").status_code == 204
    assert not IncomingScan.objects.filter(code=first).exists()
    assert clerk.get(f"{SCANS}/{first}").status_code == 404
    second = _upload(client, clerk).json()["code"]
    client.post(API + "/incoming/", _fields(city, scan_code=second), headers=clerk.headers)
    refused = clerk.delete(f"{SCANS}/{second}")
    assert refused.status_code == 409
    assert refused.json()["detail"] == "This scan has already been registered as a letter."


@pytest.mark.django_db
def test_it_applies_the_proposal_to_a_registered_letter(
    client, city, clerk, django_capture_on_commit_callbacks
):
    scan = SimpleUploadedFile("surat.pdf", text_pdf(), content_type="application/pdf")
    typed = _fields(city, sender_number="", sender_date="", subject="Surat Bappeda")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(API + "/incoming/", {**typed, "scan": scan}, headers=clerk.headers)
    code = response.json()["code"]
    proposal = clerk.get(f"/incoming/{code}/proposal").json()["proposal"]
    body = {"sender_number": proposal["sender_number"], "sender_date": proposal["sender_date"],
            "subject": proposal["subject"]}  # fmt: skip
    response = clerk.patch(f"/incoming/{code}", body)
    assert response.status_code == 200, response.content
    out = response.json()
    assert (out["sender_number"], out["subject"]) == (NUMBER, SUBJECT)
    letter = Letter.objects.get(code=code)
    assert letter.sender_date == datetime.date(2026, 10, 2)
    assert LetterText.objects.get(letter=letter).applied_at is not None
    event = AuditEvent.objects.get(action="letter.corrected")
    assert event.data["before"]["subject"] == "Surat Bappeda"
    assert sorted(event.data["fields"]) == ["sender_date", "sender_number", "subject"]
    # Filed, the letter can no longer be corrected: 409 with a message that says so.
    clerk.post(f"/incoming/{code}/file", {})
    refused = clerk.patch(f"/incoming/{code}", {"subject": "Lain"})
    assert refused.status_code == 409
    assert refused.json()["detail"] == "This letter can no longer be corrected."
    assert clerk.patch(f"/incoming/{code}", {"sender_date": "kemarin"}).status_code == 422
    # Someone who may read the letter but is no clerk of it: 404.
    kadis = caller(client, city, "kadis.pupr")
    assert kadis.patch(f"/incoming/{code}", {"subject": "X"}).status_code == 404


def _matches(schema: dict, value, components: dict, where: str) -> None:
    """The value has exactly the schema's properties, its required ones, and allowed enums."""
    if "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[-1]]
    if "anyOf" in schema:
        options = [s for s in schema["anyOf"] if s.get("type") != "null"]
        if value is None:
            assert any(s.get("type") == "null" for s in schema["anyOf"]), where
            return
        schema = options[0]
    if "enum" in schema:
        assert value in schema["enum"], where
    if schema.get("type") == "object" and "properties" in schema:
        assert set(value) == set(schema["properties"]), where
        assert set(schema.get("required", [])) <= set(value), where
        for key, sub in schema["properties"].items():
            _matches(sub, value[key], components, f"{where}.{key}")


@pytest.mark.django_db
def test_it_answers_what_the_openapi_schema_documents(client, city, clerk):
    served = client.get(API + "/openapi.json").json()
    components = served["components"]["schemas"]
    paths = served["paths"]

    def documented(path, method, status):
        responses = paths[API + path][method]["responses"]
        return responses[str(status)]["content"]["application/json"]["schema"]

    uploaded = _upload(client, clerk)
    _matches(documented(SCANS, "post", 201), uploaded.json(), components, "upload")
    code = uploaded.json()["code"]
    polled = clerk.get(f"{SCANS}/{code}").json()
    _matches(documented(SCANS + "/{code}", "get", 200), polled, components, "poll")
    body = paths[API + SCANS]["post"]["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert body["required"] == ["scan"]
    registered = client.post(API + "/incoming/", _fields(city, scan_code=code),
                             headers=clerk.headers).json()  # fmt: skip
    correct = paths[API + "/incoming/{code}"]["patch"]
    assert set(correct["requestBody"]["content"]["application/json"]["schema"]["properties"]) == {
        "sender_name", "sender_number", "sender_date", "subject",
    }  # fmt: skip
    corrected = clerk.patch(f"/incoming/{registered['code']}", {"subject": "Lain"})
    assert corrected.status_code == 200
    assert set(correct["responses"]) >= {"200", "404", "409", "422"}
    refused = clerk.delete(f"{SCANS}/{code}")
    _matches(documented(SCANS + "/{code}", "delete", 409), refused.json(), components, "409")


@pytest.mark.django_db
def test_it_points_a_patch_of_an_incoming_letter_to_the_incoming_endpoint(client, city, clerk):
    scan = SimpleUploadedFile("surat.pdf", text_pdf(), content_type="application/pdf")
    code = client.post(API + "/incoming/", {**_fields(city), "scan": scan},
                       headers=clerk.headers).json()["code"]  # fmt: skip
    response = clerk.patch(f"/letters/{code}", {"subject": "Lain"})
    assert response.status_code == 409
    assert "PATCH /api/v1/incoming/{code}" in response.json()["detail"]
    assert clerk.patch(f"/incoming/{code}", {"subject": "Lain"}).status_code == 200
