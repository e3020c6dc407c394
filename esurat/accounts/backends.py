from django.contrib.auth.backends import ModelBackend
from django.db.models import Exists, OuterRef

from esurat.accounts.models import Role, User


class NipOrUsernameBackend(ModelBackend):
    """Log in with the 18-digit NIP or the username, case-insensitively for usernames."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if not username or password is None:
            return None
        login = username.strip()
        if login.isdigit() and len(login) == 18:
            user = User.objects.filter(nip=login).first()
        else:
            user = User.objects.filter(username__iexact=login).first()
        if user is None:
            User().set_password(password)  # same time whether or not the user exists
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None

    def get_user(self, user_id):
        """The user of a session, read with what every page needs in the same query: the
        government (its time zone, GovernmentTimezoneMiddleware), `has_clerk_role` and
        `has_report_role` (the navigation's registry and evaluation links), instead of a round trip each."""
        try:
            user = SESSION_USERS.get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None


REPORT_KINDS = (Role.Kind.GOVERNMENT_ADMIN, Role.Kind.AGENCY_ADMIN, Role.Kind.LEADERSHIP)

# Built once: each request then only adds its user id (half the ORM cost of building it anew).
SESSION_USERS = User.objects.select_related("government").annotate(
    has_clerk_role=Exists(Role.objects.filter(user=OuterRef("pk"), kind=Role.Kind.CLERK)),
    has_admin_role=Exists(
        Role.objects.filter(
            user=OuterRef("pk"), kind__in=[Role.Kind.GOVERNMENT_ADMIN, Role.Kind.AGENCY_ADMIN]
        )
    ),  # the navigation's Onboarding link (esurat.onboarding.context_processors)
    # The navigation's link to the evaluation (esurat/reports/access.py decides the scope).
    has_report_role=Exists(Role.objects.filter(user=OuterRef("pk"), kind__in=REPORT_KINDS)),
)
