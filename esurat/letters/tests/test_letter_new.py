import uuid

import pytest
from django.urls import reverse

from esurat.audit.models import AuditEvent
from esurat.letters.models import Letter, Recipient, ReviewStep


def _post_data(city, **overrides):
    pupr = city.agencies["Dinas PUPR"]
    sekda = city.position("Setda", "Sekretaris Daerah")
    data = {
        "client_token": str(uuid.uuid4()),
        "kind": "nota-dinas",
        "classification": "000.1.2.3 Naskah Dinas",
        "security": "B",
        "urgency": "segera",
        "subject": "Rapat koordinasi jaringan",
        "body": "<p>Dengan hormat,</p><script>alert(1)</script>",
        "enclosures": "1",
        "to": [f"agency:{pupr.code}"],
        "cc": [f"position:{sekda.code}"],
        "reviewers": [
            str(city.position("Diskominfo", "Kepala Bidang Aplikasi Informatika").code),
            "",
        ],
        "signatory": str(
            city.position("Diskominfo", "Kepala Dinas Komunikasi dan Informatika").code
        ),
        "qualifier": "",
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_it_shows_the_form_with_the_chain_defaults(client, city):
    client.force_login(city.users["staf.aptika"])
    response = client.get(reverse("letters:new"))
    assert response.status_code == 200
    form = response.context["form"]
    kabid = city.position("Diskominfo", "Kepala Bidang Aplikasi Informatika")
    kadis = city.position("Diskominfo", "Kepala Dinas Komunikasi dan Informatika")
    assert form["reviewers"].value() == [str(kabid.code)]
    assert form["signatory"].value() == str(kadis.code)
    body = response.content.decode()
    assert "data-once" in body and "data-autosave" in body and "trix-editor" in body
    assert 'name="client_token"' in body


@pytest.mark.django_db
def test_it_creates_a_draft_with_recipients_and_chain(client, city):
    client.force_login(city.users["staf.aptika"])
    response = client.post(reverse("letters:new"), _post_data(city))
    letter = Letter.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("letters:detail", args=[letter.code])
    assert letter.state == Letter.State.DRAFT
    assert (letter.security, letter.urgency, letter.enclosures) == ("B", "segera", 1)
    assert letter.classification.code == "000.1.2.3"
    assert "<script>" not in letter.body and "Dengan hormat" in letter.body
    assert letter.drafter_position == city.position("Diskominfo", "Pranata Komputer Ahli Pertama")
    kinds = sorted(letter.recipients.values_list("kind", "target"))
    assert kinds == [(Recipient.Kind.CC, "position"), (Recipient.Kind.TO, "agency")]
    steps = list(ReviewStep.objects.filter(letter=letter, round=0).values_list("position__title"))
    assert steps == [("Kepala Bidang Aplikasi Informatika",)]
    event = AuditEvent.objects.get(letter=letter, action="letter.created")
    assert event.actor == city.users["staf.aptika"]


@pytest.mark.django_db
def test_it_creates_one_letter_when_the_form_is_posted_twice(client, city):
    client.force_login(city.users["staf.aptika"])
    data = _post_data(city)
    first = client.post(reverse("letters:new"), data)
    second = client.post(reverse("letters:new"), data)
    assert Letter.objects.count() == 1
    assert first["Location"] == second["Location"]
    assert AuditEvent.objects.filter(action="letter.created").count() == 1


@pytest.mark.django_db
def test_it_keeps_what_was_typed_when_the_form_is_refused(client, city):
    client.force_login(city.users["staf.aptika"])
    data = _post_data(city, to=[], classification="999.999 Tidak ada")
    response = client.post(reverse("letters:new"), data)
    assert response.status_code == 200
    assert Letter.objects.count() == 0
    form = response.context["form"]
    assert "to" in form.errors and "classification" in form.errors
    body = response.content.decode()
    assert "Rapat koordinasi jaringan" in body
    assert data["cc"][0] in body and "checked" in body


@pytest.mark.django_db
def test_it_refuses_a_signatory_who_may_not_sign(client, city):
    client.force_login(city.users["staf.aptika"])
    staff = city.position("Diskominfo", "Pengadministrasi Umum")
    response = client.post(reverse("letters:new"), _post_data(city, signatory=str(staff.code)))
    assert response.status_code == 200
    assert Letter.objects.count() == 0
    assert response.context["form"].errors


@pytest.mark.django_db
def test_it_requires_login(client):
    response = client.get(reverse("letters:new"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.django_db
def test_it_refuses_other_methods(client, city):
    client.force_login(city.users["staf.aptika"])
    assert client.put(reverse("letters:new")).status_code == 405


@pytest.mark.django_db
def test_it_sends_someone_without_a_position_away(client, city):
    client.force_login(city.users["admin"])
    response = client.get(reverse("letters:new"))
    assert response.status_code == 302
    assert Letter.objects.count() == 0
