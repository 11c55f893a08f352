"""Sending the outbox takes longer than the lease: a second sweep meanwhile sends only
what nobody has claimed, so every e-mail goes out exactly once (SQLite and PostgreSQL)."""

import threading
import time
from collections import Counter

from sqlalchemy import select

from procure.core.types import utcnow
from procure.extensions import db
from procure.reminders import mail, sweep
from procure.reminders.models import EmailDelivery
from tests import factories as f

MAILS = 17
SEND_SECONDS = 0.15  # 17 x 0.15 s: the batch outlasts the 1-second lease


class SlowServer:
    def __init__(self):
        self.sent = Counter()
        self.lock = threading.Lock()

    def connect(self):
        server = self

        class Connection:
            def send_message(self, message):
                time.sleep(SEND_SECONDS)
                with server.lock:
                    server.sent[message["To"]] += 1

            def quit(self):
                pass

        return Connection()


def test_a_second_sweep_during_a_slow_batch_resends_nothing(app, monkeypatch):
    app.config["REMINDERS_LEASE_SECONDS"] = 1
    user = f.user("contract_manager", "wbo", email="cm@example.org")
    for n in range(MAILS):
        db.session.add(
            EmailDelivery(
                user_id=user.id,
                region_id=user.region_id,
                to_address=f"contractmanager{n}@wbo.example.org",
                subject=f"Herinnering {n}",
                body="Het contract WBO-C2026-0001 eindigt over 30 dagen.",
            )
        )
    db.session.commit()
    server = SlowServer()
    monkeypatch.setattr(mail, "connect", server.connect)
    errors = []

    def first_sweep():
        with app.app_context():
            try:
                sweep.deliver_outbox(utcnow())
            except Exception as exc:  # reported below
                errors.append(exc)
            finally:
                db.session.remove()

    thread = threading.Thread(target=first_sweep)
    thread.start()
    time.sleep(1.5)  # the first batch is claimed longer ago than the lease by now
    with app.app_context():
        sweep.deliver_outbox(utcnow())
        db.session.remove()
    thread.join(timeout=60)
    assert not thread.is_alive() and not errors, errors
    db.session.expire_all()
    assert sum(server.sent.values()) == MAILS and set(server.sent.values()) == {1}, server.sent
    statuses = db.session.execute(select(EmailDelivery.status)).scalars().all()
    assert statuses == ["sent"] * MAILS
