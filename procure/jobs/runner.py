"""Runs one job: item after item, each in its own transaction; a failing item is recorded
and the rest carries on; progress is committed after every item, so the progress page
shows it and a worker that dies mid-job leaves a job the next worker resumes."""

from __future__ import annotations

import logging
from contextlib import contextmanager
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from flask_login import login_user
from sqlalchemy import select
from werkzeug.exceptions import HTTPException

from procure.core.errors import OperationError
from procure.core.types import utcnow
from procure.core.urls import base_url
from procure.extensions import db
from procure.jobs import operations as ops
from procure.jobs.kinds import KINDS
from procure.jobs.models import Job
from procure.jobs.policy import RUNNING

log = logging.getLogger(__name__)


@contextmanager
def acting_as(user):
    """A request context logged in as the job's user: the domains' scope checks and
    policies apply to the worker exactly as to that user's own requests."""
    with current_app.test_request_context("/", base_url=base_url()):
        login_user(user)
        yield


def item_error_message(exc: Exception) -> str:
    if isinstance(exc, OperationError):
        # An import batch lists its problems line by line in `errors`: show them all.
        details = [
            ": ".join(str(p) for p in (e.get("field"), e.get("message")) if p)
            if isinstance(e, dict)
            else str(e)
            for e in exc.errors
        ]
        return " ".join([str(exc.message), "; ".join(filter(None, details))]).strip()
    if isinstance(exc, HTTPException) and exc.code in (403, 404):
        return _("Niet (meer) gevonden, of u heeft er geen toegang toe.")
    return _(
        "Onverwachte fout (%(kind)s); de beheerder vindt details in het log.",
        kind=type(exc).__name__,
    )


def run(job_id: int) -> None:
    job = db.session.get(Job, job_id)
    if job is None or job.finished:
        return
    kind = KINDS.get(job.kind)
    if kind is None:
        ops.fail(job, f"unknown job kind {job.kind!r}")
        return
    ops.start(job)
    items = list(job.items)  # fixed at queueing; read once, not after every commit
    with acting_as(job.user):
        while job.position < job.total:
            position = job.position
            item = items[position]
            try:
                kind.run_item(item, job.user)
            except Exception as exc:
                db.session.rollback()
                log.warning("job %s item %s failed", job_id, position, exc_info=True)
                job = db.session.get(Job, job_id)
                ops.item_failed(job, position, kind.describe(item), item_error_message(exc))
            else:
                ops.item_done(job)
        ops.finish(job, kind)


def recover_interrupted() -> list[int]:
    """Re-queue running jobs whose worker stopped sending heartbeats (it died)."""
    from procure.jobs.queue import enqueue

    stale = utcnow() - timedelta(seconds=int(current_app.config["JOBS_STALE_SECONDS"]))
    jobs = (
        db.session.execute(select(Job).where(Job.status == RUNNING, Job.heartbeat_at < stale))
        .scalars()
        .all()
    )
    for job in jobs:
        ops.requeue(job)
        enqueue(current_app._get_current_object(), job.id)
        log.info("jobs: job %s resumed at item %s of %s", job.id, job.position, job.total)
    return [job.id for job in jobs]
