"""The served OpenAPI schema tells the truth: every operation in /api/v1/openapi.json is called with
real data of the demo city, and each real answer (its status and its body) is checked against the
schema's own definition for that status. An operation left uncalled fails the test, so a new
endpoint needs a line here; so does an answer the schema does not document."""

import re
import uuid

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from jsonschema import Draft202012Validator

from esurat.api.tests.helpers import API, PDF, Caller, caller
from esurat.api.tests.test_incoming import fields, scan_pdf
from esurat.delivery.tests.conftest import external_party
from esurat.dispositions.models import Instruction
from esurat.dispositions.tests.conftest import BINA_MARGA, KADIS, PUPR, SDA, SEKDIS, add_holder
from esurat.letters.models import Letter
from esurat.organisations.models import Assignment

pytestmark = pytest.mark.django_db

JSON = "application/json"
MULTIPART_WITHOUT_BOUNDARY = "multipart/form-data"


def _refs(node, found):
    if isinstance(node, dict):
        if isinstance(node.get("$ref"), str):
            found.append(node["$ref"])
        for value in node.values():
            _refs(value, found)
    elif isinstance(node, list):
        for value in node:
            _refs(value, found)
    return found


def _resolve(document, ref):
    assert ref.startswith("#/"), ref
    node = document
    for part in ref[2:].split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


class Schema:
    """The served schema, and the (operation, status) pairs the test has seen answered."""

    def __init__(self, document):
        self.document = document
        self.seen: dict[tuple[str, str], set[int]] = {}
        templates = []
        for path, operations in document["paths"].items():
            pattern = re.compile("^" + re.sub(r"\\{[^}]+\\}", "[^/]+", re.escape(path)) + "$")
            templates.append((path.count("{"), path, pattern, set(operations)))
        self.templates = sorted(templates)

    def operations(self):
        for path, operations in self.document["paths"].items():
            for method, operation in operations.items():
                yield path, method, operation

    def operation_of(self, method, url):
        for _n, path, pattern, methods in self.templates:
            if method in methods and pattern.match(url):
                return path
        raise AssertionError(f"{method.upper()} {url} is in no operation of the schema")

    def check(self, method, url, response):
        path = self.operation_of(method, url.split("?")[0])
        operation = self.document["paths"][path][method]
        status = response.status_code
        answer = operation["responses"].get(str(status))
        where = f"{method.upper()} {path} answered {status}"
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert answer is not None, f"{where}, not documented: {body[:300]!r}"
        content = answer.get("content") or {}
        media = response.get("Content-Type", "").split(";")[0].strip()
        if not content:
            assert body == b"", f"{where} with a body the schema does not document"
        else:
            assert media in content, f"{where} as {media}; documented: {sorted(content)}"
            if media == JSON:
                schema = {**content[media]["schema"], "components": self.document["components"]}
                errors = sorted(Draft202012Validator(schema).iter_errors(response.json()),
                                key=lambda e: list(e.path))  # fmt: skip
                assert not errors, f"{where}: " + "; ".join(
                    f"{list(e.path)}: {e.message}" for e in errors[:5]
                )
        self.seen.setdefault((path, method), set()).add(status)
        return response


class Api:
    """Calls that are checked against the schema; `expect` is the status the scenario needs."""

    def __init__(self, client, schema, city):
        self.client, self.schema, self.city = client, schema, city

    def who(self, username) -> Caller:
        return caller(self.client, self.city, username)

    def call(
        self, who, method, path, body=None, *, expect, raw=None, content_type=JSON, files=None
    ):
        url = API + path
        headers = who.headers if who else {}
        if files is not None:
            response = self.client.post(url, {**(body or {}), **files}, headers=headers)
        elif raw is not None:
            response = getattr(self.client, method)(url, raw, content_type=content_type,
                                                    headers=headers)  # fmt: skip
        elif method in ("get", "delete"):
            response = getattr(self.client, method)(url, body or {}, headers=headers)
        else:
            response = getattr(self.client, method)(url, body if body is not None else {},
                                                    content_type=JSON, headers=headers)  # fmt: skip
        self.schema.check(method, url, response)
        assert response.status_code == expect, (method, path, response.status_code,
                                                getattr(response, "content", b"")[:500])  # fmt: skip
        return response

    def unreadable(self, who, method, path, *, multipart=False):
        """The body is broken: undecodable JSON, or a multipart type with no boundary."""
        if multipart:
            response = self.call(who, method, path, raw=b"garbage", expect=400,
                                 content_type=MULTIPART_WITHOUT_BOUNDARY)  # fmt: skip
        else:
            response = self.client.generic(method.upper(), API + path, b'{"subject": "x',
                                           content_type=JSON, headers=who.headers)  # fmt: skip
            self.schema.check(method, API + path, response)
            assert response.status_code in (400, 422), response.content
        return response


