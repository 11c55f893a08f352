"""/healthz and /readyz: ready needs the database, the migrations at head and (when asked
for) a recent reminder sweep; not ready answers 503 naming what is wrong."""

import socket
from datetime import timedelta

import pytest
from sqlalchemy import text

from procure import create_app
from procure.core.types import utcnow
from procure.extensions import db
from procure.reminders.models import SweepRun
from procure.system.health import migration_heads
from tests.conftest import make_test_config


@pytest.fixture
def at_head(app):
    """The test database stamped at the migrations' head, as `flask db upgrade` leaves it."""
    with db.engine.begin() as conn:
        conn.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)"))
        for head in migration_heads():
            conn.execute(text("INSERT INTO alembic_version VALUES (:v)"), {"v": head})
    yield
    with db.engine.begin() as conn:
        conn.execute(text("DROP TABLE alembic_version"))


def test_healthz_answers_without_log_in(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json == {"status": "ok"}
    assert response.headers["X-Request-ID"]


def test_readyz_needs_the_migrations_at_head(client):
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json["checks"]["database"]["ok"] is True
    assert "flask db upgrade" in response.json["checks"]["migrations"]["detail"]


def test_readyz_is_ready_at_head_and_checks_the_scheduler_when_asked(app, client, at_head):
    response = client.get("/readyz")
    assert response.status_code == 200, response.json
    assert response.json["status"] == "ready"

    app.config["READY_SCHEDULER_MAX_AGE_MINUTES"] = 45
    response = client.get("/readyz")
    assert response.status_code == 503
    assert "no sweep yet" in response.json["checks"]["scheduler"]["detail"]

    db.session.add(SweepRun(holder="scheduler-1", started_at=utcnow() - timedelta(hours=2)))
    db.session.commit()
    assert client.get("/readyz").status_code == 503  # the scheduler stopped two hours ago
    db.session.add(SweepRun(holder="scheduler-1", started_at=utcnow() - timedelta(minutes=3)))
    db.session.commit()
    assert client.get("/readyz").status_code == 200


def test_readyz_fails_when_the_database_is_gone(tmp_path):
    with socket.socket() as probe:  # a loopback port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"postgresql+psycopg://procure@127.0.0.1:{port}/procure?connect_timeout=2"
    app = create_app(make_test_config(url, tmp_path))
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.json["checks"] == {
        "database": {"ok": False, "detail": "database unreachable: OperationalError"}
    }
    assert app.test_client().get("/healthz").status_code == 200


def test_request_id_from_the_proxy_is_kept_and_junk_replaced(client):
    kept = client.get("/healthz", headers={"X-Request-ID": "lb-7f3a9c21d4"})
    assert kept.headers["X-Request-ID"] == "lb-7f3a9c21d4"
    junk = client.get("/healthz", headers={"X-Request-ID": "<script>"})
    assert junk.headers["X-Request-ID"] != "<script>" and len(junk.headers["X-Request-ID"]) == 32
