"""Letters: kinds, classification codes, the letter and its versions, review chain, recipients,
inbox rows, agenda registrations, issued numbers and attachments."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Security(models.TextChoices):
    """Klasifikasi keamanan. A separate field from urgency."""

    ORDINARY = "B", _("Ordinary (B)")
    LIMITED = "T", _("Limited (T)")
    SECRET = "R", _("Secret (R)")
    TOP_SECRET = "SR", _("Top secret (SR)")


NARROW_SECURITY = (Security.SECRET, Security.TOP_SECRET)


class Urgency(models.TextChoices):
    """Tingkat urgensi. A separate field from security."""

    ORDINARY = "biasa", _("Ordinary")
    URGENT = "segera", _("Urgent")
    VERY_URGENT = "sangat_segera", _("Very urgent")


class Classification(models.Model):
    """An archive classification code (Permendagri 83/2022). The code is the key, not the name."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=300)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("classification code")
        verbose_name_plural = _("classification codes")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class LetterKind(models.Model):
    """A jenis naskah: its layout, paper and numbering scheme."""

    class Layout(models.TextChoices):
        CORRESPONDENCE = "korespondensi", _("Correspondence")
        TITLED = "judul", _("Titled")

    class Scope(models.TextChoices):
        AGENCY = "agency", _("Per agency")
        AGENCY_KIND = "agency_kind", _("Per agency and kind")
        AGENCY_CLASSIFICATION = "agency_classification", _("Per agency and classification")
        GOVERNMENT_KIND = "government_kind", _("Per government and kind")

    class Paper(models.TextChoices):
        A4 = "A4", "A4"
        F4 = "F4", "F4"

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    abbreviation = models.CharField(_("abbreviation"), max_length=10)
    layout = models.CharField(_("layout"), max_length=20, choices=Layout.choices)
    number_template = models.CharField(
        _("number template"),
        max_length=120,
        default="{classification}/{seq}/{unit_code}/{month_roman}/{year}",
        help_text=_(
            "Placeholders: {classification} {seq} {unit_code} {kind} {month} {month_roman} {year}"
        ),
    )
    sequence_scope = models.CharField(
        _("sequence scope"), max_length=30, choices=Scope.choices, default=Scope.AGENCY
    )
    seq_digits = models.PositiveSmallIntegerField(_("sequence digits"), default=4)
    paper = models.CharField(_("paper size"), max_length=2, choices=Paper.choices, default="A4")
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("letter kind")
        verbose_name_plural = _("letter kinds")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ExternalParty(models.Model):
    """A sender or addressee outside the system (a ministry, a company, a citizen).

    The directory grows as letters arrive; `match_key` (the name folded to lower case and single
    spaces) lets registration propose an existing party instead of creating a duplicate.
    """

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    government = models.ForeignKey(
        "organisations.Government", on_delete=models.PROTECT, related_name="external_parties"
    )
    name = models.CharField(_("name"), max_length=300)
    match_key = models.CharField(max_length=300)
    address = models.CharField(_("address"), max_length=300, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("external party")
        verbose_name_plural = _("external parties")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["government", "match_key"], name="external_party_once"),
        ]

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def key_for(name: str) -> str:
        return " ".join(name.lower().replace(".", " ").replace(",", " ").split())


