"""R and SR letters: only named positions see them (no clerk, no delegate); reads are logged."""

import pytest

from esurat.api.tests.helpers import caller
from esurat.audit.models import AuditEvent
from esurat.letters.tests.factories import draft_nota_dinas, send_through


def _pupr_letter_to_kominfo(city, security):
    """A letter from the head of Dinas PUPR to the head of Diskominfo."""
    letter = draft_nota_dinas(
        city, drafter="staf.pupr", security=security, reviewers=[], cc=[],
        signatory=city.position("Dinas PUPR", "Kepala Dinas Pekerjaan Umum dan Penataan Ruang"),
        to=[{"kind": "to", "target": "agency", "agency": city.agencies["Diskominfo"]}],
    )  # fmt: skip
    return send_through(city, letter, signer="kadis.pupr", reviewers=(), drafter="staf.pupr")


def _inbox_codes(who):
    return [x["letter"] for x in who.get("/letters/inbox").json()["items"]]


@pytest.mark.django_db
@pytest.mark.parametrize("security", ["R", "SR"])
def test_it_hides_a_secret_letter_from_the_delegate_and_the_clerks(client, city, security):
    letter = _pupr_letter_to_kominfo(city, security)
    code = str(letter.code)
    for name in ("sekdis.kominfo", "agendaris.kominfo", "agendaris.pupr"):
        who = caller(client, city, name)
        assert who.get(f"/letters/{code}").status_code == 404, name
        assert who.get(f"/letters/{code}/timeline").status_code == 404, name
        assert code not in _inbox_codes(who), name
    head = caller(client, city, "kadis.kominfo")
    assert code in _inbox_codes(head)
    response = head.get(f"/letters/{code}")
    assert response.status_code == 200 and response.json()["security"] == security
    read = AuditEvent.objects.get(letter=letter, action="letter.read")
    assert read.actor == city.users["kadis.kominfo"] and read.data == {"security": security}


@pytest.mark.django_db
def test_it_shows_an_ordinary_letter_to_the_delegate_and_the_clerk(client, city):
    letter = _pupr_letter_to_kominfo(city, "B")
    code = str(letter.code)
    delegate = caller(client, city, "sekdis.kominfo")
    assert code in _inbox_codes(delegate)
    assert delegate.get(f"/letters/{code}").status_code == 200
    assert caller(client, city, "agendaris.kominfo").get(f"/letters/{code}").status_code == 200
    assert not AuditEvent.objects.filter(letter=letter, action="letter.read").exists()
