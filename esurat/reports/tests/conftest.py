"""A small fixed week of letters, dispositions and sign-ins whose figures are computed by hand in
test_figures.py. Times are UTC; the government's zone is Asia/Makassar (UTC+8).

The period is Monday 2 to Friday 6 November 2026; Wednesday 4 is a holiday."""

import datetime
from unittest import mock

import pytest

from esurat.accounts.models import Role
from esurat.audit.actions import record_event
from esurat.delivery.models import Dispatch
from esurat.dispositions.models import Disposition
from esurat.letters.models import (
    Classification,
    ExternalParty,
    InboxEntry,
    Letter,
    LetterKind,
    Recipient,
    ReviewStep,
)
from esurat.organisations.models import Holiday
from esurat.reports.actions import do_note_activity
from esurat.reports.figures import Period
from esurat.reports.models import PageCount, PaperPrices
from esurat.reports.rollup import build

UTC = datetime.UTC


def at(day, hour, minute=0):
    return datetime.datetime(2026, 11, day, hour, minute, tzinfo=UTC)


@pytest.fixture
def week(city):
    return build_week(city)


def build_week(city) -> Period:
    """Write the week (also used by the browser journey, e2e/test_evaluation.py)."""
    gov = city.government
    kominfo, pupr = city.agencies["Diskominfo"], city.agencies["Dinas PUPR"]
    kind = LetterKind.objects.get(code="nota-dinas")
    classification = Classification.objects.get(code="000.1.2.3")
    drafter = city.users["staf.aptika"]
    drafter_pos = city.position("Diskominfo", "Pranata Komputer Ahli Pertama")
    signer_pos = city.position("Diskominfo", "Kepala Dinas Komunikasi dan Informatika")
    kadis = city.position("Dinas PUPR", "Kepala Dinas Pekerjaan Umum dan Penataan Ruang")
    staf = city.position("Dinas PUPR", "Teknik Jalan")
    kabid_bm = city.position("Dinas PUPR", "Kepala Bidang Bina Marga")
    sekdis = city.position("Dinas PUPR", "Sekretaris Dinas")
    kabid_aptika = city.position("Diskominfo", "Kepala Bidang Aplikasi Informatika")
    outside = ExternalParty.objects.create(government=gov, name="PT Contoh", match_key="pt contoh")

    def letter(subject, signed, sent, review_round=0):
        return Letter.objects.create(
            government=gov, agency=kominfo, kind=kind, classification=classification,
            subject=subject, state=Letter.State.SENT, drafter=drafter,
            drafter_position=drafter_pos, signatory_position=signer_pos, signed_at=signed,
            sent_at=sent, review_round=review_round, number=subject,
        )  # fmt: skip

    def inbox(letter, position, delivered, read):
        InboxEntry.objects.create(
            letter=letter, position=position, kind="to", delivered_at=delivered, read_at=read,
            from_agency=kominfo, letter_kind=kind, urgency="biasa", security="B",
        )  # fmt: skip

    def submitted(letter, when):
        with mock.patch("esurat.audit.actions.timezone.now", return_value=when):
            record_event(government=gov, actor=None, action="letter.submitted", letter=letter)

    def dispatch(letter, method, seq, created):
        Dispatch.objects.create(
            letter=letter, agency=kominfo, key=f"external:{outside.pk}", recipient_name="PT",
            external=outside, method=method, email="a@example.com" if method == "email" else "",
            state="sent" if method == "email" else "to_print", book_year=2026, book_seq=seq,
            created_at=created,
        )  # fmt: skip

    # L1: to the Kadis PUPR, CC the Kabid Aptika; 2 + 1 pages; review 3 h, signature 1.5 h.
    l1 = letter("L1", signed=at(2, 0, 30), sent=at(2, 1), review_round=1)
    Recipient.objects.create(letter=l1, kind="to", target="position", position=kadis)
    Recipient.objects.create(letter=l1, kind="cc", target="position", position=kabid_aptika)
    PageCount.objects.create(letter=l1, letter_pages=2, attachment_pages=1, counted_at=at(2, 2))
    submitted(l1, at(1, 20))
    ReviewStep.objects.create(letter=l1, round=1, order=1, position=signer_pos,
                              state="approved", acted_at=at(1, 23))  # fmt: skip
    inbox(l1, kadis, at(2, 1), at(2, 3))  # read after 2 h
    inbox(l1, kabid_aptika, at(2, 1), at(2, 2))  # 1 h
    # L2: to staf PUPR and on paper to PT Contoh; no page count (one page); no reviewer.
    l2 = letter("L2", signed=at(3, 1), sent=at(3, 2))
    Recipient.objects.create(letter=l2, kind="to", target="position", position=staf)
    Recipient.objects.create(letter=l2, kind="to", target="external", external=outside)
    submitted(l2, at(3, 0))
    inbox(l2, staf, at(3, 2), at(3, 6))  # 4 h
    dispatch(l2, "print", 1, at(3, 2))
    # L3: e-mailed to PT Contoh only; one page; review 4 h (a round-0 paraf does not count).
    l3 = letter("L3", signed=at(4, 6), sent=at(4, 6, 5), review_round=1)
    Recipient.objects.create(letter=l3, kind="to", target="external", external=outside)
    PageCount.objects.create(letter=l3, letter_pages=1, attachment_pages=0, counted_at=at(4, 7))
    submitted(l3, at(4, 0))
    ReviewStep.objects.create(letter=l3, round=0, order=1, position=signer_pos,
                              state="returned", acted_at=at(3, 1))  # fmt: skip
    ReviewStep.objects.create(letter=l3, round=1, order=1, position=signer_pos,
                              state="approved", acted_at=at(4, 4))  # fmt: skip
    dispatch(l3, "email", 2, at(4, 6, 5))
    # Outside the period: sent on Monday 9.
    l4 = letter("L4", signed=at(9, 1), sent=at(9, 1))
    Recipient.objects.create(letter=l4, kind="to", target="position", position=kadis)
    inbox(l4, kadis, at(9, 1), at(9, 2))

    def dispose(to, sent, due, state, done=None):
        return Disposition.objects.create(
            letter=l1, from_position=kadis, to_position=to, security="B", due_date=due,
            state=state, created_by=city.users["kadis.pupr"], created_at=sent, sent_at=sent,
            done_at=done,
        )  # fmt: skip

    # Delivered to the Kadis at 1:00 on the 2nd.
    dispose(
        staf, at(2, 5), datetime.date(2026, 11, 4), "done", at(4, 15)
    )  # 4 h; 23:00 local: on time
    dispose(kabid_bm, at(2, 11), datetime.date(2026, 11, 3), "done", at(3, 16, 30))  # 10 h; late
    dispose(sekdis, at(2, 1, 30), datetime.date(2026, 11, 5), "read")  # 0.5 h; not done
    dispose(staf, at(2, 6), datetime.date(2026, 11, 4), "withdrawn")  # not counted

    Holiday.objects.create(government=gov, date=datetime.date(2026, 11, 4), name="Libur")
    note = do_note_activity
    note(user=city.users["kadis.pupr"], agency_id=pupr.pk, at=at(2, 0, 30))  # 08:30: early
    note(user=city.users["kadis.pupr"], agency_id=pupr.pk, at=at(2, 5))  # later that day: same row
    note(user=city.users["kadis.pupr"], agency_id=pupr.pk, at=at(3, 2))  # 10:00
    note(user=city.users["kadis.pupr"], agency_id=pupr.pk, at=at(4, 0))  # the holiday
    note(user=city.users["staf.aptika"], agency_id=kominfo.pk, at=at(2, 0, 59))  # 08:59: early
    note(user=city.users["admin"], agency_id=None, at=at(2, 0))  # no position: not an official

    PaperPrices.objects.create(government=gov, per_sheet=100, toner_per_page=200,
                               per_envelope=1000, sheets_per_ream=500)  # fmt: skip
    # The daily rows of a span wider than the week: the period's bounds choose the days.
    build(gov, datetime.date(2026, 10, 26), datetime.date(2026, 11, 15))
    return Period(datetime.date(2026, 11, 2), datetime.date(2026, 11, 6), gov.zone)


@pytest.fixture
def agency_admin(city):
    """An agency admin of Dinas PUPR (the demo city has none)."""
    user = city.users["staf.pupr"]
    Role.objects.create(user=user, kind=Role.Kind.AGENCY_ADMIN, agency=city.agencies["Dinas PUPR"])
    return user
