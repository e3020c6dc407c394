"""Account changes in the admin, password changes and logins are in the audit trail: who, what
changed, from where; never a password or its hash. A refused change leaves no event."""

import json

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from esurat.accounts.models import Role, User
from esurat.audit.actions import verify_chain
from esurat.audit.models import AuditEvent
from esurat.audit.tests.admin_forms import form_data

LOGIN, LOGOUT = "/accounts/login/", "/accounts/logout/"
NEW_PASSWORD = "Kopi-Susu-Pagi-77"

pytestmark = pytest.mark.django_db


@pytest.fixture
def it_admin(client, city):
    client.force_login(city.users["admin"])
    return client


def events(action):
    return list(AuditEvent.objects.filter(action=action).order_by("seq"))


def no_secret_in(event, user):
    user.refresh_from_db()
    text = json.dumps(event.data)
    return NEW_PASSWORD not in text and user.password not in text


def test_it_records_a_change_of_an_employee(it_admin, city):
    staff = city.users["staf.aptika"]
    url = reverse("admin:accounts_user_change", args=[staff.pk])
    page = it_admin.get(url)
    response = it_admin.post(url, form_data(page, email="rizky@example.go.id", is_staff="on"))
    assert response.status_code == 302
    (event,) = events("user.changed")
    assert event.data["changes"] == {
        "email": [staff.email, "rizky@example.go.id"], "is_staff": [False, True],
    }  # fmt: skip
    assert event.actor == city.users["admin"] and event.data["id"] == str(staff.code)
    assert verify_chain(city.government) == (True, None)


def test_it_records_a_new_employee_without_the_password(it_admin, city):
    url = reverse("admin:accounts_user_add")
    data = {"username": "baru", "full_name": "Pegawai Baru", "nip": "", "email": "b@x.go.id",
            "government": city.government.pk, "usable_password": "true",
            "password1": NEW_PASSWORD, "password2": NEW_PASSWORD,
            "roles-TOTAL_FORMS": "0", "roles-INITIAL_FORMS": "0"}  # fmt: skip
    response = it_admin.post(url, data)
    assert response.status_code == 302
    account = User.objects.get(username="baru")
    (event,) = events("user.created")
    assert event.data["changes"]["password"] == "changed"
    assert event.data["changes"]["username"] == [None, "baru"]
    assert no_secret_in(event, account)


def test_it_records_roles_and_groups_changed_on_the_employee_page(it_admin, city):
    staff = city.users["staf.aptika"]
    group = Group.objects.create(name="Operator")
    url = reverse("admin:accounts_user_change", args=[staff.pk])
    page = it_admin.get(url)
    data = form_data(page, groups=[group.pk], **{
        "roles-TOTAL_FORMS": "1", "roles-0-kind": "clerk",
        "roles-0-agency": city.agencies["Diskominfo"].pk,
    })  # fmt: skip
    assert it_admin.post(url, data).status_code == 302
    (role,) = events("role.created")
    assert role.data["changes"]["kind"] == [None, "clerk"]
    (permissions,) = events("user.permissions_changed")
    assert permissions.data["changes"] == {"groups": [[], ["Operator"]]}
    assert Role.objects.filter(user=staff, kind="clerk").exists()


def test_it_records_a_role_withdrawn_and_nothing_for_a_refused_one(it_admin, city):
    clerk = city.users["agendaris.kominfo"]
    role = Role.objects.get(user=clerk, kind="clerk")
    add = reverse("admin:accounts_role_add")
    duplicate = {"user": clerk.pk, "kind": "clerk", "agency": role.agency_id}
    assert it_admin.post(add, duplicate).status_code == 200  # refused: the role exists
    assert events("role.created") == []
    delete = reverse("admin:accounts_role_delete", args=[role.pk])
    assert it_admin.post(delete, {"post": "yes"}).status_code == 302
    (event,) = events("role.deleted")
    assert event.data["id"] == str(role.pk) and not Role.objects.filter(pk=role.pk).exists()


def test_it_records_a_password_set_by_an_administrator(it_admin, city):
    staff = city.users["staf.aptika"]
    url = reverse("admin:auth_user_password_change", args=[staff.pk])
    refused = {"password1": NEW_PASSWORD, "password2": "lain", "usable_password": "true"}
    assert it_admin.post(url, refused).status_code == 200
    assert events("user.password_changed") == []
    data = {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"}
    assert it_admin.post(url, data).status_code == 302
    staff.refresh_from_db()
    assert staff.check_password(NEW_PASSWORD)
    (event,) = events("user.password_changed")
    assert event.data["by"] == "administrator" and event.actor == city.users["admin"]
    assert event.data["id"] == str(staff.code) and no_secret_in(event, staff)


def test_it_records_a_password_changed_by_its_owner(client, city):
    staff = city.users["staf.aptika"]
    client.force_login(staff)
    url = reverse("accounts:password_change")
    client.post(url, {"old_password": "salah", "new_password1": NEW_PASSWORD,
                      "new_password2": NEW_PASSWORD})  # fmt: skip
    assert events("user.password_changed") == []
    response = client.post(url, {"old_password": "pw", "new_password1": NEW_PASSWORD,
                                 "new_password2": NEW_PASSWORD})  # fmt: skip
    assert response.status_code == 302
    (event,) = events("user.password_changed")
    assert event.data["by"] == "self" and event.actor == staff and no_secret_in(event, staff)


def test_it_records_logins_failures_and_logouts(client, city):
    staff = city.users["staf.aptika"]
    assert client.post(LOGIN, {"username": "staf.aptika", "password": "salah"}).status_code == 200
    assert client.post(LOGIN, {"username": "tidak.ada", "password": "x"}).status_code == 200
    known, unknown = events("user.login_failed")
    assert known.data["login"] == "staf.aptika" and known.data["id"] == str(staff.code)
    assert known.actor is None and known.ip_address == "127.0.0.1"
    assert unknown.data == {"login": "tidak.ada"}
    assert "salah" not in json.dumps(known.data)
    assert client.post(LOGIN, {"username": "staf.aptika", "password": "pw"}).status_code == 302
    (login,) = events("user.logged_in")
    assert login.actor == staff and login.ip_address == "127.0.0.1"
    assert client.post(LOGOUT).status_code == 302
    (logout,) = events("user.logged_out")
    assert logout.actor == staff
    assert verify_chain(city.government) == (True, None)


def test_it_records_a_lockout(client, city, settings):
    settings.AXES_ENABLED = True
    for _ in range(5):
        client.post(LOGIN, {"username": "kabid.aptika", "password": "wrong"})
    assert client.post(LOGIN, {"username": "kabid.aptika", "password": "pw"}).status_code == 429
    assert len(events("user.login_failed")) == 4
    locked = events("user.locked_out")
    assert len(locked) == 2  # the fifth failure, then the right password refused while locked
    assert all(e.data["login"] == "kabid.aptika" for e in locked)
    assert events("user.logged_in") == []


def test_it_records_nothing_for_a_refused_change_of_an_employee(it_admin, city):
    staff = city.users["staf.aptika"]
    url = reverse("admin:accounts_user_change", args=[staff.pk])
    before = AuditEvent.objects.count()
    response = it_admin.post(url, form_data(it_admin.get(url), nip="123", email="a@b.go.id"))
    assert response.status_code == 200  # a NIP has 18 digits
    assert AuditEvent.objects.count() == before
