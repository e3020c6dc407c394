import pytest
from django.urls import reverse

from esurat.audit.models import AuditEvent
from esurat.letters.models import IssuedNumber
from esurat.letters.tests.factories import draft_nota_dinas, send_through


@pytest.fixture
def issued(city):
    letter = send_through(city, draft_nota_dinas(city))
    return IssuedNumber.objects.get(letter=letter)


@pytest.mark.django_db
def test_it_cancels_a_number_with_a_reason(client, city, issued):
    client.force_login(city.users["agendaris.kominfo"])
    url = reverse("letters:cancel_number", args=[issued.code])
    assert client.get(url).status_code == 200
    response = client.post(url, {"reason": "Salah ketik nomor"})
    assert response.status_code == 302
    issued.refresh_from_db()
    assert (
        issued.state == IssuedNumber.State.CANCELLED and issued.cancel_reason == "Salah ketik nomor"
    )
    event = AuditEvent.objects.get(action="number.cancelled")
    assert event.actor == city.users["agendaris.kominfo"] and event.data["number"] == issued.number


@pytest.mark.django_db
def test_it_refuses_without_a_reason_and_twice(client, city, issued):
    client.force_login(city.users["agendaris.kominfo"])
    url = reverse("letters:cancel_number", args=[issued.code])
    response = client.post(url, {"reason": ""})
    assert response.status_code == 200 and response.context["form"].errors
    client.post(url, {"reason": "Salah"})
    response = client.post(url, {"reason": "Lagi"}, follow=True)
    assert any(m.level_tag == "error" for m in response.context["messages"])
    issued.refresh_from_db()
    assert issued.cancel_reason == "Salah"
    assert AuditEvent.objects.filter(action="number.cancelled").count() == 1


@pytest.mark.django_db
def test_it_answers_not_found_to_other_clerks_and_non_clerks(client, city, issued):
    for name in ("agendaris.pupr", "staf.pupr", "kadis.kominfo"):
        client.force_login(city.users[name])
        url = reverse("letters:cancel_number", args=[issued.code])
        assert client.post(url, {"reason": "x"}).status_code == 404
    issued.refresh_from_db()
    assert issued.state == IssuedNumber.State.ISSUED


@pytest.mark.django_db
def test_it_requires_login_and_refuses_other_methods(client, city, issued):
    url = reverse("letters:cancel_number", args=[issued.code])
    assert "/accounts/login/" in client.get(url)["Location"]
    client.force_login(city.users["agendaris.kominfo"])
    assert client.put(url).status_code == 405
