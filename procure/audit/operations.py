"""The one helper every operation uses to write the audit log."""

from datetime import date, datetime
from decimal import Decimal
from enum import Enum

from flask import has_request_context
from flask_login import current_user

from procure.audit.models import AuditEvent
from procure.core.types import utcnow
from procure.extensions import db


def _jsonable(value):
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    return value


def _current_actor():
    if has_request_context() and current_user and current_user.is_authenticated:
        return current_user
    return None


def record(
    action: str,
    obj=None,
    *,
    object_type: str | None = None,
    object_id=None,
    old: dict | None = None,
    new: dict | None = None,
    actor=None,
    region_id: int | None = None,
    note: str | None = None,
) -> AuditEvent:
    """Add an audit event to the current transaction (committed with the change itself)."""
    actor = actor or _current_actor()
    if obj is not None:
        if obj.id is None:
            db.session.flush()
        object_type = object_type or type(obj).__name__
        object_id = obj.id if object_id is None else object_id
        if region_id is None:
            region_id = getattr(obj, "region_id", None)
        if region_id is None and getattr(obj, "__tablename__", "") == "regions":
            region_id = obj.id
    event = AuditEvent(
        actor_id=actor.id if actor else None,
        actor_label=actor.email if actor else "systeem",
        region_id=region_id,
        action=action,
        object_type=object_type or "unknown",
        object_id=str(object_id),
        old_values=_jsonable(old) if old is not None else None,
        new_values=_jsonable(new) if new is not None else None,
        note=note,
    )
    db.session.add(event)
    return event


def record_many(action: str, events: list[dict], *, actor=None, note: str | None = None) -> int:
    """Many audit events of one action in one INSERT (an import of thousands of records):
    each dict gives object_type, object_id, region_id and old / new as record() takes them.
    Added to the current transaction like record()'s events."""
    if not events:
        return 0
    actor = actor or _current_actor()
    now = utcnow()
    rows = [
        {
            "occurred_at": now,
            "actor_id": actor.id if actor else None,
            "actor_label": actor.email if actor else "systeem",
            "region_id": e.get("region_id"),
            "action": action,
            "object_type": e.get("object_type") or "unknown",
            "object_id": str(e.get("object_id")),
            "old_values": _jsonable(e["old"]) if e.get("old") is not None else None,
            "new_values": _jsonable(e["new"]) if e.get("new") is not None else None,
            "note": note,
        }
        for e in events
    ]
    for start in range(0, len(rows), 1000):
        db.session.execute(AuditEvent.__table__.insert(), rows[start : start + 1000])
    return len(rows)


def record_new(row, action: str, *, subject=None, **audit):
    """Add a new row to the transaction, flush it (it gets its id) and record `action` on
    `subject` (default: the row itself) with the other arguments of `record`. Returns the
    row."""
    db.session.add(row)
    db.session.flush()
    record(action, row if subject is None else subject, **audit)
    return row


def changes(obj, fields: list[str], values: dict) -> tuple[dict, dict]:
    """Apply `values` to `obj` and return (old, new) for the fields that really changed."""
    old, new = {}, {}
    for name in fields:
        if name not in values:
            continue
        before, after = getattr(obj, name), values[name]
        if before != after:
            old[name], new[name] = before, after
            setattr(obj, name, after)
    return old, new
