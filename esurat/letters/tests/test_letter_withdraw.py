import pytest
from django.urls import reverse

from esurat.audit.models import AuditEvent
from esurat.letters.models import Letter
from esurat.letters.tests.factories import draft_nota_dinas, send_through


@pytest.mark.django_db
def test_it_withdraws_a_draft(client, city):
    letter = draft_nota_dinas(city)
    client.force_login(city.users["staf.aptika"])
    response = client.post(reverse("letters:withdraw", args=[letter.code]))
    assert response.status_code == 302
    letter.refresh_from_db()
    assert letter.state == Letter.State.WITHDRAWN
    assert AuditEvent.objects.filter(letter=letter, action="letter.withdrawn").count() == 1


@pytest.mark.django_db
def test_it_refuses_to_withdraw_a_sent_letter(client, city):
    letter = send_through(city, draft_nota_dinas(city))
    client.force_login(city.users["staf.aptika"])
    response = client.post(reverse("letters:withdraw", args=[letter.code]), follow=True)
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    letter.refresh_from_db()
    assert letter.state == Letter.State.SENT
    assert not AuditEvent.objects.filter(letter=letter, action="letter.withdrawn").exists()


@pytest.mark.django_db
def test_it_answers_not_found_to_an_outsider(client, city):
    letter = draft_nota_dinas(city)
    client.force_login(city.users["staf.pupr"])
    assert client.post(reverse("letters:withdraw", args=[letter.code])).status_code == 404
    letter.refresh_from_db()
    assert letter.state == Letter.State.DRAFT


@pytest.mark.django_db
def test_it_requires_login_and_post(client, city):
    letter = draft_nota_dinas(city)
    url = reverse("letters:withdraw", args=[letter.code])
    assert "/accounts/login/" in client.post(url)["Location"]
    client.force_login(city.users["staf.aptika"])
    assert client.get(url).status_code == 405
