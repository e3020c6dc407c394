import pytest
from django.urls import reverse

from esurat.audit.models import AuditEvent
from esurat.letters import actions
from esurat.letters.access import Action, seat_for_action
from esurat.letters.models import Letter, ReviewStep
from esurat.letters.tests.factories import draft_nota_dinas


def _submitted(city, **kwargs):
    letter = draft_nota_dinas(city, **kwargs)
    user = city.users["staf.aptika"]
    return actions.do_submit(
        letter=letter, seat=seat_for_action(user, letter, Action.SUBMIT), user=user
    )


@pytest.mark.django_db
def test_it_shows_the_draft_to_review(client, city):
    letter = _submitted(city)
    client.force_login(city.users["kabid.aptika"])
    response = client.get(reverse("letters:review", args=[letter.code]))
    assert response.status_code == 200
    assert letter.subject in response.content.decode()


@pytest.mark.django_db
def test_it_approves(client, city):
    letter = _submitted(city)
    client.force_login(city.users["kabid.aptika"])
    response = client.post(reverse("letters:review", args=[letter.code]), {"decision": "approve"})
    assert response.status_code == 302
    letter.refresh_from_db()
    assert letter.state == Letter.State.AWAITING_SIGNATURE
    step = letter.review_steps.get(round=1)
    assert step.state == ReviewStep.State.APPROVED and step.acted_by == city.users["kabid.aptika"]
    assert AuditEvent.objects.filter(letter=letter, action="letter.approved").count() == 1


@pytest.mark.django_db
def test_it_returns_with_a_note(client, city):
    letter = _submitted(city)
    client.force_login(city.users["kabid.aptika"])
    client.post(
        reverse("letters:review", args=[letter.code]),
        {"decision": "return", "note": "Perbaiki tanggal rapat."},
    )
    letter.refresh_from_db()
    assert letter.state == Letter.State.RETURNED
    event = AuditEvent.objects.get(letter=letter, action="letter.returned")
    assert event.data["note"] == "Perbaiki tanggal rapat."
    client.force_login(city.users["staf.aptika"])
    response = client.get(reverse("letters:detail", args=[letter.code]))
    assert "Perbaiki tanggal rapat." in response.content.decode()


@pytest.mark.django_db
def test_it_refuses_a_return_without_a_note(client, city):
    letter = _submitted(city)
    client.force_login(city.users["kabid.aptika"])
    response = client.post(
        reverse("letters:review", args=[letter.code]),
        {"decision": "return", "note": " "},
        follow=True,
    )
    letter.refresh_from_db()
    assert letter.state == Letter.State.IN_REVIEW
    assert not AuditEvent.objects.filter(letter=letter, action="letter.returned").exists()
    assert [m.level_tag for m in response.context["messages"]] == ["error"]


@pytest.mark.django_db
def test_it_refuses_a_reviewer_whose_turn_it_is_not(client, city):
    kabid = city.position("Diskominfo", "Kepala Bidang Aplikasi Informatika")
    sekdis = city.position("Diskominfo", "Sekretaris Dinas")
    letter = _submitted(city, reviewers=[kabid, sekdis])
    client.force_login(city.users["sekdis.kominfo"])
    response = client.post(reverse("letters:review", args=[letter.code]), {"decision": "approve"})
    assert response.status_code == 302
    assert response["Location"] == reverse("letters:detail", args=[letter.code])
    assert not letter.review_steps.filter(state=ReviewStep.State.APPROVED).exists()
    assert not AuditEvent.objects.filter(letter=letter, action="letter.approved").exists()


@pytest.mark.django_db
def test_it_refuses_a_second_approval(client, city):
    letter = _submitted(city)
    client.force_login(city.users["kabid.aptika"])
    client.post(reverse("letters:review", args=[letter.code]), {"decision": "approve"})
    client.post(reverse("letters:review", args=[letter.code]), {"decision": "approve"})
    assert AuditEvent.objects.filter(letter=letter, action="letter.approved").count() == 1


@pytest.mark.django_db
def test_it_answers_not_found_to_an_outsider(client, city):
    letter = _submitted(city)
    client.force_login(city.users["staf.pupr"])
    response = client.post(reverse("letters:review", args=[letter.code]), {"decision": "approve"})
    assert response.status_code == 404
    assert letter.review_steps.get(round=1).state == ReviewStep.State.PENDING


@pytest.mark.django_db
def test_it_requires_login_and_refuses_other_methods(client, city):
    letter = _submitted(city)
    url = reverse("letters:review", args=[letter.code])
    assert "/accounts/login/" in client.post(url, {"decision": "approve"})["Location"]
    client.force_login(city.users["kabid.aptika"])
    assert client.put(url).status_code == 405
