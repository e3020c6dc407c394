"""A malformed multipart body on any upload (a part header over Django's 1 KB limit, a multipart
type with a body that is not multipart, no boundary) or one over the size limit is the client's
fault: 400 or 413 with a sentence in the API's error format, never 500, and nothing is stored.
A body that is not JSON gets a documented 400 too, and a path code that is not a UUID the API's
JSON 404."""

import pytest

from esurat.api.tests.helpers import API, PDF, caller
from esurat.audit.models import AuditEvent
from esurat.dispositions.models import FollowUp
from esurat.dispositions.tests.conftest import BINA_MARGA, give, pupr
from esurat.letters.models import Attachment, Letter
from esurat.letters.tests.factories import draft_nota_dinas

pytestmark = pytest.mark.django_db
__all__ = ["pupr"]  # fixture
BOUNDARY = "esuratboundary"
UNREADABLE = (
    "The upload could not be read: send the fields and files as multipart/form-data, with file "
    "names under 255 characters."
)


def _part(name, filename=None, content=b"x", content_type="application/pdf") -> bytes:
    disposition = f'form-data; name="{name}"' + (f'; filename="{filename}"' if filename else "")
    head = f"--{BOUNDARY}\r\nContent-Disposition: {disposition}\r\n"
    if filename:
        head += f"Content-Type: {content_type}\r\n"
    return head.encode() + b"\r\n" + content + b"\r\n"


LONG_NAME = _part("file", "a" * 1000 + ".pdf", PDF) + f"--{BOUNDARY}--\r\n".encode()
MALFORMED = {
    "a 1,000-character file name": (LONG_NAME, f"multipart/form-data; boundary={BOUNDARY}"),
    "a body that is not multipart": (b'{"a": 1}', f"multipart/form-data; boundary={BOUNDARY}"),
    "no boundary": (LONG_NAME, "multipart/form-data"),
}


def _post(client, who, path, body, content_type):
    return client.generic("POST", API + path, body, content_type=content_type, headers=who.headers)


def _uploads(city, pupr_disposition=None):
    """(who, path, what must stay empty) for each upload endpoint."""
    letter = draft_nota_dinas(city)
    return [
        ("staf.aptika", f"/letters/{letter.code}/attachments", Attachment.objects.all()),
        ("kabid.binamarga", f"/dispositions/{pupr_disposition.code}/follow-up",
         FollowUp.objects.all()),
        ("agendaris.pupr", "/incoming/", Letter.objects.filter(origin="registered")),
    ]  # fmt: skip


@pytest.mark.parametrize("case", list(MALFORMED))
def test_it_answers_400_to_a_malformed_multipart_body_on_every_upload(client, pupr, case):
    (disposition,) = give(pupr, "kadis.pupr", [BINA_MARGA])
    body, content_type = MALFORMED[case]
    uploads = [(caller(client, pupr.city, u), path, stored)
               for u, path, stored in _uploads(pupr.city, disposition)]  # fmt: skip
    events = AuditEvent.objects.count()
    for who, path, stored in uploads:
        response = _post(client, who, path, body, content_type)
        if case == "a body that is not multipart" and response.status_code == 422:
            # Django reads such a body as no fields at all: then the missing fields are named.
            assert response.json()["detail"], path
        else:
            assert response.status_code == 400, (path, response.content)
            assert response.json() == {"detail": UNREADABLE}, path
        assert response["Content-Type"].startswith("application/json")
        assert not stored.exists(), path
    assert AuditEvent.objects.count() == events


def test_it_answers_413_to_an_upload_over_the_size_limit(client, pupr, settings):
    (disposition,) = give(pupr, "kadis.pupr", [BINA_MARGA])
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    body = _part("text", None, b"x" * 500) + f"--{BOUNDARY}--\r\n".encode()
    for username, path, stored in _uploads(pupr.city, disposition):
        response = _post(client, caller(client, pupr.city, username), path, body,
                         f"multipart/form-data; boundary={BOUNDARY}")  # fmt: skip
        assert response.status_code == 413, (path, response.content)
        assert response.json() == {"detail": "The upload is larger than the server accepts."}
        assert not stored.exists()


def test_it_answers_404_not_400_to_an_outsider_with_a_malformed_upload(client, city):
    letter = draft_nota_dinas(city)
    body, content_type = MALFORMED["a 1,000-character file name"]
    outsider = caller(client, city, "staf.pupr")
    response = _post(client, outsider, f"/letters/{letter.code}/attachments", body, content_type)
    assert response.status_code == 404 and response.json() == {"detail": "Not found."}


@pytest.mark.indonesian
def test_it_says_it_in_indonesian(client, city):
    letter = draft_nota_dinas(city)
    body, content_type = MALFORMED["no boundary"]
    drafter = caller(client, city, "staf.aptika")
    response = _post(client, drafter, f"/letters/{letter.code}/attachments", body, content_type)
    assert response.status_code == 400
    assert "multipart/form-data" in response.json()["detail"]
    assert response.json()["detail"] != UNREADABLE


def test_it_answers_a_documented_400_to_a_body_that_is_not_json(client, city):
    letter = draft_nota_dinas(city)
    drafter = caller(client, city, "staf.aptika")
    response = client.patch(f"{API}/letters/{letter.code}", b'{"subject": "x',
                            content_type="application/json", headers=drafter.headers)  # fmt: skip
    assert response.status_code == 400
    assert response.json() == {"detail": "The request body is not valid JSON."}
    letter.refresh_from_db()
    assert letter.subject == "Undangan rapat koordinasi"
    schema = client.get(f"{API}/openapi.json").json()
    assert "400" in schema["paths"]["/api/v1/letters/{code}"]["patch"]["responses"]


@pytest.mark.parametrize("path", ["/letters/not-a-uuid", "/letters/123/timeline",
                                  "/attachments/x", "/dispositions/x/read", "/incoming/x",
                                  "/dispatches/x", "/no-such-thing"])  # fmt: skip
def test_it_answers_the_apis_json_404_to_a_code_that_is_not_a_uuid(client, city, path):
    who = caller(client, city, "staf.aptika")
    for method in ("get", "post"):
        response = getattr(client, method)(API + path, headers=who.headers)
        assert response.status_code == 404, (method, path)
        assert response["Content-Type"] == "application/json"
        assert response.json() == {"detail": "Not found."}
