"""Registering an incoming letter through the clerk's screen."""

import datetime
import io
import re
import uuid

import pikepdf
import pytest
from django.urls import reverse

from esurat.audit.models import AuditEvent
from esurat.letters.models import ExternalParty, InboxEntry, Letter, Registration
from esurat.letters.tests.incoming_factories import photo, register, text_pdf, upload
from esurat.search.models import LetterText

URL = "/letters/incoming/new/"
SENDER = "Dinas Komunikasi dan Informatika Provinsi Kalimantan Timur"


def _form(city, **overrides):
    today = city.government.today()
    data = {
        "sender_name": SENDER, "sender_number": "005/123/DISKOMINFO/XI/2026",
        "sender_date": (today - datetime.timedelta(days=2)).isoformat(),
        "received_on": today.isoformat(), "channel": "paper", "kind": "surat-undangan",
        "subject": "Undangan Rapat Koordinasi", "summary": "Rapat koordinasi e-government",
        "enclosures": "1", "security": "B", "urgency": "segera",
        "classification": "000.1.2.3 Ketatausahaan", "client_token": str(uuid.uuid4()),
    }  # fmt: skip
    data.update(overrides)
    return data


def _staged_token(response) -> str:
    match = re.search(rb'name="staged" value="([0-9a-f]{32})"', response.content)
    assert match, "the checked scan is kept for the next post"
    return match.group(1).decode()


def test_it_requires_login(client, db):
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.django_db
def test_it_is_not_found_for_someone_who_is_not_a_clerk(client, city):
    client.force_login(city.users["kadis.kominfo"])
    assert client.get(URL).status_code == 404
    assert client.post(URL, _form(city)).status_code == 404
    assert Letter.objects.count() == 0


@pytest.mark.django_db
def test_it_refuses_other_methods(clerk):
    assert clerk.put(URL).status_code == 405


@pytest.mark.django_db
def test_it_registers_the_letter_with_its_agenda_number_and_audit_event(
    clerk, city, queue, django_capture_on_commit_callbacks
):
    data = _form(city, scan=upload(text_pdf(), "surat.pdf"))
    with django_capture_on_commit_callbacks(execute=True):
        response = clerk.post(URL, data)
    letter = Letter.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("letters:incoming_detail", args=[letter.code])
    assert letter.origin == "registered" and letter.state == "registered"
    assert (
        letter.agency == city.agencies["Diskominfo"]
        and letter.drafter == city.users["agendaris.kominfo"]
    )
    assert (letter.sender.name, letter.sender_number) == (SENDER, "005/123/DISKOMINFO/XI/2026")
    assert letter.kind.code == "surat-undangan" and letter.classification.code == "000.1.2.3"
    assert (letter.security, letter.urgency, letter.enclosures) == ("B", "segera", 1)
    registration = Registration.objects.get(letter=letter)
    assert (registration.direction, registration.seq) == ("in", 1)
    assert registration.year == city.government.today().year
    attachment = letter.attachments.get()
    assert attachment.content_type == "application/pdf" and attachment.size == len(text_pdf())
    assert LetterText.objects.get(letter=letter).state == "pending"
    event = AuditEvent.objects.get(action="letter.registered")
    assert event.letter == letter and event.actor == city.users["agendaris.kominfo"]
    assert event.acting_for == city.position("Diskominfo", "Pengadministrasi Umum")
    assert event.data["agenda"] == registration.agenda_number
    assert event.data["scan_sha256"] == attachment.sha256
    # The page did not wait for OCR: the reading was only enqueued, after commit.
    assert [r.args for r in queue.results] == [[str(letter.code)]]
    assert not InboxEntry.objects.filter(letter=letter).exists()


@pytest.mark.django_db
def test_it_merges_the_photos_of_the_pages_into_one_pdf(clerk, city, queue):
    pages = [upload(photo(size=(1500, 2000)), f"hal{i}.jpg", "image/jpeg") for i in (1, 2, 3)]
    response = clerk.post(URL, _form(city, scan=pages))
    assert response.status_code == 302
    attachment = Letter.objects.get().attachments.get()
    with attachment.file.open("rb") as handle, pikepdf.open(io.BytesIO(handle.read())) as pdf:
        assert len(pdf.pages) == 3


