"""Every letter endpoint refuses: no credentials 401, an outsider 404 (even with a bad body),
an action the letter's state does not allow 409 with the reason, and changes nothing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from esurat.api.tests.helpers import API, PDF, caller
from esurat.audit.models import AuditEvent
from esurat.letters.actions import do_add_attachment
from esurat.letters.models import Letter
from esurat.letters.tests.factories import draft_nota_dinas, send_through
from esurat.organisations.access import seats_of


@pytest.fixture
def sent(city):
    """A sent Kominfo letter with an attachment: staf.pupr is an outsider to it."""
    letter = draft_nota_dinas(city)
    staff = city.users["staf.aptika"]
    upload = SimpleUploadedFile("a.pdf", PDF, content_type="application/pdf")
    attachment = do_add_attachment(
        letter=letter, seat=seats_of(staff)[0], user=staff, upload=upload
    )
    return send_through(city, letter), attachment


# (method, path, valid body, who may see the letter but may no longer do this)
LETTER_ENDPOINTS = [
    ("get", "/letters/{letter}", None, None),
    ("patch", "/letters/{letter}", {"subject": "Baru"}, "staf.aptika"),
    ("upload", "/letters/{letter}/attachments", None, "staf.aptika"),
    ("post", "/letters/{letter}/submit", None, "staf.aptika"),
    ("post", "/letters/{letter}/review", {"approve": True}, "kabid.aptika"),
    ("post", "/letters/{letter}/sign", {"password": "pw"}, "kadis.kominfo"),
    ("post", "/letters/{letter}/return", {"note": "Perbaiki"}, "kadis.kominfo"),
    ("post", "/letters/{letter}/withdraw", None, "staf.aptika"),
    ("get", "/letters/{letter}/versions", None, None),
    ("get", "/letters/{letter}/timeline", None, None),
    ("get", "/letters/{letter}/receipts", None, None),
    ("get", "/attachments/{attachment}", None, None),
    ("delete", "/attachments/{attachment}", None, "staf.aptika"),
]
IDS = [f"{m}:{p}" for m, p, _b, _w in LETTER_ENDPOINTS]


def _call(who, method, path, body):
    if method == "upload":
        return who.upload(path, "b.pdf", PDF)
    if method in ("get", "delete"):
        return getattr(who, method)(path)
    return getattr(who, method)(path, body)


def _path(template, sent):
    letter, attachment = sent
    return template.format(letter=letter.code, attachment=attachment.code)


@pytest.mark.django_db
@pytest.mark.parametrize("method,template,body,actor", LETTER_ENDPOINTS, ids=IDS)
def test_it_refuses_callers_without_credentials(client, sent, method, template, body, actor):
    path = API + _path(template, sent)
    http = "post" if method == "upload" else method
    response = getattr(client, http)(path, body or {}, content_type="application/json")
    assert response.status_code == 401


@pytest.mark.django_db
@pytest.mark.parametrize("method,template,body,actor", LETTER_ENDPOINTS, ids=IDS)
def test_it_answers_not_found_to_an_outsider(client, city, sent, method, template, body, actor):
    outsider = caller(client, city, "staf.pupr")
    events = AuditEvent.objects.count()
    assert _call(outsider, method, _path(template, sent), body).status_code == 404
    if body is not None:  # an invalid body does not reveal that the letter exists either
        assert _call(outsider, method, _path(template, sent), {"bad": 1}).status_code == 404
    assert AuditEvent.objects.count() == events


@pytest.mark.django_db
@pytest.mark.parametrize(
    "method,template,body,actor", [e for e in LETTER_ENDPOINTS if e[3]],
    ids=[i for i, e in zip(IDS, LETTER_ENDPOINTS, strict=True) if e[3]],
)  # fmt: skip
def test_it_answers_conflict_when_the_state_forbids_it(
    client, city, sent, method, template, body, actor
):
    letter, _attachment = sent
    who = caller(client, city, actor)
    events = AuditEvent.objects.count()
    response = _call(who, method, _path(template, sent), body)
    assert response.status_code == 409
    assert response.json()["detail"]
    fresh = Letter.objects.get(pk=letter.pk)
    assert (fresh.state, fresh.version, fresh.subject) == ("sent", 1, letter.subject)
    assert fresh.attachments.count() == 1
    assert AuditEvent.objects.count() == events


@pytest.mark.django_db
def test_it_hides_receipts_from_recipients(client, city, sent):
    letter, _attachment = sent
    assert caller(client, city, "kadis.pupr").get(f"/letters/{letter.code}").status_code == 200
    response = caller(client, city, "kadis.pupr").get(f"/letters/{letter.code}/receipts")
    assert response.status_code == 404


@pytest.mark.django_db
def test_it_answers_conflict_to_a_reviewer_who_tries_to_edit(client, city):
    letter = draft_nota_dinas(city)
    drafter = caller(client, city, "staf.aptika")
    assert drafter.post(f"/letters/{letter.code}/submit").status_code == 200
    kabid = caller(client, city, "kabid.aptika")
    response = kabid.patch(f"/letters/{letter.code}", {"subject": "Diubah"})
    assert response.status_code == 409
    assert kabid.post(f"/letters/{letter.code}/sign", {"password": "pw"}).status_code == 409
    assert drafter.post(f"/letters/{letter.code}/submit").status_code == 409
    assert Letter.objects.get(pk=letter.pk).subject == letter.subject


@pytest.mark.django_db
def test_it_refuses_a_delegate_to_sign(client, city):
    letter = draft_nota_dinas(city, reviewers=[])  # drafted by the Kabid: no paraf needed
    caller(client, city, "kabid.aptika").post(f"/letters/{letter.code}/submit")
    delegate = caller(client, city, "sekdis.kominfo")
    assert delegate.get(f"/letters/{letter.code}").status_code == 200
    response = delegate.post(f"/letters/{letter.code}/sign", {"password": "pw"})
    assert response.status_code == 409
    assert Letter.objects.get(pk=letter.pk).state == Letter.State.AWAITING_SIGNATURE
