"""The Huey queue: RedisHuey when JOBS_REDIS_URL is set (production), else SqliteHuey in a
file next to the app's database, so development needs no Redis. Both carry the same one
task, "run job N"; the job's items and progress live in the app's database.

Production runs `flask jobs worker` (a Huey consumer) in its own process: web processes
only enqueue, so a job survives a restart of the web process. In development a worker
thread runs inside `flask run` (JOBS_EMBEDDED_WORKER).
"""

from __future__ import annotations

import atexit
import logging
import threading
from pathlib import Path

log = logging.getLogger(__name__)
TASK_NAME = "procure.run_job"
_embedded_lock = threading.Lock()


def build_huey(app):
    # Huey (and redis-py) load here, not when the app starts: web processes that never
    # queue a job do not pay for them.
    from huey import RedisHuey, SqliteHuey

    config = app.config
    name = config["JOBS_QUEUE_NAME"]
    if config["JOBS_REDIS_URL"]:
        huey = RedisHuey(name, url=config["JOBS_REDIS_URL"], results=False, utc=True)
    else:
        path = config["JOBS_SQLITE_PATH"] or str(Path(app.instance_path) / "jobs.sqlite3")
        huey = SqliteHuey(name, filename=path, results=False, utc=True)

    @huey.task(name=TASK_NAME)
    def run_job(job_id: int) -> None:
        from procure.jobs.runner import run

        with app.app_context():
            run(job_id)

    huey.procure_run_job = run_job
    return huey


def huey_for(app):
    """The app's queue, built once per app."""
    huey = app.extensions.get("procure_huey")
    if huey is None:
        huey = app.extensions["procure_huey"] = build_huey(app)
    return huey


def enqueue(app, job_id: int) -> None:
    huey_for(app).procure_run_job(job_id)


def start_consumer(app, workers: int | None = None):
    """A Huey consumer in threads of this process, without signal handlers (those need the
    main thread): the worker inside the development server, and the tests."""
    from huey.consumer import Consumer

    from procure.jobs.runner import recover_interrupted

    class ThreadConsumer(Consumer):
        def _set_signal_handlers(self):
            pass

    with app.app_context():
        recover_interrupted()
    consumer = ThreadConsumer(
        huey_for(app),
        workers=workers or int(app.config["JOBS_WORKERS"]),
        periodic=False,
        worker_type="thread",
        initial_delay=0.05,
        max_delay=1.0,
    )
    consumer.start()
    return consumer


def start_embedded_worker(app) -> None:
    """In development, a worker thread starts with the first request."""
    wanted = app.config["JOBS_EMBEDDED_WORKER"]
    if wanted is None:
        wanted = app.config["PROCURE_ENV"] == "development"
    if not wanted or app.config.get("TESTING"):
        return

    @app.before_request
    def _start_worker_once():
        if app.extensions.get("procure_jobs_consumer") is not None:
            return
        with _embedded_lock:
            if app.extensions.get("procure_jobs_consumer") is None:
                consumer = start_consumer(app)
                app.extensions["procure_jobs_consumer"] = consumer
                atexit.register(consumer.stop)
                log.info("jobs: worker thread started inside the development server")