@pytest.mark.django_db
def test_it_reuses_the_directory_entry_of_a_known_sender(clerk, city, queue):
    register(city, sender_name="Kementerian Dalam Negeri", sender_number="1/SJ")
    response = clerk.post(URL, _form(city, sender_name="  kementerian dalam  negeri. ",
                                     scan=upload(text_pdf())))  # fmt: skip
    assert response.status_code == 302
    assert ExternalParty.objects.filter(government=city.government).count() == 1
    assert {letter.sender.name for letter in Letter.objects.all()} == {"Kementerian Dalam Negeri"}


@pytest.mark.django_db
def test_it_shows_a_possible_duplicate_before_saving_and_saves_it_when_confirmed(
    clerk, city, queue
):
    first = register(city, sender_date=city.government.today() - datetime.timedelta(days=2))
    data = _form(city, sender_number=" 005 / 123/diskominfo/XI/2026 ", scan=upload(text_pdf()))
    response = clerk.post(URL, data)
    assert response.status_code == 200
    assert (
        b'id="duplicate-warning"' in response.content
        and b'name="confirm_duplicate"' in response.content
    )
    assert reverse("letters:incoming_detail", args=[first.code]).encode() in response.content
    assert Letter.objects.count() == 1
    token = _staged_token(response)

    data = _form(
        city,
        client_token=data["client_token"],
        staged=token,
        confirm_duplicate="1",
        sender_number=data["sender_number"],
    )
    response = clerk.post(URL, data)  # no file chosen again: the checked scan is reused
    assert response.status_code == 302
    second = Letter.objects.exclude(pk=first.pk).get()
    assert second.sender_number == "005/123/diskominfo/XI/2026"
    assert list(second.registrations.values_list("seq", flat=True)) == [2]
    event = AuditEvent.objects.filter(action="letter.registered", letter=second).get()
    assert event.data["duplicate_of"] == [str(first.code)]


@pytest.mark.django_db
def test_it_never_treats_the_same_number_from_another_sender_as_a_duplicate(clerk, city, queue):
    register(city, sender_date=city.government.today() - datetime.timedelta(days=2))
    response = clerk.post(URL, _form(city, sender_name="Kementerian Kominfo",
                                     scan=upload(text_pdf())))  # fmt: skip
    assert response.status_code == 302 and Letter.objects.count() == 2


@pytest.mark.django_db
def test_it_keeps_the_scan_when_the_form_comes_back_with_an_error(clerk, city, queue):
    tomorrow = city.government.today() + datetime.timedelta(days=1)
    data = _form(city, received_on=tomorrow.isoformat(), scan=upload(text_pdf()))
    response = clerk.post(URL, data)
    assert response.status_code == 200 and Letter.objects.count() == 0
    assert "received_on" in response.context["form"].errors
    data = _form(city, client_token=data["client_token"], staged=_staged_token(response))
    assert clerk.post(URL, data).status_code == 302
    assert Letter.objects.get().attachments.get().sha256 == LetterText.objects.get().scan_sha256


@pytest.mark.django_db
def test_it_refuses_a_letter_dated_after_it_was_received(clerk, city, queue):
    today = city.government.today()
    data = _form(city, sender_date=today.isoformat(),
                 received_on=(today - datetime.timedelta(days=1)).isoformat(),
                 scan=upload(text_pdf()))  # fmt: skip
    response = clerk.post(URL, data)
    assert response.status_code == 200 and "sender_date" in response.context["form"].errors
    assert Letter.objects.count() == 0


@pytest.mark.django_db
def test_it_does_not_open_a_scan_staged_by_another_session(client, city, queue):
    other = client.__class__()
    other.force_login(city.users["agendaris.kominfo"])
    response = other.post(URL, _form(city, received_on="2999-01-01", scan=upload(text_pdf())))
    token = _staged_token(response)
    client.force_login(city.users["agendaris.kominfo"])
    response = client.post(URL, _form(city, staged=token))
    assert response.status_code == 200 and "scan" in response.context["form"].errors
    assert Letter.objects.count() == 0


