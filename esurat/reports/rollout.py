"""Where each agency stands in the roll-out, as the dashboard compares them: trial agencies
against the others, and an agency's figures before and after it went live.

The onboarding state (not started → trial → live, with dates) is kept by esurat/onboarding
(AgencyOnboarding; an agency without a row counts as live). It is read through the app registry,
so the reports also work where that app is not installed: then the only fact known is
Agency.is_onboarded (live or not started, no go-live date, none in trial). These two functions
are the only place the reports read the roll-out.
"""

import datetime

from django.apps import apps

from esurat.organisations.models import Agency

TRIAL, LIVE, NOT_STARTED = "trial", "live", "not_started"


def _onboarding():
    if apps.is_installed("esurat.onboarding"):
        return apps.get_model("onboarding", "AgencyOnboarding")
    return None


def stages(government) -> dict[int, str]:
    """Each agency of the government (by pk) and its stage: trial, live or not_started."""
    model = _onboarding()
    rows = Agency.objects.filter(government=government).values_list("pk", "is_onboarded")
    if model is None:
        return {pk: LIVE if onboarded else NOT_STARTED for pk, onboarded in rows}
    states = dict(
        model.objects.filter(agency__government=government).values_list("agency_id", "state")
    )
    return {pk: states.get(pk, LIVE) for pk, _onboarded in rows}


def went_live_on(agency) -> datetime.date | None:
    """The day the agency went live on e-Surat, when known."""
    model = _onboarding()
    if model is None:
        return None
    return model.objects.filter(agency=agency).values_list("live_on", flat=True).first()
