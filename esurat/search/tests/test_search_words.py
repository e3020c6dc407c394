"""Search on Indonesian text, the same on SQLite (FTS5) and PostgreSQL (tsvector): words in any
case and order, stems, numbers however typed, a misspelt sender, and the scan's own words."""

import pytest

from esurat.letters.tests.factories import draft_nota_dinas, send_through
from esurat.letters.tests.incoming_factories import register as register_incoming
from esurat.search.backends import Filters, Order, search

pytestmark = pytest.mark.django_db


def register(city, **fields):
    """An incoming letter registered by Diskominfo's clerk (a second one from the same sender
    is no duplicate here)."""
    return register_incoming(city, allow_duplicate=True, **fields)


def found(user, query, **kwargs):
    return [letter.pk for letter in search(user, query, **kwargs).hits]


@pytest.fixture
def clerk(city):
    return city.users["agendaris.kominfo"]


def test_it_finds_the_words_of_the_subject_in_any_case(city, clerk):
    letter = register(city, subject="Undangan Rapat Evaluasi Kinerja")
    assert found(clerk, "surat undangan rapat") == [letter.pk]
    assert found(clerk, "RAPAT evaluasi") == [letter.pk]
    assert found(clerk, "rapat anggaran") == []


def test_it_finds_a_word_by_its_stem(city, clerk):
    letter = register(city, subject="Data pegawai triwulan III")
    assert found(clerk, "kepegawaian") == [letter.pk]


def test_it_finds_a_word_typed_halfway(city, clerk):
    letter = register(city, subject="Permohonan narasumber pelatihan")
    assert found(clerk, "narasum") == [letter.pk]


def test_it_reads_the_last_word_as_typed_halfway_only_when_whole_words_find_nothing(city, clerk):
    """A prefix reads the postings of every word it starts (tens of ms for "dinas:*" at a
    million letters): whole words first."""
    whole = register(city, subject="Pemeliharaan server aplikasi")
    longer = register(city, subject="Pemeliharaan serverless aplikasi")
    assert found(clerk, "pemeliharaan server") == [whole.pk]
    assert found(clerk, "pemeliharaan serverl") == [longer.pk]


def test_it_finds_a_number_however_typed(city, clerk):
    letter = register(city, sender_number="005/1187/BAPPEDA/XI/2026", subject="Data perencanaan")
    register(city, sender_number="005/2290/DINKES/XI/2026", subject="Data kesehatan")
    for typed in ("005/1187/BAPPEDA/XI/2026", "1187/BAPPEDA", "1187 bappeda", "1187", "118",
                  "1187/BAP", "187/bappeda"):  # fmt: skip
        assert found(clerk, typed) == [letter.pk], typed
    assert found(clerk, "005/1187/BAPPEDA/XI/2025") == []  # another year: another letter


def test_it_finds_a_sender_despite_a_typo(city, clerk):
    letter = register(city, sender_name="Badan Perencanaan Pembangunan Daerah Provinsi Kaltim",
                      subject="Permintaan data")  # fmt: skip
    register(city, sender_name="Dinas Kesehatan Provinsi Kaltim", subject="Permintaan data")
    results = search(clerk, "perencanan")
    assert [h.pk for h in results.hits] == [letter.pk]
    assert results.fuzzy


def test_it_finds_the_words_read_from_the_scan(city, clerk, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # the worker reads the scan
        letter = register(city, subject="Surat masuk")  # the scan: "Permohonan Data Perencanaan"
    assert found(clerk, "permohonan perencanaan") == [letter.pk]


def test_it_highlights_the_words_found(city, clerk):
    register(city, subject="Undangan Rapat Evaluasi", summary="Rapat evaluasi program kerja.")
    hit = search(clerk, "evaluasi").hits[0]
    assert "<mark>Evaluasi</mark>" in hit.subject_marked
    assert "<mark>evaluasi</mark>" in hit.snippet


def test_it_orders_by_relevance_or_newest(city, clerk):
    older = register(city, subject="Rapat evaluasi", summary="evaluasi evaluasi evaluasi")
    newer = register(city, subject="Laporan bulanan", summary="termasuk hasil evaluasi")
    assert found(clerk, "evaluasi") == [newer.pk, older.pk]
    assert found(clerk, "evaluasi", order=Order.RELEVANT) == [older.pk, newer.pk]


def test_it_pages_by_cursor(city, clerk, settings):
    letters = [register(city, subject=f"Rapat ke-{i}") for i in range(23)]
    first = search(clerk, "rapat")
    assert first.total == 23 and len(first.hits) == 20 and first.next_cursor
    second = search(clerk, "rapat", after=first.next_cursor)
    assert second.next_cursor == ""
    assert {h.pk for h in first.hits + second.hits} == {letter.pk for letter in letters}
    relevant = search(clerk, "rapat", order=Order.RELEVANT)
    rest = search(clerk, "rapat", order=Order.RELEVANT, after=relevant.next_cursor)
    assert {h.pk for h in relevant.hits + rest.hits} == {letter.pk for letter in letters}


def test_it_filters_and_counts_facets(city, clerk):
    register(city, subject="Rapat A")
    register(city, subject="Rapat B", security="T")
    outgoing = send_through(city, draft_nota_dinas(city, subject="Rapat koordinasi internal"))
    results = search(clerk, "rapat")
    assert results.total == 3
    assert {f.value: f.count for f in results.facets["direction"]} == {"in": 2, "out": 1}
    assert found(clerk, "rapat", filters=Filters(direction="out")) == [outgoing.pk]
    assert len(found(clerk, "rapat", filters=Filters(state="registered"))) == 2
