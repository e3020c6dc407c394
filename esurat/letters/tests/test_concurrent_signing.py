"""Signing without holding locks while the PDF is made (issue 9, item 4).

do_sign reserves the number in a short transaction, has the provider render and sign outside any
transaction, and commits the signature in a short transaction that checks nothing changed. These
tests sign through HTTP: many letters at once against a real server (SQLite file and PostgreSQL),
and one letter changed, or its signing interrupted, between the reservation and the commit.
"""

import datetime
import json
import os
import subprocess
import sys
import threading

import pytest
from django.conf import settings as django_settings
from django.db import connection, connections
from django.utils import timezone

from esurat.api.tests.helpers import caller
from esurat.audit.models import AuditEvent
from esurat.letters import actions
from esurat.letters.access import Action, seat_for_action
from esurat.letters.models import IssuedNumber, Letter, Sequence
from esurat.letters.tests.factories import draft_nota_dinas
from esurat.signing import providers
from esurat.signing.models import Signature


def _awaiting_signature(city, n=1, *, subject="Surat uji"):
    letters = []
    for i in range(n):
        letter = draft_nota_dinas(city, reviewers=[], subject=f"{subject} {i}")
        drafter = letter.drafter  # the Kabid: staff may not skip their Kabid's paraf
        seat = seat_for_action(drafter, letter, Action.SUBMIT)
        letters.append(actions.do_submit(letter=letter, seat=seat, user=drafter))
    return letters


def _numbers(city) -> list[tuple[int, str]]:
    """Diskominfo's number register: (seq, state) in order."""
    rows = IssuedNumber.objects.filter(agency=city.agencies["Diskominfo"]).order_by("seq")
    return list(rows.values_list("seq", "state"))


def _counter(city) -> int:
    return Sequence.objects.filter(key__startswith=f"out:a{city.agencies['Diskominfo'].pk}").get(
    ).last_value  # fmt: skip


class _Watching(providers.RecordedProvider):
    """The `recorded` provider with a hook run while it "renders and signs"."""

    name = "recorded"
    during = None  # callable(request) or None
    seen: list = []

    def sign(self, request):
        hook, type(self).during = type(self).during, None  # once: a nested signing runs plainly
        type(self).seen.append(
            {"atomic_depth": len(connection.atomic_blocks), "number": request.letter.number}
        )
        if hook is not None:
            hook(request)
        return super().sign(request)


@pytest.fixture
def watching(settings, monkeypatch):
    monkeypatch.setitem(providers.PROVIDERS, "watching", _Watching)
    monkeypatch.setattr(_Watching, "seen", [])
    monkeypatch.setattr(_Watching, "during", None)
    settings.SIGNING_PROVIDER = "watching"
    return _Watching


