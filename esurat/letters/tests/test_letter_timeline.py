import pytest
from django.urls import reverse

from esurat.letters.tests.factories import draft_nota_dinas, send_through


@pytest.mark.django_db
def test_it_renders_the_timeline_partial(client, city):
    letter = send_through(city, draft_nota_dinas(city))
    client.force_login(city.users["staf.aptika"])
    response = client.get(reverse("letters:timeline", args=[letter.code]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith('<section class="panel" id="timeline"')
    assert "<html" not in body
    assert "Muhammad Rizky Pratama" in body and letter.number in body


@pytest.mark.django_db
def test_it_answers_not_found_to_an_outsider(client, city):
    letter = draft_nota_dinas(city)
    client.force_login(city.users["staf.pupr"])
    assert client.get(reverse("letters:timeline", args=[letter.code])).status_code == 404


@pytest.mark.django_db
def test_it_requires_login_and_get(client, city):
    letter = draft_nota_dinas(city)
    url = reverse("letters:timeline", args=[letter.code])
    assert "/accounts/login/" in client.get(url)["Location"]
    client.force_login(city.users["staf.aptika"])
    assert client.post(url).status_code == 405
