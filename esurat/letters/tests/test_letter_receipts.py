import pytest
from django.urls import reverse

from esurat.letters.tests.factories import draft_nota_dinas, send_through


@pytest.mark.django_db
def test_it_shows_who_opened_the_letter_and_when(client, city):
    letter = send_through(city, draft_nota_dinas(city))
    client.force_login(city.users["kadis.pupr"])
    client.get(reverse("letters:detail", args=[letter.code]))
    client.force_login(city.users["staf.aptika"])
    response = client.get(reverse("letters:receipts", args=[letter.code]))
    assert response.status_code == 200
    assert (response.context["read_count"], response.context["receipt_total"]) == (1, 2)
    body = response.content.decode()
    assert "Ir. Bambang Wijaya, M.T." in body


@pytest.mark.django_db
def test_it_renders_a_partial_for_htmx(client, city):
    letter = send_through(city, draft_nota_dinas(city))
    client.force_login(city.users["kadis.kominfo"])
    response = client.get(reverse("letters:receipts", args=[letter.code]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "<html" not in response.content.decode()


@pytest.mark.django_db
def test_it_hides_receipts_from_a_recipient(client, city):
    letter = send_through(city, draft_nota_dinas(city))
    client.force_login(city.users["kadis.pupr"])
    assert client.get(reverse("letters:receipts", args=[letter.code])).status_code == 404


@pytest.mark.django_db
def test_it_answers_not_found_to_an_outsider(client, city):
    letter = send_through(city, draft_nota_dinas(city))
    client.force_login(city.users["staf.pupr"])
    assert client.get(reverse("letters:receipts", args=[letter.code])).status_code == 404


@pytest.mark.django_db
def test_it_requires_login_and_get(client, city):
    letter = send_through(city, draft_nota_dinas(city))
    url = reverse("letters:receipts", args=[letter.code])
    assert "/accounts/login/" in client.get(url)["Location"]
    client.force_login(city.users["staf.aptika"])
    assert client.post(url).status_code == 405
