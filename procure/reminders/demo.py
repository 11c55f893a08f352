"""Demo: one sweep at demo time (e-mail stays in the outbox: the demo never sends real
mail), with a wider horizon so that recent deadlines of the demo data give the demo users
notifications to look at. Idempotent: a second run of the demo sweeps no more (the
scheduler's sweeps take it from there)."""

from sqlalchemy import select

from procure.auth.models import User
from procure.extensions import db
from procure.reminders.models import SweepRun

DEMO_HORIZON_DAYS = 30
DIGEST_USERS = ("contract_manager.e10@example.org",)
DEMO_HOLDER = "demo"


def load() -> None:
    from flask import current_app

    from procure.reminders import operations as ops
    from procure.reminders.sweep import run_sweep

    for email in DIGEST_USERS:
        user = db.session.execute(select(User).where(User.email == email)).scalar()
        if user is not None and ops.preference_of(user) != "digest":
            ops.set_preference(user, "digest")
    if db.session.execute(select(SweepRun.id).where(SweepRun.holder == DEMO_HOLDER)).first():
        return
    cfg = current_app.config
    horizon = cfg["REMINDERS_HORIZON_DAYS"]
    cfg["REMINDERS_HORIZON_DAYS"] = max(horizon, DEMO_HORIZON_DAYS)
    try:
        run_sweep(send=False, holder=DEMO_HOLDER)
    finally:
        cfg["REMINDERS_HORIZON_DAYS"] = horizon