@pytest.fixture
def schema(client):
    response = client.get(f"{API}/openapi.json")
    assert response.status_code == 200
    return Schema(response.json())


def test_it_resolves_every_ref_of_the_served_schema(schema):
    refs = _refs(schema.document, [])
    assert refs
    for ref in refs:
        _resolve(schema.document, ref)


def test_it_names_each_schema_once(monkeypatch):
    """ninja keeps one component per name: two different models (or enums) of one name would
    silently replace each other in the served schema."""
    from ninja.openapi.schema import OpenAPISchema

    from esurat.api.api import api

    clashes = []
    original = OpenAPISchema.add_schema_definitions

    def add(self, definitions):
        clashes.extend(n for n, d in definitions.items() if self.schemas.get(n, d) != d)
        original(self, definitions)

    monkeypatch.setattr(OpenAPISchema, "add_schema_definitions", add)
    api.get_openapi_schema(path_prefix="/api/v1/")
    assert clashes == []


def _position(city, agency, title) -> str:
    return str(city.position(agency, title).code)


def _letter_in(city, **overrides) -> dict:
    kominfo = "Diskominfo"
    body = {
        "kind": "nota-dinas", "classification": "000.1.2.3", "subject": "Rapat koordinasi",
        "body": "<p>Dengan hormat.</p>",
        "recipients": [{"kind": "to", "target": "agency", "agency": str(city.agencies[PUPR].code)},
                       {"kind": "cc", "target": "position",
                        "position": _position(city, "Setda", "Sekretaris Daerah")}],
        "reviewers": [_position(city, kominfo, "Kepala Bidang Aplikasi Informatika")],
        "signatory": _position(city, kominfo, "Kepala Dinas Komunikasi dan Informatika"),
    }  # fmt: skip
    body.update(overrides)
    return body


