import pytest
from sqlalchemy import delete, select, update

from procure.audit import record
from procure.audit.models import AuditEvent, AuditLogIsAppendOnly
from procure.extensions import db
from tests import factories as f


def _one_event():
    user = f.user("admin")
    event = db.session.execute(
        select(AuditEvent).where(AuditEvent.object_id == str(user.id))
    ).scalar_one()
    return event


def test_record_writes_old_and_new_values_as_json(app):
    region = f.region()
    from decimal import Decimal

    record("region.renamed", region, old={"name": "Oud"}, new={"bedrag": Decimal("1.10")})
    db.session.commit()
    event = db.session.execute(
        select(AuditEvent).where(AuditEvent.action == "region.renamed")
    ).scalar_one()
    assert event.new_values == {"bedrag": "1.10"}
    assert event.actor_label == "systeem" and event.region_id == region.id


def test_audit_event_cannot_be_modified_through_the_orm(app):
    event = _one_event()
    event.action = "tampered"
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.flush()
    db.session.rollback()
    assert db.session.get(AuditEvent, event.id).action == "user.created"


def test_audit_event_cannot_be_deleted_through_the_orm(app):
    event = _one_event()
    db.session.delete(event)
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.flush()
    db.session.rollback()
    assert db.session.get(AuditEvent, event.id) is not None


def test_bulk_update_and_delete_of_audit_events_are_refused(app):
    event = _one_event()
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.execute(update(AuditEvent).values(action="x"))
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.execute(delete(AuditEvent))
    db.session.rollback()
    assert db.session.get(AuditEvent, event.id).action == "user.created"
