import uuid

import pytest

from esurat.api.tests.helpers import caller
from esurat.audit.models import AuditEvent
from esurat.letters.models import Letter, LetterVersion, Recipient


def _body(city, **overrides):
    return {
        "kind": "nota-dinas", "classification": "000.1.2.3", "subject": "Rapat SPBE",
        "body": "<p>Isi</p>",
        "recipients": [{"target": "agency", "agency": str(city.agencies["Dinas PUPR"].code)}],
        "reviewers": [str(city.position("Diskominfo", "Kepala Bidang Aplikasi Informatika").code)],
        "signatory": str(city.position("Diskominfo",
                                       "Kepala Dinas Komunikasi dan Informatika").code),
        **overrides,
    }  # fmt: skip


@pytest.mark.django_db
def test_it_creates_a_draft(client, city):
    response = caller(client, city, "staf.aptika").post("/letters", _body(city, security="T"))
    assert response.status_code == 201
    letter = Letter.objects.get(code=response.json()["code"])
    assert (letter.state, letter.security, letter.drafter) == (
        "draft",
        "T",
        city.users["staf.aptika"],
    )
    assert letter.drafter_position.title == "Pranata Komputer Ahli Pertama"
    assert list(letter.recipients.values_list("kind", "target")) == [("to", "agency")]
    assert LetterVersion.objects.filter(letter=letter).count() == 1
    assert AuditEvent.objects.get(letter=letter).action == "letter.created"


@pytest.mark.django_db
def test_it_creates_one_draft_for_one_client_token(client, city):
    staff = caller(client, city, "staf.aptika")
    token = str(uuid.uuid4())
    first = staff.post("/letters", _body(city, client_token=token))
    again = staff.post("/letters", _body(city, client_token=token))
    assert first.status_code == again.status_code == 201
    assert first.json()["code"] == again.json()["code"]
    assert Letter.objects.count() == 1
    # Someone else replaying the token learns nothing about the letter.
    other = caller(client, city, "staf.pupr").post("/letters", _body(city, client_token=token))
    assert other.status_code == 404 and Letter.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("overrides,field", [
    ({"kind": "no-such-kind"}, "kind"),
    ({"classification": "999.9"}, "classification"),
    ({"recipients": []}, "recipients"),
    ({"recipients": [{"target": "position"}]}, "recipients"),
    ({"signatory": str(uuid.uuid4())}, "signatory"),
    ({"security": "X"}, "security"),
    ({"subject": ""}, "subject"),
])  # fmt: skip
def test_it_refuses_invalid_input_with_422(client, city, overrides, field):
    response = caller(client, city, "staf.aptika").post("/letters", _body(city, **overrides))
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert detail[0]["msg"] and field in detail[0]["loc"]
    assert not Letter.objects.exists()


@pytest.mark.django_db
def test_it_reports_the_domain_refusal_of_a_signatory_who_may_not_sign(client, city):
    staff_position = city.position("Diskominfo", "Pranata Komputer Ahli Pertama")
    body = _body(city, reviewers=[], signatory=str(staff_position.code))
    response = caller(client, city, "kabid.aptika").post("/letters", body)
    assert response.status_code == 422
    assert "Pranata Komputer" in response.json()["detail"][0]["msg"]
    assert not Letter.objects.exists()


@pytest.mark.django_db
def test_it_refuses_a_position_of_another_government_or_the_callers_wrong_seat(client, city):
    staff = caller(client, city, "staf.aptika")
    other = str(city.position("Dinas PUPR", "Teknik Jalan").code)
    response = staff.post("/letters", _body(city, as_position=other))
    assert response.status_code == 422
    assert not Letter.objects.exists()
    recipients = [
        {"target": "position", "position": other},
        {"kind": "cc", "target": "government_all"},
    ]
    response = staff.post("/letters", _body(city, recipients=recipients))
    assert response.status_code == 201
    assert Recipient.objects.filter(target="government_all", kind="cc").count() == 1


@pytest.mark.django_db
def test_it_refuses_a_chain_that_skips_the_kabid_with_422(client, city):
    response = caller(client, city, "staf.aptika").post("/letters", _body(city, reviewers=[]))
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["type"] == "required_reviewer"
    assert "Kepala Bidang Aplikasi Informatika must approve (paraf)" in error["msg"]
    assert not Letter.objects.exists()
    assert not AuditEvent.objects.filter(action="letter.created").exists()