def _sign_script(n: int, database_url: str = "") -> dict:
    """bench/concurrent_signing.py: a real server (2 processes), n clients POSTing the sign form
    at the same instant; its verdict and what the database held afterwards, as JSON."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "ESURAT_VAR_DIR")}
    if database_url:
        env["DATABASE_URL"] = database_url
    script = django_settings.BASE_DIR / "bench" / "concurrent_signing.py"
    result = subprocess.run(
        [sys.executable, str(script), "--letters", str(n), "--fast-passwords", "--json"],
        env=env, capture_output=True, text=True, timeout=600, cwd=django_settings.BASE_DIR,
    )  # fmt: skip
    assert result.stdout.strip(), result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def _assert_all_signed(report: dict, n: int) -> None:
    assert report["statuses"] == {"302": n}, report["errors"]
    assert report["seqs"] == list(range(1, n + 1))  # gapless, each number once
    assert report["issued_states"] == ["issued"]
    assert len(set(report["numbers"])) == n
    assert report["states"] == ["sent"]
    assert report["signatures"] == report["signed_documents"] == n
    assert report["valid_pdf_signatures"] == n  # pyHanko validates each against the CA root


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite deployment")
def test_it_signs_20_letters_at_once_on_a_sqlite_file_without_an_error():
    """20 signings in one agency POSTed at the same instant to a 2-process server on a SQLite
    file (WAL, BEGIN IMMEDIATE): every one answers the redirect of a success, never a 500."""
    _assert_all_signed(_sign_script(20), 20)


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL")
def test_it_signs_24_letters_at_once_on_postgresql(transactional_db, django_db_serialized_rollback):
    """The same against the test database: the server processes see what the script built."""
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    if db.get("PASSWORD"):
        url = url.replace("@", f":{db['PASSWORD']}@", 1)
    connections.close_all()
    _assert_all_signed(_sign_script(24, url), 24)


@pytest.mark.django_db
def test_it_renders_and_signs_outside_any_transaction(client, city, watching):
    """No row (letter, counter, audit chain) is locked while the provider works: do_sign has no
    transaction open then (the test's own is the only one), the number is already the
    letter's, and the transaction that reserved it is over."""
    (letter,) = _awaiting_signature(city)
    client.force_login(city.users["kadis.kominfo"])
    test_depth = len(connection.atomic_blocks)
    response = client.post(f"/letters/{letter.code}/sign/",
                           {"version": letter.version, "password": "pw"})  # fmt: skip
    assert response.status_code == 302
    letter.refresh_from_db()
    assert letter.state == Letter.State.SENT and letter.signed_at is not None
    assert watching.seen == [{"atomic_depth": test_depth, "number": letter.number}]
    assert _numbers(city) == [(1, "issued")]
    actions_logged = list(
        AuditEvent.objects.filter(letter=letter).order_by("seq").values_list("action", flat=True)
    )
    assert actions_logged[-3:] == ["number.reserved", "letter.signed", "letter.delivered"]


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks")
def test_it_lets_another_signing_of_the_agency_finish_while_a_pdf_is_signed(
    transactional_db, django_db_serialized_rollback, city, watching
):
    """While the Kepala Dinas's first letter is being signed, a second one of the same agency is
    numbered, signed and delivered from another connection: the counter is not held."""
    first, second = _awaiting_signature(city, 2)
    kadis = city.users["kadis.kominfo"]
    finished = threading.Event()
    errors = []

    def sign_second():
        try:
            seat = seat_for_action(kadis, second, Action.SIGN)
            actions.do_sign(letter=second, seat=seat, user=kadis, password="pw")
            finished.set()
        except Exception as exc:
            errors.append(repr(exc))
        finally:
            connections.close_all()

    def during(request):
        thread = threading.Thread(target=sign_second)
        thread.start()
        finished.wait(timeout=15)  # with the counter locked, it would wait for us: no deadlock
        watching.seen.append({"second_finished_meanwhile": finished.is_set()})
        thread.join(timeout=60)

    watching.during = during
    actions.do_sign(letter=first, seat=seat_for_action(kadis, first, Action.SIGN), user=kadis,
                    password="pw")  # fmt: skip
    assert errors == []
    assert {"second_finished_meanwhile": True} in watching.seen
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.state, second.state) == (Letter.State.SENT, Letter.State.SENT)
    assert (first.number.split("/")[1], second.number.split("/")[1]) == ("0001", "0002")
    assert _numbers(city) == [(1, "issued"), (2, "issued")]


