"""Create the government's own certificate authority for the `local` signing provider."""

from django.core.management.base import BaseCommand, CommandError

from esurat.organisations.models import Government
from esurat.signing.ca import CA_PASSPHRASE_ENV, CAError, create_ca


class Command(BaseCommand):
    help = (
        f"Create the government's certificate authority (key encrypted with ${CA_PASSPHRASE_ENV}). "
        "Its certificates are not BSrE-certified."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--government", help="Short name of the government (needed when there are several)"
        )

    def handle(self, *args, government=None, **options):
        governments = Government.objects.all()
        if government:
            governments = governments.filter(short_name=government)
        if governments.count() != 1:
            raise CommandError("Name exactly one government with --government SHORT_NAME.")
        try:
            authority = create_ca(governments.get())
        except CAError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Created the certificate authority of {authority.government}.")
        self.stdout.write(authority.certificate_pem)
