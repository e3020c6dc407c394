"""Print a new VAPID key pair for Web Push (docs/deploy.md): the private key goes into the
server's environment as VAPID_PRIVATE_KEY; the public key is derived from it at run time."""

from django.core.management.base import BaseCommand
from django.test import override_settings

from esurat.pwa import vapid


class Command(BaseCommand):
    help = "Print a new VAPID key pair for Web Push (set VAPID_PRIVATE_KEY to the first line)."

    def handle(self, *args, **options):
        private = vapid.generate_private_key()
        with override_settings(VAPID_PRIVATE_KEY=private):
            public = vapid.public_key()
        self.stdout.write(f"VAPID_PRIVATE_KEY={private}")
        self.stdout.write(f"# public key (applicationServerKey, derived, not a setting): {public}")