@pytest.mark.django_db
def test_it_refuses_a_file_that_is_not_a_scan_with_a_clear_message(clerk, city, queue):
    response = clerk.post(URL, _form(city, scan=upload(b"MZ\x90\x00 not a pdf" * 50, "surat.pdf")))
    assert response.status_code == 200 and Letter.objects.count() == 0
    errors = response.context["form"].errors["scan"]
    assert "surat.pdf" in errors[0]


@pytest.mark.django_db
def test_it_registers_once_when_the_form_is_posted_twice(clerk, city, queue):
    data = _form(city)
    for _ in range(2):
        data["scan"] = upload(text_pdf())
        assert clerk.post(URL, data).status_code == 302
    assert Letter.objects.count() == 1 and Registration.objects.count() == 1


@pytest.mark.django_db
def test_it_sends_a_secret_letter_straight_to_the_head_unseen_by_the_clerk(clerk, city, queue):
    response = clerk.post(URL, _form(city, security="R", scan=upload(text_pdf())))
    assert response.status_code == 302 and response["Location"] == reverse("letters:incoming")
    letter = Letter.objects.get()
    assert letter.state == "sent"
    head = city.position("Diskominfo", "Kepala Dinas Komunikasi dan Informatika")
    assert list(InboxEntry.objects.filter(letter=letter).values_list("position", flat=True)) == [
        head.pk
    ]
    assert AuditEvent.objects.filter(action="letter.sent_to_head", letter=letter).exists()
    assert clerk.get(reverse("letters:incoming_detail", args=[letter.code])).status_code == 404


@pytest.mark.django_db
def test_it_warns_of_duplicates_while_typing(clerk, city):
    first = register(city, sender_date=datetime.date(2026, 1, 5))
    url = reverse("letters:incoming_duplicates")
    query = {"sender_name": SENDER.upper(), "sender_number": first.sender_number,
             "sender_date": "2026-01-05"}  # fmt: skip
    response = clerk.get(url, query)
    assert response.status_code == 200
    assert reverse("letters:incoming_detail", args=[first.code]).encode() in response.content
    response = clerk.get(url, {**query, "sender_date": "2026-01-06"})
    assert response.content.strip() == b""


@pytest.mark.django_db
def test_it_suggests_senders_from_the_directory(clerk, city):
    register(city, sender_name="Badan Pusat Statistik Kota Banua Raya")
    response = clerk.get(reverse("letters:incoming_senders"), {"sender_name": "pusat stat"})
    assert b'value="Badan Pusat Statistik Kota Banua Raya"' in response.content


@pytest.mark.django_db
def test_it_lists_the_letters_waiting_to_be_sent_on(clerk, city, django_assert_max_num_queries):
    register(city, subject="Surat satu")
    register(city, subject="Surat dua", sender_number="2/2026")
    register(city, subject="Surat rahasia", sender_number="3/2026", security="R")
    with django_assert_max_num_queries(12):
        response = clerk.get(reverse("letters:incoming"))
    assert response.status_code == 200
    assert [letter.subject for letter in response.context["waiting"]] == ["Surat dua", "Surat satu"]
    assert b"Surat rahasia" not in response.content
    assert b"00002/" in response.content


@pytest.mark.django_db
def test_it_accepts_the_classification_examples_its_help_text_shows(clerk, city, queue):
    page = clerk.get(URL).content.decode()
    help_text = re.search(r'id="id_classification_helptext">([^<]*)<', page).group(1)
    code, word = re.fullmatch(r"Type a code or a word of its name, e\.g\. (\S+) or (\S+)\.",
                              help_text).groups()  # fmt: skip
    for typed in (code, word):
        response = clerk.post(URL, _form(city, classification=typed, scan=upload(text_pdf()),
                                         sender_number=f"{typed}/1"))  # fmt: skip
        assert response.status_code == 302, typed
    assert [x.classification.code for x in Letter.objects.all()] == [code, code]


@pytest.mark.django_db
def test_it_asks_to_pick_when_a_word_matches_several_codes(clerk, city, queue):
    response = clerk.post(URL, _form(city, classification="Perjalanan", scan=upload(text_pdf())))
    assert response.status_code == 200 and Letter.objects.count() == 0
    assert "Several classification codes match “Perjalanan”" in response.content.decode()
