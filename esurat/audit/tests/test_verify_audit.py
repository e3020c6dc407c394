"""`manage.py verify_audit` and /healthz find a changed event or a moved chain head; the database
refuses to move the head itself."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from esurat.audit.models import AuditChain, AuditEvent
from esurat.letters.tests.factories import draft_nota_dinas, send_through

SQLITE_TRIGGERS = ["audit_event_no_update", "audit_chain_head_update"]


def behind_its_back(sql, params):
    """Run SQL as someone with database access would: with the triggers out of the way."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")  # superuser: triggers off
        else:
            for name in SQLITE_TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = DEFAULT")


def verify(*args):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("verify_audit", *args, stdout=out, stderr=err)
    except CommandError as exc:
        return 1, out.getvalue(), err.getvalue() + str(exc)
    return 0, out.getvalue(), err.getvalue()


@pytest.fixture
def trail(city, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    send_through(city, draft_nota_dinas(city))
    return city


@pytest.mark.django_db
def test_it_reports_an_intact_trail_with_its_figures(client, trail):
    count = AuditEvent.objects.count()
    code, out, _err = verify()
    assert code == 0
    assert f"Audit trail intact: {count} events checked in 1 chains in" in out
    assert AuditChain.objects.get().last_hash in out  # the head, to note elsewhere
    body = client.get("/healthz").json()
    assert body["status"] == "ok" and body["audit"] == {"status": "ok", "checked": count}


@pytest.mark.django_db
def test_it_finds_an_event_changed_behind_its_back(client, trail):
    event = AuditEvent.objects.order_by("seq")[2]
    behind_its_back("UPDATE audit_auditevent SET data = %s WHERE id = %s",
                    ['{"note": "x"}', event.pk])  # fmt: skip
    code, _out, err = verify()
    assert code == 1
    assert f"broken at event {event.seq} ({event.action}" in err and "BROKEN in 1 chain" in err
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["audit"]["status"] == "broken"


@pytest.mark.django_db
def test_it_finds_a_chain_head_moved_behind_its_back(client, trail):
    chain = AuditChain.objects.get()
    behind_its_back("UPDATE audit_auditchain SET last_hash = %s, length = %s WHERE id = %s",
                    ["f" * 64, chain.length - 1, chain.pk])  # fmt: skip
    code, _out, err = verify()
    assert code == 1 and "the chain head does not point at the last event" in err
    assert client.get("/healthz").status_code == 503


@pytest.mark.django_db
def test_it_refuses_to_move_the_head_in_the_database(trail):
    chain = AuditChain.objects.get()
    last = AuditEvent.objects.order_by("seq").last()
    previous = AuditEvent.objects.get(seq=last.seq - 1)
    for change in (
        {"last_hash": "f" * 64},  # a forged hash
        {"length": chain.length - 1, "last_hash": previous.hash},  # rewound to hide the last
        {"length": chain.length + 1},  # ahead of the events
    ):
        with pytest.raises(DatabaseError), transaction.atomic():
            AuditChain.objects.filter(pk=chain.pk).update(**change)
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditChain.objects.filter(pk=chain.pk).delete()
    chain.refresh_from_db()
    assert (chain.length, chain.last_hash) == (last.seq, last.hash)
    assert verify()[0] == 0


@pytest.mark.django_db
def test_it_checks_only_the_tail_on_healthz(client, trail, settings):
    settings.HEALTH_AUDIT_TAIL = 2
    first = AuditEvent.objects.order_by("seq").first()
    behind_its_back("UPDATE audit_auditevent SET action = %s WHERE id = %s",
                    ["letter.forged", first.pk])  # fmt: skip
    # /healthz recomputes 2 events whatever the size of the trail; the command finds the rest.
    assert client.get("/healthz").json()["audit"] == {"status": "ok", "checked": 2}
    assert verify("--tail", "2")[0] == 0
    code, _out, err = verify()
    assert code == 1 and "broken at event 1" in err