def _letters(a: Api):
    """The letter loop, from the token to a signed letter, a returned one and a withdrawn one."""
    city = a.city
    a.call(None, "post", "/auth/token", {"username": "staf.aptika", "password": "no"}, expect=401)
    a.unreadable(Caller(a.client, ""), "post", "/auth/token")
    token = a.call(None, "post", "/auth/token", {"username": "staf.aptika", "password": "pw"},
                   expect=201).json()["token"]  # fmt: skip
    drafter = Caller(a.client, token)
    a.call(drafter, "get", "/me", expect=200)
    a.call(drafter, "get", "/positions", {"q": "Kepala"}, expect=200)
    a.call(drafter, "get", "/positions", {"q": "K"}, expect=422)
    a.call(drafter, "get", "/agencies", expect=200)
    a.call(drafter, "get", "/letter-kinds", expect=200)
    a.call(drafter, "get", "/classifications", {"q": "000"}, expect=200)

    a.unreadable(drafter, "post", "/letters")
    a.call(drafter, "post", "/letters", _letter_in(city, kind="nope"), expect=422)
    code = a.call(drafter, "post", "/letters", _letter_in(city), expect=201).json()["code"]
    a.unreadable(drafter, "patch", f"/letters/{code}")
    a.call(drafter, "patch", f"/letters/{code}", {"subject": "Rapat koordinasi bulanan"},
           expect=200)  # fmt: skip
    a.unreadable(drafter, "post", f"/letters/{code}/attachments", multipart=True)
    upload = {"file": SimpleUploadedFile("a.pdf", PDF, content_type="application/pdf")}
    attachment = a.call(drafter, "post", f"/letters/{code}/attachments", files=upload,
                        expect=201).json()["code"]  # fmt: skip
    upload = {"file": SimpleUploadedFile("b.pdf", PDF, content_type="application/pdf")}
    removed = a.call(drafter, "post", f"/letters/{code}/attachments", files=upload,
                     expect=201).json()["code"]  # fmt: skip
    a.call(drafter, "get", f"/attachments/{attachment}", expect=200)
    a.call(drafter, "delete", f"/attachments/{removed}", expect=204)
    a.call(drafter, "get", "/letters/drafts", expect=200)
    a.call(drafter, "post", f"/letters/{code}/submit", expect=200)
    a.call(drafter, "post", f"/letters/{code}/submit", expect=409)
    a.call(drafter, "patch", f"/letters/{code}", {"subject": "Lain"}, expect=409)
    a.call(drafter, "delete", f"/attachments/{attachment}", expect=409)

    kabid = a.who("kabid.aptika")
    a.call(kabid, "get", "/letters/needs-action", expect=200)
    a.unreadable(kabid, "post", f"/letters/{code}/review")
    a.call(kabid, "post", f"/letters/{code}/review", {"approve": True}, expect=200)
    signatory = a.who("kadis.kominfo")
    a.call(signatory, "get", "/letters/needs-action", expect=200)
    a.unreadable(signatory, "post", f"/letters/{code}/sign")
    a.call(signatory, "post", f"/letters/{code}/sign", {"password": "pw", "version": 99},
           expect=409)  # fmt: skip
    a.call(signatory, "post", f"/letters/{code}/sign", {"password": "pw"}, expect=200)
    a.call(drafter, "get", "/letters/outbox", expect=200)
    a.call(drafter, "get", f"/letters/{code}/versions", expect=200)
    a.call(drafter, "get", f"/letters/{code}/timeline", expect=200)
    a.call(drafter, "get", f"/letters/{code}/receipts", expect=200)
    a.call(drafter, "get", f"/letters/{code}/pdf", expect=200)
    head = a.who("kadis.pupr")
    a.call(head, "get", "/letters/inbox", expect=200)
    a.call(head, "get", "/letters/inbox", {"kind": "nope"}, expect=422)
    a.call(head, "get", "/search", {"q": "undangan rapat", "order": "relevant"}, expect=200)
    a.call(head, "get", "/search", {"date_from": "kemarin"}, expect=422)
    a.call(head, "get", f"/letters/{code}", expect=200)
    a.call(head, "get", f"/letters/{code}/receipts", expect=404)
    a.call(None, "get", f"/letters/{code}/verification", expect=200)

    # Without reviewers: drafted by the Kabid (staff may not skip their Kabid's paraf).
    kabid = a.who("kabid.aptika")
    returned = a.call(kabid, "post", "/letters", _letter_in(city, reviewers=[]),
                      expect=201).json()["code"]  # fmt: skip
    a.call(kabid, "post", f"/letters/{returned}/submit", expect=200)
    a.unreadable(signatory, "post", f"/letters/{returned}/return")
    a.call(signatory, "post", f"/letters/{returned}/return", {"note": ""}, expect=422)
    a.call(signatory, "post", f"/letters/{returned}/return", {"note": "Perbaiki"}, expect=200)
    a.call(kabid, "post", f"/letters/{returned}/withdraw", expect=200)
    a.call(kabid, "post", f"/letters/{returned}/withdraw", expect=409)
    return code


