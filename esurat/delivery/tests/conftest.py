"""A real SMTP server on loopback (aiosmtpd) and letters sent to parties outside the system."""

import email
import email.policy
import socket

import pytest
from aiosmtpd.controller import Controller

from esurat.letters.models import ExternalParty
from esurat.letters.tests.factories import draft_nota_dinas
from esurat.signing.tests.conftest import authority, local_signing, sign, to_signature

__all__ = ["authority", "local_signing"]


class Inbox:
    """What the SMTP server accepted: one parsed message per DATA."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append((envelope.rcpt_tos, parsed))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def smtp_settings(settings, port: int) -> None:
    settings.MAILERS = {"default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 5},
    }}  # fmt: skip


@pytest.fixture
def smtp(settings):
    """A running SMTP server that the default mailer talks to; `.inbox.messages` holds the mail."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    smtp_settings(settings, controller.port)
    controller.inbox = inbox
    yield controller
    controller.stop()


@pytest.fixture
def smtp_down(settings):
    """The default mailer points at a port where nothing listens: the server is down."""
    port = free_port()
    smtp_settings(settings, port)
    return port


def external_party(city, name="Kementerian Dalam Negeri", email="tu@kemendagri.go.id"):
    return ExternalParty.objects.create(government=city.government, name=name,
                                        match_key=ExternalParty.key_for(name), email=email)  # fmt: skip


def letter_to_outside(city, *, party=None, security="B", cc=None):
    """A nota dinas from Diskominfo to an outside party (TO), tembusan Sekda, awaiting signature."""
    party = party or external_party(city)
    to = [{"kind": "to", "target": "external", "external": party}]
    return to_signature(city, draft_nota_dinas(city, to=to, cc=cc, security=security))


def send(city, letter, capture):
    """Sign (local PAdES) and run what the commit enqueues (the e-mail task, immediately)."""
    with capture(execute=True):
        return sign(city, letter)
