"""The demo step: demo users get notifications, nothing is e-mailed, reruns add nothing."""

import time_machine
from sqlalchemy import func, select

from procure import demo
from procure.auth.models import User
from procure.extensions import db
from procure.reminders import demo as reminders_demo
from procure.reminders.models import EmailDelivery, Notification, Reminder
from tests.reminders.conftest import local


def test_demo_sweep_leaves_notifications_waiting_and_sends_no_mail(app, client):
    demo.load_organisations()
    demo.load_users()
    with time_machine.travel(local(2026, 11, 20, 9, 0), tick=False):
        reminders_demo.load()
        first = db.session.execute(select(func.count(Reminder.id))).scalar_one()
        reminders_demo.load()
    assert db.session.execute(select(func.count(Reminder.id))).scalar_one() == first
    officer = db.session.execute(
        select(User).where(User.email == "procurement.wbo@example.org")
    ).scalar_one()
    notes = (
        db.session.execute(select(Notification).where(Notification.user_id == officer.id))
        .scalars()
        .all()
    )
    assert notes and all(n.read_at is None for n in notes)
    statuses = set(db.session.execute(select(EmailDelivery.status)).scalars())
    assert statuses <= {"pending"}  # queued, never sent by the demo
