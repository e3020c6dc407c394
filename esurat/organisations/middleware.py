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


class LanguageMiddleware:
    """Indonesian unless the user chose English (the language cookie set by /i18n/setlang/).

    Unlike Django's LocaleMiddleware it ignores the browser's Accept-Language: a government
    application speaks Bahasa Indonesia by default, whatever language the phone is set to.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.conf import settings
        from django.utils import translation

        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response
