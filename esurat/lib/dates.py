"""Dates in the government's zone."""

import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

DAYS_ID = ["Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"]
ROMAN_MONTHS = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]
MONTHS_ID = [
    "Januari", "Februari", "Maret", "April", "Mei", "Juni",
    "Juli", "Agustus", "September", "Oktober", "November", "Desember",
]  # fmt: skip


def roman_month(date: datetime.date) -> str:
    return ROMAN_MONTHS[date.month - 1]


def long_date_id(date: datetime.date) -> str:
    """23 November 2026, as letters write it."""
    return f"{date.day} {MONTHS_ID[date.month - 1]} {date.year}"


def day_date_id(date: datetime.date) -> str:
    """Sabtu, 5 Desember 2026: a date with its day, as an announcement names it."""
    return f"{DAYS_ID[date.weekday()]}, {long_date_id(date)}"


def check_not_future(date: datetime.date, government) -> None:
    """Refuse a date after today in the government's zone."""
    if date > government.today():
        raise ValidationError(_("The date cannot be later than today."), code="future_date")
