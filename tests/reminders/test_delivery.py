"""E-mail: received by a real SMTP server with the right recipient, subject and link; SMTP
failures are retried with backoff and end visible to admins, the reminder kept; digests."""

from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import select

from procure.extensions import db
from procure.reminders import operations as ops
from procure.reminders.models import EmailDelivery, Notification, Reminder
from procure.reminders.sweep import run_sweep
from tests import factories as f
from tests.reminders.conftest import local

DEADLINE_SWEEP = local(2026, 11, 1, 12, 5)  # tariff indexation deadline ("0") just passed


def test_email_arrives_with_recipient_subject_and_absolute_link(app, smtp_server):
    officer = f.user("procurement", "wbo", email="inkoper@breda.example.org")
    with time_machine.travel(DEADLINE_SWEEP, tick=False):
        run = run_sweep()
    assert run.emails_sent == 1 and run.emails_failed == 0
    assert len(smtp_server.envelopes) == 1
    envelope = smtp_server.envelopes[0]
    assert envelope.rcpt_tos == ["inkoper@breda.example.org"]
    message = smtp_server.messages()[0]
    assert message["To"] == "inkoper@breda.example.org"
    assert message["Subject"] == "Herinnering: Tariefindexatie 2027: tarieven vaststellen"
    body = message.get_content()
    assert "Beste Procurement," in body
    assert "https://procure.example.nl/catalogus/" in body
    assert "01-11-2026 12:00" in body  # shown in Dutch time
    delivery = db.session.execute(select(EmailDelivery)).scalar_one()
    assert delivery.status == "sent" and delivery.attempts == 1
    assert delivery.user_id == officer.id
    # a second sweep sends nothing again
    with time_machine.travel(DEADLINE_SWEEP + timedelta(minutes=15), tick=False):
        run_sweep()
    assert len(smtp_server.envelopes) == 1


def test_smtp_failure_is_retried_with_backoff_then_visible_and_the_reminder_kept(
    app, no_smtp, client
):
    f.user("procurement", "wbo", email="inkoper@example.org")
    now = DEADLINE_SWEEP
    with time_machine.travel(now, tick=False):
        run = run_sweep()
    assert run.emails_failed == 1 and run.emails_sent == 0
    delivery = db.session.execute(select(EmailDelivery)).scalar_one()
    assert delivery.status == "pending" and delivery.attempts == 1
    assert "Verbinding met de mailserver mislukt" in delivery.last_error
    assert delivery.next_attempt_at == now + timedelta(minutes=5)
    # before the backoff has passed nothing is tried
    with time_machine.travel(now + timedelta(minutes=4), tick=False):
        run_sweep()
    db.session.refresh(delivery)
    assert delivery.attempts == 1
    # 5, 10, 20, 40 minutes between attempts: 5 attempts in all
    moment = now
    for expected_attempts, wait in ((2, 5), (3, 10), (4, 20), (5, 40)):
        moment = moment + timedelta(minutes=wait)
        with time_machine.travel(moment, tick=False):
            run_sweep()
        db.session.refresh(delivery)
        assert delivery.attempts == expected_attempts
    assert delivery.status == "failed"
    # retries stop there
    with time_machine.travel(moment + timedelta(days=1), tick=False):
        run_sweep()
    db.session.refresh(delivery)
    assert delivery.attempts == 5 and delivery.status == "failed"
    # nothing is lost: the reminder and its in-app notification are there
    reminder = db.session.execute(select(Reminder)).scalar_one()
    assert reminder.email_id == delivery.id
    assert db.session.execute(select(Notification)).scalar_one().reminder_id == reminder.id
    # the admin sees the failure on the admin page
    admin = f.user("admin", "wbo", email="beheer@example.org")
    f.login(client, admin)
    html = client.get("/meldingen/beheer").get_data(as_text=True)
    assert "inkoper@example.org" in html and "Verbinding met de mailserver mislukt" in html


def test_requeued_failure_is_sent_when_the_server_is_back(app, no_smtp, smtp_server, client):
    f.user("procurement", "wbo", email="inkoper@example.org")
    app.config["REMINDERS_MAX_ATTEMPTS"] = 1
    port = app.config["MAIL_PORT"]
    app.config["MAIL_PORT"] = 1  # refused
    with time_machine.travel(DEADLINE_SWEEP, tick=False):
        run_sweep()
    delivery = db.session.execute(select(EmailDelivery)).scalar_one()
    assert delivery.status == "failed"
    admin = f.user("admin", "wbo", email="beheer@example.org")
    f.login(client, admin)
    response = f.post(client, f"/meldingen/beheer/email/{delivery.id}/opnieuw")
    assert response.status_code == 302
    db.session.refresh(delivery)
    assert delivery.status == "pending" and delivery.attempts == 0
    app.config["MAIL_PORT"] = port
    run_sweep()
    db.session.refresh(delivery)
    assert delivery.status == "sent"
    assert [e.rcpt_tos for e in smtp_server.envelopes] == [["inkoper@example.org"]]
    # requeueing a sent e-mail is refused
    response = f.post(client, f"/meldingen/beheer/email/{delivery.id}/opnieuw")
    db.session.refresh(delivery)
    assert delivery.status == "sent"


