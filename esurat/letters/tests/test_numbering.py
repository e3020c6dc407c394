"""Letter numbers: template, scope, yearly reset in local time, never reused, cancelled stays."""

import datetime
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from esurat.letters import actions
from esurat.letters.models import IssuedNumber, LetterKind
from esurat.letters.numbering import check_template, next_value
from esurat.letters.tests.factories import draft_nota_dinas, send_through
from esurat.lib.dates import roman_month


@pytest.mark.django_db
def test_it_numbers_consecutively_per_scope(city):
    first = send_through(city, draft_nota_dinas(city))
    second = send_through(city, draft_nota_dinas(city, subject="Permohonan data"))
    assert first.number.split("/")[1] == "0001" and second.number.split("/")[1] == "0002"
    month = roman_month(first.letter_date)
    assert first.number == f"000.1.2.3/0001/DISKOMINFO/{month}/{first.letter_date.year}"


@pytest.mark.django_db
def test_it_keeps_separate_series_per_kind_when_configured(city):
    kind = LetterKind.objects.get(code="nota-dinas")
    kind.sequence_scope = LetterKind.Scope.AGENCY_KIND
    kind.number_template = "{kind}/{seq}/{unit_code}/{year}"
    kind.save()
    letter = send_through(city, draft_nota_dinas(city))
    assert letter.number == f"ND/0001/DISKOMINFO/{letter.letter_date.year}"


@pytest.mark.django_db
def test_it_resets_on_the_first_of_january_local_time(city):
    # 31 Dec 2026 16:30 UTC is already 1 Jan 2027 00:30 in Asia/Makassar (UTC+8).
    instant = datetime.datetime(2026, 12, 31, 16, 30, tzinfo=datetime.UTC)
    send_through(city, draft_nota_dinas(city))
    with mock.patch.object(timezone, "now", return_value=instant):
        letter = send_through(city, draft_nota_dinas(city, subject="Tahun baru"))
    assert letter.letter_date == datetime.date(2027, 1, 1)
    assert letter.number == "000.1.2.3/0001/DISKOMINFO/I/2027"


@pytest.mark.django_db
def test_it_keeps_a_cancelled_number_and_never_reuses_it(city):
    letter = send_through(city, draft_nota_dinas(city))
    issued = IssuedNumber.objects.get(letter=letter)
    actions.do_cancel_number(issued=issued, user=city.users["agendaris.kominfo"],
                             reason="Salah kode klasifikasi")  # fmt: skip
    issued.refresh_from_db()
    assert issued.state == "cancelled" and issued.cancel_reason == "Salah kode klasifikasi"
    nxt = send_through(city, draft_nota_dinas(city, subject="Ulang"))
    assert nxt.number.split("/")[1] == "0002"
    assert IssuedNumber.objects.count() == 2


@pytest.mark.django_db
def test_it_issues_insert_numbers_after_an_existing_one(city):
    letter = send_through(city, draft_nota_dinas(city))
    base = IssuedNumber.objects.get(letter=letter)
    clerk = city.users["agendaris.kominfo"]
    today = city.government.today()
    first = actions.do_issue_insert_number(after=base, user=clerk, date=today, subject="Sisipan")
    second = actions.do_issue_insert_number(after=base, user=clerk, date=today, subject="Lagi")
    assert first.number.split("/")[1] == "0001.1" and second.number.split("/")[1] == "0001.2"
    with pytest.raises(ValidationError):
        actions.do_issue_insert_number(after=base, user=clerk,
                                       date=today + datetime.timedelta(days=1), subject="x")  # fmt: skip
    nxt = send_through(city, draft_nota_dinas(city, subject="Berikut"))
    assert nxt.number.split("/")[1] == "0002"


@pytest.mark.django_db
def test_it_gives_the_value_back_when_the_transaction_rolls_back(city):
    with transaction.atomic():
        assert next_value("t", 2026) == 1
    try:
        with transaction.atomic():
            assert next_value("t", 2026) == 2
            raise RuntimeError
    except RuntimeError:
        pass
    with transaction.atomic():
        assert next_value("t", 2026) == 2


def test_it_checks_number_templates():
    check_template("{classification}/{seq}/{unit_code}/{month_roman}/{year}")
    with pytest.raises(ValueError):
        check_template("{classification}/{unit_code}")
    with pytest.raises(ValueError):
        check_template("{seq}/{nonsense}")
