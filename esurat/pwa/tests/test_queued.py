"""Actions queued on a phone while offline, sent when it is back online (static/js/pwa.js): the
same forms and do_* actions as the screens, answered in JSON with 409 when the item changed."""

import pytest
from django.urls import reverse

from esurat.audit.models import AuditEvent
from esurat.dispositions.models import Disposition, Instruction
from esurat.dispositions.tests.conftest import BINA_MARGA, PUPR, letter_to_pupr
from esurat.letters import actions
from esurat.letters.access import Action, seat_for_action
from esurat.letters.models import Letter
from esurat.letters.tests.test_letter_review import _submitted
from esurat.lib.workdays import add_working_days
from esurat.organisations.access import seats_of


def dispose_data(city, letter, **extra):
    government = letter.government
    return {
        "as": str(seats_of(city.users["kadis.pupr"])[0].position.code),
        "to": [str(city.position(PUPR, BINA_MARGA).code)],
        "instructions": [str(Instruction.objects.first().code)],
        "note": "Segera ditindaklanjuti.",
        "due_date": add_working_days(government, government.today(), 5).isoformat(),
        **extra,
    }


@pytest.mark.django_db
def test_it_sends_a_disposition_made_offline(client, city):
    letter = letter_to_pupr(city)
    client.force_login(city.users["kadis.pupr"])
    response = client.post(reverse("pwa:queued_dispose", args=[letter.code]),
                           dispose_data(city, letter))  # fmt: skip
    assert response.status_code == 200
    assert response.json() == {"ok": True, "message": "Disposition sent."}
    disposition = Disposition.objects.get(letter=letter)
    assert disposition.to_position == city.position(PUPR, BINA_MARGA)
    assert disposition.note == "Segera ditindaklanjuti."
    assert AuditEvent.objects.filter(letter=letter, action="disposition.sent").count() == 1


@pytest.mark.django_db
def test_it_says_409_when_the_letter_was_disposed_meanwhile(client, city):
    letter = letter_to_pupr(city)
    client.force_login(city.users["kadis.pupr"])
    url = reverse("pwa:queued_dispose", args=[letter.code])
    client.post(url, dispose_data(city, letter))  # from another device, while this one was off
    response = client.post(url, dispose_data(city, letter))
    assert response.status_code == 409
    assert "already been disposed" in response.json()["message"]
    assert Disposition.objects.filter(letter=letter).count() == 1


@pytest.mark.django_db
def test_it_says_409_when_the_seat_no_longer_receives_the_letter(client, city):
    letter = letter_to_pupr(city)
    client.force_login(city.users["kadis.pupr"])
    data = dispose_data(city, letter, **{"as": str(city.position(PUPR, BINA_MARGA).code)})
    response = client.post(reverse("pwa:queued_dispose", args=[letter.code]), data)
    assert response.status_code == 409
    assert response.json()["message"] == "This letter no longer waits for your disposition."


@pytest.mark.django_db
def test_it_says_422_for_a_form_error(client, city):
    letter = letter_to_pupr(city)
    client.force_login(city.users["kadis.pupr"])
    response = client.post(reverse("pwa:queued_dispose", args=[letter.code]),
                           dispose_data(city, letter, instructions=[]))  # fmt: skip
    assert response.status_code == 422
    assert response.json()["errors"] == ["Choose at least one instruction."]
    assert not Disposition.objects.filter(letter=letter).exists()


@pytest.mark.django_db
def test_it_sends_a_paraf_given_offline(client, city):
    letter = _submitted(city)
    client.force_login(city.users["kabid.aptika"])
    response = client.post(reverse("pwa:queued_review", args=[letter.code]),
                           {"decision": "approve", "version": letter.version})  # fmt: skip
    assert response.status_code == 200 and response.json()["message"] == "Approved."
    letter.refresh_from_db()
    assert letter.state == Letter.State.AWAITING_SIGNATURE
    assert AuditEvent.objects.filter(letter=letter, action="letter.approved").count() == 1


@pytest.mark.django_db
def test_it_refuses_a_paraf_on_a_draft_that_changed_since_it_was_read(client, city):
    letter = _submitted(city)
    read_version = letter.version
    Letter.objects.filter(pk=letter.pk).update(version=read_version + 1)  # edited meanwhile
    client.force_login(city.users["kabid.aptika"])
    response = client.post(reverse("pwa:queued_review", args=[letter.code]),
                           {"decision": "approve", "version": read_version})  # fmt: skip
    assert response.status_code == 409
    assert "changed after you read it" in response.json()["message"]
    assert not AuditEvent.objects.filter(letter=letter, action="letter.approved").exists()


@pytest.mark.django_db
def test_it_says_409_when_the_draft_no_longer_waits_for_the_review(client, city):
    letter = _submitted(city)
    reviewer = city.users["kabid.aptika"]
    actions.do_review(
        letter=letter,
        seat=seat_for_action(reviewer, letter, Action.REVIEW),
        user=reviewer,
        approve=True,
    )  # on the desktop, while the phone was off
    client.force_login(reviewer)
    response = client.post(reverse("pwa:queued_review", args=[letter.code]),
                           {"decision": "approve", "version": letter.version})  # fmt: skip
    assert response.status_code == 409
    assert response.json()["message"] == "This letter no longer waits for your review."


@pytest.mark.django_db
def test_it_says_422_for_a_return_without_a_decision(client, city):
    letter = _submitted(city)
    client.force_login(city.users["kabid.aptika"])
    response = client.post(reverse("pwa:queued_review", args=[letter.code]),
                           {"version": letter.version})  # fmt: skip
    assert response.status_code == 422


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["pwa:queued_dispose", "pwa:queued_review"])
def test_it_refuses_anonymous_get_and_outsiders(client, city, name):
    letter = letter_to_pupr(city)
    url = reverse(name, args=[letter.code])
    response = client.post(url, {})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(city.users["staf.pupr"])
    assert client.get(url).status_code == 405
    assert client.post(url, dispose_data(city, letter)).status_code == 404


@pytest.mark.django_db
def test_it_checks_csrf(city):
    from django.test import Client

    letter = letter_to_pupr(city)
    client = Client(enforce_csrf_checks=True)
    client.force_login(city.users["kadis.pupr"])
    response = client.post(reverse("pwa:queued_dispose", args=[letter.code]),
                           dispose_data(city, letter))  # fmt: skip
    assert response.status_code == 403
    assert not Disposition.objects.filter(letter=letter).exists()
