"""Journey A (DOMAIN.md §3) driven through the API only, then checked in the database."""

import pytest
from django.utils import timezone

from esurat.api.tests.helpers import PDF, login
from esurat.audit.actions import verify_chain
from esurat.audit.models import AuditEvent
from esurat.letters.models import InboxEntry, Letter, Registration


def _position(caller, q, title):
    rows = caller.get("/positions", q=q).json()
    return next(r["code"] for r in rows if r["title"] == title)


@pytest.mark.django_db
def test_it_runs_journey_a_through_the_api(client, city):
    staff = login(client, "staf.aptika")

    # The drafter looks up the addressees and the chain, then writes the nota dinas.
    pupr = next(a["code"] for a in staff.get("/agencies").json() if a["short_name"] == "Dinas PUPR")
    sekda = _position(staff, "Sekretaris Daerah", "Sekretaris Daerah")
    kabid = _position(staff, "Aplikasi Informatika", "Kepala Bidang Aplikasi Informatika")
    kadis = _position(staff, "Kepala Dinas Komunikasi", "Kepala Dinas Komunikasi dan Informatika")
    kinds = {k["code"] for k in staff.get("/letter-kinds").json()}
    assert "nota-dinas" in kinds
    assert staff.get("/classifications", q="000.1.2.3").json()[0]["code"] == "000.1.2.3"
    response = staff.post("/letters", {
        "kind": "nota-dinas", "classification": "000.1.2.3", "urgency": "segera",
        "subject": "Undangan rapat koordinasi SPBE",
        "body": "<p>Dengan hormat, kami mengundang Bapak.</p><script>alert(1)</script>",
        "recipients": [{"kind": "to", "target": "agency", "agency": pupr},
                       {"kind": "cc", "target": "position", "position": sekda}],
        "reviewers": [kabid], "signatory": kadis,
    })  # fmt: skip
    assert response.status_code == 201, response.content
    draft = response.json()
    code = draft["code"]
    assert draft["state"] == "draft" and "<script>" not in draft["body"]
    assert [r["code"] for r in draft["reviewers"]] == [kabid]
    assert set(draft["allowed_actions"]) >= {"edit", "submit", "withdraw"}
    response = staff.upload(f"/letters/{code}/attachments", "lampiran.pdf", PDF)
    assert response.status_code == 201, response.content
    assert staff.post(f"/letters/{code}/submit").json()["state"] == "in_review"

    # The head of division approves (paraf).
    kabid_caller = login(client, "kabid.aptika")
    to_review = kabid_caller.get("/letters/needs-action").json()["to_review"]
    assert [x["code"] for x in to_review] == [code]
    response = kabid_caller.post(f"/letters/{code}/review", {"approve": True, "note": "Setuju"})
    assert response.status_code == 200 and response.json()["state"] == "awaiting_signature"

    # The head of Diskominfo signs, re-entering the password.
    kadis_caller = login(client, "kadis.kominfo")
    assert [x["code"] for x in kadis_caller.get("/letters/needs-action").json()["to_sign"]] == [
        code
    ]
    refused = kadis_caller.post(f"/letters/{code}/sign", {"password": "wrong"})
    assert refused.status_code == 409 and refused.json()["detail"]
    assert Letter.objects.get(code=code).state == Letter.State.AWAITING_SIGNATURE
    response = kadis_caller.post(f"/letters/{code}/sign", {"password": "pw", "version": 1})
    assert response.status_code == 200, response.content
    signed = response.json()
    assert signed["state"] == "sent" and signed["number"].startswith("000.1.2.3/0001/DISKOMINFO/")
    assert signed["signatures"][0]["position"]["code"] == kadis

    # The head of Dinas PUPR finds it unread in the inbox and opens it.
    pupr_caller = login(client, "kadis.pupr")
    inbox = pupr_caller.get("/letters/inbox", unread="true").json()["items"]
    assert [(x["letter"], x["read_at"], x["recipient_kind"]) for x in inbox] == [(code, None, "to")]
    opened = pupr_caller.get(f"/letters/{code}").json()
    assert opened["number"] == signed["number"]
    assert opened["attachments"][0]["name"] == "lampiran.pdf"
    download = pupr_caller.client.get(f"/api/v1/attachments/{opened['attachments'][0]['code']}",
                                      headers=pupr_caller.headers)  # fmt: skip
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert pupr_caller.get("/letters/inbox", unread="true").json()["items"] == []
    assert pupr_caller.get("/me").json()["counters"]["unread"] == 0

    # The sender sees the delivery and the read receipt.
    receipts = staff.get(f"/letters/{code}/receipts").json()
    by_title = {r["position"]["title"]: r for r in receipts["receipts"]}
    head = by_title["Kepala Dinas Pekerjaan Umum dan Penataan Ruang"]
    assert head["read_by"] == city.users["kadis.pupr"].full_name and head["read_at"]
    assert by_title["Sekretaris Daerah"]["read_at"] is None
    assert (receipts["delivered"], receipts["read"]) == (2, 1)
    outbox = staff.get("/letters/outbox").json()["items"]
    assert [(x["code"], x["inbox_total"], x["inbox_read"]) for x in outbox] == [(code, 2, 1)]
    assert pupr_caller.get(f"/letters/{code}/receipts").status_code == 404

    # The database agrees.
    letter = Letter.objects.get(code=code)
    assert letter.state == Letter.State.SENT and letter.number == signed["number"]
    entries = {
        (e.position.title, e.kind, e.read_by_id)
        for e in InboxEntry.objects.filter(letter=letter).select_related("position")
    }
    assert entries == {
        ("Kepala Dinas Pekerjaan Umum dan Penataan Ruang", "to", city.users["kadis.pupr"].pk),
        ("Sekretaris Daerah", "cc", None),
    }  # fmt: skip
    regs = {
        (r.agency.short_name, r.direction, r.agenda_number)
        for r in Registration.objects.filter(letter=letter).select_related("agency")
    }
    year = timezone.localdate(letter.sent_at, city.government.zone).year
    assert regs == {("Diskominfo", "out", f"00001/{year}"), ("Dinas PUPR", "in", f"00001/{year}"),
                    ("Setda", "in", f"00001/{year}")}  # fmt: skip
    timeline = [e["action"] for e in staff.get(f"/letters/{code}/timeline").json()]
    assert timeline == [
        "letter.created", "letter.attachment_added", "letter.submitted", "letter.approved",
        "number.reserved", "letter.signed", "letter.delivered", "letter.opened",
    ]  # fmt: skip
    assert list(AuditEvent.objects.filter(letter=letter).order_by("seq")
                .values_list("action", flat=True)) == timeline  # fmt: skip
    opened_event = AuditEvent.objects.get(letter=letter, action="letter.opened")
    assert opened_event.actor == city.users["kadis.pupr"] and opened_event.ip_address
    assert verify_chain(city.government) == (True, None)