class Letter(models.Model):
    """One naskah dinas: drafted here (from first draft to delivery) or registered on arrival
    from outside (a paper or e-mail letter). Content changes only while a draft."""

    class Origin(models.TextChoices):
        DRAFTED = "drafted", _("Drafted in e-Surat")
        REGISTERED = "registered", _("Registered incoming letter")

    class Channel(models.TextChoices):
        PAPER = "paper", _("Paper")
        EMAIL = "email", _("E-mail")
        OTHER = "other", _("Other")

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IN_REVIEW = "in_review", _("In review")
        RETURNED = "returned", _("Returned for revision")
        AWAITING_SIGNATURE = "awaiting_signature", _("Awaiting signature")
        SENT = "sent", _("Sent")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        REGISTERED = "registered", _("Registered")
        FILED = "filed", _("Filed without disposition")
        REVOKED = "revoked", _("Revoked")

    EDITABLE_STATES = (State.DRAFT, State.RETURNED)

    class Qualifier(models.TextChoices):
        NONE = "", _("None")
        ON_BEHALF = "a.n.", _("a.n. (on behalf of)")
        BY_ORDER = "u.b.", _("u.b. (by order of)")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    origin = models.CharField(max_length=12, choices=Origin.choices, default=Origin.DRAFTED)
    government = models.ForeignKey(
        "organisations.Government", on_delete=models.PROTECT, related_name="letters"
    )
    agency = models.ForeignKey(
        "organisations.Agency", on_delete=models.PROTECT, related_name="letters"
    )
    kind = models.ForeignKey(LetterKind, on_delete=models.PROTECT, related_name="letters")
    classification = models.ForeignKey(
        Classification, on_delete=models.PROTECT, related_name="letters"
    )
    security = models.CharField(
        _("security class"), max_length=2, choices=Security.choices, default=Security.ORDINARY
    )
    urgency = models.CharField(
        _("urgency"), max_length=15, choices=Urgency.choices, default=Urgency.ORDINARY
    )
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("body"), blank=True)
    enclosures = models.PositiveSmallIntegerField(_("enclosures"), default=0)
    state = models.CharField(max_length=20, choices=State.choices, default=State.DRAFT)
    drafter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="drafted_letters",
        help_text="The drafter, or the clerk who registered an incoming letter",
    )
    drafter_position = models.ForeignKey(
        "organisations.Position",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="drafted_letters",
    )
    signatory_position = models.ForeignKey(
        "organisations.Position",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="letters_to_sign",
    )
    qualifier = models.CharField(
        _("signature qualifier"), max_length=5, blank=True, choices=Qualifier.choices
    )
    version = models.PositiveIntegerField(default=1)
    review_round = models.PositiveIntegerField(default=0)
    number = models.CharField(_("number"), max_length=120, blank=True, db_index=True)
    letter_date = models.DateField(_("letter date"), null=True, blank=True)
    signed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # A signed letter is never edited: it may be revoked, and superseded by a correction (ralat).
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoke_reason = models.CharField(_("reason for revoking"), max_length=300, blank=True)
    superseded_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="supersedes"
    )
    # Incoming letters registered from outside (origin=registered).
    sender = models.ForeignKey(
        ExternalParty, null=True, blank=True, on_delete=models.PROTECT, related_name="letters"
    )
    sender_number = models.CharField(_("sender's number"), max_length=120, blank=True)
    sender_date = models.DateField(_("sender's date"), null=True, blank=True)
    received_on = models.DateField(_("date received"), null=True, blank=True)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    client_token = models.UUIDField(
        null=True, blank=True, unique=True, help_text="Idempotency key of the creating form"
    )

    class Meta:
        verbose_name = _("letter")
        verbose_name_plural = _("letters")
        indexes = [
            models.Index(fields=["agency", "state", "-sent_at"]),
            models.Index(fields=["drafter_position", "state", "-updated_at"]),
            # The outbox: letters drafted or signed by my positions, newest sent first.
            models.Index(fields=["signatory_position", "state", "-sent_at"]),
            models.Index(fields=["drafter_position", "state", "-sent_at"]),
            models.Index(fields=["sender", "sender_number", "sender_date"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(origin="registered")
                | Q(
                    drafter__isnull=False,
                    drafter_position__isnull=False,
                    signatory_position__isnull=False,
                ),
                name="drafted_letter_has_chain",
            ),
        ]

    def __str__(self) -> str:
        return self.number or self.subject

    @property
    def is_narrow(self) -> bool:
        return self.security in NARROW_SECURITY

    @property
    def is_editable(self) -> bool:
        return self.state in self.EDITABLE_STATES


class LetterVersion(models.Model):
    """A snapshot of a letter's content: every saved change of a draft is kept and comparable."""

    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    subject = models.CharField(max_length=300)
    body = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["letter", "number"], name="letter_version_once"),
        ]


