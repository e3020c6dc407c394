from django.conf import settings
from django.utils import timezone

SESSION_KEY = "esurat_active_day"


class DailyActivityMiddleware:
    """Note each signed-in user's first request of the local day (esurat.reports.DailyActivity).

    The session remembers the day it was noted, so the database is written at most once a day per
    session; the row itself is inserted once a day per user (do_note_activity ignores a repeat).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            settings.NOTE_DAILY_ACTIVITY
            and user is not None
            and user.is_authenticated
            and user.government_id
        ):
            now = timezone.now()
            today = timezone.localdate(now, user.government.zone).isoformat()
            if request.session.get(SESSION_KEY) != today:
                from esurat.organisations.access import seats_of
                from esurat.reports.actions import do_note_activity

                seats = seats_of(user)
                agency_id = seats[0].position.agency_id if seats else None
                do_note_activity(user=user, agency_id=agency_id, at=now)
                request.session[SESSION_KEY] = today
        return self.get_response(request)
