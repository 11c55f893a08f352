"""Health checks: is the process up (healthz), and can it serve (readyz): the database
answers, its schema is at the migrations' head, and the reminder scheduler swept recently.
"""

from __future__ import annotations

from datetime import timedelta
from functools import cache
from pathlib import Path

from flask import current_app
from sqlalchemy import select, text
from sqlalchemy.exc import SQLAlchemyError

from procure.core.types import utcnow
from procure.extensions import db

MIGRATIONS = Path(__file__).resolve().parent.parent.parent / "migrations"


@cache
def migration_heads() -> frozenset[str]:
    """The head revisions of migrations/ (read once per process)."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return frozenset(ScriptDirectory.from_config(config).get_heads())


def check_database() -> tuple[bool, str]:
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        db.session.rollback()
        return False, f"database unreachable: {type(exc.orig or exc).__name__}"
    return True, "ok"


def check_migrations() -> tuple[bool, str]:
    try:
        rows = db.session.execute(text("SELECT version_num FROM alembic_version")).scalars()
        current = frozenset(rows)
    except SQLAlchemyError:
        db.session.rollback()
        return False, "no alembic_version table: run flask db upgrade"
    heads = migration_heads()
    if current != heads:
        return False, f"database at {sorted(current)}, migrations at {sorted(heads)}"
    return True, "ok"


def scheduler_max_age() -> timedelta | None:
    config = current_app.config
    minutes = config.get("READY_SCHEDULER_MAX_AGE_MINUTES")
    if minutes is None:
        if config["PROCURE_ENV"] != "production":
            return None
        minutes = 2 * int(config["REMINDERS_SWEEP_MINUTES"]) + (
            int(config["REMINDERS_LEASE_SECONDS"]) // 60
        )
    return timedelta(minutes=float(minutes))


def check_scheduler() -> tuple[bool, str]:
    """The last sweep (SweepRun, written under the scheduler lease) is recent enough."""
    from procure.reminders.models import SweepRun

    max_age = scheduler_max_age()
    try:
        last = db.session.execute(
            select(SweepRun.started_at).order_by(SweepRun.started_at.desc()).limit(1)
        ).scalar()
    except SQLAlchemyError:
        db.session.rollback()
        return False, "sweep runs not readable"
    if max_age is None:
        return True, "not checked" if last is None else f"last sweep {last.isoformat()}"
    if last is None:
        return False, "no sweep yet: start flask scheduler"
    age = utcnow() - last
    if age > max_age:
        return False, f"last sweep {int(age.total_seconds() // 60)} minutes ago"
    return True, f"last sweep {int(age.total_seconds())} s ago"


def readiness() -> dict[str, tuple[bool, str]]:
    database = check_database()
    if not database[0]:
        return {"database": database}
    return {
        "database": database,
        "migrations": check_migrations(),
        "scheduler": check_scheduler(),
    }
