"""A background job and the items of it that failed."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from procure.core.types import UTCDateTime, utcnow
from procure.extensions import db
from procure.jobs.policy import JOB_MACHINE

STATUSES = JOB_MACHINE.states
STATUS_LABELS = JOB_MACHINE.labels


class Job(db.Model):
    """Items are fixed when the job is queued, so `total` is known at once and a job
    resumed after a crash continues at `position` instead of starting over."""

    __tablename__ = "jobs"
    __table_args__ = (JOB_MACHINE.constraint(),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), index=True)
    title: Mapped[str] = mapped_column(String(300))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="queued", index=True)
    items: Mapped[list] = mapped_column(JSON, default=list)
    total: Mapped[int] = mapped_column(default=0)
    position: Mapped[int] = mapped_column(default=0)  # items handled (done or failed)
    done: Mapped[int] = mapped_column(default=0)
    failed: Mapped[int] = mapped_column(default=0)
    result_url: Mapped[str] = mapped_column(String(300), default="")
    error: Mapped[str | None] = mapped_column(Text)  # the job as a whole could not run
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user = relationship("User")
    errors: Mapped[list["JobError"]] = relationship(
        back_populates="job", order_by="JobError.position", cascade="all, delete-orphan"
    )

    @property
    def percent(self) -> int:
        return 100 if not self.total else round(100 * self.position / self.total)

    @property
    def finished(self) -> bool:
        return self.status in ("done", "failed")

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS.get(self.status, self.status))


class JobError(db.Model):
    __tablename__ = "job_errors"

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id"), index=True)
    position: Mapped[int] = mapped_column()
    item: Mapped[str] = mapped_column(String(300))
    message: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    job: Mapped[Job] = relationship(back_populates="errors")
