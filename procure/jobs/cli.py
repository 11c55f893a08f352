"""``flask --app procure jobs worker``: the background-job worker (a Huey consumer)."""

import click
from flask import current_app
from flask.cli import with_appcontext


@click.group("jobs")
def cli():
    """Background jobs."""


@cli.command("worker")
@click.option("--workers", type=int, default=None, help="Threads (default JOBS_WORKERS).")
@with_appcontext
def worker(workers):
    """Run queued jobs until stopped (Ctrl-C or SIGTERM finish the current item first)."""
    from procure.jobs.queue import huey_for
    from procure.jobs.runner import recover_interrupted

    app = current_app._get_current_object()
    resumed = recover_interrupted()
    if resumed:
        click.echo(f"Onderbroken taken hervat: {', '.join(map(str, resumed))}")
    count = workers or int(app.config["JOBS_WORKERS"])
    backend = "Redis" if app.config["JOBS_REDIS_URL"] else "SQLite"
    click.echo(f"Takenverwerker gestart ({backend}, {count} thread(s)); Ctrl-C stopt.")
    huey_for(app).create_consumer(workers=count, worker_type="thread", periodic=False).run()
