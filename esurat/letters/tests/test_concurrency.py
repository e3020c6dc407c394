"""Signing under concurrency and failure: numbers are issued once, gapless, and never half-issued.

The concurrency test needs PostgreSQL (real row locks, one connection per thread); SQLite skips it.
"""

import threading

import pytest
from django.db import IntegrityError, close_old_connections, connection, connections
from django.utils import timezone

from esurat.audit.actions import verify_chain
from esurat.audit.models import AuditEvent
from esurat.letters import actions
from esurat.letters.access import Action, seat_for_action
from esurat.letters.models import (
    Classification,
    InboxEntry,
    IssuedNumber,
    Letter,
    LetterKind,
    Registration,
    Sequence,
)
from esurat.letters.numbering import render_number, sequence_key
from esurat.letters.tests.factories import draft_nota_dinas
from esurat.signing import providers
from esurat.signing.models import Signature

LETTERS = 200
# PostgreSQL's default max_connections is 100 and other sessions share the server: at most this
# many threads hold a connection at the same moment (all 200 are started and released together).
MAX_CONNECTIONS = 40


def _awaiting_signature(city, n: int) -> list[Letter]:
    """n nota dinas from the Kabid to the head of Dinas PUPR, cc Sekda, with no reviewer."""
    letters = []
    for i in range(n):
        letter = draft_nota_dinas(city, reviewers=[], subject=f"Surat uji {i}")
        seat = seat_for_action(letter.drafter, letter, Action.SUBMIT)
        letters.append(actions.do_submit(letter=letter, seat=seat, user=letter.drafter))
    assert {letter.state for letter in letters} == {Letter.State.AWAITING_SIGNATURE}
    return letters


def _sign_in_thread(pk: int, start: threading.Barrier, gate: threading.Semaphore, errors: list):
    start.wait()
    with gate:
        try:
            from esurat.accounts.models import User

            signer = User.objects.get(username="kadis.kominfo")
            letter = Letter.objects.get(pk=pk)
            seat = seat_for_action(signer, letter, Action.SIGN)
            actions.do_sign(letter=letter, seat=seat, user=signer, password="pw")
        except Exception as exc:  # reported by the main thread
            errors.append(repr(exc))
        finally:
            connections.close_all()


