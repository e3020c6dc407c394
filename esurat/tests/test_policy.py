"""Every URL has a policy entry, and the refusals each entry implies hold."""

import uuid

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from esurat.letters.tests.factories import draft_nota_dinas, send_through
from esurat.policy import POLICY, SELF_GUARDED_NAMESPACES
from esurat.tests.tools import ONE_PAGE_PDF

# Rules about one object: the outsider test builds a real one of each kind (_real_objects).
OBJECT_RULES = ("letter", "attachment", "clerk", "disposition")


def _named_urls(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or ""
            full = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            yield from _named_urls(entry, full)
        elif isinstance(entry, URLPattern) and entry.name:
            yield (f"{namespace}:{entry.name}" if namespace else entry.name), entry


def _project_urls():
    for name, pattern in _named_urls():
        if name.split(":")[0] in SELF_GUARDED_NAMESPACES:
            continue
        yield name, pattern


def test_it_has_a_policy_entry_for_every_url():
    missing = sorted({name for name, _ in _project_urls()} - set(POLICY))
    assert missing == [], f"URLs without a policy entry in esurat/policy.py: {missing}"


def test_it_has_no_policy_entry_for_a_url_that_does_not_exist():
    stale = sorted(set(POLICY) - {name for name, _ in _project_urls()})
    assert stale == []


def _url(name, pattern):
    kwargs = {}
    for key, converter in pattern.pattern.converters.items():
        kwargs[key] = uuid.uuid4() if "UUID" in type(converter).__name__ else "x"
    return reverse(name, kwargs=kwargs)


def _cases(kind):
    for name, _pattern in _project_urls():
        rule = POLICY.get(name)
        if rule is None or rule.who == "public":
            continue
        for method in rule.methods:
            if kind == "anonymous" or rule.who in OBJECT_RULES:
                yield pytest.param(name, method, id=f"{name}-{method}")


@pytest.mark.django_db
@pytest.mark.parametrize("name,method", list(_cases("anonymous")))
def test_it_refuses_anonymous_users(client, name, method):
    pattern = dict(_project_urls())[name]
    response = getattr(client, method.lower())(_url(name, pattern))
    if name.startswith("api:"):
        assert response.status_code == 401
    else:
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def _real_objects(city):
    """A sent Kominfo letter with an attachment and its issued number: none is staf.pupr's."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from esurat.letters.actions import do_add_attachment
    from esurat.letters.models import IssuedNumber
    from esurat.organisations.access import seats_of

    letter = draft_nota_dinas(city)
    staff = city.users["staf.aptika"]
    pdf = SimpleUploadedFile("a.pdf", ONE_PAGE_PDF, content_type="application/pdf")
    attachment = do_add_attachment(letter=letter, seat=seats_of(staff)[0], user=staff, upload=pdf)
    letter = send_through(city, letter)
    return {"letter": letter.code, "attachment": attachment.code,
            "clerk": IssuedNumber.objects.get(letter=letter).code,
            "disposition": _disposition(city, letter).code}  # fmt: skip


def _disposition(city, letter):
    """The head of Dinas PUPR disposes the letter to the (vacant) Kabid Bina Marga."""
    from esurat.dispositions.actions import do_dispose
    from esurat.dispositions.models import Instruction
    from esurat.organisations.access import seats_of

    kadis = city.users["kadis.pupr"]
    return do_dispose(letter=letter, seat=seats_of(kadis)[0], user=kadis,
                      to_positions=[city.position("Dinas PUPR", "Kepala Bidang Bina Marga")],
                      instructions=list(Instruction.objects.all()[:1]))[0]  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize("name,method", list(_cases("outsider")))
def test_it_answers_not_found_to_an_outsider(client, city, name, method):
    """Other people's letters and unknown codes look the same: 404, never 403."""
    codes = _real_objects(city)
    client.force_login(city.users["staf.pupr"])
    pattern = dict(_project_urls())[name]
    rule = POLICY[name]
    kwargs = {k: codes[rule.who] for k in pattern.pattern.converters}
    response = getattr(client, method.lower())(reverse(name, kwargs=kwargs))
    assert response.status_code == 404
    response = getattr(client, method.lower())(_url(name, pattern))
    assert response.status_code == 404


@pytest.mark.django_db
def test_it_refuses_methods_a_url_does_not_take(client, city):
    client.force_login(city.users["staf.aptika"])
    checked = 0
    for name, pattern in _project_urls():
        rule = POLICY.get(name)
        if rule is None or name.startswith("api:") or rule.who in OBJECT_RULES:
            continue
        for method in {"GET", "POST"} - set(rule.methods):
            response = getattr(client, method.lower())(_url(name, pattern))
            assert response.status_code == 405, (name, method, response.status_code)
            checked += 1
    assert checked > 0
