"""The index never lags: a letter is findable in the transaction of the action that creates or
changes it, its scan's words once the reader stored them; `manage.py reindex` rebuilds the same
entries, idempotent and resumable."""

import datetime
import threading
import time

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection, transaction

from esurat.letters import actions
from esurat.letters.access import Action, seat_for_action
from esurat.letters.models import Letter
from esurat.letters.tasks import read_scan
from esurat.letters.tests.factories import draft_nota_dinas, send_through
from esurat.letters.tests.incoming_factories import register
from esurat.search.backends import search
from esurat.search.management.commands.reindex import CHECKPOINT
from esurat.search.models import SearchEntry

pytestmark = pytest.mark.django_db


def found(user, query):
    return [letter.pk for letter in search(user, query).hits]


def test_it_finds_a_draft_inside_the_transaction_that_creates_it(city):
    drafter = city.users["staf.aptika"]
    with transaction.atomic():
        letter = draft_nota_dinas(city, subject="Penyusunan rencana strategis")
        assert found(drafter, "rencana strategis") == [letter.pk]  # before any commit
        transaction.set_rollback(True)
    assert found(drafter, "rencana strategis") == []  # rolled back with its entry
    assert not SearchEntry.objects.exists()


def test_it_follows_each_change_of_the_letter(city):
    drafter = city.users["staf.aptika"]
    letter = draft_nota_dinas(city, subject="Penyusunan rencana strategis")
    seat = seat_for_action(drafter, letter, Action.EDIT)
    actions.do_update_draft(letter=letter, seat=seat, user=drafter, subject="Rapat evaluasi")
    assert found(drafter, "strategis") == []
    assert found(drafter, "rapat evaluasi") == [letter.pk]
    sent = send_through(city, Letter.objects.get(pk=letter.pk))
    assert sent.number and found(drafter, sent.number) == [letter.pk]  # numbered at signing
    entry = SearchEntry.objects.get(letter=letter)
    assert entry.state == Letter.State.SENT
    assert found(city.users["kadis.pupr"], "rapat evaluasi") == [letter.pk]  # the addressee


def test_it_finds_the_words_of_a_scan_once_the_worker_read_it(city, settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    clerk = city.users["agendaris.kominfo"]
    letter = register(city, subject="Surat masuk")  # the scan says "Permohonan Data Perencanaan"
    assert found(clerk, "perencanaan permohonan") == []  # not read yet
    assert read_scan.call(str(letter.code)) == "done"
    assert found(clerk, "perencanaan permohonan") == [letter.pk]
    assert found(clerk, "050/77/BAPPEDA") == [letter.pk]  # the number printed in the scan


def test_it_follows_a_correction_from_the_scan(city):
    from esurat.letters.incoming import do_apply_ocr_proposal

    clerk = city.users["agendaris.kominfo"]
    letter = register(city, subject="Surat masuk", sender_name="Dinas Lama")
    do_apply_ocr_proposal(letter=letter, user=clerk, values={"sender_name": "Bappeda Paser"})
    assert found(clerk, "bappeda paser") == [letter.pk]


def _entries():
    return list(SearchEntry.objects.order_by("letter_id").values())


def test_it_reindexes_to_the_same_entries_twice_over(city):
    register(city, subject="Undangan rapat")
    send_through(city, draft_nota_dinas(city, subject="Rapat koordinasi"))
    before = _entries()
    SearchEntry.objects.all().delete()
    call_command("reindex", no_progress=True)
    assert _entries() == before
    call_command("reindex", no_progress=True, full=True)
    assert _entries() == before
    assert found(city.users["agendaris.kominfo"], "undangan rapat")
    _walk_rows_are_the_readers()


def test_the_walk_rows_follow_every_write_of_the_entries(city):
    """PostgreSQL keeps search_reader in step by itself (migration 0009's triggers), whoever
    writes the entries: a full reindex from a given id (entries replaced, not emptied), a write
    from outside the backend, a deletion, a plain reindex."""
    first = register(city, subject="Undangan rapat")
    second = register(city, subject="Laporan bulanan", allow_duplicate=True)
    _walk_rows_are_the_readers()
    call_command("reindex", no_progress=True, full=True, from_id=first.pk)
    _walk_rows_are_the_readers()
    if connection.vendor == "postgresql":  # another date and other keys, written by hand
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE search_searchentry SET sort_at = %s, readers = %s WHERE letter_id = %s",
                [datetime.datetime(2026, 1, 5, 8, tzinfo=datetime.UTC), [-1, 7], first.pk],
            )
    _walk_rows_are_the_readers()
    SearchEntry.objects.filter(letter=second).delete()
    _walk_rows_are_the_readers()
    call_command("reindex", no_progress=True)
    _walk_rows_are_the_readers()
    assert SearchEntry.objects.count() == 2


