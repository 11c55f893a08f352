"""APScheduler integration: one sweep job in a persistent SQLAlchemy job store.

Production runs ``flask --app procure scheduler`` (a BlockingScheduler in its own process);
with SCHEDULER_IN_DEV_SERVER the development server starts a BackgroundScheduler at its
first request. Several processes may run a scheduler on the same database: the job store
keeps the job definition, and the database lease in run_sweep() lets only one of them
sweep at a time. The job runs once at start-up (catch-up after downtime), then every
REMINDERS_SWEEP_MINUTES; missed runs are coalesced into one. A second job removes expired
API idempotency records every hour (procure.system.cleanup).
"""

import atexit
import logging
import threading
from datetime import datetime

from procure.core.timeutil import AMSTERDAM

log = logging.getLogger(__name__)

JOB_ID = "procure-reminders-sweep"
CLEANUP_JOB_ID = "procure-api-idempotency-cleanup"
CLEANUP_MINUTES = 60
JOB_TABLE = "apscheduler_jobs"

_app = None  # the Flask app the job runs in; set when a scheduler is built
_dev_lock = threading.Lock()
_dev_scheduler = None


def _job_app():
    if _app is None:  # a job store shared with a process that did not build the scheduler
        from procure import create_app

        return create_app()
    return _app


def cleanup_job() -> None:
    """The hourly clean-up job: expired Idempotency-Key answers of the API."""
    from procure.system.cleanup import clean_idempotent_requests

    with _job_app().app_context():
        removed = clean_idempotent_requests()
        if removed:
            log.info("api: %s expired idempotency records removed", removed)


def sweep_job() -> None:
    """The job (stored by reference in the job store): one sweep in an app context."""
    app = _job_app()
    from procure.reminders.sweep import run_sweep

    with app.app_context():
        run = run_sweep()
        if run is not None:
            log.info(
                "reminders: sweep %s created=%s late=%s sent=%s failed=%s in %s ms%s",
                run.id,
                run.created,
                run.late,
                run.emails_sent,
                run.emails_failed,
                run.duration_ms,
                f" error={run.error}" if run.error else "",
            )


def build_scheduler(app, *, blocking: bool):
    """A scheduler with the sweep job in a SQLAlchemy job store on the app's database."""
    # APScheduler is loaded here: the web processes never build a scheduler.
    from apscheduler.executors.pool import ThreadPoolExecutor
    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
    from apscheduler.schedulers.background import BackgroundScheduler
    from apscheduler.schedulers.blocking import BlockingScheduler

    global _app
    _app = app
    url = app.config.get("SCHEDULER_JOBSTORE_URL") or app.config["SQLALCHEMY_DATABASE_URI"]
    cls = BlockingScheduler if blocking else BackgroundScheduler
    scheduler = cls(
        jobstores={"default": SQLAlchemyJobStore(url=url, tablename=JOB_TABLE)},
        executors={"default": ThreadPoolExecutor(1)},
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
        timezone=AMSTERDAM,
    )
    scheduler.add_job(
        sweep_job,
        "interval",
        id=JOB_ID,
        name="Herinneringen: sweep",
        minutes=int(app.config["REMINDERS_SWEEP_MINUTES"]),
        next_run_time=datetime.now(AMSTERDAM),
        replace_existing=True,
    )
    scheduler.add_job(
        cleanup_job,
        "interval",
        id=CLEANUP_JOB_ID,
        name="API: verlopen Idempotency-Key-antwoorden opruimen",
        minutes=CLEANUP_MINUTES,
        next_run_time=datetime.now(AMSTERDAM),
        replace_existing=True,
    )
    return scheduler


def start_in_dev_server(app) -> None:
    """With SCHEDULER_IN_DEV_SERVER, start a background scheduler at the first request."""
    if not app.config.get("SCHEDULER_IN_DEV_SERVER") or app.config.get("TESTING"):
        return
    if app.config.get("PROCURE_ENV") == "production":
        log.warning(
            "SCHEDULER_IN_DEV_SERVER wordt genegeerd in productie; "
            "start 'flask --app procure scheduler'."
        )
        return

    @app.before_request
    def _start_scheduler_once():
        global _dev_scheduler
        if _dev_scheduler is not None:
            return
        with _dev_lock:
            if _dev_scheduler is None:
                _dev_scheduler = build_scheduler(app, blocking=False)
                _dev_scheduler.start()
                atexit.register(_shutdown_dev)
                log.info("reminders: scheduler started inside the development server")


def _shutdown_dev() -> None:
    if _dev_scheduler is not None and _dev_scheduler.running:
        _dev_scheduler.shutdown(wait=False)
