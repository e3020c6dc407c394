"""The letter boxes: inbox, sent, drafts, needs-my-action."""

import datetime
from urllib.parse import quote

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from esurat.letters import actions
from esurat.letters.access import Action, seat_for_action
from esurat.letters.models import Classification, InboxEntry, Letter, LetterKind
from esurat.letters.tests.factories import draft_nota_dinas, send_through
from esurat.organisations.access import seats_of

INBOX, OUTBOX = "/letters/inbox/", "/letters/outbox/"
DRAFTS, ACTION = "/letters/drafts/", "/letters/action/"


@pytest.fixture(autouse=True)
def _english(client):
    """Assertions read the English msgids; the Indonesian catalogue is tested elsewhere."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def _from_pupr(city, subject, *, to, security="B", kind="surat-dinas", urgency="biasa"):
    """A letter drafted by PUPR staff and signed by the head of PUPR, without reviewers."""
    user = city.users["staf.pupr"]
    letter = actions.do_create_draft(
        seat=seats_of(user)[0], user=user, kind=LetterKind.objects.get(code=kind),
        classification=Classification.objects.get(code="000.1.2.3"), security=security,
        urgency=urgency, subject=subject, body="<p>Dengan hormat.</p>", recipients=to,
        reviewers=[],
        signatory=city.position("Dinas PUPR", "Kepala Dinas Pekerjaan Umum dan Penataan Ruang"),
    )  # fmt: skip
    return send_through(city, letter, signer="kadis.pupr", reviewers=(), drafter="staf.pupr")


@pytest.fixture
def mail(city):
    """A: Kominfo → head of PUPR, copy Sekda, very urgent. B: PUPR → Sekda, an invitation.
    C and D (secret): PUPR → head of Kominfo, whose delegate is the Sekretaris Dinas."""
    kominfo_head = {"kind": "to", "target": "agency", "agency": city.agencies["Diskominfo"]}
    return {
        "A": send_through(city, draft_nota_dinas(city, subject="Rapat A", urgency="sangat_segera")),
        "B": _from_pupr(city, "Undangan B", kind="surat-undangan", to=[
            {"kind": "to", "target": "position",
             "position": city.position("Setda", "Sekretaris Daerah")}]),
        "C": _from_pupr(city, "Surat C", to=[kominfo_head]),
        "D": _from_pupr(city, "Rahasia D", to=[kominfo_head], security="R"),
    }  # fmt: skip


def _subjects(response):
    return [entry.letter.subject for entry in response.context["page"].items]


def _read(city, username, letter):
    user = city.users[username]
    actions.do_mark_read(letter=letter, user=user, seats=seats_of(user))


# --- inbox ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_shows_the_inbox_of_the_addressed_position(client, city, mail):
    client.force_login(city.users["kadis.pupr"])
    response = client.get(INBOX)
    assert response.status_code == 200
    assert _subjects(response) == ["Rapat A"]
    body = response.content.decode()
    assert reverse("letters:detail", args=[mail["A"].code]) in body
    assert mail["A"].number in body
    assert "Very urgent" in body and "badge-very-urgent" in body
    assert body.count("letter-row unread") == 1


@pytest.mark.django_db
def test_it_marks_carbon_copies_and_filters_by_agency(client, city, mail):
    client.force_login(city.users["sekda"])
    response = client.get(INBOX)
    assert _subjects(response) == ["Undangan B", "Rapat A"]
    body = response.content.decode()
    assert body.count("badge-cc") == 1
    pupr = city.agencies["Dinas PUPR"].code
    assert _subjects(client.get(INBOX, {"from": str(pupr)})) == ["Undangan B"]
    assert _subjects(client.get(INBOX, {"kind": "nota-dinas"})) == ["Rapat A"]
    assert _subjects(client.get(INBOX, {"urgency": "sangat_segera"})) == ["Rapat A"]
    assert _subjects(client.get(INBOX, {"urgency": "segera"})) == []


@pytest.mark.django_db
def test_it_filters_unread_letters(client, city, mail):
    _read(city, "sekda", mail["B"])
    assert InboxEntry.objects.get(letter=mail["B"]).read_at is not None
    client.force_login(city.users["sekda"])
    response = client.get(INBOX, {"unread": "1"})
    assert _subjects(response) == ["Rapat A"]
    assert "No letters match these filters." not in response.content.decode()
    response = client.get(INBOX, {"unread": "1", "kind": "surat-undangan"})
    assert _subjects(response) == []
    assert "No letters match these filters." in response.content.decode()


@pytest.mark.django_db
def test_it_ignores_filter_values_it_does_not_know(client, city, mail):
    client.force_login(city.users["sekda"])
    response = client.get(INBOX, {"kind": "nope", "from": "not-a-uuid", "urgency": "x"})
    assert response.status_code == 200
    assert _subjects(response) == ["Undangan B", "Rapat A"]
    assert response.context["active_filters"] == 0


@pytest.mark.django_db
def test_it_shows_a_delegate_the_leaders_inbox_without_secret_letters(client, city, mail):
    client.force_login(city.users["kadis.kominfo"])
    assert _subjects(client.get(INBOX)) == ["Rahasia D", "Surat C"]
    client.force_login(city.users["sekdis.kominfo"])
    response = client.get(INBOX)
    assert _subjects(response) == ["Surat C"]
    # Several seats: each row says whose inbox it is in.
    assert "For: Kepala Dinas Komunikasi dan Informatika" in response.content.decode()


@pytest.mark.django_db
def test_it_shows_an_outsider_an_empty_inbox(client, city, mail):
    client.force_login(city.users["staf.pupr"])
    response = client.get(INBOX)
    assert _subjects(response) == []
    assert "Your inbox is empty." in response.content.decode()


def _bulk_inbox(city, position, n):
    """n registered letters in one position's inbox, two per delivery second (keyset ties)."""
    agency = city.agencies["Setda"]
    kind, classification = (
        LetterKind.objects.get(code="surat-dinas"),
        Classification.objects.first(),
    )
    letters = Letter.objects.bulk_create(
        Letter(origin=Letter.Origin.REGISTERED, government=city.government, agency=agency,
               kind=kind, classification=classification, subject=f"Bulk {i:02d}",
               state=Letter.State.REGISTERED)
        for i in range(n)
    )  # fmt: skip
    base = timezone.now() - datetime.timedelta(days=3)
    InboxEntry.objects.bulk_create(
        InboxEntry(letter=letter, position=position, kind="to", from_agency=agency,
                   letter_kind=kind, urgency="biasa", security="B",
                   delivered_at=base + datetime.timedelta(seconds=i // 2))
        for i, letter in enumerate(letters)
    )  # fmt: skip


@pytest.mark.django_db
def test_it_pages_the_inbox_with_an_older_link(client, city, mail):
    _bulk_inbox(
        city, city.position("Dinas PUPR", "Kepala Dinas Pekerjaan Umum dan Penataan Ruang"), 30
    )
    client.force_login(city.users["kadis.pupr"])
    first = client.get(INBOX)
    assert len(first.context["page"].items) == 25
    assert _subjects(first)[0] == "Rapat A"
    cursor = first.context["page"].next_cursor
    assert cursor and f"after={quote(cursor)}" in first.content.decode()
    assert 'hx-boost="true"' in first.content.decode()
    second = client.get(INBOX, {"after": cursor})
    assert len(second.context["page"].items) == 6
    assert second.context["page"].next_cursor is None
    seen = _subjects(first) + _subjects(second)
    assert sorted(seen) == sorted(["Rapat A"] + [f"Bulk {i:02d}" for i in range(30)])
    assert "Newest" in second.content.decode()


@pytest.mark.django_db
def test_it_keeps_the_filters_on_the_older_link(client, city, mail):
    _bulk_inbox(
        city, city.position("Dinas PUPR", "Kepala Dinas Pekerjaan Umum dan Penataan Ruang"), 30
    )
    client.force_login(city.users["kadis.pupr"])
    first = client.get(INBOX, {"kind": "surat-dinas"})
    assert "Rapat A" not in _subjects(first)
    assert "?kind=surat-dinas&amp;after=" in first.content.decode()
    second = client.get(INBOX, {"kind": "surat-dinas", "after": first.context["page"].next_cursor})
    assert len(second.context["page"].items) == 5


@pytest.mark.django_db
def test_it_treats_a_broken_cursor_as_the_first_page(client, city, mail):
    client.force_login(city.users["kadis.pupr"])
    assert _subjects(client.get(INBOX, {"after": "%%%garbage"})) == ["Rapat A"]


@pytest.mark.django_db
def test_it_counts_the_inbox_queries_whatever_the_number_of_rows(
    client, city, mail, django_assert_max_num_queries
):
    position = city.position("Dinas PUPR", "Kepala Dinas Pekerjaan Umum dan Penataan Ruang")
    client.force_login(city.users["kadis.pupr"])
    with django_assert_max_num_queries(6):
        client.get(INBOX)
    _bulk_inbox(city, position, 30)
    with django_assert_max_num_queries(6):
        response = client.get(INBOX, {"unread": "1"})
    assert len(response.context["page"].items) == 25


@pytest.mark.django_db
def test_it_shows_the_counters_in_the_navigation(client, city, mail):
    client.force_login(city.users["sekda"])
    body = client.get(INBOX).content.decode()
    assert '2<span class="visually-hidden"> unread</span>' in body
    _read(city, "sekda", mail["A"])
    body = client.get(INBOX).content.decode()
    assert '1<span class="visually-hidden"> unread</span>' in body


# --- sent letters -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_lists_sent_letters_with_their_read_progress(client, city, mail):
    client.force_login(city.users["staf.aptika"])
    response = client.get(OUTBOX)
    assert [letter.subject for letter in response.context["page"].items] == ["Rapat A"]
    body = response.content.decode()
    assert "0/2 read" in body
    assert mail["A"].number in body
    assert "Head of Dinas Pekerjaan Umum dan Penataan Ruang and 1 other" in body
    _read(city, "kadis.pupr", mail["A"])
    assert "1/2 read" in client.get(OUTBOX).content.decode()


@pytest.mark.django_db
def test_it_lists_sent_letters_for_the_signatory_and_not_for_others(client, city, mail):
    client.force_login(city.users["kadis.kominfo"])
    assert [x.subject for x in client.get(OUTBOX).context["page"].items] == ["Rapat A"]
    client.force_login(city.users["staf.pupr"])
    assert [x.subject for x in client.get(OUTBOX).context["page"].items] == [
        "Rahasia D",
        "Surat C",
        "Undangan B",
    ]
    client.force_login(city.users["kadis.pupr"])  # a recipient of A, signatory of B–D
    assert "Rapat A" not in [x.subject for x in client.get(OUTBOX).context["page"].items]
    client.force_login(city.users["sekda"])
    response = client.get(OUTBOX)
    assert response.context["page"].items == []
    assert "No letters sent yet." in response.content.decode()


@pytest.mark.django_db
def test_it_counts_the_outbox_queries_whatever_the_number_of_rows(
    client, city, django_assert_max_num_queries
):
    client.force_login(city.users["staf.aptika"])
    send_through(city, draft_nota_dinas(city))
    with django_assert_max_num_queries(6):
        client.get(OUTBOX)
    for i in range(4):
        send_through(city, draft_nota_dinas(city, subject=f"Surat {i}"))
    with django_assert_max_num_queries(6):
        response = client.get(OUTBOX)
    assert len(response.context["page"].items) == 5


# --- drafts -----------------------------------------------------------------------------------


@pytest.fixture
def drafts(city):
    """staf.aptika's letters in every state before sending."""
    staff, kabid = city.users["staf.aptika"], city.users["kabid.aptika"]
    plain = draft_nota_dinas(city, subject="Konsep")
    in_review = draft_nota_dinas(city, subject="Sedang diperiksa")
    actions.do_submit(letter=in_review, seat=seat_for_action(staff, in_review, Action.SUBMIT),
                      user=staff)  # fmt: skip
    returned = draft_nota_dinas(city, subject="Dikembalikan")
    returned = actions.do_submit(
        letter=returned, user=staff, seat=seat_for_action(staff, returned, Action.SUBMIT)
    )
    actions.do_review(letter=returned, seat=seat_for_action(kabid, returned, Action.REVIEW),
                      user=kabid, approve=False, note="Perbaiki")  # fmt: skip
    to_sign = draft_nota_dinas(city, subject="Menunggu tanda tangan")
    to_sign = actions.do_submit(
        letter=to_sign, user=staff, seat=seat_for_action(staff, to_sign, Action.SUBMIT)
    )
    actions.do_review(letter=to_sign, seat=seat_for_action(kabid, to_sign, Action.REVIEW),
                      user=kabid, approve=True)  # fmt: skip
    send_through(city, draft_nota_dinas(city, subject="Terkirim"))
    return {"plain": plain, "in_review": in_review, "returned": returned, "to_sign": to_sign}


@pytest.mark.django_db
def test_it_lists_my_drafts_in_every_state_before_sending(client, city, drafts):
    client.force_login(city.users["staf.aptika"])
    response = client.get(DRAFTS)
    states = {x.subject: x.state for x in response.context["page"].items}
    assert states == {
        "Konsep": "draft",
        "Sedang diperiksa": "in_review",
        "Dikembalikan": "returned",
        "Menunggu tanda tangan": "awaiting_signature",
    }
    body = response.content.decode()
    assert "Waiting for the review of: Kepala Bidang Aplikasi Informatika" in body
    assert "Waiting for the signature of: Kepala Dinas Komunikasi dan Informatika" in body
    assert "badge-state-returned" in body
    assert reverse("letters:detail", args=[drafts["plain"].code]) in body


@pytest.mark.django_db
def test_it_shows_no_drafts_to_others(client, city, drafts):
    for username in ("kabid.aptika", "staf.pupr", "sekdis.kominfo"):
        client.force_login(city.users[username])
        response = client.get(DRAFTS)
        assert response.context["page"].items == []
        assert "You have no drafts." in response.content.decode()


@pytest.mark.django_db
def test_it_counts_the_drafts_queries_whatever_the_number_of_rows(
    client, city, django_assert_max_num_queries
):
    client.force_login(city.users["staf.aptika"])
    draft_nota_dinas(city)
    with django_assert_max_num_queries(6):
        client.get(DRAFTS)
    for i in range(5):
        draft_nota_dinas(city, subject=f"Konsep {i}")
    with django_assert_max_num_queries(6):
        response = client.get(DRAFTS)
    assert len(response.context["page"].items) == 6


# --- needs my action --------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_lists_what_waits_for_my_review_and_signature(client, city, drafts):
    client.force_login(city.users["kabid.aptika"])
    response = client.get(ACTION)
    assert [s.letter.subject for s in response.context["to_review"]] == ["Sedang diperiksa"]
    assert response.context["to_sign"] == []
    assert "No letters are waiting for your signature." in response.content.decode()
    client.force_login(city.users["kadis.kominfo"])
    response = client.get(ACTION)
    assert response.context["to_review"] == []
    assert [x.subject for x in response.context["to_sign"]] == ["Menunggu tanda tangan"]
    body = response.content.decode()
    assert reverse("letters:detail", args=[drafts["to_sign"].code]) in body
    assert '1<span class="visually-hidden"> waiting</span>' in body


@pytest.mark.django_db
def test_it_leaves_decisions_out_of_a_delegates_action_list(client, city, drafts):
    client.force_login(city.users["sekdis.kominfo"])
    response = client.get(ACTION)
    assert response.context["to_review"] == [] and response.context["to_sign"] == []
    assert "No drafts are waiting for your review." in response.content.decode()


@pytest.mark.django_db
def test_it_counts_the_action_queries_whatever_the_number_of_rows(
    client, city, django_assert_max_num_queries
):
    staff, kabid = city.users["staf.aptika"], city.users["kabid.aptika"]
    client.force_login(kabid)

    def submitted(n):
        for i in range(n):
            letter = draft_nota_dinas(city, subject=f"Konsep {i}")
            actions.do_submit(letter=letter, seat=seat_for_action(staff, letter, Action.SUBMIT),
                              user=staff)  # fmt: skip

    # Session, user, seats, the five sections (to dispose, to approve, to review, to sign, to
    # report on) and the counters.
    submitted(1)
    with django_assert_max_num_queries(9):
        client.get(ACTION)
    submitted(5)
    with django_assert_max_num_queries(9):
        response = client.get(ACTION)
    assert len(response.context["to_review"]) == 6


# --- refusals ---------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("url", [INBOX, OUTBOX, DRAFTS, ACTION])
def test_it_requires_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={url}"


@pytest.mark.django_db
@pytest.mark.parametrize("url", [INBOX, OUTBOX, DRAFTS, ACTION])
def test_it_refuses_post(client, city, url):
    client.force_login(city.users["staf.aptika"])
    assert client.post(url).status_code == 405
