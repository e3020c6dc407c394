import pytest
from django.urls import reverse

from esurat.audit.models import AuditEvent
from esurat.dispositions.actions import do_report_follow_up
from esurat.dispositions.models import Disposition
from esurat.dispositions.tests.conftest import BINA_MARGA, give
from esurat.organisations.access import seats_of


def done(pupr, d):
    user = pupr.user("kabid.binamarga")
    do_report_follow_up(disposition=d, seat=seats_of(user)[0], user=user, text="Sudah.")


@pytest.mark.django_db
def test_it_reopens_a_done_disposition(client, pupr):
    (d,) = give(pupr, "kadis.pupr", [BINA_MARGA])
    done(pupr, d)
    client.force_login(pupr.user("kadis.pupr"))
    response = client.post(reverse("dispositions:reopen", args=[d.code]),
                           {"note": "Lengkapi dengan anggaran."})  # fmt: skip
    assert response.status_code == 302
    d.refresh_from_db()
    assert d.state == "reopened" and d.reopen_note == "Lengkapi dengan anggaran."
    assert d.reopened_by == pupr.user("kadis.pupr")
    assert AuditEvent.objects.get(action="disposition.reopened").data["note"] == d.reopen_note
    # Open again: the recipient can report once more.
    client.force_login(pupr.user("kabid.binamarga"))
    response = client.post(reverse("dispositions:report", args=[d.code]), {"text": "Lengkap."})
    assert response.status_code == 302
    d.refresh_from_db()
    assert d.state == "done" and d.follow_ups.count() == 2


@pytest.mark.django_db
def test_it_refuses_to_reopen_an_open_one_or_for_someone_else(client, pupr):
    (d,) = give(pupr, "kadis.pupr", [BINA_MARGA])
    client.force_login(pupr.user("kadis.pupr"))
    response = client.post(reverse("dispositions:reopen", args=[d.code]))
    assert [str(m) for m in response.wsgi_request._messages] == [
        "Only a done disposition can be reopened."
    ]
    done(pupr, d)
    client.force_login(pupr.user("kabid.binamarga"))
    client.post(reverse("dispositions:reopen", args=[d.code]))
    d.refresh_from_db()
    assert d.state == Disposition.State.DONE
    assert not AuditEvent.objects.filter(action="disposition.reopened").exists()


@pytest.mark.django_db
def test_it_answers_not_found_to_an_outsider(client, pupr):
    (d,) = give(pupr, "kadis.pupr", [BINA_MARGA])
    done(pupr, d)
    client.force_login(pupr.city.users["walikota"])
    assert client.post(reverse("dispositions:reopen", args=[d.code])).status_code == 404
    assert client.get(reverse("dispositions:reopen", args=[d.code])).status_code == 405
