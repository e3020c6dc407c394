import pytest
from django.urls import reverse

from esurat.audit.models import AuditEvent
from esurat.dispositions.models import Disposition
from esurat.dispositions.tests.conftest import BINA_MARGA, SDA, give
from esurat.letters.access import can_view
from esurat.letters.models import Participant


def withdraw(client, disposition):
    return client.post(reverse("dispositions:withdraw", args=[disposition.code]))


@pytest.mark.django_db
def test_it_withdraws_an_unread_disposition(client, pupr):
    d, other = give(pupr, "kadis.pupr", [BINA_MARGA, SDA])
    client.force_login(pupr.user("kadis.pupr"))
    response = withdraw(client, d)
    assert response.status_code == 302
    assert response["Location"] == reverse("dispositions:detail", args=[d.code])
    d.refresh_from_db()
    assert d.state == "withdrawn" and d.withdrawn_by == pupr.user("kadis.pupr")
    other.refresh_from_db()
    assert other.state == "sent"
    event = AuditEvent.objects.get(action="disposition.withdrawn")
    assert event.data["to"] == d.to_position.title
    # The Kabid no longer has the letter.
    assert not Participant.objects.filter(letter=pupr.letter, position=d.to_position).exists()
    assert not can_view(pupr.user("kabid.binamarga"), pupr.letter)
    client.force_login(pupr.user("kabid.binamarga"))
    assert client.get(reverse("dispositions:detail", args=[d.code])).status_code == 404


@pytest.mark.django_db
def test_it_refuses_to_withdraw_after_it_was_read(client, pupr):
    (d,) = give(pupr, "kadis.pupr", [BINA_MARGA])
    client.force_login(pupr.user("kabid.binamarga"))
    assert client.get(reverse("dispositions:detail", args=[d.code])).status_code == 200
    client.force_login(pupr.user("kadis.pupr"))
    response = withdraw(client, d)
    assert response.status_code == 302
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages == ["This disposition has already been read and cannot be withdrawn."]
    d.refresh_from_db()
    assert d.state == "read"
    assert not AuditEvent.objects.filter(action="disposition.withdrawn").exists()
    assert can_view(pupr.user("kabid.binamarga"), pupr.letter)


@pytest.mark.django_db
def test_it_lets_only_the_giver_withdraw(client, pupr):
    (d,) = give(pupr, "kadis.pupr", [BINA_MARGA])
    client.force_login(pupr.user("kabid.binamarga"))
    response = withdraw(client, d)
    assert response.status_code == 302
    d.refresh_from_db()
    assert d.state == "sent"


@pytest.mark.django_db
def test_it_requires_login_post_and_answers_not_found_to_an_outsider(client, pupr):
    (d,) = give(pupr, "kadis.pupr", [BINA_MARGA])
    url = reverse("dispositions:withdraw", args=[d.code])
    assert client.post(url).status_code == 302
    client.force_login(pupr.user("kadis.pupr"))
    assert client.get(url).status_code == 405
    client.force_login(pupr.user("staf.pupr"))
    assert client.post(url).status_code == 404
    d.refresh_from_db()
    assert d.state == Disposition.State.SENT