class ReviewStep(models.Model):
    """One reviewer's paraf in one review round. Steps run in `order`; a return ends the round."""

    class State(models.TextChoices):
        WAITING = "waiting", _("Waiting")
        PENDING = "pending", _("Needs review")
        APPROVED = "approved", _("Approved")
        RETURNED = "returned", _("Returned")
        CANCELLED = "cancelled", _("Cancelled")

    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="review_steps")
    round = models.PositiveIntegerField()
    order = models.PositiveSmallIntegerField()
    position = models.ForeignKey(
        "organisations.Position", on_delete=models.PROTECT, related_name="review_steps"
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.WAITING)
    version = models.PositiveIntegerField(null=True, blank=True)
    note = models.TextField(blank=True)
    acted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    acted_as = models.CharField(max_length=10, blank=True)
    acted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["round", "order"]
        indexes = [models.Index(fields=["position", "state"])]
        constraints = [
            models.UniqueConstraint(fields=["letter", "round", "order"], name="review_step_once"),
        ]


class CoSignatory(models.Model):
    """A further signatory of a joint letter, who signs after the main signatory, in `order`.

    The main signatory's signature issues the number (from the main signatory's agency) and the
    PDF; each co-signatory then extends that signed PDF with their own signature (never
    rewriting it). The letter is delivered when the last one has signed. Only one co-signatory
    is PENDING at a time: the one whose turn it is.
    """

    class State(models.TextChoices):
        WAITING = "waiting", _("Waiting")
        PENDING = "pending", _("Needs signature")
        SIGNED = "signed", _("Signed")

    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="cosignatories")
    position = models.ForeignKey(
        "organisations.Position", on_delete=models.PROTECT, related_name="cosignatures"
    )
    order = models.PositiveSmallIntegerField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.WAITING)

    class Meta:
        ordering = ["order"]
        indexes = [models.Index(fields=["position", "state"])]
        constraints = [
            models.UniqueConstraint(fields=["letter", "position"], name="cosignatory_once"),
        ]

    def __str__(self) -> str:
        return f"{self.letter_id}: {self.position} ({self.state})"


class Participant(models.Model):
    """A position involved in a letter's making (drafter, reviewer, signatory) or its handling
    (disposition). Recipients are in InboxEntry. Used by access.py to decide visibility."""

    class Role(models.TextChoices):
        DRAFTER = "drafter", _("Drafter")
        REVIEWER = "reviewer", _("Reviewer")
        SIGNATORY = "signatory", _("Signatory")
        DISPOSITION = "disposition", _("Disposition")

    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="participants")
    position = models.ForeignKey(
        "organisations.Position", on_delete=models.PROTECT, related_name="participations"
    )
    role = models.CharField(max_length=12, choices=Role.choices)

    class Meta:
        indexes = [models.Index(fields=["position", "letter"])]
        constraints = [
            models.UniqueConstraint(fields=["letter", "position", "role"], name="participant_once"),
        ]