@pytest.mark.django_db
def test_it_answers_a_conflict_when_the_letter_is_returned_while_it_is_signed(
    client, city, watching
):
    """Between the render and the commit the signatory returns the letter from another device:
    the signing answers 409, nothing is signed or delivered, and the number reserved for it
    stays in the register as cancelled, with the reason."""
    (letter,) = _awaiting_signature(city)
    kadis = city.users["kadis.kominfo"]

    def return_it(request):
        seat = seat_for_action(kadis, letter, Action.SIGN)
        actions.do_return_by_signatory(letter=letter, seat=seat, user=kadis, note="Perbaiki")

    watching.during = return_it
    response = caller(client, city, "kadis.kominfo").post(
        f"/letters/{letter.code}/sign", {"password": "pw", "version": letter.version}
    )
    assert response.status_code == 409
    assert "changed while it was being signed" in response.json()["detail"]
    reserved = watching.seen[0]["number"]
    letter.refresh_from_db()
    assert letter.state == Letter.State.RETURNED
    assert (letter.number, letter.signed_at, letter.letter_date) == ("", None, None)
    assert not Signature.objects.filter(letter=letter).exists()
    assert not letter.inbox_entries.exists() and not letter.registrations.exists()
    issued = IssuedNumber.objects.get(letter=letter)
    assert (issued.number, issued.state) == (reserved, IssuedNumber.State.CANCELLED)
    assert issued.cancel_reason == "The letter was returned to its drafter before it was signed."
    logged = list(
        AuditEvent.objects.filter(letter=letter).order_by("seq").values_list("action", flat=True)
    )
    assert logged[-3:] == ["number.reserved", "number.cancelled", "letter.returned"]
    assert "letter.signed" not in logged


@pytest.mark.django_db
def test_it_answers_a_conflict_when_the_clerk_cancels_the_reserved_number_meanwhile(
    client, city, watching
):
    (letter,) = _awaiting_signature(city)

    def cancel_it(request):
        issued = IssuedNumber.objects.get(letter=letter)
        actions.do_cancel_number(issued=issued, user=city.users["agendaris.kominfo"],
                                 reason="Salah ketik")  # fmt: skip

    watching.during = cancel_it
    response = caller(client, city, "kadis.kominfo").post(
        f"/letters/{letter.code}/sign", {"password": "pw"}
    )
    assert response.status_code == 409
    letter.refresh_from_db()
    assert letter.state == Letter.State.AWAITING_SIGNATURE and letter.signed_at is None
    assert _numbers(city) == [(1, "cancelled")]
    # The retry gets a new number; the cancelled one stays in the register.
    retry = caller(client, city, "kadis.kominfo").post(
        f"/letters/{letter.code}/sign", {"password": "pw"}
    )
    assert retry.status_code == 200 and retry.json()["state"] == "sent"
    assert _numbers(city) == [(1, "cancelled"), (2, "issued")]


@pytest.mark.django_db
def test_it_gives_the_number_back_when_the_provider_fails_and_nobody_drew_a_later_one(
    client, city, watching
):
    (letter,) = _awaiting_signature(city)

    def fail(request):
        raise providers.SigningError("Layanan tanda tangan tidak tersedia")

    watching.during = fail
    response = caller(client, city, "kadis.kominfo").post(
        f"/letters/{letter.code}/sign", {"password": "pw"}
    )
    assert response.status_code == 409 and "tidak tersedia" in response.json()["detail"]
    letter.refresh_from_db()
    assert (letter.number, letter.letter_date, letter.signed_at) == ("", None, None)
    assert _numbers(city) == [] and _counter(city) == 0
    logged = AuditEvent.objects.filter(letter=letter).values_list("action", flat=True)
    assert {"number.reserved", "number.released"} <= set(logged)


@pytest.mark.django_db
def test_it_keeps_the_number_for_the_retry_when_a_later_number_was_drawn(client, city, watching):
    """The provider fails after another signing of the agency took the next number: giving the
    number back would leave a gap, so it stays reserved for the letter and the retry uses it."""
    first, second = _awaiting_signature(city, 2)
    kadis = city.users["kadis.kominfo"]

    def sign_another_then_fail(request):
        actions.do_sign(letter=second, seat=seat_for_action(kadis, second, Action.SIGN),
                        user=kadis, password="pw")  # fmt: skip
        raise providers.SigningError("Layanan tanda tangan tidak tersedia")

    watching.during = sign_another_then_fail
    kadis_api = caller(client, city, "kadis.kominfo")
    assert kadis_api.post(f"/letters/{first.code}/sign", {"password": "pw"}).status_code == 409
    first.refresh_from_db()
    assert first.state == Letter.State.AWAITING_SIGNATURE and first.signed_at is None
    reserved = first.number
    assert reserved.split("/")[1] == "0001"
    assert _numbers(city) == [(1, "issued"), (2, "issued")]

    response = kadis_api.post(f"/letters/{first.code}/sign", {"password": "pw"})
    assert response.status_code == 200 and response.json()["state"] == "sent"
    first.refresh_from_db()
    assert first.number == reserved and _counter(city) == 2
    assert IssuedNumber.objects.filter(letter=first).count() == 1