def _documents(a: Api, city):
    """A letter to two outside parties (one on paper), its dispatch book, its revocation, the
    printed notice of revocation and the correcting draft."""
    paper = external_party(city, name="PT Jalan Raya", email="")
    mailed = external_party(city, name="Kementerian Dalam Negeri", email="tu@kemendagri.go.id")
    drafter, signatory, clerk = (
        a.who("kabid.aptika"),  # no reviewer: the Kabid drafts, straight to the Kadis
        a.who("kadis.kominfo"),
        a.who("agendaris.kominfo"),
    )
    to = [
        {"kind": "to", "target": "agency", "agency": str(city.agencies[PUPR].code)},
        {"kind": "to", "target": "external", "external": str(paper.code)},
        {"kind": "cc", "target": "external", "name": mailed.name, "email": mailed.email},
    ]
    a.call(drafter, "get", "/external-parties", {"q": "jalan"}, expect=200)
    a.call(drafter, "get", "/external-parties", {"limit": 0}, expect=422)
    code = a.call(drafter, "post", "/letters", _letter_in(city, reviewers=[], recipients=to),
                  expect=201).json()["code"]  # fmt: skip
    letter = Letter.objects.get(code=code)
    a.call(drafter, "post", f"/letters/{code}/submit", expect=200)
    a.call(signatory, "post", f"/letters/{code}/sign", {"password": "pw"}, expect=200)
    a.call(drafter, "get", f"/letters/{code}/deliveries", expect=200)
    a.call(clerk, "get", "/dispatch-book", expect=200)
    a.call(clerk, "get", "/dispatch-book", {"page": 0}, expect=422)
    a.call(a.who("staf.pupr"), "get", "/dispatch-book", expect=404)
    book = {d.method: d.code for d in letter.dispatches.all()}
    a.call(clerk, "get", f"/dispatches/{book['print']}", expect=200)
    a.call(clerk, "post", f"/dispatches/{book['print']}/retry", expect=409)
    a.call(clerk, "post", f"/dispatches/{book['print']}/on-paper", expect=409)
    a.call(clerk, "post", f"/dispatches/{book['print']}/printed", expect=200)
    a.unreadable(clerk, "post", f"/dispatches/{book['print']}/record")
    a.call(clerk, "post", f"/dispatches/{book['print']}/record",
           {"carried_by": "Kurir", "carried_at": "2026-01-05T09:00:00"}, expect=200)  # fmt: skip
    a.call(clerk, "get", f"/dispatches/{book['print']}/notice", expect=404)
    mail = letter.dispatches.get(method="email")
    mail.state = "failed"
    mail.save(update_fields=["state"])
    a.call(clerk, "post", f"/dispatches/{mail.code}/retry", expect=200)
    a.call(clerk, "post", f"/dispatches/{mail.code}/on-paper", expect=200)

    a.call(drafter, "post", f"/letters/{code}/correction", expect=409)
    a.unreadable(signatory, "post", f"/letters/{code}/revoke")
    a.call(drafter, "post", f"/letters/{code}/revoke", {"reason": "Salah"}, expect=409)
    a.call(signatory, "post", f"/letters/{code}/revoke", {"reason": "Salah tanggal"}, expect=200)
    notice = letter.dispatches.filter(purpose="revocation", method="print").first()
    a.call(clerk, "get", f"/dispatches/{notice.code}/notice", expect=200)
    a.call(drafter, "post", f"/letters/{code}/correction", expect=201)
    a.call(drafter, "post", f"/letters/{code}/correction", expect=200)

    letter.refresh_from_db()
    a.call(clerk, "get", "/number-register", {"year": letter.letter_date.year}, expect=200)
    a.call(clerk, "get", "/number-register", {"page": 0}, expect=422)
    a.call(drafter, "get", "/number-register", expect=404)
    a.call(clerk, "get", "/agenda-book", {"direction": "out"}, expect=200)
    a.call(clerk, "get", "/agenda-book", {"direction": "x"}, expect=422)
    a.call(drafter, "get", "/agenda-book", expect=404)


