"""Load the shipped national holidays and cuti bersama into every government's calendar.

Run it after `migrate` at every install and upgrade (docs/deploy.md): a new government gets the
calendar, an existing one gets the years a new release ships. Safe to run again: it only adds
dates a government does not have.
"""

from django.core.management.base import BaseCommand

from esurat.organisations.actions import do_load_national_holidays
from esurat.organisations.holidays import national_calendar
from esurat.organisations.models import Government


class Command(BaseCommand):
    help = (
        "Add the national holidays and cuti bersama shipped in esurat/organisations/data/"
        "holidays.csv to every government's calendar. Idempotent."
    )

    def handle(self, *args, **options):
        days = national_calendar()
        provisional = sum(1 for d in days if d.status == "provisional")
        self.stdout.write(
            f"National calendar: {len(days)} days, {days[0].date.year}–{days[-1].date.year} "
            f"({provisional} provisional, to be checked against each year's SKB)."
        )
        for government in Government.objects.order_by("pk"):
            added = do_load_national_holidays(government=government)
            self.stdout.write(f"{government.name}: {added} added.")
