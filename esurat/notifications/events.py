"""What each do_* action tells whom: one function per event, called inside the action's
transaction. Each runs only after the commit (`after_commit`): it reads and writes nothing in
the action's transaction (no extra query, no longer lock), a rolled-back action tells nobody,
and a failure to notify never undoes or fails the action (robust callback, logged). The texts are written in the installation's
language (settings.LANGUAGE_CODE), not the actor's: they are read by someone else, later.

Secret (R/SR) letters: notify(secret=True) keeps them from delegates and keeps their subject off
every channel outside the app. Urgent ("Segera", "Sangat Segera") letters bypass quiet hours.
"""

import functools

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import translation
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from esurat.letters.models import Participant, Recipient, Urgency
from esurat.notifications.dispatch import notify
from esurat.notifications.models import Notification
from esurat.organisations.models import Position

Kind = Notification.Kind
URGENT = (Urgency.URGENT, Urgency.VERY_URGENT)


def after_commit(function):
    @functools.wraps(function)
    def schedule(*args, **kwargs):
        transaction.on_commit(lambda: function(*args, **kwargs), robust=True)

    return schedule


def _letter_url(letter) -> str:
    return reverse("letters:detail", args=[letter.code])


def _tell_about_letter(letter, *, kind, audience, title, body="", key, disposition=None,
                       url=None) -> None:  # fmt: skip
    notify(kind=kind, users_or_seats=audience, title=title, body=Truncator(body).chars(400),
           url=url or _letter_url(letter), urgent=letter.urgency in URGENT,
           secret=letter.is_narrow, key=key, letter=letter, disposition=disposition)  # fmt: skip


def letter_delivered(letter) -> None:
    """A letter is in its recipients' inboxes. After the commit, one small task is queued
    (tasks.letter_delivered, keyed by the letter): a letter to 10,000 positions costs its
    signing one INSERT; the worker reads the recipients and tells them."""
    from esurat.notifications.tasks import letter_delivered as task

    pk = letter.pk
    transaction.on_commit(lambda: task.enqueue(pk), robust=True)


def tell_letter_delivered(letter) -> None:
    """In the worker: TO and CC told apart, each an event of its own."""
    with translation.override(settings.LANGUAGE_CODE):
        body = _("%(kind)s from %(agency)s, No. %(number)s") % {
            "kind": letter.kind.name,
            "agency": letter.agency.name,
            "number": letter.number or "-",
        }
        for kind, recipient_kind, title in (
            (Kind.INBOX_TO, Recipient.Kind.TO, _("New letter: %(subject)s")),
            (Kind.INBOX_CC, Recipient.Kind.CC, _("Copy of a letter: %(subject)s")),
        ):
            audience = Position.objects.filter(
                inbox_entries__letter=letter, inbox_entries__kind=recipient_kind
            )
            _tell_about_letter(letter, kind=kind, audience=audience,
                               title=title % {"subject": letter.subject}, body=body,
                               key=f"letter:{letter.code}:{kind}")  # fmt: skip
        for revoked in letter.supersedes.all():
            letter_corrected(revoked, correction=letter)


@after_commit
def incoming_routed(letter, position) -> None:
    """A registered incoming letter sent on to a position (the head, or a unit)."""
    with translation.override(settings.LANGUAGE_CODE):
        sender = letter.sender.name if letter.sender_id else ""
        _tell_about_letter(
            letter, kind=Kind.INBOX_TO, audience=[position],
            title=_("New letter: %(subject)s") % {"subject": letter.subject},
            body=_("Incoming letter from %(sender)s, No. %(number)s")
            % {"sender": sender, "number": letter.sender_number or "-"},
            key=f"letter:{letter.code}:routed:{position.pk}",
        )  # fmt: skip


@after_commit
def draft_to_review(letter, position) -> None:
    """A draft waits for this position's paraf."""
    with translation.override(settings.LANGUAGE_CODE):
        _tell_about_letter(
            letter, kind=Kind.TO_REVIEW, audience=[position],
            title=_("Draft to paraf: %(subject)s") % {"subject": letter.subject},
            body=_("Drafted by %(position)s") % {"position": letter.drafter_position.title},
            key=f"letter:{letter.code}:review:r{letter.review_round}:{position.pk}",
        )  # fmt: skip


@after_commit
def draft_to_sign(letter) -> None:
    """A letter waits for its main signatory."""
    with translation.override(settings.LANGUAGE_CODE):
        _tell_about_letter(
            letter, kind=Kind.TO_SIGN, audience=[letter.signatory_position],
            title=_("Letter to sign: %(subject)s") % {"subject": letter.subject},
            body=_("Drafted by %(position)s") % {"position": letter.drafter_position.title},
            key=f"letter:{letter.code}:sign:r{letter.review_round}",
        )  # fmt: skip


