"""Changes to accounts, and the record of who logged in: employees and their roles (made by the
IT administrator in the admin), passwords (by their owner or an administrator), logins, failed
logins, lockouts and logouts.

Each do_* runs in one transaction with its audit event. A password or its hash is never
recorded, only that it changed and by whom.
"""

from django.db import transaction

from esurat.accounts.models import Role, User
from esurat.audit.actions import Actor, chains_for, delete_audited, record_event, save_audited

USER_FIELDS = ["username", "full_name", "nip", "government", "email", "phone", "is_active",
               "is_staff", "is_superuser", "password", "date_joined"]  # fmt: skip
ROLE_FIELDS = ["user", "kind", "agency"]
SECRET_FIELDS = ("password",)


def _subject(account) -> dict:
    return {"object": "accounts.user", "id": str(account.code), "name": str(account)}


@transaction.atomic
def do_save_user(*, account: User, user, ip_address=None) -> User:
    """Create or change an employee's account. Records `user.created` or `user.changed` with the
    changed fields; a new password only as "changed"."""
    save_audited(account, fields=USER_FIELDS, kind="user", government=account.government,
                 user=user, ip_address=ip_address, secret=SECRET_FIELDS)  # fmt: skip
    return account


@transaction.atomic
def do_delete_user(*, account: User, user, ip_address=None) -> None:
    """Delete an account (refused by the database once letters or audit events refer to it:
    deactivate it instead). Records `user.deleted`."""
    delete_audited(account, kind="user", government=account.government, user=user,
                   ip_address=ip_address)  # fmt: skip


@transaction.atomic
def do_set_user_permissions(*, account: User, groups, permissions, user, ip_address=None) -> bool:
    """Set the account's Django groups and permissions. Records `user.permissions_changed` with
    the groups and permissions before and after when they changed; returns whether they did."""

    def names(rel, attr):
        return sorted(str(getattr(x, attr)) for x in rel.all())

    before = {"groups": names(account.groups, "name"),
              "user_permissions": names(account.user_permissions, "codename")}  # fmt: skip
    account.groups.set(groups)
    account.user_permissions.set(permissions)
    after = {"groups": names(account.groups, "name"),
             "user_permissions": names(account.user_permissions, "codename")}  # fmt: skip
    found = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
    if not found:
        return False
    for chain in chains_for(account.government, user):
        record_event(government=chain, actor=Actor(user, None, "", ip_address),
                     action="user.permissions_changed",
                     data={**_subject(account), "changes": found})  # fmt: skip
    return True


def _role_government(role: Role):
    return role.agency.government if role.agency_id else role.user.government


@transaction.atomic
def do_save_role(*, role: Role, user, ip_address=None) -> Role:
    """Grant or change a role (administrator, registry clerk of an agency). Records
    `role.created` or `role.changed`."""
    save_audited(role, fields=ROLE_FIELDS, kind="role", government=_role_government(role),
                 user=user, ip_address=ip_address)  # fmt: skip
    return role


@transaction.atomic
def do_delete_role(*, role: Role, user, ip_address=None) -> None:
    """Withdraw a role. Records `role.deleted`."""
    delete_audited(role, kind="role", government=_role_government(role), user=user,
                   ip_address=ip_address)  # fmt: skip


@transaction.atomic
def do_change_password(*, account: User, password: str | None, user, ip_address=None) -> User:
    """Set the account's password (None: disable password login). `user` is who does it: the
    owner on their password page, or an administrator. Records `user.password_changed` (or
    `user.password_disabled`) saying by whom; never the password."""
    if password is None:
        account.set_unusable_password()
    else:
        account.set_password(password)
    account.save(update_fields=["password"])
    action = "user.password_changed" if password is not None else "user.password_disabled"
    by = "self" if user is not None and user.pk == account.pk else "administrator"
    for chain in chains_for(account.government, user):
        record_event(government=chain, actor=Actor(user, None, "", ip_address), action=action,
                     data={**_subject(account), "by": by})  # fmt: skip
    return account


# --- logins --------------------------------------------------------------------------------------
# Called from Django's and django-axes's authentication signals (esurat/accounts/auth_events.py):
# they reach every way in (our login page, the admin's, the API's token endpoint) and the
# lockout, which no view of ours sees.


def _account_for(login: str) -> User | None:
    login = (login or "").strip()
    if login.isdigit() and len(login) == 18:
        return User.objects.filter(nip=login).select_related("government").first()
    return User.objects.filter(username__iexact=login).select_related("government").first()


@transaction.atomic
def do_record_login(*, account: User, ip_address=None) -> None:
    """Record `user.logged_in` for a session opened with the password."""
    for chain in chains_for(account.government, account):
        record_event(government=chain, actor=Actor(account, None, "", ip_address),
                     action="user.logged_in", data=_subject(account))  # fmt: skip


@transaction.atomic
def do_record_logout(*, account: User, ip_address=None) -> None:
    """Record `user.logged_out`."""
    for chain in chains_for(account.government, account):
        record_event(government=chain, actor=Actor(account, None, "", ip_address),
                     action="user.logged_out", data=_subject(account))  # fmt: skip


@transaction.atomic
def do_record_login_failure(*, login: str, ip_address=None, locked_out: bool = False) -> None:
    """Record `user.login_failed` (or `user.locked_out` when django-axes locked the username and
    address) with the login that was typed, in the chain of the account it names, else of every
    government. Nobody is the actor: the person who typed it is not known."""
    account = _account_for(login)
    action = "user.locked_out" if locked_out else "user.login_failed"
    data = {"login": (login or "")[:150]}
    if account is not None:
        data |= _subject(account)
    for chain in chains_for(account.government if account else None, None):
        record_event(government=chain, actor=Actor(None, None, "", ip_address), action=action,
                     data=data)  # fmt: skip
