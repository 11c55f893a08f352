"""Job state changes; the only place that writes jobs. Starting a job is audited; the
progress updates of a running job are not (the items' own operations audit their work)."""

from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from procure.audit import record_new
from procure.core.errors import ValidationFailed
from procure.core.operations import operation
from procure.core.types import utcnow
from procure.extensions import db
from procure.jobs.models import Job, JobError
from procure.jobs.policy import JOB_MACHINE

MAX_ITEMS = 20_000


@operation
def _create(kind: str, title: str, items: list[dict], *, actor, region_id=None) -> Job:
    if not items:
        raise ValidationFailed(_l("Er is niets om te doen: de selectie is leeg."))
    if len(items) > MAX_ITEMS:
        raise ValidationFailed(
            _l(
                "Te veel onderdelen (%(n)s); maximaal %(max)s per taak.",
                n=len(items),
                max=MAX_ITEMS,
            )
        )
    job = Job(
        kind=kind,
        title=title,
        user_id=actor.id,
        region_id=region_id if region_id is not None else actor.region_id,
        items=items,
        total=len(items),
    )
    return record_new(job, "job.queued", new={"kind": kind, "total": len(items)}, actor=actor)


def submit(kind: str, title: str, items: list[dict], *, actor, region_id=None) -> Job:
    """Store the job, then put it on the queue (after the commit, so a worker always finds
    the row). If the queue cannot be reached the job is marked failed and the error shown."""
    from procure.jobs.queue import enqueue

    job = _create(kind, title, items, actor=actor, region_id=region_id)
    try:
        enqueue(current_app._get_current_object(), job.id)
    except Exception as exc:
        current_app.logger.exception("jobs: could not enqueue job %s", job.id)
        fail(job, f"queue unreachable: {type(exc).__name__}")
        raise ValidationFailed(
            _l("De takenwachtrij is niet bereikbaar; probeer het later opnieuw.")
        ) from exc
    return job


@operation
def start(job: Job) -> None:
    JOB_MACHINE.apply(job, "running", None)  # the worker's doing
    job.started_at = job.started_at or utcnow()
    job.heartbeat_at = utcnow()


@operation
def item_done(job: Job) -> None:
    job.done += 1
    job.position += 1
    job.heartbeat_at = utcnow()


@operation
def item_failed(job: Job, position: int, item: str, message: str) -> None:
    db.session.add(JobError(job_id=job.id, position=position, item=item[:300], message=message))
    job.failed += 1
    job.position = position + 1
    job.heartbeat_at = utcnow()


@operation
def finish(job: Job, kind) -> None:
    from procure.reminders.operations import notify

    JOB_MACHINE.apply(job, "done", None)
    job.finished_at = utcnow()
    if kind.result_url is not None:
        job.result_url = kind.result_url(job) or ""
    if job.failed:
        body = _(
            "%(done)s van %(total)s gelukt, %(failed)s mislukt.",
            done=job.done,
            total=job.total,
            failed=job.failed,
        )
    else:
        body = _("Alle %(total)s onderdelen gelukt.", total=job.total)
    from flask import url_for

    notify(
        job.user,
        _("Taak klaar: %(title)s", title=job.title),
        body,
        url_for("jobs.detail", job_id=job.id),
    )


@operation
def fail(job: Job, error: str) -> None:
    JOB_MACHINE.apply(job, "failed", None)
    job.error = error[:2000]
    job.finished_at = utcnow()


@operation
def requeue(job: Job) -> None:
    JOB_MACHINE.apply(job, "queued", None)
    job.heartbeat_at = utcnow()
