import pytest
from django.urls import reverse

from esurat.audit.models import AuditEvent
from esurat.letters.models import InboxEntry
from esurat.letters.tests.factories import draft_nota_dinas, send_through


@pytest.mark.django_db
def test_it_shows_a_draft_to_its_drafter_with_the_drafter_actions(client, city):
    letter = draft_nota_dinas(city)
    client.force_login(city.users["staf.aptika"])
    response = client.get(reverse("letters:detail", args=[letter.code]))
    assert response.status_code == 200
    body = response.content.decode()
    assert letter.subject in body and "000.1.2.3" in body
    assert reverse("letters:submit", args=[letter.code]) in body
    assert reverse("letters:edit", args=[letter.code]) in body
    assert reverse("letters:sign", args=[letter.code]) not in body
    assert "Kepala Bidang Aplikasi Informatika" in body  # the planned chain


@pytest.mark.django_db
def test_it_records_the_first_read_of_a_recipient(client, city):
    letter = send_through(city, draft_nota_dinas(city))
    client.force_login(city.users["kadis.pupr"])
    response = client.get(reverse("letters:detail", args=[letter.code]))
    assert response.status_code == 200
    entry = InboxEntry.objects.get(letter=letter, position__title__startswith="Kepala Dinas Pek")
    assert entry.read_at is not None and entry.read_by == city.users["kadis.pupr"]
    assert AuditEvent.objects.filter(letter=letter, action="letter.opened").count() == 1
    client.get(reverse("letters:detail", args=[letter.code]))
    assert AuditEvent.objects.filter(letter=letter, action="letter.opened").count() == 1
    assert letter.number in response.content.decode()


@pytest.mark.django_db
def test_it_shows_the_timeline_in_plain_sentences(client, city):
    letter = send_through(city, draft_nota_dinas(city))
    client.force_login(city.users["staf.aptika"])
    response = client.get(reverse("letters:detail", args=[letter.code]))
    texts = [e["text"] for e in response.context["events"]]
    assert any("Dewi Lestari" in t and "Kepala Bidang Aplikasi Informatika" in t for t in texts)
    assert any(letter.number in t for t in texts)
    # the drafter sees read receipts of a sent letter
    assert response.context["receipt_total"] == 2


@pytest.mark.django_db
def test_it_names_the_acting_official_in_the_timeline(client, city):
    from esurat.organisations.models import Assignment

    kadis = city.position("Diskominfo", "Kepala Dinas Komunikasi dan Informatika")
    Assignment.objects.create(position=kadis, user=city.users["kabid.aptika"], kind="plt")
    letter = draft_nota_dinas(city, reviewers=[])
    letter = send_through(city, letter, reviewers=(), signer="kabid.aptika")
    client.force_login(city.users["kabid.aptika"])  # drafted it
    response = client.get(reverse("letters:detail", args=[letter.code]))
    assert any(
        "(Plt. Kepala Dinas Komunikasi dan Informatika)" in e["text"]
        for e in response.context["events"]
    )


@pytest.mark.django_db
def test_it_answers_not_found_to_an_outsider(client, city):
    letter = draft_nota_dinas(city)
    client.force_login(city.users["staf.pupr"])
    assert client.get(reverse("letters:detail", args=[letter.code])).status_code == 404
    assert not AuditEvent.objects.filter(letter=letter, action="letter.opened").exists()


@pytest.mark.django_db
def test_it_hides_a_secret_letter_from_the_clerk_and_the_delegate(client, city):
    letter = send_through(city, draft_nota_dinas(city, security="R"))
    for name in ("agendaris.kominfo", "sekdis.kominfo"):
        client.force_login(city.users[name])
        assert client.get(reverse("letters:detail", args=[letter.code])).status_code == 404


@pytest.mark.django_db
def test_it_logs_every_read_of_a_secret_letter(client, city):
    letter = send_through(city, draft_nota_dinas(city, security="SR"))
    client.force_login(city.users["kadis.pupr"])
    before = AuditEvent.objects.filter(letter=letter, action="letter.read").count()
    client.get(reverse("letters:detail", args=[letter.code]))
    client.get(reverse("letters:detail", args=[letter.code]))
    client.get(reverse("letters:timeline", args=[letter.code]))
    reads = AuditEvent.objects.filter(letter=letter, action="letter.read")
    assert reads.count() == before + 3
    assert reads.last().actor == city.users["kadis.pupr"]


@pytest.mark.django_db
def test_it_shows_a_sent_letter_to_the_clerk_of_the_sender(client, city):
    letter = send_through(city, draft_nota_dinas(city))
    client.force_login(city.users["agendaris.kominfo"])
    response = client.get(reverse("letters:detail", args=[letter.code]))
    assert response.status_code == 200
    assert not response.context["allowed"] - {"view"}


@pytest.mark.django_db
def test_it_requires_login(client, city):
    letter = draft_nota_dinas(city)
    response = client.get(reverse("letters:detail", args=[letter.code]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.django_db
def test_it_refuses_post(client, city):
    letter = draft_nota_dinas(city)
    client.force_login(city.users["staf.aptika"])
    assert client.post(reverse("letters:detail", args=[letter.code])).status_code == 405


@pytest.mark.django_db
def test_it_keeps_the_drafting_history_inside_the_sending_chain(client, city):
    from esurat.letters import actions
    from esurat.letters.access import Action, seat_for_action

    letter = draft_nota_dinas(city)
    staff, kabid = city.users["staf.aptika"], city.users["kabid.aptika"]
    letter = actions.do_submit(
        letter=letter, seat=seat_for_action(staff, letter, Action.SUBMIT), user=staff
    )
    letter = actions.do_review(
        letter=letter,
        seat=seat_for_action(kabid, letter, Action.REVIEW),
        user=kabid,
        approve=False,
        note="Catatan internal",
    )
    letter = send_through(city, letter)
    client.force_login(city.users["kadis.pupr"])
    response = client.get(reverse("letters:detail", args=[letter.code]))
    assert "Catatan internal" not in response.content.decode()
    assert response.context["insider"] is False
    client.force_login(staff)
    response = client.get(reverse("letters:detail", args=[letter.code]))
    assert "Catatan internal" in response.content.decode()
