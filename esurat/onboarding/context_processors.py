from esurat.onboarding.access import admin_scope


def onboarding(request):
    """`is_onboarding_admin` for the navigation: the session's user carries the answer (read
    with it by accounts.backends), others ask the roles — lazily, on first use."""
    user = getattr(request, "user", None)
    if not getattr(user, "is_authenticated", False):
        return {}
    flag = getattr(user, "has_admin_role", None)
    return {"is_onboarding_admin": (lambda: admin_scope(user) is not None) if flag is None
            else flag}  # fmt: skip
