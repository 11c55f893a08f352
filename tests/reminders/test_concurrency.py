"""Two scheduler processes sweeping at once against PostgreSQL: one reminder, one e-mail.

Each worker thread has its own app, engine and connections (as two processes would); a
barrier makes them start together. Run with PROCURE_TEST_DATABASE_URL set.
"""

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from procure import create_app
from procure.core.types import utcnow
from procure.extensions import db
from procure.reminders.models import (
    EmailDelivery,
    Notification,
    Reminder,
    SchedulerLease,
    SweepRun,
)
from procure.reminders.rules import Deadline
from tests import factories as f
from tests.conftest import make_test_config

pytestmark = pytest.mark.postgres_only


def _count(model):
    return db.session.execute(select(func.count()).select_from(model)).scalar_one()


def _run_in_two_apps(database_url, tmp_path, mail_port, target):
    """Run target(index) in two threads, each inside its own app (own engine)."""
    barrier = threading.Barrier(2, timeout=20)
    results, errors = [None, None], []
    apps = []
    for index in range(2):  # built here: app creation is not meant to run in parallel
        config = make_test_config(database_url, tmp_path / f"w{index}")
        config.update(
            MAIL_HOST="127.0.0.1", MAIL_PORT=mail_port, BASE_URL="https://procure.example.nl"
        )
        apps.append(create_app(config))

    def worker(index):
        with apps[index].app_context():
            try:
                barrier.wait()
                results[index] = target(index, barrier)
            except Exception as exc:  # surfaced below
                errors.append(exc)
            finally:
                db.session.remove()
                db.engine.dispose()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    db.session.expire_all()
    return results


def _due_now(app, fake_rule):
    manager = f.user("contract_manager", "wbo", email="cm@example.org")
    fake_rule.deadlines.append(
        Deadline(
            subject_type="contract",
            subject_id=42,
            due_at=utcnow() + timedelta(days=1, minutes=-2),  # the "1d" reminder is due now
            region_id=manager.region_id,
            recipients=(manager.id,),
            title="Contract WBO-42 eindigt",
            url="/contracten/42",
        )
    )
    return manager


@pytest.mark.parametrize("lease_row", ["none", "expired"])
def test_two_schedulers_sweeping_at_once_create_one_reminder_and_send_one_email(
    app, database_url, tmp_path, fake_rule, smtp_server, lease_row
):
    from procure.reminders.sweep import run_sweep

    _due_now(app, fake_rule)
    if lease_row == "expired":
        db.session.add(
            SchedulerLease(
                name="reminders-sweep",
                holder="crashed:1:1",
                expires_at=utcnow() - timedelta(hours=1),
            )
        )
        db.session.commit()
    results = _run_in_two_apps(
        database_url,
        tmp_path,
        smtp_server_port(app),
        lambda i, _b: _summary(run_sweep(holder=f"scheduler-{i}:1:1")),
    )
    assert _count(Reminder) == 1
    assert _count(Notification) == 1
    assert _count(EmailDelivery) == 1
    assert len(smtp_server.envelopes) == 1
    assert smtp_server.envelopes[0].rcpt_tos == ["cm@example.org"]
    created = sorted(r["created"] for r in results if r)
    assert sum(created) == 1  # the other sweep was refused the lease or found it done
    assert _count(SweepRun) >= 1


def test_without_the_lease_the_unique_constraint_still_creates_one_reminder(
    app, database_url, tmp_path, fake_rule, smtp_server, monkeypatch
):
    """Both sweeps get past the lease (as after an expiry mid-sweep), both find no reminder
    yet, and both insert: the unique constraint lets one row through, and only the
    transaction that inserted it creates the notification and the e-mail."""
    from procure.reminders import sweep

    _due_now(app, fake_rule)
    checked = threading.Barrier(2, timeout=20)
    original = sweep._existing_keys

    def existing_then_wait(*args):
        keys = original(*args)
        checked.wait()  # both have looked before either inserts
        return keys

    monkeypatch.setattr(sweep, "_existing_keys", existing_then_wait)

    def racing(_index, barrier):
        created = sweep.create_due_reminders(utcnow()).created
        barrier.wait()
        sweep.deliver_outbox(utcnow())  # both send at once: each e-mail claimed once
        return created

    results = _run_in_two_apps(database_url, tmp_path, smtp_server_port(app), racing)
    assert sorted(results) == [0, 1]
    assert _count(Reminder) == 1
    assert _count(Notification) == 1
    assert _count(EmailDelivery) == 1
    assert len(smtp_server.envelopes) == 1


def smtp_server_port(app):
    return app.config["MAIL_PORT"]


def _summary(run):
    return None if run is None else {"created": run.created, "sent": run.emails_sent}