@pytest.mark.django_db
def test_it_completes_a_signing_whose_process_died_after_the_reservation(client, city):
    """A worker killed after step 1 leaves the letter with its reserved number and nothing
    else; the signatory's retry signs it with that number, once."""
    (letter,) = _awaiting_signature(city)
    kadis = city.users["kadis.kominfo"]
    # Step 1 of do_sign alone: the process dies after it.
    actions._prepare_signature(letter=letter, seat=seat_for_action(kadis, letter, Action.SIGN),
                               user=kadis, ip_address=None)  # fmt: skip
    letter.refresh_from_db()
    reserved = letter.number
    assert reserved and letter.signed_at is None and not Signature.objects.exists()

    response = caller(client, city, "kadis.kominfo").post(
        f"/letters/{letter.code}/sign", {"password": "pw"}
    )
    assert response.status_code == 200 and response.json()["number"] == reserved
    assert _numbers(city) == [(1, "issued")]
    assert Signature.objects.filter(letter=letter).count() == 1


@pytest.mark.django_db
def test_it_cancels_a_reservation_left_from_an_earlier_day(client, city):
    """A number carries its date: one reserved yesterday by a signing that never finished is
    cancelled in the register, and today's signing reserves a new one."""
    (letter,) = _awaiting_signature(city)
    kadis = city.users["kadis.kominfo"]
    actions._prepare_signature(letter=letter, seat=seat_for_action(kadis, letter, Action.SIGN),
                               user=kadis, ip_address=None)  # fmt: skip
    yesterday = city.government.today() - datetime.timedelta(days=1)
    Letter.objects.filter(pk=letter.pk).update(letter_date=yesterday)
    IssuedNumber.objects.filter(letter=letter).update(letter_date=yesterday)

    response = caller(client, city, "kadis.kominfo").post(
        f"/letters/{letter.code}/sign", {"password": "pw"}
    )
    assert response.status_code == 200 and response.json()["state"] == "sent"
    letter.refresh_from_db()
    assert letter.letter_date == timezone.localdate(timezone.now(), city.government.zone)
    assert _numbers(city) == [(1, "cancelled"), (2, "issued")]
    assert letter.number == IssuedNumber.objects.get(seq=2).number


@pytest.mark.django_db
def test_it_shows_a_number_reserved_for_an_unfinished_signing_in_the_register(client, city):
    signed, reserved = _awaiting_signature(city, 2)
    kadis = city.users["kadis.kominfo"]
    actions.do_sign(letter=signed, seat=seat_for_action(kadis, signed, Action.SIGN), user=kadis,
                    password="pw")  # fmt: skip
    actions._prepare_signature(letter=reserved, user=kadis, ip_address=None,
                               seat=seat_for_action(kadis, reserved, Action.SIGN))  # fmt: skip
    client.force_login(city.users["agendaris.kominfo"])
    page = client.get("/letters/register/numbers/")
    assert page.status_code == 200
    body = page.content.decode()
    reserved.refresh_from_db()
    signed.refresh_from_db()
    assert body.count("Reserved, not signed yet") == 1  # the newest row, not the signed letter's
    badge = body.index("Reserved, not signed yet")
    assert body.index(reserved.number) < badge < body.index(signed.number)
