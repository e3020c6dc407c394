"""Where each agency stands in the roll-out, as the dashboard compares them: trial agencies
against the others, and an agency's figures before and after it went live.

The onboarding state (not started → trial → live, with dates) is kept by esurat/onboarding
(issue 11). Until that app is installed, the only fact known is Agency.is_onboarded: an agency on
e-Surat counts as live, with no go-live date, and none is in trial. These two functions are the
only place the reports read the roll-out, so pointing them at the onboarding model changes
nothing else.
"""

import datetime

from django.apps import apps

from esurat.organisations.models import Agency

TRIAL, LIVE, NOT_STARTED = "trial", "live", "not_started"


def stages(government) -> dict[int, str]:
    """Each agency of the government (by pk) and its stage: trial, live or not_started."""
    if apps.is_installed("esurat.onboarding"):  # pragma: no cover - until issue 11 part 2 lands
        from esurat.onboarding.rollout import agency_stages

        return agency_stages(government)
    rows = Agency.objects.filter(government=government).values_list("pk", "is_onboarded")
    return {pk: LIVE if onboarded else NOT_STARTED for pk, onboarded in rows}


def went_live_on(agency) -> datetime.date | None:
    """The day the agency went live on e-Surat, when known."""
    if apps.is_installed("esurat.onboarding"):  # pragma: no cover
        from esurat.onboarding.rollout import live_since

        return live_since(agency)
    return None
