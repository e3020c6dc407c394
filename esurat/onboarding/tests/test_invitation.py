"""New employees choose their own password through a one-time link; none is ever mailed."""

import re

import pytest
from django.urls import reverse

from esurat.accounts.models import User
from esurat.audit.models import AuditEvent
from esurat.onboarding.tests.conftest import NIP_A, last_import, run, upload, xlsx

pytestmark = pytest.mark.django_db


def test_it_invites_by_a_set_password_link_and_never_mails_a_password(
    client, admin, mailoutbox, django_capture_on_commit_callbacks
):
    upload(client, xlsx())
    with django_capture_on_commit_callbacks(execute=True):
        run(client, last_import())
    mail = next(m for m in mailoutbox if m.to == ["andi@banuaraya.go.id"])
    link = re.search(r"http://\S+/onboarding/invitation/\S+/", mail.body).group(0)
    assert NIP_A in mail.body and "password" not in mail.body.lower().split("choose")[0]
    user = User.objects.get(nip=NIP_A)
    assert not user.has_usable_password()
    client.logout()
    path = link.split("://", 1)[1].split("/", 1)[1]
    page = client.get("/" + path)
    assert page.status_code == 200 and b"Andi Wijaya" in page.content
    response = client.post("/" + path, {"new_password1": "Pantai-Indah-2026",
                                        "new_password2": "Pantai-Indah-2026"})  # fmt: skip
    assert response.status_code == 302 and response["Location"] == reverse("accounts:login")
    user.refresh_from_db()
    assert user.check_password("Pantai-Indah-2026")
    assert "Pantai-Indah-2026" not in mail.body
    assert AuditEvent.objects.filter(action="account.invitation_accepted", actor=user).exists()
    # The link works once.
    assert client.get("/" + path).status_code == 404


def test_it_refuses_a_forged_link(client, city):
    url = reverse("onboarding:invitation", kwargs={"uidb64": "MQ", "token": "abc-def"})
    assert client.get(url).status_code == 404
    assert client.post(url, {"new_password1": "x", "new_password2": "x"}).status_code == 404
