from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, event
from sqlalchemy.orm import Mapped, Session, mapped_column

from procure.core.scope import Scope
from procure.core.types import UTCDateTime, utcnow
from procure.extensions import db


class AuditLogIsAppendOnly(RuntimeError):
    """Raised when code tries to change or remove a recorded audit event."""


class AuditFacts:
    """What the log says about an event, from its columns: shared by the model and the log
    page's light rows (procure.audit.views)."""

    @property
    def content_hidden(self) -> bool:
        """Administrators read the audit log, but not what signals, bids and custom
        contracts say (SPEC section 2): for those only who did what, and when."""
        return self.action.startswith(CONFIDENTIAL_ACTIONS)


class AuditEvent(AuditFacts, db.Model):
    __tablename__ = "audit_events"
    __scope__ = Scope(region="region_id", roles=("admin",))
    __table_args__ = (
        Index("ix_audit_events_object", "object_type", "object_id"),
        Index("ix_audit_events_region_newest", "region_id", "id"),  # the log: newest first
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    actor_label: Mapped[str] = mapped_column(String(200))
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"), index=True)
    action: Mapped[str] = mapped_column(String(80))
    object_type: Mapped[str] = mapped_column(String(80))
    object_id: Mapped[str] = mapped_column(String(80))
    old_values: Mapped[dict | None] = mapped_column(JSON)
    new_values: Mapped[dict | None] = mapped_column(JSON)
    note: Mapped[str | None] = mapped_column(String(2000))


CONFIDENTIAL_ACTIONS = ("signal.", "measure.", "tender.bid", "contract.custom")


@event.listens_for(Session, "before_flush")
def _refuse_audit_changes(session, flush_context, instances):
    for obj in (*session.dirty, *session.deleted):
        if isinstance(obj, AuditEvent) and (obj in session.deleted or session.is_modified(obj)):
            raise AuditLogIsAppendOnly("Auditregels kunnen niet worden gewijzigd of verwijderd.")


@event.listens_for(Session, "do_orm_execute")
def _refuse_bulk_audit_changes(state):
    if (state.is_update or state.is_delete) and any(
        mapper.class_ is AuditEvent for mapper in state.all_mappers
    ):
        raise AuditLogIsAppendOnly("Auditregels kunnen niet worden gewijzigd of verwijderd.")