@after_commit
def cosignature_due(letter, position) -> None:
    """It is this co-signatory's turn to sign."""
    with translation.override(settings.LANGUAGE_CODE):
        _tell_about_letter(
            letter, kind=Kind.COSIGN, audience=[position],
            title=_("Co-signature due: %(subject)s") % {"subject": letter.subject},
            body=_("No. %(number)s") % {"number": letter.number or "-"},
            key=f"letter:{letter.code}:cosign:{position.pk}",
        )  # fmt: skip


@after_commit
def draft_returned(letter, *, note: str) -> None:
    """A draft went back to its drafter with notes."""
    if letter.drafter_id is None:
        return
    with translation.override(settings.LANGUAGE_CODE):
        _tell_about_letter(
            letter, kind=Kind.RETURNED, audience=[letter.drafter],
            title=_("Draft returned: %(subject)s") % {"subject": letter.subject}, body=note,
            key=f"letter:{letter.code}:returned:r{letter.review_round}:v{letter.version}",
        )  # fmt: skip


@after_commit
def dispositions_sent(letter, rows) -> None:
    """Each disposition reaches its recipient position."""
    with translation.override(settings.LANGUAGE_CODE):
        for d in rows:
            body = _("From %(position)s, due %(date)s.") % {
                "position": d.from_position.title,
                "date": d.due_date.strftime("%d-%m-%Y"),
            }
            _tell_about_letter(
                letter, kind=Kind.DISPOSITION, audience=[d.to_position],
                title=_("Disposition: %(subject)s") % {"subject": letter.subject},
                body=f"{body} {d.note}".strip(), key=f"disposition:{d.code}:sent",
                disposition=d, url=reverse("dispositions:detail", args=[d.code]),
            )  # fmt: skip


@after_commit
def dispositions_prepared(letter, rows) -> None:
    """A delegate prepared dispositions: the leader is asked to approve them (once a batch)."""
    if not rows:
        return
    first = rows[0]
    with translation.override(settings.LANGUAGE_CODE):
        _tell_about_letter(
            letter, kind=Kind.DISPOSITION, audience=[first.from_position],
            title=_("Disposition to approve: %(subject)s") % {"subject": letter.subject},
            body=_("Prepared for %(positions)s") % {
                "positions": ", ".join(d.to_position.title for d in rows)},
            key=f"disposition-batch:{first.batch}:prepared", disposition=first,
            url=reverse("dispositions:detail", args=[first.code]),
        )  # fmt: skip


@after_commit
def follow_up_reported(disposition, follow_up) -> None:
    """The recipient reported the follow-up: the giver's position is told."""
    letter = disposition.letter
    with translation.override(settings.LANGUAGE_CODE):
        _tell_about_letter(
            letter, kind=Kind.FOLLOW_UP, audience=[disposition.from_position],
            title=_("Follow-up reported: %(subject)s") % {"subject": letter.subject},
            body=f"{disposition.to_position.title}: {follow_up.text}",
            key=f"follow-up:{follow_up.code}", disposition=disposition,
            url=reverse("dispositions:detail", args=[disposition.code]),
        )  # fmt: skip


def _holders(letter):
    """Positions that hold the letter: its inboxes and its disposition recipients."""
    return Position.objects.filter(
        Q(inbox_entries__letter=letter)
        | Q(participations__letter=letter, participations__role=Participant.Role.DISPOSITION)
    )


@after_commit
def letter_revoked(letter) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        _tell_about_letter(
            letter, kind=Kind.REVOKED, audience=_holders(letter),
            title=_("Letter revoked: %(subject)s") % {"subject": letter.subject},
            body=_("No. %(number)s. Reason: %(reason)s")
            % {"number": letter.number, "reason": letter.revoke_reason},
            key=f"letter:{letter.code}:revoked",
        )  # fmt: skip


def letter_corrected(letter, *, correction) -> None:
    """A revoked letter's correction was sent: whoever held the revoked one is told."""
    with translation.override(settings.LANGUAGE_CODE):
        _tell_about_letter(
            letter, kind=Kind.CORRECTED, audience=_holders(letter),
            title=_("Letter corrected: %(subject)s") % {"subject": letter.subject},
            body=_("No. %(number)s is replaced by No. %(correction)s")
            % {"number": letter.number, "correction": correction.number},
            key=f"letter:{letter.code}:corrected:{correction.code}", url=_letter_url(correction),
        )  # fmt: skip
