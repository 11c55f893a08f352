"""Reminder models: rule configuration, reminders, in-app notifications, the e-mail outbox,
the scheduler lease, sweep runs, per-user preferences and calendar feed tokens.

A Reminder is unique per (rule, offset, subject type, subject id, due moment, recipient):
whatever the number of sweeps or scheduler processes, the database refuses a second row,
and the notification and e-mail are created only by the transaction that inserted it.
"""

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from procure.auth.models import HashedSecret, User
from procure.core.scope import Scope
from procure.core.types import UTCDateTime, utcnow
from procure.extensions import db
from procure.reminders.policy import EMAIL_DELIVERY

DELIVERY_MODES = ("immediate", "digest")
EMAIL_STATUSES = ("pending", "sending", "sent", "failed")


class ReminderRule(db.Model):
    """A region's configuration of one rule of the registry (procure.reminders.rules).

    Without a row the rule runs with its default offsets; a row overrides the offsets or
    switches the rule off for that region.
    """

    __tablename__ = "reminder_rules"
    __table_args__ = (UniqueConstraint("region_id", "rule_key"),)
    __scope__ = Scope(region="region_id", roles=("admin",))

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    rule_key: Mapped[str] = mapped_column(String(60))
    # Comma-separated offsets before the deadline, e.g. "9m,6m,3m" or "7d,1d,0"
    # (m months, w weeks, d days in Amsterdam wall-clock time; h hours of real time).
    offsets: Mapped[str] = mapped_column(String(200), default="")
    active: Mapped[bool] = mapped_column(default=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class Reminder(db.Model):
    __tablename__ = "reminders"
    __table_args__ = (
        UniqueConstraint(
            "rule_key",
            "offset",
            "subject_type",
            "subject_id",
            "due_at",
            "recipient_id",
            name="uq_reminders_once",
        ),
        Index("ix_reminders_remind_at", "remind_at"),
        Index("ix_reminders_rule_remind_at", "rule_key", "offset", "remind_at"),
        Index("ix_reminders_region_remind_at", "region_id", "remind_at"),
    )
    __scope__ = Scope(region="region_id", roles=("admin",))

    id: Mapped[int] = mapped_column(primary_key=True)
    rule_key: Mapped[str] = mapped_column(String(60))
    offset: Mapped[str] = mapped_column(String(10))
    subject_type: Mapped[str] = mapped_column(String(40))
    subject_id: Mapped[int] = mapped_column()
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)  # the deadline itself
    remind_at: Mapped[datetime] = mapped_column(UTCDateTime)  # deadline minus offset
    recipient_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"))
    title: Mapped[str] = mapped_column(String(300))
    url: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Created by a catch-up sweep well after its moment (the scheduler was down).
    late: Mapped[bool] = mapped_column(default=False)
    # The e-mail that carries this reminder (its own, or the recipient's daily digest).
    email_id: Mapped[int | None] = mapped_column(ForeignKey("email_deliveries.id"), index=True)

    recipient: Mapped[User] = relationship()
    email: Mapped["EmailDelivery | None"] = relationship(foreign_keys=[email_id])


class Notification(db.Model):
    """The in-app notification (the bell); one per reminder."""

    __tablename__ = "notifications"
    __table_args__ = (
        Index("ix_notifications_user_unread", "user_id", "read_at"),
        Index("ix_notifications_user_created", "user_id", "created_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    reminder_id: Mapped[int | None] = mapped_column(ForeignKey("reminders.id"), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text, default="")
    url: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    reminder: Mapped[Reminder | None] = relationship()

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class EmailDelivery(db.Model):
    """The outbox: one row per e-mail, sent by the sweep with retries and backoff.

    pending (waiting, possibly for a retry at next_attempt_at) -> sending (claimed by one
    process) -> sent, or failed after the last attempt (kept, visible to admins, can be
    requeued). A daily digest is unique per (user, digest_day).
    """

    __tablename__ = "email_deliveries"
    __table_args__ = (
        UniqueConstraint("user_id", "digest_day", name="uq_email_deliveries_digest"),
        Index("ix_email_deliveries_status_next", "status", "next_attempt_at"),
        EMAIL_DELIVERY.constraint(),
    )
    __scope__ = Scope(region="region_id", roles=("admin",))

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20), default="immediate")  # immediate | digest
    # The reminder an immediate e-mail carries (unique: never two e-mails for one reminder).
    reminder_id: Mapped[int | None] = mapped_column(
        ForeignKey("reminders.id", use_alter=True), unique=True
    )
    digest_day: Mapped[date | None] = mapped_column()
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claim_token: Mapped[str | None] = mapped_column(String(32), index=True)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)

    user: Mapped[User] = relationship()

    @property
    def is_sent(self) -> bool:
        return self.status == "sent"

    @property
    def has_failed(self) -> bool:
        """Failed after the last attempt (waits for an admin to requeue it)."""
        return self.status == DELIVERY_FAILED


# The last state of a delivery that ran out of attempts.
DELIVERY_FAILED = "failed"


class SchedulerLease(db.Model):
    """One row per lease name; taken with an atomic conditional UPDATE so that only one
    process sweeps at a time (see procure.reminders.lease)."""

    __tablename__ = "scheduler_leases"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    holder: Mapped[str] = mapped_column(String(200))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SweepRun(db.Model):
    __tablename__ = "sweep_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    holder: Mapped[str] = mapped_column(String(200))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    duration_ms: Mapped[int | None] = mapped_column()
    created: Mapped[int] = mapped_column(default=0)
    late: Mapped[int] = mapped_column(default=0)
    emails_sent: Mapped[int] = mapped_column(default=0)
    emails_failed: Mapped[int] = mapped_column(default=0)  # attempts that failed
    error: Mapped[str | None] = mapped_column(Text)


class NotificationPreference(db.Model):
    __tablename__ = "notification_preferences"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    mode: Mapped[str] = mapped_column(String(20), default="immediate")  # immediate | digest
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class CalendarFeedToken(HashedSecret, db.Model):
    """A secret feed URL; only the SHA-256 of the secret is stored, revoked -> 404."""

    __tablename__ = "calendar_feed_tokens"