def _walk_rows_are_the_readers():
    """PostgreSQL: after a full reindex, the walk's rows are exactly the entries' keys, under
    their index again (bench/README.md, issue 12)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT key, sort_at, letter_id FROM search_reader ORDER BY 3, 1")
        rows = cursor.fetchall()
        cursor.execute("SELECT unnest(readers) AS key, sort_at, letter_id FROM search_searchentry "
                       "ORDER BY 3, 1")  # fmt: skip
        assert rows == cursor.fetchall() and rows
        cursor.execute("SELECT count(*) FROM pg_indexes WHERE indexname = 'search_reader_walk'")
        assert cursor.fetchone() == (1,)


def test_it_resumes_after_a_given_id_or_its_checkpoint(city):
    first = register(city, subject="Undangan rapat")
    second = register(city, subject="Laporan bulanan", allow_duplicate=True)
    SearchEntry.objects.all().delete()
    call_command("reindex", no_progress=True, from_id=first.pk)
    assert list(SearchEntry.objects.values_list("letter_id", flat=True)) == [second.pk]
    SearchEntry.objects.all().delete()
    cache.set(CHECKPOINT, first.pk)  # as left by a run killed after its first batch
    call_command("reindex", no_progress=True, resume=True, batch=1)
    assert list(SearchEntry.objects.values_list("letter_id", flat=True)) == [second.pk]
    assert cache.get(CHECKPOINT) is None  # done: nothing left to resume
    call_command("reindex", no_progress=True, resume=True)
    assert SearchEntry.objects.count() == 2


def test_it_builds_the_same_entry_in_sql_as_in_python(city):
    """PostgreSQL gathers an entry's texts in one SQL query and writes its vector, SQLite builds
    it with the ORM (documents.entries_for): the same folded words either way."""
    register(city, subject="Évaluasi  Rapat—Koordinasi (Tahap II)", sender_name="Dinas Café Ñusa",
             summary="<b>ringkasan</b> &amp; catatan")  # fmt: skip
    send_through(city, draft_nota_dinas(city, subject="Rapat koordinasi"))
    from esurat.search.documents import entries_for

    stored = _entries()
    built = [
        {f.attname: getattr(e, f.attname) for f in SearchEntry._meta.concrete_fields}
        for e in entries_for([row["letter_id"] for row in stored])
    ]
    for got, want in zip(built, stored, strict=True):
        assert {k: v for k, v in got.items() if v != want[k] and k != "body"} == {}
        if connection.vendor == "postgresql":
            # The body's folded words are not stored, only their lexemes in the vector.
            assert want["body"] == ""
            words = " ".join((got["title"], got["numbers"], got["names"], got["body"])).split()
            assert _lexemes(got["letter_id"]) == set(words)
        else:
            assert got["body"] == want["body"]


def _lexemes(letter_id) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tsvector_to_array(vector) FROM search_searchentry WHERE letter_id = %s",
            [letter_id],
        )
        return set(cursor.fetchone()[0])


def test_it_indexes_a_letter_whose_text_has_a_word_too_long_to_index(city):
    """A lexeme is at most 2,047 bytes on PostgreSQL: a letter whose scan or body holds a longer
    run of letters (a pasted code, OCR without spaces) is still indexed by its other words."""
    letter = register(city, subject="Laporan realisasi anggaran",
                      summary="lampiran " + "x" * 3000 + " triwulan")  # fmt: skip
    assert found(city.users["agendaris.kominfo"], "triwulan") == [letter.pk]
    if connection.vendor == "postgresql":
        assert "lampiran" in _lexemes(letter.pk)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the walk's rows are PostgreSQL's")
def test_two_transactions_changing_one_entry_leave_its_walk_rows_exact(
    transactional_db, django_db_serialized_rollback, city
):
    """The second writer waits on the entry's row lock and its trigger then sees the first one's
    rows (PostgreSQL): no row of the first writer is left behind, none is missing.
    (serialized_rollback: the letter kinds come from data migrations, which the flush after
    another transactional test empties.)"""
    letter = register(city, subject="Undangan rapat")
    barrier = threading.Barrier(2)
    errors = []

    def write(readers, hour):
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                barrier.wait(timeout=10)
                cursor.execute(
                    "UPDATE search_searchentry SET readers = %s, sort_at = %s "
                    "WHERE letter_id = %s",
                    [readers, datetime.datetime(2026, 3, 1, hour, tzinfo=datetime.UTC),
                     letter.pk],
                )  # fmt: skip
                time.sleep(0.2)  # the other writer is now waiting on the row
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=args) for args in (([-1, 5], 8), ([7], 9))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    _walk_rows_are_the_readers()
