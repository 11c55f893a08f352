"""Expired Idempotency-Key answers are removed by `flask api cleanup` and the scheduler's
hourly job; younger ones keep answering retries."""

from datetime import timedelta

from sqlalchemy import func, select

from procure.api.models import IdempotentRequest
from procure.audit.models import AuditEvent
from procure.core.types import utcnow
from procure.extensions import db
from procure.reminders import scheduler as sched
from tests import factories as f

CARD = {
    "name": "GGZ",
    "variant": "effort",
    "unit": "uur",
    "valid_from": "2026-01-01",
    "price": "98.50",
}


def _write(client, token, key):
    headers = {**f.bearer(token), "Idempotency-Key": key}
    return client.post("/api/v1/products", json={**CARD, "code": key}, headers=headers)


def _age(key: str, hours: float) -> None:
    row = db.session.execute(select(IdempotentRequest).filter_by(key=key)).scalar_one()
    row.created_at = utcnow() - timedelta(hours=hours)
    db.session.commit()


def _keys() -> list[str]:
    return sorted(db.session.execute(select(IdempotentRequest.key)).scalars())


def test_cli_removes_answers_older_than_the_configured_hours(app, client):
    token = f.api_token(f.user("procurement"))
    for key in ("45A01", "45A02", "45A03"):
        assert _write(client, token, key).status_code == 201
    _age("45A01", 25)
    _age("45A02", 11)
    runner = app.test_cli_runner()
    dry = runner.invoke(args=["api", "cleanup", "--dry-run"])
    assert dry.exit_code == 0 and "Zou verwijderen: 1 " in dry.output
    assert _keys() == ["45A01", "45A02", "45A03"]
    result = runner.invoke(args=["api", "cleanup"])
    assert result.exit_code == 0 and "Verwijderd: 1 " in result.output, result.output
    assert _keys() == ["45A02", "45A03"]
    event = db.session.execute(
        select(AuditEvent).where(AuditEvent.action == "api.idempotency_cleaned")
    ).scalar_one()
    assert "1 " in event.note
    # A shorter configured time removes the 11-hour-old answer as well.
    app.config["API_IDEMPOTENCY_HOURS"] = 10
    assert runner.invoke(args=["api", "cleanup"]).exit_code == 0
    assert _keys() == ["45A03"]
    # The removed key now runs as a new request (here refused: the card exists).
    assert _write(client, token, "45A01").status_code == 409
    # The kept key still replays its answer.
    replay = _write(client, token, "45A03")
    assert replay.status_code == 201 and replay.headers["Idempotent-Replayed"] == "true"


def test_scheduler_runs_the_cleanup_every_hour(app, client):
    token = f.api_token(f.user("procurement"))
    assert _write(client, token, "45A01").status_code == 201
    _age("45A01", 30)
    scheduler = sched.build_scheduler(app, blocking=False)
    scheduler.start(paused=True)
    try:
        job = scheduler.get_job(sched.CLEANUP_JOB_ID)
        assert job.func is sched.cleanup_job
        assert job.trigger.interval.total_seconds() == 3600
    finally:
        scheduler.shutdown(wait=False)
    sched.cleanup_job()
    db.session.expire_all()
    assert db.session.execute(select(func.count(IdempotentRequest.id))).scalar_one() == 0
