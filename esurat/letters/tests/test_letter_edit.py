import pytest
from django.urls import reverse

from esurat.audit.models import AuditEvent
from esurat.letters.models import Letter
from esurat.letters.tests.factories import draft_nota_dinas, send_through


def _form_data(response, **changes):
    form = response.context["form"]
    data = {name: form[name].value() for name in form.fields}
    data.pop("client_token")
    data["reviewers"] = [c for c in data["reviewers"] if c]
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


@pytest.mark.django_db
def test_it_changes_the_draft_and_keeps_a_version(client, city):
    letter = draft_nota_dinas(city)
    client.force_login(city.users["staf.aptika"])
    url = reverse("letters:edit", args=[letter.code])
    response = client.get(url)
    assert response.status_code == 200
    assert response.context["form"]["subject"].value() == letter.subject
    data = _form_data(response, subject="Undangan rapat koordinasi (revisi)", urgency="segera")
    response = client.post(url, data)
    assert response.status_code == 302
    letter.refresh_from_db()
    assert letter.subject == "Undangan rapat koordinasi (revisi)" and letter.urgency == "segera"
    assert letter.version == 2 and letter.versions.count() == 2
    assert letter.recipients.count() == 2
    assert AuditEvent.objects.filter(letter=letter, action="letter.updated").count() == 1


@pytest.mark.django_db
def test_it_refuses_to_edit_a_sent_letter(client, city):
    letter = send_through(city, draft_nota_dinas(city))
    client.force_login(city.users["staf.aptika"])
    url = reverse("letters:edit", args=[letter.code])
    response = client.get(url)
    assert response.status_code == 302
    response = client.post(url, {"subject": "Diubah"})
    assert response.status_code == 302
    letter.refresh_from_db()
    assert letter.subject != "Diubah"
    assert not AuditEvent.objects.filter(letter=letter, action="letter.updated").exists()


@pytest.mark.django_db
def test_it_answers_not_found_to_an_outsider(client, city):
    letter = draft_nota_dinas(city)
    client.force_login(city.users["staf.pupr"])
    assert client.get(reverse("letters:edit", args=[letter.code])).status_code == 404
    assert client.post(reverse("letters:edit", args=[letter.code]), {}).status_code == 404


@pytest.mark.django_db
def test_it_requires_login_and_refuses_other_methods(client, city):
    letter = draft_nota_dinas(city)
    url = reverse("letters:edit", args=[letter.code])
    assert "/accounts/login/" in client.get(url)["Location"]
    client.force_login(city.users["staf.aptika"])
    assert client.delete(url).status_code == 405
    assert Letter.objects.get().version == 1


@pytest.mark.django_db
def test_it_refuses_to_take_the_kabid_out_of_the_chain(client, city):
    letter = draft_nota_dinas(city)
    client.force_login(city.users["staf.aptika"])
    url = reverse("letters:edit", args=[letter.code])
    data = _form_data(client.get(url), subject="Tanpa paraf", reviewers=[""])
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Kepala Bidang Aplikasi Informatika must approve (paraf)" in response.content.decode()
    letter.refresh_from_db()
    assert letter.subject == "Undangan rapat koordinasi"
    planned = letter.review_steps.filter(round=0).values_list("position__title", flat=True)
    assert list(planned) == ["Kepala Bidang Aplikasi Informatika"]
    assert not AuditEvent.objects.filter(letter=letter, action="letter.updated").exists()