class Recipient(models.Model):
    """An addressee as the drafter wrote it: a position, an agency (its head), all positions of an
    agency, or the whole government. TO expects action; CC (tembusan) is for information."""

    class Kind(models.TextChoices):
        TO = "to", _("To")
        CC = "cc", _("Copy (tembusan)")

    class Target(models.TextChoices):
        POSITION = "position", _("Position")
        AGENCY = "agency", _("Agency (its head)")
        AGENCY_ALL = "agency_all", _("Everyone in an agency")
        GOVERNMENT_ALL = "government_all", _("Everyone in the government")
        EXTERNAL = "external", _("Outside party (by e-mail or on paper)")

    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="recipients")
    kind = models.CharField(max_length=2, choices=Kind.choices, default=Kind.TO)
    target = models.CharField(max_length=20, choices=Target.choices)
    position = models.ForeignKey(
        "organisations.Position", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    agency = models.ForeignKey(
        "organisations.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    external = models.ForeignKey(
        ExternalParty, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["kind", "order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(target="position", position__isnull=False)
                    | Q(target__in=["agency", "agency_all"], agency__isnull=False)
                    | Q(target="government_all")
                    | Q(target="external", external__isnull=False)
                ),
                name="recipient_target_complete",
            ),
        ]

    def label(self) -> str:
        if self.target == self.Target.POSITION:
            return f"{self.position} — {self.position.agency}"
        if self.target == self.Target.AGENCY:
            return str(_("Head of %(agency)s")) % {"agency": self.agency.name}
        if self.target == self.Target.AGENCY_ALL:
            return str(_("Everyone in %(agency)s")) % {"agency": self.agency.name}
        if self.target == self.Target.EXTERNAL:
            return str(self.external)
        return str(_("Everyone in the government"))


class InboxEntry(models.Model):
    """A letter delivered to a position's inbox, and its first read (the read receipt).

    Urgency, security, kind and sender agency are copied from the letter so that every inbox
    filter is answered by this table's indexes.
    """

    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="inbox_entries")
    position = models.ForeignKey(
        "organisations.Position", on_delete=models.PROTECT, related_name="inbox_entries"
    )
    kind = models.CharField(max_length=2, choices=Recipient.Kind.choices)
    delivered_at = models.DateTimeField()
    from_agency = models.ForeignKey(
        "organisations.Agency", on_delete=models.PROTECT, related_name="+"
    )
    letter_kind = models.ForeignKey(LetterKind, on_delete=models.PROTECT, related_name="+")
    urgency = models.CharField(max_length=15, choices=Urgency.choices)
    security = models.CharField(max_length=2, choices=Security.choices)
    read_at = models.DateTimeField(null=True, blank=True)
    read_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    read_as = models.CharField(max_length=10, blank=True)
    # A registered incoming letter sent on to this position that no disposition from it answers
    # yet (a withdrawn one does not): the head's "to dispose" list. Kept by the incoming routing
    # and the disposition actions, so the counter on every page reads a small partial index
    # instead of the position's whole inbox history.
    awaiting_disposal = models.BooleanField(default=False, db_default=False)

    class Meta:
        indexes = [
            models.Index(fields=["position", "-delivered_at", "-id"], name="inbox_page"),
            models.Index(
                fields=["position", "security", "delivered_at"],
                condition=Q(awaiting_disposal=True),
                name="inbox_to_dispose",
            ),
            # The unread counter; security lets a delegate's count skip R/SR rows in the index.
            models.Index(
                fields=["position", "security"],
                condition=Q(read_at__isnull=True),
                name="inbox_unread",
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["letter", "position"], name="inbox_entry_once"),
        ]


class Registration(models.Model):
    """An entry in an agency's registry book (agenda), per year, separate series in and out."""

    class Direction(models.TextChoices):
        IN = "in", _("Incoming")
        OUT = "out", _("Outgoing")

    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="registrations")
    agency = models.ForeignKey(
        "organisations.Agency", on_delete=models.PROTECT, related_name="registrations"
    )
    direction = models.CharField(max_length=3, choices=Direction.choices)
    year = models.PositiveSmallIntegerField()
    seq = models.PositiveIntegerField()
    registered_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["agency", "direction", "-registered_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "direction", "year", "seq"], name="agenda_number_once"
            ),
            models.UniqueConstraint(
                fields=["letter", "agency", "direction"], name="registration_once"
            ),
        ]

    @property
    def agenda_number(self) -> str:
        return f"{self.seq:05d}/{self.year}"


