"""The registered letter page: the OCR proposal, and sending the letter on or filing it."""

import datetime

import pytest
from django.urls import reverse

from esurat.audit.models import AuditEvent
from esurat.letters.models import InboxEntry
from esurat.letters.tasks import read_scan
from esurat.letters.tests.incoming_factories import register
from esurat.search.models import LetterText

HEAD = ("Diskominfo", "Kepala Dinas Komunikasi dan Informatika")
KABID = ("Diskominfo", "Kepala Bidang Aplikasi Informatika")


def _url(name, letter):
    return reverse(f"letters:{name}", args=[letter.code])


@pytest.fixture
def letter(city):
    return register(city, sender_name="Bappeda Kabupaten Paser", sender_number="9/X/2026",
                    subject="Surat dari Paser")  # fmt: skip


@pytest.mark.django_db
def test_it_shows_the_letter_and_polls_for_the_proposal_while_the_scan_is_read(clerk, letter):
    response = clerk.get(_url("incoming_detail", letter))
    assert response.status_code == 200
    assert b"Bappeda Kabupaten Paser" in response.content and b"00001/" in response.content
    poll = _url("incoming_proposal", letter).encode()
    assert b'hx-get="' + poll + b'"' in response.content and b"every 3s" in response.content
    assert _url("incoming_scan", letter).encode() in response.content
    partial = clerk.get(_url("incoming_proposal", letter))
    assert partial.status_code == 200 and b"every 3s" in partial.content
    assert b"<html" not in partial.content


@pytest.mark.django_db
def test_it_shows_the_ready_proposal_without_polling(clerk, letter):
    read_scan.call(str(letter.code))
    response = clerk.get(_url("incoming_proposal", letter))
    assert b"every 3s" not in response.content
    assert response.context["proposal_form"]["sender_number"].value() == "050/77/BAPPEDA/X/2026"
    assert b'value="Permohonan Data Perencanaan"' in response.content


@pytest.mark.django_db
def test_it_applies_the_checked_proposal_and_records_what_it_replaced(clerk, city, letter):
    read_scan.call(str(letter.code))
    response = clerk.post(_url("incoming_apply", letter), {
        "sender_name": "Bappeda Kabupaten Paser", "sender_number": "050/77/BAPPEDA/X/2026",
        "sender_date": "2026-10-02", "subject": "Permohonan Data Perencanaan (koreksi)",
    })  # fmt: skip
    assert response.status_code == 302
    letter.refresh_from_db()
    assert letter.sender_number == "050/77/BAPPEDA/X/2026"
    assert letter.sender_date == datetime.date(2026, 10, 2)
    assert letter.subject == "Permohonan Data Perencanaan (koreksi)"
    assert letter.sender.name == "Bappeda Kabupaten Paser"  # unchanged, not duplicated
    event = AuditEvent.objects.get(action="letter.corrected", letter=letter)
    assert event.data["fields"] == ["sender_number", "sender_date", "subject"]
    assert event.data["before"]["sender_number"] == "9/X/2026"
    assert LetterText.objects.get(letter=letter).applied_at is not None


@pytest.mark.django_db
def test_it_refuses_a_proposal_with_a_future_date(clerk, city, letter):
    future = (city.government.today() + datetime.timedelta(days=3)).isoformat()
    response = clerk.post(_url("incoming_apply", letter), {"sender_date": future}, follow=True)
    assert response.status_code == 200 and len(response.context["messages"]) == 1
    letter.refresh_from_db()
    assert letter.sender_date != datetime.date.fromisoformat(future)
    assert not AuditEvent.objects.filter(action="letter.corrected").exists()


