"""Changes to the letters' reference data, made by the IT administrator in the admin: letter
kinds (with their number templates) and classification codes.

They belong to no one government (every agency numbers with them), so each change is recorded in
the administrator's government's chain (esurat.audit.actions.chains_for). Each do_* runs in one
transaction with its audit event, which records each changed field, old → new.
"""

from django.db import transaction

from esurat.audit.actions import delete_audited, save_audited
from esurat.letters.models import Classification, LetterKind

LETTER_KIND_FIELDS = ["code", "name", "abbreviation", "layout", "number_template",
                      "sequence_scope", "seq_digits", "paper", "is_active"]  # fmt: skip
CLASSIFICATION_FIELDS = ["code", "name", "parent", "is_active"]


@transaction.atomic
def do_save_letter_kind(*, kind: LetterKind, user, ip_address=None) -> LetterKind:
    """Create or change a letter kind (a new number template applies to numbers issued from
    now on). Records `letter_kind.created` or `letter_kind.changed`."""
    save_audited(kind, fields=LETTER_KIND_FIELDS, kind="letter_kind", government=None, user=user,
                 ip_address=ip_address)  # fmt: skip
    return kind


@transaction.atomic
def do_delete_letter_kind(*, kind: LetterKind, user, ip_address=None) -> None:
    """Delete a letter kind no letter uses (the database refuses otherwise: deactivate it).
    Records `letter_kind.deleted`."""
    delete_audited(kind, kind="letter_kind", government=None, user=user, ip_address=ip_address)


@transaction.atomic
def do_save_classification(*, classification: Classification, user, ip_address=None):
    """Create or change a classification code. Records `classification.created` or
    `classification.changed`."""
    save_audited(classification, fields=CLASSIFICATION_FIELDS, kind="classification",
                 government=None, user=user, ip_address=ip_address)  # fmt: skip
    return classification


@transaction.atomic
def do_delete_classification(*, classification: Classification, user, ip_address=None) -> None:
    """Delete a classification code no letter uses. Records `classification.deleted`."""
    delete_audited(classification, kind="classification", government=None, user=user,
                   ip_address=ip_address)  # fmt: skip