class Sequence(models.Model):
    """A counter: letter numbers per scheme scope, agenda numbers per agency and direction.

    Rows are locked while incremented, inside the short transaction that records the value (a
    letter's number is reserved in one before its PDF is rendered: letters.actions.do_sign), so
    a rolled-back reservation gives its value back and numbers stay gapless; a signing that fails
    later gives it back too unless a later value was drawn (then the letter keeps it)."""

    key = models.CharField(max_length=120)
    year = models.PositiveSmallIntegerField()
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "year"], name="sequence_once")]


class IssuedNumber(models.Model):
    """The number register: every number ever issued, never reused. A cancelled number stays."""

    class State(models.TextChoices):
        ISSUED = "issued", _("Issued")
        CANCELLED = "cancelled", _("Cancelled")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    government = models.ForeignKey(
        "organisations.Government", on_delete=models.PROTECT, related_name="+"
    )
    agency = models.ForeignKey(
        "organisations.Agency", on_delete=models.PROTECT, related_name="issued_numbers"
    )
    letter = models.ForeignKey(
        Letter, null=True, blank=True, on_delete=models.PROTECT, related_name="issued_numbers"
    )
    sequence_key = models.CharField(max_length=120)
    year = models.PositiveSmallIntegerField()
    seq = models.PositiveIntegerField()
    insert = models.PositiveSmallIntegerField(
        default=0, help_text="0 for a normal number; 1, 2… for nomor sisipan (42.1, 42.2)"
    )
    number = models.CharField(max_length=120)
    letter_date = models.DateField()
    subject = models.CharField(max_length=300, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.ISSUED)
    issued_at = models.DateTimeField()
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-issued_at"]
        indexes = [models.Index(fields=["agency", "-issued_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["sequence_key", "year", "seq", "insert"], name="number_issued_once"
            ),
            models.UniqueConstraint(fields=["government", "number"], name="number_text_once"),
        ]


def attachment_path(instance, filename):
    return f"letters/{instance.letter.code}/{uuid.uuid4().hex}"


class Attachment(models.Model):
    """A file attached to a letter: PDF or image, checked by content, stored with its SHA-256."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at"]

    @property
    def name(self) -> str:
        """The name shown and served: safe even for a file stored before names were cleaned at
        upload (esurat.lib.files.safe_filename)."""
        from esurat.lib.files import safe_filename

        return safe_filename(self.original_name, self.content_type)


def incoming_scan_path(instance, filename):
    return f"incoming-scans/{instance.code}/{uuid.uuid4().hex}"


class IncomingScan(models.Model):
    """A scan uploaded before its letter is registered ("scan first"): one row per upload.

    The registry clerk uploads the scan; the worker reads it (tasks.read_incoming_scan) and writes
    the text and the proposal here in one write; the clerk registers the letter with the checked
    fields, and the row then points to the letter, whose attachment took over the file. Only the
    registry clerks of `agency` see it. A row never registered is removed, with its file, after
    SCAN_DRAFT_DAYS (manage.py prune_staged_scans) or when the clerk discards it.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting to be read")
        RUNNING = "running", _("Being read")
        DONE = "done", _("Read")
        FAILED = "failed", _("Could not be read")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    agency = models.ForeignKey(
        "organisations.Agency", on_delete=models.CASCADE, related_name="incoming_scans"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    file = models.FileField(upload_to=incoming_scan_path, blank=True)
    original_name = models.CharField(max_length=255)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    pages = models.PositiveIntegerField()
    from_photos = models.BooleanField(default=False)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    source = models.CharField(max_length=10, blank=True)
    text = models.TextField(blank=True)
    proposal = models.JSONField(default=dict, blank=True)
    error = models.CharField(max_length=500, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    letter = models.OneToOneField(
        Letter, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["agency", "letter", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.state})"

    @property
    def is_waiting(self) -> bool:
        return self.state in (self.State.PENDING, self.State.RUNNING)
