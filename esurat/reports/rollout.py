"""Where each agency stands in the roll-out, as the dashboard compares them: trial agencies
against the others, and an agency's figures before and after it went live.

The onboarding state (not started → trial → live, with dates) is kept by esurat/onboarding
(AgencyOnboarding). An agency without a row has never been through an onboarding: its
Agency.is_onboarded says live or not started, with no go-live date. These two functions are the
only place the reports read the roll-out.
"""

import datetime

from esurat.onboarding.models import AgencyOnboarding
from esurat.organisations.models import Agency

TRIAL, LIVE, NOT_STARTED = (
    AgencyOnboarding.State.TRIAL,
    AgencyOnboarding.State.LIVE,
    AgencyOnboarding.State.NOT_STARTED,
)


def stages(government) -> dict[int, str]:
    """Each agency of the government (by pk) and its stage: trial, live or not_started."""
    rows = Agency.objects.filter(government=government).values_list(
        "pk", "is_onboarded", "onboarding__state"
    )
    return {pk: state or (LIVE if onboarded else NOT_STARTED) for pk, onboarded, state in rows}


def went_live_on(agency) -> datetime.date | None:
    """The day the agency went live on e-Surat, when known."""
    return AgencyOnboarding.objects.filter(agency=agency).values_list("live_on", flat=True).first()
