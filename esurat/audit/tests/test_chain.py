"""The audit trail is append-only and tamper-evident."""

import pytest
from django.db import DatabaseError, connection, transaction

from esurat.audit.actions import verify_chain
from esurat.audit.models import AuditEvent
from esurat.letters.tests.factories import draft_nota_dinas, send_through


@pytest.mark.django_db
def test_it_chains_every_event_of_a_letter(city):
    letter = send_through(city, draft_nota_dinas(city))
    events = list(AuditEvent.objects.filter(letter=letter).order_by("seq"))
    assert [e.action for e in events] == [
        "letter.created", "letter.submitted", "letter.approved", "number.reserved",
        "letter.signed", "letter.delivered",
    ]  # fmt: skip
    assert all(b.prev_hash == a.hash for a, b in zip(events, events[1:], strict=False))
    assert verify_chain(city.government) == (True, None)


@pytest.mark.django_db
def test_it_refuses_updates_and_deletes_in_the_database(city):
    send_through(city, draft_nota_dinas(city))
    event = AuditEvent.objects.first()
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(action="letter.forged")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()


@pytest.mark.django_db
def test_it_detects_a_row_changed_behind_its_back(city):
    send_through(city, draft_nota_dinas(city))
    event = AuditEvent.objects.order_by("seq")[2]
    # Someone with database access drops the trigger and edits a row: the chain shows it.
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")  # superuser: triggers off
        else:
            cursor.execute("DROP TRIGGER audit_event_no_update")
        cursor.execute(
            "UPDATE audit_auditevent SET data = %s WHERE id = %s", ['{"note": "x"}', event.pk]
        )
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = DEFAULT")
    assert verify_chain(city.government) == (False, event.seq)
