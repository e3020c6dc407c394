"""The printable lembar disposisi: one sheet per act of disposing (a batch), as a PDF.

Rendered from templates/dispositions/sheet.html with WeasyPrint, under the giving agency's
letterhead, with the fields of DOMAIN.md: agenda number, date received, sender, the sender's
number and date, subject, security, urgency, the instructions ticked, note, to whom, due date and
the giver's signature block.
"""

from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from esurat.dispositions.models import Disposition, Instruction
from esurat.letters.models import InboxEntry, Letter, Registration
from esurat.lib.dates import long_date_id
from esurat.organisations.models import Agency
from esurat.signing.pdf import letterhead, place_of, render_document_pdf


@dataclass
class Received:
    agenda_number: str
    received_on: object
    sender: str
    sender_number: str
    sender_date: object


def _received(letter: Letter, agency: Agency, position_id: int) -> Received:
    zone = letter.government.zone
    registration = Registration.objects.filter(
        letter=letter, agency=agency, direction=Registration.Direction.IN
    ).first()
    agenda = registration.agenda_number if registration else ""
    if letter.origin == Letter.Origin.REGISTERED:
        return Received(
            agenda, letter.received_on, letter.sender.name if letter.sender_id else "",
            letter.sender_number, letter.sender_date,
        )  # fmt: skip
    entry = InboxEntry.objects.filter(letter=letter, position_id=position_id).first()
    at = entry.delivered_at if entry else (registration.registered_at if registration else None)
    return Received(
        agenda, timezone.localdate(at, zone) if at else None, letter.agency.name, letter.number,
        letter.letter_date,
    )  # fmt: skip


def sheet_context(disposition: Disposition) -> dict:
    letter = disposition.letter
    batch = list(
        Disposition.objects.filter(batch=disposition.batch)
        .select_related("to_position__holder", "withdrawn_by")
        .order_by("pk")
    )
    zone = letter.government.zone
    # A withdrawn (or discarded) row stays on the sheet, struck through and marked with when and
    # by whom: a sheet printed before the withdrawal must be recognisable as superseded, and the
    # paper trail never loses a name. Only the rows still standing count as addressed.
    for row in batch:
        row.withdrawn_on = (
            long_date_id(timezone.localdate(row.withdrawn_at, zone)) if row.withdrawn_at else ""
        )
        # A prepared row that the leader or delegate discarded was never sent: "Dibatalkan".
        row.withdrawn_label = "Ditarik" if row.sent_at else "Dibatalkan"
    ticked = set(disposition.instructions.values_list("pk", flat=True))
    # The active list, plus any retired instruction this disposition still carries.
    listed = Instruction.objects.filter(Q(is_active=True) | Q(pk__in=ticked))
    instructions = [(i, i.pk in ticked) for i in listed.order_by("order", "name")]
    giver = disposition.from_position
    root = disposition
    while root.parent_id:
        root = root.parent
    received = _received(letter, giver.agency, root.from_position_id)
    signer = disposition.sent_by or disposition.created_by
    signer_as = disposition.sent_as if disposition.sent_by_id else disposition.created_as
    return {
        "letter": letter,
        "head": letterhead(giver.agency),
        "place": place_of(letter.government),
        "security": letter.get_security_display(),
        "urgency": letter.get_urgency_display(),
        "disposition": disposition,
        "batch": batch,
        "all_withdrawn": all(row.state == Disposition.State.WITHDRAWN for row in batch),
        "instructions": instructions,
        "received": received,
        "received_on": long_date_id(received.received_on) if received.received_on else "",
        "sender_date": long_date_id(received.sender_date) if received.sender_date else "",
        "due_date": long_date_id(disposition.due_date),
        "given_on": long_date_id(
            timezone.localdate(
                disposition.sent_at or disposition.created_at, letter.government.zone
            )
        ),
        "giver": giver,
        "signer": signer,
        "qualifier": {"plt": "Plt.", "plh": "Plh.", "pj": "Pj.", "delegate": "a.n."}.get(
            signer_as, ""
        ),
    }


def render_sheet(disposition: Disposition) -> bytes:
    """The PDF bytes of the disposition's sheet."""
    # An official document: in Indonesian; only data: URIs are fetched (the logo).
    return render_document_pdf("dispositions/sheet.html", sheet_context(disposition))
