"""Helpers for the reminder tests: an SMTP server (aiosmtpd), Amsterdam moments, a sweep."""

import socket
from datetime import datetime

import pytest

from procure.core.timeutil import AMSTERDAM
from procure.reminders.rules import Deadline, register, unregister


def local(*args) -> datetime:
    return datetime(*args, tzinfo=AMSTERDAM)


class Collector:
    def __init__(self):
        self.envelopes = []
        self.refuse = False

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refuse:
            return "451 4.3.0 Tijdelijk niet beschikbaar"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted"

    def messages(self):
        import email
        from email import policy

        return [email.message_from_bytes(e.content, policy=policy.default) for e in self.envelopes]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_server(app):
    """A real SMTP server on a free loopback port; the app's MAIL_* settings point at it."""
    from aiosmtpd.controller import Controller

    handler = Collector()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    app.config.update(
        MAIL_HOST="127.0.0.1",
        MAIL_PORT=controller.port,
        MAIL_USE_TLS=False,
        MAIL_USERNAME=None,
        BASE_URL="https://procure.example.nl",
    )
    try:
        yield handler
    finally:
        controller.stop()


@pytest.fixture
def no_smtp(app):
    """MAIL_* pointing at a closed port: every connection is refused."""
    app.config.update(MAIL_HOST="127.0.0.1", MAIL_PORT=free_port())
    return app


class FakeSource:
    """A test rule whose deadlines the test controls (registered for one test only)."""

    def __init__(self):
        self.deadlines: list[Deadline] = []
        self.calls: list[tuple] = []

    def __call__(self, start, end, user=None):
        self.calls.append((start, end))
        return [d for d in self.deadlines if start <= d.due_at < end]


@pytest.fixture
def fake_rule():
    source = FakeSource()
    register("test_rule", "Testregel", "1d,0")(source)
    try:
        yield source
    finally:
        unregister("test_rule")