def _dispositions(a: Api, city, code):
    """The head of Dinas PUPR disposes the letter; a delegate prepares; the Kabid reports."""
    add_holder(city, "kabid.binamarga", PUPR, BINA_MARGA)
    sekdis = add_holder(city, "sekdis.pupr", PUPR, SEKDIS)
    Assignment.objects.create(position=city.position(PUPR, KADIS), user=sekdis,
                              kind=Assignment.Kind.DELEGATE)  # fmt: skip
    head, kabid, delegate = a.who("kadis.pupr"), a.who("kabid.binamarga"), a.who("sekdis.pupr")
    D = "/dispositions"
    a.call(head, "get", f"{D}/letters/{code}/options", expect=200)
    a.call(a.who("staf.aptika"), "get", f"{D}/letters/{code}/options", expect=409)
    follow = str(Instruction.objects.first().code)
    a.unreadable(head, "post", f"{D}/letters/{code}")
    a.call(head, "post", f"{D}/letters/{code}", {"to": [str(uuid.uuid4())]}, expect=422)
    (given,) = a.call(head, "post", f"{D}/letters/{code}",
                      {"to": [_position(city, PUPR, BINA_MARGA)], "instructions": [follow]},
                      expect=201).json()  # fmt: skip
    (unread,) = a.call(head, "post", f"{D}/letters/{code}",
                       {"to": [_position(city, PUPR, SDA)], "instructions": [follow]},
                       expect=201).json()  # fmt: skip
    a.call(head, "post", f"{D}/{unread['code']}/withdraw", expect=200)
    a.call(head, "get", f"{D}/", {"box": "given"}, expect=200)
    a.call(head, "get", f"{D}/counters", expect=200)
    a.call(head, "get", f"{D}/letters/{code}/tree", expect=200)
    a.call(kabid, "get", f"{D}/{given['code']}", expect=200)
    a.call(head, "post", f"{D}/{given['code']}/read", expect=409)
    a.call(kabid, "post", f"{D}/{given['code']}/read", expect=200)
    a.call(head, "post", f"{D}/{given['code']}/withdraw", expect=409)
    a.unreadable(kabid, "post", f"{D}/{given['code']}/follow-up", multipart=True)
    files = {"text": "Sudah dikerjakan.",
             "files": [SimpleUploadedFile("hasil.pdf", PDF, content_type="application/pdf")]}  # fmt: skip
    a.call(kabid, "post", f"{D}/{given['code']}/follow-up", files=files, expect=201)
    a.call(head, "post", f"{D}/{given['code']}/follow-up", files={"text": "x"}, expect=409)
    (report,) = a.call(head, "get", f"{D}/{given['code']}", expect=200).json()["follow_ups"]
    a.call(head, "get", f"{D}/{given['code']}/files/{report['attachments'][0]['code']}", expect=200)
    a.call(head, "get", f"{D}/{given['code']}/files/{uuid.uuid4()}", expect=404)
    a.unreadable(head, "post", f"{D}/{given['code']}/reopen")
    a.call(head, "post", f"{D}/{given['code']}/reopen", {"note": "Kurang"}, expect=200)

    planning = _position(city, PUPR, "Kepala Bidang Penataan Ruang")

    def prepare() -> dict:
        """The delegate prepares a disposition to the Kabid Penataan Ruang."""
        body = {"to": [planning], "instructions": [follow]}
        (row,) = a.call(delegate, "post", f"{D}/letters/{code}", body, expect=201).json()
        return row

    prepared = prepare()
    a.call(head, "post", f"{D}/{prepared['code']}/discard", expect=200)
    a.call(head, "post", f"{D}/{prepared['code']}/discard", expect=409)
    prepared = prepare()
    a.call(delegate, "post", f"{D}/{prepared['code']}/approve", expect=409)
    a.call(head, "post", f"{D}/{prepared['code']}/approve", expect=200)


