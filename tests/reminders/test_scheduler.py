"""APScheduler integration: the job in the persistent SQLAlchemy job store, the CLI, and
the optional start inside the development server."""

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from sqlalchemy import create_engine, func, select, text

from procure import create_app
from procure.extensions import db
from procure.reminders import scheduler as sched
from procure.reminders.models import SweepRun
from tests.conftest import make_test_config


def _stored_jobs(url):
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(text(f"SELECT id FROM {sched.JOB_TABLE}")).scalars().all()
    finally:
        engine.dispose()


def test_sweep_job_is_persisted_in_the_job_store_with_the_configured_interval(app):
    app.config["REMINDERS_SWEEP_MINUTES"] = 7
    scheduler = sched.build_scheduler(app, blocking=False)
    scheduler.start(paused=True)
    try:
        job = scheduler.get_job(sched.JOB_ID)
        assert job.trigger.interval.total_seconds() == 7 * 60
        assert job.func is sched.sweep_job
        assert job.coalesce is True and job.max_instances == 1
        assert type(scheduler._jobstores["default"]).__name__ == "SQLAlchemyJobStore"
    finally:
        scheduler.shutdown(wait=False)
    assert sched.JOB_ID in _stored_jobs(app.config["SQLALCHEMY_DATABASE_URI"])
    # starting again replaces the job instead of adding a second one
    again = sched.build_scheduler(app, blocking=False)
    again.start(paused=True)
    again.shutdown(wait=False)
    assert _stored_jobs(app.config["SQLALCHEMY_DATABASE_URI"]).count(sched.JOB_ID) == 1


def test_the_job_runs_a_sweep(app):
    sched.build_scheduler(app, blocking=False)  # binds the job to this app
    sched.sweep_job()
    db.session.expire_all()
    run = db.session.execute(select(SweepRun)).scalar_one()
    assert run.error is None and run.duration_ms is not None


def test_cli_sweep_once_and_scheduler_start(app, monkeypatch):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["scheduler", "sweep", "--no-send"])
    assert result.exit_code == 0, result.output
    assert "Sweep klaar" in result.output
    assert db.session.execute(select(func.count(SweepRun.id))).scalar_one() == 1

    started = []

    def fake_start(self, *args, **kwargs):
        started.append((type(self).__name__, self.get_jobs()))
        raise KeyboardInterrupt

    monkeypatch.setattr(BlockingScheduler, "start", fake_start)
    result = runner.invoke(args=["scheduler"])
    assert result.exit_code == 0, result.output
    assert "Planner gestart" in result.output and "Planner gestopt" in result.output
    assert started[0][0] == "BlockingScheduler"


def test_dev_server_starts_a_background_scheduler_only_when_configured(
    app, database_url, tmp_path, monkeypatch
):
    starts = []
    monkeypatch.setattr(BackgroundScheduler, "start", lambda self, *a, **k: starts.append(self))
    monkeypatch.setattr(sched, "_dev_scheduler", None)
    config = make_test_config(database_url, tmp_path)
    config.update(TESTING=False, PROCURE_ENV="development")
    create_app(config).test_client().get("/gezondheid")
    assert starts == []  # SCHEDULER_IN_DEV_SERVER is off by default
    config["SCHEDULER_IN_DEV_SERVER"] = True
    dev = create_app(config)
    client = dev.test_client()
    client.get("/gezondheid")
    client.get("/gezondheid")
    assert len(starts) == 1
    assert starts[0].get_job(sched.JOB_ID) is not None
