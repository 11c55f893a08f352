"""A database-backed lease: only one process at a time runs the sweep.

The lease is one row per name. Taking it is a single conditional UPDATE
(``... WHERE name = :name AND (expires_at < :now OR holder = :me)``), which the database
executes atomically: of two processes racing for an expired lease, exactly one updates the
row (on PostgreSQL the second waits for the first to commit and then finds the condition
false). The very first time, the row is inserted with ON CONFLICT DO NOTHING.
"""

import os
import socket
import threading
from datetime import datetime, timedelta

from sqlalchemy import or_, update

from procure.core.types import utcnow
from procure.extensions import db
from procure.reminders.models import SchedulerLease
from procure.reminders.upsert import insert_ignore


def default_holder() -> str:
    """This process and thread, e.g. 'web-1:4242:139872'."""
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"


def acquire(name: str, holder: str, ttl_seconds: int, now: datetime | None = None) -> bool:
    """Take or renew the lease; True if `holder` holds it now. Commits."""
    now = now or utcnow()
    expires = now + timedelta(seconds=ttl_seconds)
    result = db.session.execute(
        update(SchedulerLease)
        .where(
            SchedulerLease.name == name,
            or_(SchedulerLease.expires_at < now, SchedulerLease.holder == holder),
        )
        .values(holder=holder, expires_at=expires)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount == 1:
        db.session.commit()
        return True
    inserted = db.session.execute(
        insert_ignore(SchedulerLease, ["name"])
        .values(name=name, holder=holder, expires_at=expires)
        .returning(SchedulerLease.name)
    ).first()
    db.session.commit()
    return inserted is not None


def release(name: str, holder: str, *, commit: bool = True) -> None:
    """Give the lease up early (it would expire anyway)."""
    db.session.execute(
        update(SchedulerLease)
        .where(SchedulerLease.name == name, SchedulerLease.holder == holder)
        .values(expires_at=utcnow() - timedelta(seconds=1))
        .execution_options(synchronize_session=False)
    )
    if commit:
        db.session.commit()


def current(name: str) -> SchedulerLease | None:
    return db.session.get(SchedulerLease, name)
