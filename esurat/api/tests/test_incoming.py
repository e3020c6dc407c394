"""Incoming letters over the API (/api/v1/incoming/), called with personal tokens, and journey B
through the API only: a paper letter from a ministry is registered, sent to the head, disposed
down two levels, and followed up."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

from esurat.api.tests.helpers import API, caller
from esurat.audit.models import AuditEvent
from esurat.dispositions.models import Disposition, FollowUp, Instruction
from esurat.dispositions.tests.conftest import BINA_MARGA, SDA, TEKNIK_JALAN, add_holder
from esurat.letters.models import InboxEntry, Letter, Registration
from esurat.letters.tests.incoming_factories import text_pdf
from esurat.search.models import LetterText

IN = "/incoming/"
D = "/dispositions"
MINISTRY = "Kementerian Pekerjaan Umum Republik Indonesia"
NUMBER = "PR.01.01/123/2026"
SUBJECT = "Penanganan ruas jalan nasional di wilayah kota"


def scan_pdf() -> bytes:
    """A small one-page PDF, a picture of a letter drawn with Pillow (no text layer)."""
    image = Image.new("L", (620, 877), 255)
    draw = ImageDraw.Draw(image)
    for i, line in enumerate([MINISTRY.upper(), f"Nomor : {NUMBER}", f"Hal : {SUBJECT}"]):
        draw.text((60, 80 + 30 * i), line, fill=0)
    out = io.BytesIO()
    image.save(out, "PDF", resolution=75)
    return out.getvalue()


def fields(city, **overrides) -> dict:
    today = city.government.today()
    data = {
        "sender_name": MINISTRY, "sender_number": NUMBER,
        "sender_date": (today - datetime.timedelta(days=4)).isoformat(),
        "received_on": today.isoformat(), "channel": "paper", "kind": "surat-dinas",
        "classification": "000.1.2.3", "security": "B", "urgency": "segera",
        "subject": SUBJECT, "summary": "Mohon data ruas jalan.", "enclosures": "1",
    }  # fmt: skip
    data.update(overrides)
    return data


def register(client, token_caller, city, content=None, **overrides):
    scan = SimpleUploadedFile("surat.pdf", content or scan_pdf(), content_type="application/pdf")
    return client.post(API + IN, {**fields(city, **overrides), "scan": scan},
                       headers=token_caller.headers)  # fmt: skip


@pytest.fixture
def clerk(client, city):
    return caller(client, city, "agendaris.pupr")


@pytest.mark.django_db
def test_it_registers_a_scanned_letter_and_issues_the_agenda_number(client, city, clerk):
    response = register(client, clerk, city)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["state"] == "registered" and body["sender"] == MINISTRY
    assert body["sender_number"] == NUMBER and body["channel"] == "paper"
    assert body["text"]["state"] == "pending" and body["deliveries"] == []
    assert "route" in body["allowed_actions"]
    letter = Letter.objects.get(code=body["code"])
    registration = Registration.objects.get(letter=letter, direction="in")
    assert body["agenda_number"] == registration.agenda_number
    assert letter.agency == city.agencies["Dinas PUPR"] and letter.attachments.count() == 1
    assert AuditEvent.objects.filter(letter=letter, action="letter.registered").exists()

    listed = clerk.get(IN).json()
    assert [x["code"] for x in listed["waiting"]] == [body["code"]]
    assert listed["waiting"][0]["agenda_number"] == registration.agenda_number
    proposal = clerk.get(f"{IN}{letter.code}/proposal")
    assert proposal.status_code == 200 and proposal.json()["state"] == "pending"


@pytest.mark.django_db
def test_it_warns_of_a_duplicate_until_confirmed(client, city, clerk):
    first = register(client, clerk, city).json()
    again = register(client, clerk, city)
    assert again.status_code == 409
    assert [d["code"] for d in again.json()["duplicates"]] == [first["code"]]
    assert Letter.objects.filter(origin="registered").count() == 1
    confirmed = register(client, clerk, city, confirm_duplicate="true")
    assert confirmed.status_code == 201
    assert Letter.objects.filter(origin="registered").count() == 2
    event = AuditEvent.objects.get(letter__code=confirmed.json()["code"],
                                   action="letter.registered")  # fmt: skip
    assert event.data["duplicate_of"] == [first["code"]]


@pytest.mark.django_db
def test_it_refuses_bad_input_and_non_clerks(client, city, clerk):
    not_a_pdf = register(client, clerk, city, content=b"just some text, not a scan")
    assert not_a_pdf.status_code == 422
    assert not_a_pdf.json()["detail"][0]["loc"] == ["body", "scan"]
    no_subject = client.post(API + IN, {"sender_name": MINISTRY}, headers=clerk.headers)
    assert no_subject.status_code == 422
    assert {e["loc"][-1] for e in no_subject.json()["detail"]} >= {"subject", "classification"}
    future = register(client, clerk, city, received_on="2999-01-01")
    assert future.status_code == 422
    for outsider in ("staf.pupr", "kadis.pupr"):
        other = caller(client, city, outsider)
        assert register(client, other, city).status_code == 404
        assert other.get(IN).status_code == 404
    assert Letter.objects.filter(origin="registered").count() == 0


@pytest.mark.django_db
def test_it_reads_a_born_digital_scan_and_shows_the_proposal(
    client, city, clerk, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = register(client, clerk, city, content=text_pdf())
    code = response.json()["code"]
    proposal = clerk.get(f"{IN}{code}/proposal").json()
    assert proposal["state"] == "done" and proposal["source"] == "pdf"
    assert proposal["proposal"]["sender_number"] == "050/77/BAPPEDA/X/2026"
    assert LetterText.objects.get(letter__code=code).state == "done"
    # The head sees the letter once it is sent, but not the clerk's OCR proposal.
    clerk.post(f"{IN}{code}/send", {"to": "head"})
    kadis = caller(client, city, "kadis.pupr")
    assert kadis.get(f"{IN}{code}").status_code == 200
    assert kadis.get(f"{IN}{code}/proposal").status_code == 404


@pytest.mark.django_db
def test_it_sends_to_a_unit_or_files_and_refuses_twice(client, city, clerk):
    one = register(client, clerk, city).json()["code"]
    two = register(client, clerk, city, sender_number="X/1").json()["code"]
    unit = city.position("Dinas PUPR", BINA_MARGA)
    sent = clerk.post(f"{IN}{one}/send", {"to": str(unit.code), "note": "Langsung ke bidang"})
    assert sent.status_code == 200, sent.content
    assert sent.json()["state"] == "sent"
    assert [d["position"]["title"] for d in sent.json()["deliveries"]] == [BINA_MARGA]
    assert InboxEntry.objects.filter(letter__code=one, position=unit).exists()
    again = clerk.post(f"{IN}{one}/send", {"to": "head"})
    assert again.status_code == 409
    assert again.json()["detail"] == "This letter has already been sent or filed."

    staff_position = city.position("Dinas PUPR", TEKNIK_JALAN)  # not right below the head
    assert clerk.post(f"{IN}{two}/send", {"to": str(staff_position.code)}).status_code == 409
    assert clerk.post(f"{IN}{two}/send", {"to": "nowhere"}).status_code == 422
    filed = clerk.post(f"{IN}{two}/file", {"note": "Cukup diarsipkan"})
    assert filed.status_code == 200 and filed.json()["state"] == "filed"
    assert Letter.objects.get(code=two).state == Letter.State.FILED
    assert AuditEvent.objects.filter(letter__code=two, action="letter.filed").exists()
    listed = clerk.get(IN).json()
    assert listed["waiting"] == [] and {x["code"] for x in listed["latest"]} == {one, two}


@pytest.mark.django_db
def test_it_answers_not_found_to_outsiders(client, city, clerk):
    code = register(client, clerk, city).json()["code"]
    kominfo_clerk = caller(client, city, "agendaris.kominfo")
    staff = caller(client, city, "staf.pupr")
    for other in (kominfo_clerk, staff):
        assert other.get(f"{IN}{code}").status_code == 404
        assert other.get(f"{IN}{code}/proposal").status_code == 404
        assert other.post(f"{IN}{code}/send", {"to": 5}).status_code == 404
        assert other.post(f"{IN}{code}/file").status_code == 404
    assert Letter.objects.get(code=code).state == Letter.State.REGISTERED


@pytest.mark.django_db
def test_journey_b_through_the_api(client, city, clerk):
    add_holder(city, "kabid.binamarga", "Dinas PUPR", BINA_MARGA)
    add_holder(city, "kabid.sda", "Dinas PUPR", SDA)
    follow = str(Instruction.objects.get(name="Untuk ditindaklanjuti").code)

    # The clerk registers the paper letter from the ministry and sends it to the head.
    registered = register(client, clerk, city)
    assert registered.status_code == 201
    code = registered.json()["code"]
    sent = clerk.post(f"{IN}{code}/send", {"to": "head"})
    assert sent.status_code == 200 and sent.json()["state"] == "sent"

    # The head opens it and disposes to two Kabid.
    kadis = caller(client, city, "kadis.pupr")
    letter = kadis.get(f"{IN}{code}").json()
    assert letter["subject"] == SUBJECT and letter["agenda_number"]
    options = kadis.get(f"{D}/letters/{code}/options").json()
    titles = {p["title"]: p["code"] for p in options["positions"]}
    disposed = kadis.post(f"{D}/letters/{code}", {
        "to": [titles[BINA_MARGA], titles[SDA]], "instructions": [follow], "note": "Segera",
    })  # fmt: skip
    assert disposed.status_code == 201, disposed.content

    # Kabid Bina Marga reads it and disposes further to the staff's Teknik Jalan.
    kabid = caller(client, city, "kabid.binamarga")
    (received,) = kabid.get(f"{D}/").json()["items"]
    assert received["letter"] == code
    assert kabid.post(f"{D}/{received['code']}/read").json()["state"] == "read"
    assert kabid.get(f"{IN}{code}").status_code == 200
    teknik = next(p["code"] for p in kabid.get(f"{D}/letters/{code}/options").json()["positions"]
                  if p["title"] == TEKNIK_JALAN)  # fmt: skip
    down = kabid.post(f"{D}/letters/{code}", {"to": [teknik], "instructions": [follow]})
    assert down.status_code == 201

    # The staff member reports the follow-up.
    staff = caller(client, city, "staf.pupr")
    (task,) = staff.get(f"{D}/").json()["items"]
    report = SimpleUploadedFile("laporan.pdf", scan_pdf(), content_type="application/pdf")
    reported = client.post(f"{API}{D}/{task['code']}/follow-up",
                           {"text": "Data ruas jalan sudah dikirim.", "files": [report]},
                           headers=staff.headers)  # fmt: skip
    assert reported.status_code == 201, reported.content

    # The head sees the whole tree with its states.
    tree = kadis.get(f"{D}/letters/{code}/tree").json()
    states = {d["to_position"]["title"]: d["state"] for d in tree}
    assert [d["to_position"]["title"] for d in tree] == [BINA_MARGA, TEKNIK_JALAN, SDA]
    assert states == {BINA_MARGA: "read", TEKNIK_JALAN: "done", SDA: "sent"}

    row = Letter.objects.get(code=code)
    assert row.origin == Letter.Origin.REGISTERED and row.state == Letter.State.SENT
    assert Disposition.objects.filter(letter=row).count() == 3
    assert FollowUp.objects.get(disposition__code=task["code"]).text.startswith("Data ruas")
    actions = set(AuditEvent.objects.filter(letter=row).values_list("action", flat=True))
    assert {"letter.registered", "letter.sent_to_head", "disposition.sent"} <= actions
