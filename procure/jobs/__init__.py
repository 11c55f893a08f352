"""Background jobs for long work (document batches, imports, reports): a Huey queue, on
Redis in production (JOBS_REDIS_URL) or in a SQLite file next to the app's database by
default, so `make run` needs nothing. Each job's progress lives in the app's database
(procure.jobs.models.Job): the user follows it on a progress page and is notified when it
is done; an item that fails is reported and the rest carries on."""

DEFAULTS = {
    "JOBS_REDIS_URL": None,  # e.g. redis://127.0.0.1:6379/0; unset: SqliteHuey
    "JOBS_QUEUE_NAME": "procure",  # Redis key prefix / SQLite queue name
    "JOBS_SQLITE_PATH": None,  # defaults to instance/jobs.sqlite3
    "JOBS_WORKERS": 1,  # threads per worker process (documents are CPU-bound)
    # A running job whose worker sent no heartbeat for this long is resumed by the next
    # worker that starts (it died with the job half done).
    "JOBS_STALE_SECONDS": 120,
    # Run a worker thread inside `flask run` (development); production runs `flask jobs
    # worker` as its own process.
    "JOBS_EMBEDDED_WORKER": None,  # default: on in development, off otherwise
    # Lines per item of an import job; a file that fits in one item is imported at once.
    "JOBS_IMPORT_BATCH_ROWS": 500,
    "JOBS_IMPORT_BATCH_CARDS": 50,  # product cards per item of a catalogue import job
}


def init_app(app) -> None:
    for key, value in DEFAULTS.items():
        app.config.setdefault(key, value)
    from flask_babel import format_number

    from procure.jobs.queue import start_embedded_worker

    app.jinja_env.filters.setdefault("number", format_number)

    start_embedded_worker(app)
