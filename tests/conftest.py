"""Test harness: an app per test on SQLite (default) or PostgreSQL.

Set PROCURE_TEST_DATABASE_URL to run the same suite on PostgreSQL: each pytest process
creates its own database next to the one in the URL (so parallel runs never collide),
builds the schema once, and empties every table after each test.
"""

import contextvars
import os
import threading
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask import has_app_context
from flask.testing import FlaskClient
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url

from procure import create_app
from procure.extensions import db
from tests import url_builders
from tests.demo_snapshot import load_demo

url_builders.install()  # an app per test: its URL rules' code compiled once per process

PG_URL = os.environ.get("PROCURE_TEST_DATABASE_URL")
CHROMIUM = os.environ.get("PROCURE_CHROMIUM", "/usr/bin/chromium")


def pytest_report_header(config):
    return f"procure database: {'PostgreSQL ' + PG_URL if PG_URL else 'SQLite'}"


def pytest_collection_modifyitems(config, items):
    if PG_URL:
        return
    skip = pytest.mark.skip(reason="needs PROCURE_TEST_DATABASE_URL (PostgreSQL)")
    for item in items:
        if "postgres_only" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    if not PG_URL:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'procure-test.sqlite3'}"
        return
    base = make_url(PG_URL)
    name = f"procure_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield base.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def make_test_config(database_url, tmp_path) -> dict:
    return {
        "PROCURE_ENV": "testing",
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        "UPLOAD_FOLDER": str(tmp_path / "uploads"),
        "SERVER_NAME": None,
        "MAIL_HOST": "127.0.0.1",
        "MAIL_PORT": 1,
        "JOBS_SQLITE_PATH": str(tmp_path / "jobs.sqlite3"),
    }


@pytest.fixture(scope="session")
def _schema(database_url, tmp_path_factory):
    app = create_app(make_test_config(database_url, tmp_path_factory.mktemp("schema")))
    with app.app_context():
        db.create_all()
        yield
        db.session.remove()
        db.engine.dispose()


def _empty_all_tables() -> None:
    tables = [t.name for t in reversed(db.metadata.sorted_tables)]
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            # TRUNCATE costs per table, so find the few tables a test wrote to first.
            probe = " UNION ALL ".join(
                f"SELECT '{name}' WHERE EXISTS (SELECT 1 FROM \"{name}\")" for name in tables
            )
            used = [row[0] for row in conn.exec_driver_sql(probe)]
            # DELETE (with foreign-key triggers off) is much cheaper than TRUNCATE on
            # small tables; the id sequences restart as TRUNCATE ... RESTART IDENTITY would.
            conn.exec_driver_sql("SET LOCAL session_replication_role = replica")
            for name in used:
                conn.exec_driver_sql(f'DELETE FROM "{name}"')
            sequences = conn.execute(
                text(
                    "SELECT s.relname FROM pg_class s JOIN pg_depend d ON d.objid = s.oid "
                    "JOIN pg_class t ON d.refobjid = t.oid "
                    "WHERE s.relkind = 'S' AND t.relname = ANY(:names)"
                ),
                {"names": used},
            )
            for (sequence,) in sequences.all():
                conn.exec_driver_sql(f'ALTER SEQUENCE "{sequence}" RESTART')
        else:
            conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
            for name in tables:
                conn.exec_driver_sql(f'DELETE FROM "{name}"')
            conn.exec_driver_sql("PRAGMA foreign_keys=ON")


class IsolatedClient(FlaskClient):
    """Runs each request in its own app context, as a real server does.

    The test itself holds an app context (to query the database directly); without this,
    Flask would reuse it for requests and share `g` and the SQLAlchemy session with them.
    After each request the test's session is expired so it reads what the request wrote.
    """

    def open(self, *args, **kwargs):
        response = contextvars.Context().run(super().open, *args, **kwargs)
        if has_app_context():  # redirects followed inside run() have no test context
            db.session.expire_all()
        return response


@pytest.fixture
def app(database_url, _schema, tmp_path):
    app = create_app(make_test_config(database_url, tmp_path))
    app.test_client_class = IsolatedClient
    with app.app_context():
        try:
            yield app
        finally:
            db.session.remove()
            _empty_all_tables()
            db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def count_queries(app):
    """Context manager counting the SQL statements run on the app's engine."""

    @contextmanager
    def counter():
        statements: list[str] = []

        def before(conn, cursor, statement, *args):
            statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", before)
        try:
            yield statements
        finally:
            event.remove(db.engine, "before_cursor_execute", before)

    return counter


# -- the demo data ------------------------------------------------------------------------


@pytest.fixture
def demo(app, database_url, tmp_path_factory):
    """The app with the full demo loaded (`flask demo`), from a snapshot after the first."""
    load_demo(database_url, tmp_path_factory)
    return app


# -- browser tests --------------------------------------------------------------------------


@pytest.fixture
def live_server(app):
    """The app served on a free loopback port in a thread, for Playwright."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="nl-NL")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()
