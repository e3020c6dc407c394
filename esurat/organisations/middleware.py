from django.utils import timezone


class GovernmentTimezoneMiddleware:
    """Show times in the zone of the logged-in user's government (default TIME_ZONE)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        government = getattr(user, "government", None) if user and user.is_authenticated else None
        if government is not None:
            timezone.activate(government.zone)
        else:
            timezone.deactivate()
        return self.get_response(request)
