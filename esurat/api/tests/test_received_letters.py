"""What the API tells the receiving side and lets the drafting side address: the receiving
agency's own agenda number of a received letter (in the letter and in the inbox, for that agency
only), and outside (non-system) recipients, by a party of the directory or by name and e-mail, as
the compose form allows."""

import pytest

from esurat.api.tests.helpers import caller
from esurat.audit.models import AuditEvent
from esurat.letters.models import ExternalParty, Recipient, Registration
from esurat.letters.tests.factories import draft_nota_dinas, send_through

pytestmark = pytest.mark.django_db


def _agenda(city, letter, agency):
    return Registration.objects.get(letter=letter, agency=city.agencies[agency]).agenda_number


def test_it_gives_the_receiving_agency_its_own_agenda_number(client, city):
    letter = send_through(city, draft_nota_dinas(city))  # to Dinas PUPR, tembusan Sekda (Setda)
    pupr_number, setda_number = _agenda(city, letter, "Dinas PUPR"), _agenda(city, letter, "Setda")
    for username, agency in (("kadis.pupr", "Dinas PUPR"), ("agendaris.pupr", "Dinas PUPR"),
                             ("sekda", "Setda")):  # fmt: skip
        body = caller(client, city, username).get(f"/letters/{letter.code}").json()
        assert [
            (r["agency"], r["direction"], r["agenda_number"]) for r in body["registrations"]
        ] == [(city.agencies[agency].short_name, "in", _agenda(city, letter, agency))], username
    head = caller(client, city, "kadis.pupr")
    (item,) = head.get("/letters/inbox").json()["items"]
    assert item["agenda_number"] == pupr_number
    (item,) = caller(client, city, "sekda").get("/letters/inbox").json()["items"]
    assert item["agenda_number"] == setda_number
    # The sending side reads its outgoing number, not the receivers' books.
    sender = caller(client, city, "staf.aptika").get(f"/letters/{letter.code}").json()
    assert [(r["agency"], r["direction"]) for r in sender["registrations"]] == [
        ("Diskominfo", "out")
    ]


def test_it_addresses_an_outside_party_by_name_and_email(client, city):
    drafter = caller(client, city, "staf.aptika")
    kominfo = "Diskominfo"
    body = {
        "kind": "nota-dinas", "classification": "000.1.2.3", "subject": "Permohonan data",
        "recipients": [{"kind": "to", "target": "external", "name": "PT  Jalan Raya",
                        "email": "Surat@JalanRaya.co.id"}],
        "signatory": str(city.position(kominfo, "Kepala Dinas Komunikasi dan Informatika").code),
        "reviewers": [str(city.position(kominfo, "Kepala Bidang Aplikasi Informatika").code)],
    }  # fmt: skip
    response = drafter.post("/letters", body)
    assert response.status_code == 201, response.content
    (recipient,) = response.json()["recipients"]
    party = ExternalParty.objects.get(government=city.government)
    assert (party.name, party.email) == ("PT Jalan Raya", "surat@jalanraya.co.id")
    assert recipient["target"] == "external" and recipient["external"]["code"] == str(party.code)
    assert Recipient.objects.get(letter__code=response.json()["code"]).external == party
    assert AuditEvent.objects.filter(action="external_party.saved").count() == 1

    listed = drafter.get("/external-parties", q="jalan").json()
    assert [p["code"] for p in listed] == [str(party.code)]
    cc = {"kind": "cc", "target": "external", "external": str(party.code)}
    to = {"kind": "to", "target": "agency", "agency": str(city.agencies["Dinas PUPR"].code)}
    response = drafter.patch(f"/letters/{response.json()['code']}", {"recipients": [to, cc]})
    assert response.status_code == 200, response.content
    assert {(r["kind"], r["target"]) for r in response.json()["recipients"]} == {
        ("to", "agency"), ("cc", "external")
    }  # fmt: skip
    assert ExternalParty.objects.count() == 1


@pytest.mark.parametrize("row,message", [
    ({"target": "external"}, "Give the name of the outside party."),
    ({"target": "external", "name": "CV Maju", "email": "bukan-alamat"},
     "Enter a valid e-mail address."),
    ({"target": "external", "external": "6d1f8a52-7a4e-4a0e-9d55-000000000000"},
     "Unknown outside party."),
])  # fmt: skip
def test_it_refuses_an_outside_party_it_cannot_address(client, city, row, message):
    drafter = caller(client, city, "staf.aptika")
    body = {
        "kind": "nota-dinas", "classification": "000.1.2.3", "subject": "Permohonan data",
        "recipients": [row],
        "signatory": str(city.position("Diskominfo",
                                       "Kepala Dinas Komunikasi dan Informatika").code),
    }  # fmt: skip
    response = drafter.post("/letters", body)
    assert response.status_code == 422
    assert [e["msg"] for e in response.json()["detail"]] == [message]
    assert not ExternalParty.objects.exists()
