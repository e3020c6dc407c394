"""The Django admin: the IT administrator maintains the organisation and reference data; letters,
numbers, registrations and the audit trail are only looked at there."""

import pytest
from django.contrib import admin
from django.urls import reverse

from esurat.audit.models import AuditEvent
from esurat.letters.models import IssuedNumber, Letter, LetterKind, Registration
from esurat.letters.tests.factories import draft_nota_dinas, send_through


@pytest.fixture
def letters(city):
    sent = send_through(city, draft_nota_dinas(city, subject="Rapat koordinasi SPBE"))
    secret = send_through(city, draft_nota_dinas(city, security="R", subject="Insiden siber"))
    return sent, secret


@pytest.fixture
def it_admin(client, city):
    client.force_login(city.users["admin"])
    return client


def _url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def test_it_loads_every_changelist_and_change_page(it_admin, letters):
    response = it_admin.get(reverse("admin:index"))
    assert response.status_code == 200
    assert "e-Surat — Administrasi" in response.text
    for model, model_admin in admin.site._registry.items():
        response = it_admin.get(_url(model, "changelist"))
        assert response.status_code == 200, model
        obj = model_admin.get_queryset(response.wsgi_request).first()
        if obj is not None:
            assert it_admin.get(_url(model, "change", obj.pk)).status_code == 200, model


@pytest.mark.parametrize("model", [Letter, AuditEvent, IssuedNumber, Registration])
def test_it_refuses_to_add_change_or_delete_records(it_admin, letters, model):
    obj = model.objects.first()
    before = model.objects.count()
    change = it_admin.get(_url(model, "change", obj.pk))
    assert change.status_code == 200  # view only
    assert 'name="_save"' not in change.text
    assert it_admin.post(_url(model, "change", obj.pk), {}).status_code == 403
    assert it_admin.get(_url(model, "delete", obj.pk)).status_code == 403
    assert it_admin.post(_url(model, "delete", obj.pk), {"post": "yes"}).status_code == 403
    assert it_admin.get(_url(model, "add")).status_code == 403
    changelist = it_admin.post(
        _url(model, "changelist"), {"action": "delete_selected", "_selected_action": [obj.pk]}
    )
    assert changelist.status_code in (200, 302)
    assert model.objects.count() == before
    assert model.objects.filter(pk=obj.pk).exists()


def test_it_keeps_letters_unchanged_through_the_admin(it_admin, letters):
    sent, _secret = letters
    it_admin.post(_url(Letter, "change", sent.pk), {"subject": "Diubah", "state": "draft"})
    sent.refresh_from_db()
    assert (sent.subject, sent.state) == ("Rapat koordinasi SPBE", Letter.State.SENT)


def test_it_never_shows_a_secret_letter(it_admin, letters):
    sent, secret = letters
    response = it_admin.get(_url(Letter, "changelist"))
    assert sent.subject in response.text
    assert secret.subject not in response.text
    response = it_admin.get(_url(Letter, "change", secret.pk))
    assert response.status_code == 302  # "does not exist" for the admin
    issued = IssuedNumber.objects.get(letter=secret)
    response = it_admin.get(_url(IssuedNumber, "change", issued.pk))
    assert secret.subject not in response.text
    event = AuditEvent.objects.filter(letter=secret, action="letter.created").get()
    response = it_admin.get(_url(AuditEvent, "change", event.pk))
    assert secret.subject not in response.text


def test_it_checks_the_number_template_of_a_letter_kind(it_admin, city):
    data = {"code": "surat-izin", "name": "Surat Izin", "abbreviation": "SI", "layout": "judul",
            "number_template": "{classification}/{unit_code}/{year}", "sequence_scope": "agency",
            "seq_digits": 4, "paper": "A4", "is_active": "on"}  # fmt: skip
    response = it_admin.post(_url(LetterKind, "add"), data)
    assert response.status_code == 200
    assert "the template needs {seq}" in response.text
    response = it_admin.post(_url(LetterKind, "add"), {**data, "number_template": "{nomor}/{seq}"})
    assert "unknown placeholders: nomor" in response.text
    assert not LetterKind.objects.filter(code="surat-izin").exists()
    data["number_template"] = "{classification}/{seq}/{unit_code}/{year}"
    assert it_admin.post(_url(LetterKind, "add"), data).status_code == 302
    assert LetterKind.objects.get(code="surat-izin").number_template == data["number_template"]


def test_it_finds_a_holder_by_name_for_a_position(it_admin, city):
    response = it_admin.get(
        reverse("admin:autocomplete"),
        {"app_label": "organisations", "model_name": "position", "field_name": "holder",
         "term": "Dewi"},
    )  # fmt: skip
    assert response.status_code == 200
    assert [r["text"] for r in response.json()["results"]] == ["Dewi Lestari, S.Kom., M.Kom."]


def test_it_keeps_other_users_out(client, city):
    client.force_login(city.users["kadis.kominfo"])
    response = client.get(_url(Letter, "changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
