"""Signatures: the recorded act of a signatory signing one version of a letter."""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class Signature(models.Model):
    """One signatory's signature on one letter version, with who signed acting for whom.

    `content_sha256` is the hash of the signed content (the version text now; the PDF once the
    PAdES providers exist). `provider` names the SigningProvider that made it.
    """

    letter = models.ForeignKey(
        "letters.Letter", on_delete=models.PROTECT, related_name="signatures"
    )
    position = models.ForeignKey(
        "organisations.Position", on_delete=models.PROTECT, related_name="signatures"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    acting_as = models.CharField(max_length=10, blank=True)
    qualifier = models.CharField(_("qualifier"), max_length=20, blank=True)
    version = models.PositiveIntegerField()
    content_sha256 = models.CharField(max_length=64)
    provider = models.CharField(max_length=20)
    level = models.CharField(max_length=20, blank=True)
    signed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["letter", "position"], name="signature_once"),
        ]

    def __str__(self) -> str:
        return f"{self.qualifier} {self.position} ({self.provider})".strip()


class CertificateAuthority(models.Model):
    """The government's own certificate authority for the `local` provider (not BSrE-certified).

    The private key is PKCS#8 PEM encrypted with ESURAT_CA_PASSPHRASE from the environment; the
    database alone never yields it.
    """

    government = models.OneToOneField(
        "organisations.Government", on_delete=models.PROTECT, related_name="certificate_authority"
    )
    certificate_pem = models.TextField()
    encrypted_key_pem = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("certificate authority")
        verbose_name_plural = _("certificate authorities")

    def __str__(self) -> str:
        return f"CA {self.government}"


class SigningCertificate(models.Model):
    """A signatory's certificate from the government's CA, issued on their first signing.

    The private key is PKCS#8 PEM encrypted with the passphrase the signatory typed then; the
    passphrase itself is never stored. One current certificate per user.
    """

    authority = models.ForeignKey(
        CertificateAuthority, on_delete=models.PROTECT, related_name="certificates"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="signing_certificates"
    )
    serial = models.CharField(max_length=60, unique=True)
    certificate_pem = models.TextField()
    encrypted_key_pem = models.TextField()
    not_before = models.DateTimeField()
    not_after = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("signing certificate")
        verbose_name_plural = _("signing certificates")
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=models.Q(revoked_at__isnull=True),
                name="one_current_certificate",
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.user} #{self.serial}"


def signed_document_path(instance, filename):
    return f"signed/{instance.letter.code}/{instance.sha256}.pdf"


class SignedDocument(models.Model):
    """The signed PDF of a letter as registered: immutable, identified by its SHA-256.

    Each further signature extends the PDF (incremental update) and registers a new row; the
    newest row is the letter's current official document.
    """

    letter = models.ForeignKey(
        "letters.Letter", on_delete=models.PROTECT, related_name="signed_documents"
    )
    file = models.FileField(upload_to=signed_document_path)
    sha256 = models.CharField(max_length=64, unique=True)
    size = models.PositiveIntegerField()
    provider = models.CharField(max_length=20)
    level = models.CharField(max_length=20)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("signed document")
        verbose_name_plural = _("signed documents")

    def __str__(self) -> str:
        return f"{self.letter} {self.sha256[:12]}"


class SignerProfile(models.Model):
    """What a certified signing service needs to know about one signatory: their NIK.

    BSrE identifies a certificate holder by the 16-digit NIK (national identity number), which
    the staff records do not carry; the administrator enters it here.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="signer_profile"
    )
    nik = models.CharField(
        _("NIK"), max_length=16, unique=True,
        validators=[RegexValidator(r"^\d{16}$", _("A NIK has 16 digits."))],
    )  # fmt: skip

    class Meta:
        verbose_name = _("signer profile")
        verbose_name_plural = _("signer profiles")

    def __str__(self) -> str:
        return f"{self.user} ({self.nik})"
