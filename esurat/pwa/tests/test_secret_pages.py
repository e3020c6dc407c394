"""A secret (R/SR) letter never stays on a device: its pages say no-store and X-Esurat-Secret,
and lists mark its subject for the service worker to blank out before it keeps the page."""

import pytest
from django.urls import reverse

from esurat.dispositions.tests.conftest import letter_to_pupr
from esurat.letters.tests.factories import draft_nota_dinas
from esurat.letters.tests.test_letter_review import _submitted


@pytest.mark.django_db
def test_it_keeps_a_secret_letters_page_off_the_device(client, city):
    letter = letter_to_pupr(city, security="R", subject="Rencana penertiban rahasia")
    client.force_login(city.users["kadis.pupr"])
    for url in (reverse("letters:detail", args=[letter.code]),
                reverse("dispositions:dispose", args=[letter.code])):  # fmt: skip
        response = client.get(url)
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"]
        assert response["X-Esurat-Secret"] == "1"


@pytest.mark.django_db
def test_it_lets_an_ordinary_letter_be_kept(client, city):
    letter = letter_to_pupr(city)
    client.force_login(city.users["kadis.pupr"])
    response = client.get(reverse("letters:detail", args=[letter.code]))
    assert "X-Esurat-Secret" not in response
    assert "no-store" not in response.get("Cache-Control", "")


@pytest.mark.django_db
def test_it_keeps_a_secret_draft_under_review_off_the_device(client, city):
    letter = _submitted(city, security="SR")
    client.force_login(city.users["kabid.aptika"])
    response = client.get(reverse("letters:review", args=[letter.code]))
    assert response.status_code == 200 and response["X-Esurat-Secret"] == "1"


@pytest.mark.django_db
def test_it_marks_a_secret_subject_in_the_inbox_and_not_an_ordinary_one(client, city):
    letter_to_pupr(city, security="R", subject="Rencana penertiban rahasia")
    letter_to_pupr(city, subject="Undangan rapat biasa")
    client.force_login(city.users["kadis.pupr"])
    body = client.get(reverse("letters:inbox")).content.decode()
    assert "<!--esurat:secret-->Rencana penertiban rahasia<!--/esurat:secret-->" in body
    assert "Undangan rapat biasa" in body and "<!--esurat:secret-->Undangan" not in body


@pytest.mark.django_db
def test_it_marks_a_secret_subject_in_the_action_list(client, city):
    _submitted(city, security="SR", subject="Rencana penertiban rahasia")
    client.force_login(city.users["kabid.aptika"])
    body = client.get(reverse("letters:needs_action")).content.decode()
    assert "<!--esurat:secret-->Rencana penertiban rahasia<!--/esurat:secret-->" in body


@pytest.mark.django_db
def test_it_answers_an_outsider_404_without_marks(client, city):
    letter = draft_nota_dinas(city, security="R")
    client.force_login(city.users["staf.pupr"])
    assert client.get(reverse("letters:detail", args=[letter.code])).status_code == 404


@pytest.mark.django_db
def test_it_labels_a_queued_action_without_a_secret_subject(client, city):
    """The label is kept on the device with a queued action: a secret subject stays off it."""
    secret = letter_to_pupr(city, security="R", subject="Rencana penertiban rahasia")
    ordinary = letter_to_pupr(city, subject="Undangan rapat biasa")
    client.force_login(city.users["kadis.pupr"])
    body = client.get(reverse("dispositions:dispose", args=[secret.code])).content.decode()
    assert f'data-offline-label="Disposition: {secret.number}"' in body
    body = client.get(reverse("dispositions:dispose", args=[ordinary.code])).content.decode()
    assert 'data-offline-label="Disposition: Undangan rapat biasa"' in body