def _kominfo_key(city) -> str:
    kind = LetterKind.objects.get(code="nota-dinas")
    classification = Classification.objects.get(code="000.1.2.3")
    return sequence_key(kind, agency=city.agencies["Diskominfo"], classification=classification)


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks")
def test_it_issues_gapless_distinct_numbers_to_concurrent_signings(
    transactional_db, django_db_serialized_rollback, city
):
    # serialized_rollback: the letter kinds and classifications come from data migrations,
    # which the flush after another transactional test (test_concurrent_signing.py) empties.
    letters = _awaiting_signature(city, LETTERS)
    close_old_connections()
    start, gate, errors = threading.Barrier(LETTERS), threading.Semaphore(MAX_CONNECTIONS), []
    threads = [
        threading.Thread(target=_sign_in_thread, args=(letter.pk, start, gate, errors))
        for letter in letters
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    assert errors == []

    year = timezone.localdate(timezone.now(), city.government.zone).year
    key = _kominfo_key(city)
    issued = IssuedNumber.objects.filter(sequence_key=key, year=year)
    assert sorted(issued.values_list("seq", flat=True)) == list(range(1, LETTERS + 1))
    assert Sequence.objects.get(key=key, year=year).last_value == LETTERS
    sent = Letter.objects.filter(pk__in=[letter.pk for letter in letters])
    assert set(sent.values_list("state", flat=True)) == {Letter.State.SENT}
    numbers = set(sent.values_list("number", flat=True))
    assert len(numbers) == LETTERS and "" not in numbers
    assert numbers == set(issued.values_list("number", flat=True))
    # Agenda numbers: out in Diskominfo's book, in at Dinas PUPR (addressee) and Setda (copy).
    for agency, direction in (("Diskominfo", "out"), ("Dinas PUPR", "in"), ("Setda", "in")):
        seqs = Registration.objects.filter(
            agency=city.agencies[agency], direction=direction, year=year
        ).values_list("seq", flat=True)
        assert sorted(seqs) == list(range(1, LETTERS + 1)), (agency, direction)
    assert InboxEntry.objects.filter(letter__in=sent).count() == 2 * LETTERS
    assert AuditEvent.objects.filter(action="letter.signed").count() == LETTERS
    assert verify_chain(city.government) == (True, None)


class _BrokenProvider:
    name = "broken"

    def sign(self, request):
        raise providers.SigningError("Layanan tanda tangan tidak tersedia")


def _sign_as_kadis(city, letter, password="pw"):
    signer = city.users["kadis.kominfo"]
    seat = seat_for_action(signer, letter, Action.SIGN)
    return actions.do_sign(letter=letter, seat=seat, user=signer, password=password)


def _assert_untouched(city, letter, *, sequence_before):
    letter.refresh_from_db()
    assert letter.state == Letter.State.AWAITING_SIGNATURE
    assert letter.number == "" and letter.signed_at is None and letter.letter_date is None
    assert not IssuedNumber.objects.filter(letter=letter).exists()
    assert not Signature.objects.filter(letter=letter).exists()
    assert not InboxEntry.objects.filter(letter=letter).exists()
    assert not Registration.objects.filter(letter=letter).exists()
    assert not AuditEvent.objects.filter(letter=letter, action="letter.signed").exists()
    assert _sequence_value(city) == sequence_before


def _sequence_value(city) -> int:
    year = timezone.localdate(timezone.now(), city.government.zone).year
    row = Sequence.objects.filter(key=_kominfo_key(city), year=year).first()
    return row.last_value if row else 0


@pytest.mark.django_db
def test_it_leaves_the_letter_unsigned_when_the_password_is_wrong(city):
    (letter,) = _awaiting_signature(city, 1)
    with pytest.raises(actions.ActionRefused):
        _sign_as_kadis(city, letter, password="salah")
    _assert_untouched(city, letter, sequence_before=0)


@pytest.mark.django_db
def test_it_leaves_the_letter_unsigned_when_the_provider_fails(city, settings, monkeypatch):
    monkeypatch.setitem(providers.PROVIDERS, "broken", _BrokenProvider)
    settings.SIGNING_PROVIDER = "broken"
    (letter,) = _awaiting_signature(city, 1)
    with pytest.raises(actions.ActionRefused, match="tidak tersedia"):
        _sign_as_kadis(city, letter)
    _assert_untouched(city, letter, sequence_before=0)


@pytest.mark.django_db
def test_it_gives_the_number_back_when_signing_fails_after_numbering(city):
    first, second = _awaiting_signature(city, 2)
    _sign_as_kadis(city, first)
    assert _sequence_value(city) == 1
    # A number imported from the old register already uses the text the next number would have:
    # the failure comes after the sequence was incremented, inside the signing transaction.
    kind, agency = second.kind, second.agency
    today = city.government.today()
    clash = render_number(kind, seq=2, insert=0, agency=agency,
                          classification=second.classification, date=today)  # fmt: skip
    legacy = IssuedNumber.objects.create(
        government=city.government, agency=agency, sequence_key="legacy", year=today.year, seq=2,
        number=clash, letter_date=today, issued_at=timezone.now(),
        issued_by=city.users["agendaris.kominfo"],
    )  # fmt: skip
    with pytest.raises(IntegrityError):
        _sign_as_kadis(city, second)
    _assert_untouched(city, second, sequence_before=1)
    # Once the clash is gone the same letter gets the very number the failed attempt gave back.
    legacy.delete()
    signed = _sign_as_kadis(city, second)
    assert signed.number == clash and _sequence_value(city) == 2