def _incoming(a: Api, city):
    clerk = a.who("agendaris.pupr")

    def scan():
        return {"scan": SimpleUploadedFile("surat.pdf", scan_pdf(), content_type="application/pdf")}

    a.unreadable(clerk, "post", "/incoming/", multipart=True)
    a.call(clerk, "post", "/incoming/", fields(city, subject=""), files=scan(), expect=422)
    code = a.call(clerk, "post", "/incoming/", fields(city), files=scan(), expect=201).json()[
        "code"
    ]
    a.call(clerk, "post", "/incoming/", fields(city), files=scan(), expect=409)
    a.call(clerk, "post", "/incoming/", fields(city, security="R", sender_number="9/2026"),
           files=scan(), expect=202)  # fmt: skip
    filed = a.call(clerk, "post", "/incoming/", fields(city, sender_number="10/2026"),
                   files=scan(), expect=201).json()["code"]  # fmt: skip
    a.call(clerk, "get", "/incoming/", expect=200)
    a.call(a.who("staf.pupr"), "get", "/incoming/", expect=404)
    a.call(clerk, "get", f"/incoming/{code}", expect=200)
    a.call(clerk, "get", f"/incoming/{code}/proposal", expect=200)
    a.unreadable(clerk, "post", f"/incoming/{code}/send")
    a.call(clerk, "post", f"/incoming/{code}/send", {"to": "nowhere"}, expect=422)
    a.call(clerk, "post", f"/incoming/{code}/send", {"to": "head"}, expect=200)
    a.call(clerk, "post", f"/incoming/{code}/send", {"to": "head"}, expect=409)
    a.call(clerk, "patch", f"/incoming/{code}", {"subject": "Undangan rapat evaluasi"}, expect=200)
    a.unreadable(clerk, "patch", f"/incoming/{code}")
    a.call(clerk, "patch", f"/incoming/{code}", {"sender_date": "kemarin"}, expect=422)
    a.unreadable(clerk, "post", f"/incoming/{filed}/file")
    a.call(clerk, "post", f"/incoming/{filed}/file", {"note": "Arsip"}, expect=200)
    a.call(clerk, "patch", f"/incoming/{filed}", {"subject": "Lain"}, expect=409)
    # Scan first: upload, poll, register from the upload, discard another.
    a.unreadable(clerk, "post", "/incoming/scans", multipart=True)
    a.call(clerk, "post", "/incoming/scans", {}, files={}, expect=422)
    staged = a.call(clerk, "post", "/incoming/scans", files=scan(), expect=201).json()["code"]
    a.call(clerk, "get", f"/incoming/scans/{staged}", expect=200)
    a.call(clerk, "post", "/incoming/", fields(city, sender_number="11/2026", scan_code=staged),
           files={}, expect=201)  # fmt: skip
    a.call(clerk, "delete", f"/incoming/scans/{staged}", expect=409)
    other = a.call(clerk, "post", "/incoming/scans", files=scan(), expect=201).json()["code"]
    a.call(clerk, "delete", f"/incoming/scans/{other}", expect=204)


def _refusals(a: Api):
    """The answers every operation of a kind can give: 401 without credentials, 404 for a code
    nobody may see and for a code that is not a UUID, 403 for a session without its CSRF token."""
    outsider = a.who("staf.pupr")
    for path, method, operation in list(a.schema.operations()):
        filled = re.sub(r"\{[^}]+\}", str(uuid.uuid4()), path).removeprefix(API)
        if operation.get("security"):
            a.call(None, method, filled, expect=401)
        if "{" in path:
            a.call(outsider, method, filled, expect=404)
            malformed = re.sub(r"\{[^}]+\}", "not-a-uuid", path).removeprefix(API)
            a.call(outsider, method, malformed, expect=404)
    session = Client(enforce_csrf_checks=True)
    session.force_login(a.city.users["staf.aptika"])
    response = session.post(f"{API}/letters", {}, content_type=JSON)
    a.schema.check("post", f"{API}/letters", response)
    assert response.status_code == 403


def test_it_answers_every_operation_as_its_schema_says(client, city, schema, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    cache.clear()  # the verification endpoint's rate limit
    a = Api(client, schema, city)
    code = _letters(a)
    _documents(a, city)
    _dispositions(a, city, code)
    _incoming(a, city)
    _refusals(a)
    a.call(a.who("staf.aptika"), "delete", "/auth/token", expect=204)

    missing, short = [], []
    for path, method, operation in schema.operations():
        seen = schema.seen.get((path, method), set())
        if not any(200 <= s < 300 for s in seen):
            missing.append(f"{method.upper()} {path}")
            continue
        needed = set()
        if operation.get("security"):
            needed.add(401)
        if "{" in path:
            needed.add(404)
        if "requestBody" in operation and not seen & {400, 422}:
            short.append(f"{method.upper()} {path}: no unreadable or invalid body")
        if needed - seen:
            short.append(f"{method.upper()} {path}: {sorted(needed - seen)} not exercised")
    assert missing == [], f"operations of the schema no test calls: {missing}"
    assert short == []
