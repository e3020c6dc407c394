"""Returning and withdrawing a draft through the API: the reviewer, the signatory, the drafter."""

import pytest

from esurat.api.tests.helpers import caller
from esurat.audit.models import AuditEvent
from esurat.letters.models import Letter, ReviewStep
from esurat.letters.tests.factories import draft_nota_dinas


@pytest.mark.django_db
def test_it_lets_the_reviewer_return_a_draft_with_a_note(client, city):
    letter = draft_nota_dinas(city)
    caller(client, city, "staf.aptika").post(f"/letters/{letter.code}/submit")
    kabid = caller(client, city, "kabid.aptika")
    refused = kabid.post(f"/letters/{letter.code}/review", {"approve": False})
    assert refused.status_code == 409 and refused.json()["detail"]
    response = kabid.post(f"/letters/{letter.code}/review", {"approve": False, "note": "Ringkas"})
    assert response.status_code == 200
    data = response.json()
    assert data["state"] == "returned"
    assert [(s["state"], s["note"]) for s in data["review_steps"]] == [("returned", "Ringkas")]
    step = ReviewStep.objects.get(letter=letter, round=1)
    assert (step.state, step.acted_by) == ("returned", city.users["kabid.aptika"])
    assert AuditEvent.objects.filter(letter=letter, action="letter.returned").count() == 1


@pytest.mark.django_db
def test_it_lets_the_signatory_return_a_draft(client, city):
    letter = draft_nota_dinas(city, reviewers=[])  # drafted by the Kabid: no paraf needed
    caller(client, city, "kabid.aptika").post(f"/letters/{letter.code}/submit")
    kadis = caller(client, city, "kadis.kominfo")
    assert kadis.post(f"/letters/{letter.code}/return", {"note": ""}).status_code == 422
    response = kadis.post(f"/letters/{letter.code}/return", {"note": "Tambahkan lampiran"})
    assert response.status_code == 200 and response.json()["state"] == "returned"
    assert Letter.objects.get(pk=letter.pk).state == Letter.State.RETURNED
    event = AuditEvent.objects.get(letter=letter, action="letter.returned")
    assert event.data == {"by": "signatory", "note": "Tambahkan lampiran"}
    drafter = caller(client, city, "kabid.aptika")
    assert set(drafter.get(f"/letters/{letter.code}").json()["allowed_actions"]) >= {
        "edit",
        "submit",
    }


@pytest.mark.django_db
def test_it_refuses_to_sign_a_letter_that_changed_since_it_was_read(client, city):
    letter = draft_nota_dinas(city, reviewers=[])  # drafted by the Kabid: no paraf needed
    caller(client, city, "kabid.aptika").post(f"/letters/{letter.code}/submit")
    kadis = caller(client, city, "kadis.kominfo")
    response = kadis.post(f"/letters/{letter.code}/sign", {"password": "pw", "version": 7})
    assert response.status_code == 409
    assert Letter.objects.get(pk=letter.pk).number == ""


@pytest.mark.django_db
def test_it_withdraws_a_draft(client, city):
    letter = draft_nota_dinas(city)
    staff = caller(client, city, "staf.aptika")
    response = staff.post(f"/letters/{letter.code}/withdraw")
    assert response.status_code == 200 and response.json()["state"] == "withdrawn"
    assert Letter.objects.get(pk=letter.pk).state == Letter.State.WITHDRAWN
    assert AuditEvent.objects.filter(letter=letter, action="letter.withdrawn").count() == 1
    assert staff.post(f"/letters/{letter.code}/withdraw").status_code == 409


@pytest.mark.django_db
def test_it_answers_conflict_to_a_submit_that_skips_a_required_reviewer(client, city):
    from esurat.organisations.models import Assignment

    # Drafted while the Kabid Bina Marga post was vacant; a Plh has been appointed since.
    letter = draft_nota_dinas(
        city, drafter="staf.pupr", reviewers=[],
        signatory=city.position("Dinas PUPR", "Kepala Dinas Pekerjaan Umum dan Penataan Ruang"),
    )  # fmt: skip
    kabid = city.position("Dinas PUPR", "Kepala Bidang Bina Marga")
    Assignment.objects.create(position=kabid, user=city.users["kadis.pupr"], kind="plh")
    response = caller(client, city, "staf.pupr").post(f"/letters/{letter.code}/submit")
    assert response.status_code == 409
    assert "Kepala Bidang Bina Marga must approve (paraf)" in response.json()["detail"]
    assert Letter.objects.get(pk=letter.pk).state == Letter.State.DRAFT
    assert not AuditEvent.objects.filter(letter=letter, action="letter.submitted").exists()
