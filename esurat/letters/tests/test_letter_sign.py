import pytest
from django.urls import reverse

from esurat.audit.models import AuditEvent
from esurat.letters import actions
from esurat.letters.access import Action, seat_for_action
from esurat.letters.models import InboxEntry, IssuedNumber, Letter
from esurat.letters.tests.factories import draft_nota_dinas


def _awaiting(city):
    letter = draft_nota_dinas(city, reviewers=[])  # drafted by the Kabid: no paraf needed
    user = letter.drafter
    return actions.do_submit(
        letter=letter, seat=seat_for_action(user, letter, Action.SUBMIT), user=user
    )


def _sign(client, letter, password="pw"):
    return client.post(
        reverse("letters:sign", args=[letter.code]),
        {"decision": "sign", "version": letter.version, "password": password},
    )


@pytest.mark.django_db
def test_it_shows_what_is_signed_and_asks_for_the_password(client, city):
    letter = _awaiting(city)
    client.force_login(city.users["kadis.kominfo"])
    response = client.get(reverse("letters:sign", args=[letter.code]))
    body = response.content.decode()
    assert response.status_code == 200
    assert letter.subject in body and "Dengan hormat" in body
    assert 'type="password"' in body
    assert "Kepala Dinas Komunikasi dan Informatika" in body


@pytest.mark.django_db
def test_it_signs_numbers_and_delivers(client, city):
    letter = _awaiting(city)
    client.force_login(city.users["kadis.kominfo"])
    response = _sign(client, letter)
    assert response.status_code == 302
    letter.refresh_from_db()
    assert letter.state == Letter.State.SENT and letter.number
    assert IssuedNumber.objects.filter(letter=letter).count() == 1
    assert InboxEntry.objects.filter(letter=letter).count() == 2
    event = AuditEvent.objects.get(letter=letter, action="letter.signed")
    assert event.actor == city.users["kadis.kominfo"] and event.data["number"] == letter.number


@pytest.mark.django_db
def test_it_leaves_the_letter_unsigned_on_a_wrong_password(client, city):
    letter = _awaiting(city)
    client.force_login(city.users["kadis.kominfo"])
    response = _sign(client, letter, password="wrong")
    assert response.status_code == 200  # the form again, the message beside the password field
    assert "The password is wrong" in response.content.decode()
    assert response.context["form"].non_field_errors()
    letter.refresh_from_db()
    assert letter.state == Letter.State.AWAITING_SIGNATURE and not letter.number
    assert not IssuedNumber.objects.exists()
    assert not AuditEvent.objects.filter(letter=letter, action="letter.signed").exists()


@pytest.mark.django_db
def test_it_refuses_to_sign_twice(client, city):
    letter = _awaiting(city)
    client.force_login(city.users["kadis.kominfo"])
    _sign(client, letter)
    letter.refresh_from_db()
    number = letter.number
    response = _sign(client, letter)
    assert response.status_code == 302
    letter.refresh_from_db()
    assert letter.number == number
    assert IssuedNumber.objects.count() == 1
    assert AuditEvent.objects.filter(letter=letter, action="letter.signed").count() == 1


@pytest.mark.django_db
def test_it_lets_the_signatory_return_the_draft(client, city):
    letter = _awaiting(city)
    client.force_login(city.users["kadis.kominfo"])
    response = client.post(
        reverse("letters:sign", args=[letter.code]),
        {"decision": "return", "note": "Tambahkan lampiran."},
    )
    assert response.status_code == 302
    letter.refresh_from_db()
    assert letter.state == Letter.State.RETURNED
    assert AuditEvent.objects.get(letter=letter, action="letter.returned").data["note"] == (
        "Tambahkan lampiran."
    )


@pytest.mark.django_db
def test_it_does_not_let_the_delegate_sign(client, city):
    letter = _awaiting(city)
    client.force_login(city.users["sekdis.kominfo"])
    response = _sign(client, letter, password="pw")
    assert response.status_code == 302
    letter.refresh_from_db()
    assert letter.state == Letter.State.AWAITING_SIGNATURE


@pytest.mark.django_db
def test_it_answers_not_found_to_an_outsider(client, city):
    letter = _awaiting(city)
    client.force_login(city.users["staf.pupr"])
    assert _sign(client, letter).status_code == 404
    assert client.get(reverse("letters:sign", args=[letter.code])).status_code == 404


@pytest.mark.django_db
def test_it_requires_login_and_refuses_other_methods(client, city):
    letter = _awaiting(city)
    url = reverse("letters:sign", args=[letter.code])
    assert "/accounts/login/" in client.get(url)["Location"]
    client.force_login(city.users["kadis.kominfo"])
    assert client.delete(url).status_code == 405
