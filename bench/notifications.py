"""Notifications at the size of a real government (issue 10): a letter to all 10,000 positions
signed with notifications on, then the fan-out the worker does for it.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/esurat_bench_x python bench/notifications.py

Against a copy of the seeded database (bench/seed.py). Adds letters, notifications and one
queued task per signing. Prints: do_sign until committed, with notifications on and off (the
events made no-ops), the queries each made; the time until every inbox row is readable; then the
worker's fan-out of the queued event (every person reached: holders, acting officials,
delegates; one in-app row each) and the bell's counter for a user afterwards.
"""

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "esurat.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django_tasks_db.models import DBTaskResult  # noqa: E402

from esurat.accounts.models import User  # noqa: E402
from esurat.letters import actions  # noqa: E402
from esurat.letters.access import Action, seat_for_action  # noqa: E402
from esurat.letters.models import Classification, InboxEntry, LetterKind  # noqa: E402
from esurat.letters.selectors import counters  # noqa: E402
from esurat.notifications import events  # noqa: E402
from esurat.notifications.models import Notification  # noqa: E402
from esurat.notifications.tasks import letter_delivered as letter_task  # noqa: E402
from esurat.organisations.access import seats_of  # noqa: E402
from esurat.organisations.models import Position  # noqa: E402


def ms(seconds: float) -> str:
    return f"{seconds * 1000:7.1f} ms"


def letter_to_everyone(label: str):
    sekda = User.objects.get(username="sekda")
    head = Position.objects.get(holder=sekda)
    drafter_pos = (
        Position.objects.filter(agency=head.agency, holder__isnull=False, superior__isnull=False)
        .exclude(pk=head.pk)
        .first()
    )
    drafter = drafter_pos.holder
    seat = next(s for s in seats_of(drafter) if s.position.pk == drafter_pos.pk)
    letter = actions.do_create_draft(
        seat=seat, user=drafter, kind=LetterKind.objects.get(code="surat-edaran"),
        classification=Classification.objects.filter(code__startswith="000.").first(),
        security="B", urgency="segera", subject=f"Surat edaran notifikasi {label} {time.time():.0f}",
        body="<p>Kepada seluruh ASN.</p>", recipients=[{"kind": "to", "target": "government_all"}],
        reviewers=[], signatory=head,
    )  # fmt: skip
    letter = actions.do_submit(letter=letter, seat=seat, user=drafter)
    signer = User.objects.get(pk=sekda.pk)
    return letter, signer


def sign(letter, signer):
    seat = seat_for_action(signer, letter, Action.SIGN)
    with CaptureQueriesContext(connection) as ctx:
        t0 = time.perf_counter()
        signed = actions.do_sign(letter=letter, seat=seat, user=signer, password="bench")
        took = time.perf_counter() - t0
    rows = InboxEntry.objects.filter(letter=signed).count()
    return signed, took, len(ctx.captured_queries), rows


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args()
    print("== A letter to all positions, do_sign until committed (provider recorded)")
    original = events.letter_delivered
    for _run in range(args.runs):
        events.letter_delivered = lambda letter: None
        import esurat.letters.actions as letter_actions

        letter_actions.notices.letter_delivered = events.letter_delivered
        letter, signer = letter_to_everyone("off")
        _s, took, queries, rows = sign(letter, signer)
        print(f"  notifications off: {ms(took)}, {queries} queries, {rows} inbox rows")
        letter_actions.notices.letter_delivered = original
        events.letter_delivered = original
        letter, signer = letter_to_everyone("on")
        before = DBTaskResult.objects.count()
        signed, took, queries, rows = sign(letter, signer)
        queued = DBTaskResult.objects.count() - before
        print(f"  notifications on:  {ms(took)}, {queries} queries, {rows} inbox rows, "
              f"{queued} task queued")  # fmt: skip
        task = DBTaskResult.objects.filter(task_path__endswith=".letter_delivered").order_by(
            "-enqueued_at")[0]  # fmt: skip
        # The notifications' own share of the signing: what runs after its commit (queue one
        # task), timed again on its own.
        with CaptureQueriesContext(connection) as ctx:
            t0 = time.perf_counter()
            original(signed)
            took = time.perf_counter() - t0
        print(f"  of which notifications (after commit): {ms(took)}, "
              f"{len(ctx.captured_queries)} queries")  # fmt: skip
        DBTaskResult.objects.filter(
            task_path__endswith=".letter_delivered", pk__gt=task.pk
        ).delete()
        # What the worker then does: read the recipients, make every person's rows.
        t0 = time.perf_counter()
        with CaptureQueriesContext(connection) as ctx:
            letter_task.func(*task.args_kwargs["args"])
        took = time.perf_counter() - t0
        inapp = Notification.objects.filter(letter=signed, channel="inapp").count()
        print(f"  worker: tell the recipients: {ms(took)}, {len(ctx.captured_queries)} queries, "
              f"{inapp} in-app rows")  # fmt: skip
        DBTaskResult.objects.filter(pk=task.pk).delete()  # the bench ran it; the worker need not
    user = User.objects.get(username="sekda")
    t0 = time.perf_counter()
    with CaptureQueriesContext(connection) as ctx:
        values = counters(user)
    print(f"  counters for the sekda (bell {values['notifications']}): {ms(time.perf_counter() - t0)},"
          f" {len(ctx.captured_queries)} query")  # fmt: skip


if __name__ == "__main__":
    main()