def test_a_refused_recipient_is_a_failed_attempt_not_a_crash(app, smtp_server):
    f.user("procurement", "wbo", email="inkoper@example.org")
    smtp_server.refuse = True
    with time_machine.travel(DEADLINE_SWEEP, tick=False):
        run = run_sweep()
    assert run.error is None and run.emails_failed == 1
    delivery = db.session.execute(select(EmailDelivery)).scalar_one()
    assert delivery.status == "pending" and "451" in delivery.last_error


def test_digest_users_get_one_daily_email(app, smtp_server):
    from procure.reminders.rules import Deadline, register, unregister
    from tests.reminders.conftest import FakeSource

    officer = f.user("procurement", "wbo", email="inkoper@example.org")
    colleague = f.user("procurement", "wbo", email="direct@example.org")
    ops.set_preference(officer, "digest")
    source = FakeSource()
    register("test_digest", "Testregel", "0")(source)
    try:
        region_id = officer.region_id
        for n, hour in enumerate((14, 16)):
            source.deadlines.append(
                Deadline(
                    subject_type="tender",
                    subject_id=n + 1,
                    due_at=local(2026, 6, 1, hour, 0),
                    region_id=region_id,
                    recipients=(officer.id, colleague.id),
                    title=f"Inschrijvingstermijn AB-{n + 1}",
                    url=f"/aanbestedingen/{n + 1}",
                )
            )
        for moment in (
            local(2026, 6, 1, 14, 1),
            local(2026, 6, 1, 16, 1),
            local(2026, 6, 2, 6, 59),
        ):
            with time_machine.travel(moment, tick=False):
                run_sweep()
        # the colleague got two e-mails right away; the digest user nothing yet
        assert sorted(e.rcpt_tos[0] for e in smtp_server.envelopes) == [
            "direct@example.org",
            "direct@example.org",
        ]
        with time_machine.travel(local(2026, 6, 2, 7, 0), tick=False):
            run_sweep()
        with time_machine.travel(local(2026, 6, 2, 7, 15), tick=False):
            run_sweep()
    finally:
        unregister("test_digest")
    digests = [m for m in smtp_server.messages() if m["To"] == "inkoper@example.org"]
    assert len(digests) == 1
    assert digests[0]["Subject"] == "Dagoverzicht procure 02-06-2026: 2 herinneringen"
    body = digests[0].get_content()
    assert "Inschrijvingstermijn AB-1" in body and "Inschrijvingstermijn AB-2" in body
    assert "https://procure.example.nl/aanbestedingen/2" in body
    # the bell had them the whole time
    assert (
        db.session.execute(select(Notification).where(Notification.user_id == officer.id))
        .scalars()
        .all()
        .__len__()
        == 2
    )


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_smtp_credentials_from_config_are_used(app):
    """MAIL_USERNAME/MAIL_PASSWORD log in; a wrong password is a retryable failure."""
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult, LoginPassword

    from tests.reminders.conftest import Collector, free_port

    logins = []

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = (
            isinstance(auth_data, LoginPassword)
            and auth_data.login == b"procure"
            and auth_data.password == b"geheim-wachtwoord"
        )
        logins.append((auth_data.login, ok))
        return AuthResult(success=ok)

    handler = Collector()
    controller = Controller(
        handler,
        hostname="127.0.0.1",
        port=free_port(),
        authenticator=authenticator,
        auth_required=True,
        auth_require_tls=False,
    )
    controller.start()
    try:
        app.config.update(
            MAIL_HOST="127.0.0.1",
            MAIL_PORT=controller.port,
            MAIL_USERNAME="procure",
            MAIL_PASSWORD="fout",
            MAIL_TIMEOUT=1,
        )
        f.user("procurement", "wbo", email="inkoper@example.org")
        # the clock must tick: the server delays its answer to a failed log-in
        with time_machine.travel(DEADLINE_SWEEP, tick=True):
            run = run_sweep()
        assert run.emails_failed == 1 and handler.envelopes == []
        delivery = db.session.execute(select(EmailDelivery)).scalar_one()
        # the server stalls a wrong log-in (anti brute force): our timeout ends it
        assert delivery.status == "pending" and delivery.last_error
        app.config["MAIL_PASSWORD"] = "geheim-wachtwoord"
        with time_machine.travel(DEADLINE_SWEEP + timedelta(minutes=6), tick=True):
            run = run_sweep()
        assert run.emails_sent == 1
        assert [e.rcpt_tos for e in handler.envelopes] == [["inkoper@example.org"]]
        assert logins[0][1] is False and logins[-1] == (b"procure", True)
    finally:
        controller.stop()
