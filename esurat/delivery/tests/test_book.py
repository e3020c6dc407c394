"""The dispatch book: the sending agency's clerk sees every outside copy and records paper ones."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from esurat.audit.models import AuditEvent
from esurat.delivery.models import Dispatch
from esurat.delivery.tests.conftest import external_party
from esurat.letters.tests.factories import draft_nota_dinas, send_through

pytestmark = pytest.mark.django_db


def _paper_letter(city, security="B"):
    party = external_party(city, name="PT Jalan Raya", email="")
    to = [{"kind": "to", "target": "external", "external": party}]
    letter = send_through(city, draft_nota_dinas(city, to=to, security=security))
    return letter, Dispatch.objects.get(letter=letter)


def _local(dt: datetime.datetime) -> str:
    return timezone.localtime(dt).strftime("%Y-%m-%dT%H:%M")


def test_it_lists_the_agencys_dispatch_book_for_its_clerk(client, city):
    letter, row = _paper_letter(city)
    client.force_login(city.users["agendaris.kominfo"])
    response = client.get(reverse("delivery:book"))
    assert response.status_code == 200
    body = response.content.decode()
    assert row.book_number in body and "PT Jalan Raya" in body and letter.subject in body
    response = client.get(reverse("delivery:book") + "?show=to_print")
    assert "PT Jalan Raya" in response.content.decode()
    response = client.get(reverse("delivery:book") + "?show=mail_problem")
    assert "PT Jalan Raya" not in response.content.decode()


def test_it_hides_the_subject_of_a_secret_letter_in_the_book(client, city):
    letter, row = _paper_letter(city, security="R")
    client.force_login(city.users["agendaris.kominfo"])
    body = client.get(reverse("delivery:book")).content.decode()
    assert row.book_number in body and letter.subject not in body


def test_it_records_who_carried_and_who_received_a_paper_copy(client, city):
    _letter, row = _paper_letter(city)
    clerk = city.users["agendaris.kominfo"]
    client.force_login(clerk)
    url = reverse("delivery:dispatch", kwargs={"code": row.code})
    assert client.get(url).status_code == 200
    response = client.post(reverse("delivery:printed", kwargs={"code": row.code}))
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.state == "printed" and row.printed_at
    carried = timezone.now() - datetime.timedelta(hours=3)
    response = client.post(url, {"carried_by": "Pak Udin (kurir)", "carried_at": _local(carried)})
    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.state, row.carried_by, row.recorded_by) == ("carried", "Pak Udin (kurir)", clerk)
    received = timezone.now() - datetime.timedelta(hours=1)
    response = client.post(url, {"carried_by": "Pak Udin (kurir)", "carried_at": _local(carried),
                                 "received_by": "Bu Sari, resepsionis",
                                 "received_at": _local(received)})  # fmt: skip
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.state == "received" and row.received_by == "Bu Sari, resepsionis"
    actions = list(AuditEvent.objects.filter(action__startswith="delivery.", actor=clerk)
                   .order_by("seq").values_list("action", flat=True))  # fmt: skip
    assert actions == ["delivery.printed", "delivery.carried", "delivery.received"]
    client.force_login(city.users["staf.aptika"])
    page = client.get(reverse("letters:detail", kwargs={"code": row.letter.code})).content.decode()
    assert "PT Jalan Raya received the letter" in page  # in the letter's history
    client.force_login(clerk)
    # Received is final.
    response = client.post(url, {"carried_by": "X", "carried_at": _local(carried)})
    assert response.status_code == 200
    row.refresh_from_db()
    assert row.carried_by == "Pak Udin (kurir)"


def test_it_refuses_a_receipt_before_the_carrying_or_in_the_future(client, city):
    _letter, row = _paper_letter(city)
    client.force_login(city.users["agendaris.kominfo"])
    url = reverse("delivery:dispatch", kwargs={"code": row.code})
    now = timezone.now()
    response = client.post(url, {"carried_by": "Kurir", "carried_at": _local(now),
                                 "received_by": "Satpam",
                                 "received_at": _local(now - datetime.timedelta(days=1))})  # fmt: skip
    assert response.status_code == 200
    assert "It cannot be received before it was carried." in response.content.decode()
    tomorrow = now + datetime.timedelta(days=1)
    response = client.post(url, {"carried_by": "Kurir", "carried_at": _local(tomorrow)})
    assert "The date cannot be later than today." in response.content.decode()
    row.refresh_from_db()
    assert row.state == "to_print" and not row.carried_by


def test_it_switches_a_failed_email_to_paper(client, city):
    party = external_party(city)
    to = [{"kind": "to", "target": "external", "external": party}]
    letter = send_through(city, draft_nota_dinas(city, to=to))
    row = Dispatch.objects.get(letter=letter)
    Dispatch.objects.filter(pk=row.pk).update(state="failed", attempts=10, next_attempt_at=None)
    client.force_login(city.users["agendaris.kominfo"])
    response = client.post(reverse("delivery:on_paper", kwargs={"code": row.code}))
    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.method, row.state) == ("print", "to_print")
    assert AuditEvent.objects.filter(action="delivery.switched_to_print", letter=letter).exists()


def test_it_refuses_everyone_but_the_sending_agencys_clerks(client, city):
    _letter, row = _paper_letter(city)
    url = reverse("delivery:dispatch", kwargs={"code": row.code})
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    # The drafter (not a clerk), the other agency's clerk, and an outsider: not found.
    for name in ("staf.aptika", "agendaris.pupr", "staf.pupr"):
        client.force_login(city.users[name])
        assert client.get(url).status_code == 404, name
        assert (
            client.post(reverse("delivery:printed", kwargs={"code": row.code})).status_code == 404
        )
    for name in ("staf.aptika", "staf.pupr"):
        client.force_login(city.users[name])
        assert client.get(reverse("delivery:book")).status_code == 404
    client.force_login(city.users["agendaris.pupr"])
    body = client.get(reverse("delivery:book")).content.decode()
    assert row.book_number not in body
    row.refresh_from_db()
    assert row.state == "to_print"


def test_it_refuses_wrong_methods(client, city):
    _letter, row = _paper_letter(city)
    client.force_login(city.users["agendaris.kominfo"])
    assert client.post(reverse("delivery:book")).status_code == 405
    assert client.get(reverse("delivery:printed", kwargs={"code": row.code})).status_code == 405
    assert client.get(reverse("delivery:retry", kwargs={"code": row.code})).status_code == 405


def test_it_shows_the_delivery_status_on_the_letter_page(client, city):
    letter, row = _paper_letter(city)
    client.force_login(city.users["staf.aptika"])
    body = client.get(reverse("letters:detail", kwargs={"code": letter.code})).content.decode()
    assert 'id="delivery"' in body and "PT Jalan Raya" in body
    assert 'data-dispatch-state="to_print"' in body
    # A recipient inside the system does not see how outside parties were served.
    client.force_login(city.users["sekda"])
    body = client.get(reverse("letters:detail", kwargs={"code": letter.code})).content.decode()
    assert 'id="delivery"' not in body
