from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from esurat.accounts.actions import do_change_password
from esurat.accounts.forms import LoginForm, PasswordChangeForm

# Django's LoginView keeps the `next` checks and session rotation we would otherwise rewrite;
# django-axes counts its failures through the authentication backend.
login_view = require_http_methods(["GET", "POST"])(
    auth_views.LoginView.as_view(
        template_name="accounts/login.html",
        authentication_form=LoginForm,
        redirect_authenticated_user=True,
    )
)


@login_required
@require_POST
def logout_view(request):
    return auth_views.LogoutView.as_view()(request)


@login_required
@require_http_methods(["GET", "POST"])
def password_change(request):
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = do_change_password(account=request.user, user=request.user,
                                  password=form.cleaned_data["new_password1"],
                                  ip_address=request.META.get("REMOTE_ADDR"))  # fmt: skip
        update_session_auth_hash(request, user)  # stay logged in on this device
        messages.success(request, _("Your password has been changed."))
        return redirect("letters:inbox")
    return render(request, "accounts/password_change.html", {"form": form})
