import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_it_finds_classification_codes_by_code_or_name(client, city):
    client.force_login(city.users["staf.aptika"])
    response = client.get(reverse("letters:classification_options"), {"classification": "000.1.2"})
    assert response.status_code == 200
    body = response.content.decode()
    assert 'value="000.1.2.3 ' in body and body.count("<option") <= 40
    response = client.get(reverse("letters:classification_options"), {"q": "perjalanan dinas"})
    assert "000.1.2 Perjalanan Dinas Dalam Negeri" in response.content.decode()


@pytest.mark.django_db
def test_it_finds_positions_by_title_or_holder(client, city):
    client.force_login(city.users["staf.aptika"])
    response = client.get(reverse("letters:position_options"), {"field": "cc", "q_cc": "bambang"})
    body = response.content.decode()
    kadis = city.position("Dinas PUPR", "Kepala Dinas Pekerjaan Umum dan Penataan Ruang")
    assert f'value="position:{kadis.code}"' in body and 'name="cc"' in body


@pytest.mark.django_db
def test_it_requires_login_and_get(client, city):
    for name in ("letters:classification_options", "letters:position_options"):
        assert "/accounts/login/" in client.get(reverse(name))["Location"]
    client.force_login(city.users["staf.aptika"])
    assert client.post(reverse("letters:position_options")).status_code == 405
