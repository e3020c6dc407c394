"""The disposition API: the same rules as the screens, through /api/v1/dispositions/, called with
a personal token like a real client."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from esurat.api.tests.helpers import API, PDF, caller
from esurat.audit.models import AuditEvent
from esurat.dispositions.models import Disposition, FollowUp
from esurat.dispositions.tests.conftest import BINA_MARGA, KADIS, SDA, TEKNIK_JALAN, give
from esurat.tests.tools import pdf_bytes

D = "/dispositions"


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.mark.django_db
def test_it_disposes_down_two_levels(client, pupr):
    letter = pupr.letter
    kadis = caller(client, pupr.city, "kadis.pupr")
    options = kadis.get(f"{D}/letters/{letter.code}/options").json()
    assert options["as_position"]["title"] == KADIS and options["will_be_prepared"] is False
    titles = {p["title"]: p["code"] for p in options["positions"]}
    assert {BINA_MARGA, SDA, TEKNIK_JALAN} <= set(titles)
    follow = next(
        i["code"] for i in options["instructions"] if i["name"] == "Untuk ditindaklanjuti"
    )
    response = kadis.post(f"{D}/letters/{letter.code}", {
        "to": [titles[BINA_MARGA], titles[SDA]], "instructions": [follow], "note": "Segera",
    })  # fmt: skip
    assert response.status_code == 201, response.content
    body = response.json()
    assert sorted(d["to_position"]["title"] for d in body) == [BINA_MARGA, SDA]
    assert {d["due_date"] for d in body} == {options["default_due_date"]}
    assert Disposition.objects.filter(letter=letter, state="sent").count() == 2

    kabid = caller(client, pupr.city, "kabid.binamarga")
    (received,) = kabid.get(f"{D}/").json()["items"]
    assert received["state"] == "sent"
    read = kabid.post(f"{D}/{received['code']}/read")
    assert read.status_code == 200 and read.json()["state"] == "read"
    staff = kabid.get(f"{D}/letters/{letter.code}/options").json()
    teknik = next(p["code"] for p in staff["positions"] if p["title"] == TEKNIK_JALAN)
    response = kabid.post(f"{D}/letters/{letter.code}", {"to": [teknik], "instructions": [follow]})
    assert response.status_code == 201
    assert response.json()[0]["parent"] == received["code"]

    tree = kadis.get(f"{D}/letters/{letter.code}/tree").json()
    assert [d["to_position"]["title"] for d in tree] == [BINA_MARGA, TEKNIK_JALAN, SDA]
    assert AuditEvent.objects.filter(action="disposition.sent", letter=letter).count() == 2


@pytest.mark.django_db
def test_it_refuses_upward_dispositions_with_a_clear_message(client, pupr, instructions):
    give(pupr, "kadis.pupr", [BINA_MARGA])
    kabid = caller(client, pupr.city, "kabid.binamarga")
    response = kabid.post(f"{D}/letters/{pupr.letter.code}", {
        "to": [str(pupr.position(SDA).code)],
        "instructions": [str(instructions["Untuk diketahui"].code)],
    })  # fmt: skip
    assert response.status_code == 422
    assert [e["msg"] for e in response.json()["detail"]] == [
        f"You can only dispose to positions below yours; {SDA} is not."
    ]
    response = kabid.post(f"{D}/letters/{pupr.letter.code}", {"to": "nonsense"})
    assert response.status_code == 422
    assert Disposition.objects.count() == 1


@pytest.mark.django_db
def test_it_withdraws_reports_and_reopens(client, pupr):
    bina_marga, sda = give(pupr, "kadis.pupr", [BINA_MARGA, SDA])
    kadis = caller(client, pupr.city, "kadis.pupr")
    response = kadis.post(f"{D}/{sda.code}/withdraw")
    assert response.status_code == 200 and response.json()["state"] == "withdrawn"

    kabid = caller(client, pupr.city, "kabid.binamarga")
    kabid.post(f"{D}/{bina_marga.code}/read")
    pdf = SimpleUploadedFile("hasil.pdf", PDF, content_type="application/pdf")
    response = client.post(f"{API}{D}/{bina_marga.code}/follow-up",
                           {"text": "Sudah dikerjakan.", "files": [pdf]},
                           headers=kabid.headers)  # fmt: skip
    assert response.status_code == 201, response.content
    assert len(response.json()["files"]) == 1
    assert FollowUp.objects.get().disposition == bina_marga

    response = kadis.post(f"{D}/{bina_marga.code}/withdraw")
    assert response.status_code == 409
    assert response.json()["detail"] == (
        "This disposition has already been read and cannot be withdrawn."
    )
    response = kadis.post(f"{D}/{bina_marga.code}/reopen", {"note": "Kurang lengkap"})
    assert response.status_code == 200 and response.json()["state"] == "reopened"
    counters = kadis.get(f"{D}/counters").json()
    assert counters["given"] == 1 and counters["received"] == 0
    assert AuditEvent.objects.get(action="disposition.reopened").data["note"] == "Kurang lengkap"


@pytest.mark.django_db
def test_it_lets_a_delegate_prepare_and_the_leader_approve(client, pupr, instructions):
    sekdis = caller(client, pupr.city, "sekdis.pupr")
    options = sekdis.get(f"{D}/letters/{pupr.letter.code}/options").json()
    assert options["will_be_prepared"] is True and options["acting_as"] == "delegate"
    response = sekdis.post(f"{D}/letters/{pupr.letter.code}", {
        "to": [str(pupr.position(SDA).code)],
        "instructions": [str(instructions["Untuk diketahui"].code)],
    })  # fmt: skip
    assert response.status_code == 201 and response.json()[0]["state"] == "prepared"
    code = response.json()[0]["code"]
    assert sekdis.post(f"{D}/{code}/approve").status_code == 409
    response = caller(client, pupr.city, "kadis.pupr").post(f"{D}/{code}/approve")
    assert response.status_code == 200 and response.json()["state"] == "sent"


@pytest.mark.django_db
def test_it_answers_401_to_anonymous_and_404_to_an_outsider(client, pupr):
    (d,) = give(pupr, "kadis.pupr", [BINA_MARGA])
    assert client.get(f"{API}{D}/").status_code == 401
    assert client.get(f"{API}{D}/{d.code}").status_code == 401
    outsider = caller(client, pupr.city, "staf.pupr")
    assert outsider.get(f"{D}/{d.code}").status_code == 404
    assert outsider.get(f"{D}/letters/{pupr.letter.code}/tree").status_code == 404
    assert outsider.post(f"{D}/letters/{pupr.letter.code}", {"to": "bad"}).status_code == 404
    assert outsider.post(f"{D}/{d.code}/withdraw").status_code == 404
    assert outsider.get(f"{D}/").json() == {"items": [], "next_cursor": None}
    d.refresh_from_db()
    assert d.state == "sent"


@pytest.mark.django_db
def test_it_downloads_a_follow_up_file_for_who_may_see_the_disposition(client, pupr):
    (bina_marga,) = give(pupr, "kadis.pupr", [BINA_MARGA])
    kabid = caller(client, pupr.city, "kabid.binamarga")
    kabid.post(f"{D}/{bina_marga.code}/read")
    pdf = SimpleUploadedFile("hasil.pdf", PDF, content_type="application/pdf")
    client.post(f"{API}{D}/{bina_marga.code}/follow-up", {"text": "Selesai.", "files": [pdf]},
                headers=kabid.headers)  # fmt: skip
    detail = caller(client, pupr.city, "kadis.pupr").get(f"{D}/{bina_marga.code}").json()
    (report,) = detail["follow_ups"]
    (file,) = report["attachments"]
    assert report["text"] == "Selesai." and file["name"] == "hasil.pdf"
    path = f"{D}/{bina_marga.code}/files/{file['code']}"
    # The same people as the file link on the disposition's page: whoever may see the letter.
    for username, status in (("kadis.pupr", 200), ("kabid.binamarga", 200), ("staf.aptika", 200),
                             ("staf.pupr", 404)):  # fmt: skip
        response = caller(client, pupr.city, username).get(path)
        assert response.status_code == status, username
        if status == 200:
            assert b"".join(response.streaming_content) == PDF
            assert response["Content-Type"] == "application/pdf"
            assert response["Content-Disposition"].startswith("attachment;")
            assert response["X-Content-Type-Options"] == "nosniff"
            assert response["Cache-Control"] == "private, no-store"
        else:
            assert response.json() == {"detail": "Not found."}
    # A file of another disposition's report is not reachable through this one.
    (sda,) = give(pupr, "kadis.pupr", [SDA])
    response = caller(client, pupr.city, "kadis.pupr").get(f"{D}/{sda.code}/files/{file['code']}")
    assert response.status_code == 404
    assert client.get(f"{API}{path}").status_code == 401


@pytest.mark.django_db
def test_it_refuses_a_follow_up_pdf_it_cannot_read_as_the_screen_does(client, pupr, settings):
    settings.SCAN_MAX_PAGES = 3
    (d,) = give(pupr, "kadis.pupr", [BINA_MARGA])
    kabid = caller(client, pupr.city, "kabid.binamarga")
    for content, message in [
        (pdf_bytes(4), "The PDF has 4 pages; the limit is 3."),
        (pdf_bytes(1, password=""), "The PDF is protected with a password or encrypted."),
        (b"%PDF-1.7\n" + b"\x8f garbage " * 500, "The PDF is damaged and cannot be read."),
    ]:
        pdf = SimpleUploadedFile("hasil.pdf", content, content_type="application/pdf")
        response = client.post(f"{API}{D}/{d.code}/follow-up",
                               {"text": "Sudah dikerjakan.", "files": [pdf]},
                               headers=kabid.headers)  # fmt: skip
        assert response.status_code == 422, response.content
        assert message in str(response.json())
    d.refresh_from_db()
    assert d.state == "sent" and not FollowUp.objects.exists()