@pytest.mark.django_db
def test_it_sends_the_letter_to_the_head_once(clerk, city, letter):
    url = _url("incoming_send", letter)
    assert clerk.post(url, {"to": "head", "note": "Mohon arahan"}).status_code == 302
    response = clerk.post(url, {"to": "head"}, follow=True)  # a second click
    assert any(m.level_tag == "error" for m in response.context["messages"])
    head = city.position(*HEAD)
    assert list(InboxEntry.objects.filter(letter=letter).values_list("position", flat=True)) == [
        head.pk
    ]
    letter.refresh_from_db()
    assert letter.state == "sent" and letter.sent_at is not None
    event = AuditEvent.objects.get(action="letter.sent_to_head", letter=letter)
    assert event.data["note"] == "Mohon arahan" and event.actor == city.users["agendaris.kominfo"]
    # The head now reads it (and the clerk still does).
    clerk.force_login(city.users["kadis.kominfo"])
    assert clerk.get(_url("incoming_detail", letter)).status_code == 200
    assert clerk.get(_url("incoming_scan", letter))["Content-Type"] == "application/pdf"


@pytest.mark.django_db
def test_it_sends_the_letter_directly_to_a_unit(clerk, city, letter):
    kabid = city.position(*KABID)
    response = clerk.post(_url("incoming_send", letter), {"to": "unit", "position": kabid.code})
    assert response.status_code == 302
    assert InboxEntry.objects.get(letter=letter).position == kabid
    assert AuditEvent.objects.filter(action="letter.sent_to_unit", letter=letter).exists()


@pytest.mark.django_db
def test_it_refuses_to_send_outside_the_agency_units(clerk, city, letter):
    for position in (city.position("Dinas PUPR", "Kepala Bidang Bina Marga"),
                     city.position("Diskominfo", "Pranata Komputer Ahli Pertama")):  # fmt: skip
        data = {"to": "unit", "position": position.code}
        response = clerk.post(_url("incoming_send", letter), data)
        assert response.status_code == 302
    assert not InboxEntry.objects.filter(letter=letter).exists()
    letter.refresh_from_db()
    assert letter.state == "registered"


@pytest.mark.django_db
def test_it_files_the_letter_without_disposition(clerk, city, letter):
    response = clerk.post(_url("incoming_file", letter), {"note": "Untuk arsip"})
    assert response.status_code == 302
    letter.refresh_from_db()
    assert letter.state == "filed" and not InboxEntry.objects.filter(letter=letter).exists()
    assert (
        AuditEvent.objects.get(action="letter.filed", letter=letter).data["note"] == "Untuk arsip"
    )
    clerk.post(_url("incoming_send", letter), {"to": "head"})
    assert not InboxEntry.objects.filter(letter=letter).exists()
    assert clerk.get(_url("incoming_detail", letter)).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["staf.pupr", "agendaris.pupr", "kabid.aptika"])
def test_it_is_not_found_for_those_who_may_not_see_it(client, city, letter, persona):
    client.force_login(city.users[persona])
    for name in ("incoming_detail", "incoming_scan", "incoming_proposal"):
        assert client.get(_url(name, letter)).status_code == 404
    for name in ("incoming_apply", "incoming_send", "incoming_file"):
        assert client.post(_url(name, letter), {"to": "head"}).status_code == 404
    assert letter.inbox_entries.count() == 0


@pytest.mark.django_db
def test_it_lets_the_head_read_but_not_route_or_correct(client, city, letter):
    from esurat.letters.incoming import do_send_to_head

    do_send_to_head(letter=letter, user=city.users["agendaris.kominfo"])
    client.force_login(city.users["kadis.kominfo"])
    response = client.get(_url("incoming_detail", letter))
    assert response.status_code == 200 and not response.context["may_correct"]
    assert client.get(_url("incoming_proposal", letter)).status_code == 404
    assert client.post(_url("incoming_file", letter)).status_code == 404
    assert client.post(_url("incoming_apply", letter), {"subject": "x"}).status_code == 404


@pytest.mark.django_db
def test_it_requires_login_and_post(client, city, letter):
    response = client.get(_url("incoming_detail", letter))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(city.users["agendaris.kominfo"])
    for name in ("incoming_apply", "incoming_send", "incoming_file"):
        assert client.get(_url(name, letter)).status_code == 405
    assert client.post(_url("incoming_detail", letter)).status_code == 405
