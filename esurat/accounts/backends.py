from django.contrib.auth.backends import ModelBackend

from esurat.accounts.models import User


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
