"""Start-up configuration as a region sets it: PROCURE_* variables in the environment,
production mode, one clear message per wrong setting, and the public base URL."""

import re

import pytest
from flask import Flask

from procure import ConfigError, create_app
from procure.core.urls import absolute_url
from procure.extensions import db
from tests import factories as f

LONG_SECRET = "a-long-random-production-secret-of-48-characters!"


@pytest.fixture
def environment(monkeypatch, tmp_path):
    """A clean PROCURE_* environment with a database in tmp_path; returns a setter."""
    import os

    for name in list(os.environ):
        if name.startswith("PROCURE_") or name == "FLASK_RUN_PORT":
            monkeypatch.delenv(name)
    monkeypatch.setenv("PROCURE_DATABASE_URL", f"sqlite:///{tmp_path / 'prod.sqlite3'}")
    monkeypatch.setenv("PROCURE_UPLOAD_FOLDER", str(tmp_path / "uploads"))

    def set_env(**values):
        for key, value in values.items():
            monkeypatch.setenv(key, value)

    return set_env


def test_procure_env_production_refuses_to_start_without_secret_key(environment):
    environment(PROCURE_ENV="production")
    with pytest.raises(ConfigError, match="PROCURE_SECRET_KEY is niet gezet"):
        create_app()


def test_procure_env_production_switches_on_secure_cookies(environment):
    environment(
        PROCURE_ENV="production",
        PROCURE_SECRET_KEY=LONG_SECRET,
        PROCURE_BASE_URL="https://procure.regiowbojeugd.nl",
    )
    app = create_app()
    assert app.config["PROCURE_ENV"] == "production"
    assert "ENV" not in app.config
    with app.app_context():
        db.create_all()
        user = f.user("procurement", email="inkoper@regiowbojeugd.nl")
        client = app.test_client()
        response = f.login(client, user)
        assert response.status_code == 302
        cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
        assert "Secure" in cookie and "HttpOnly" in cookie
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


def test_development_is_the_default_and_sends_plain_cookies(environment):
    app = create_app()
    assert app.config["PROCURE_ENV"] == "development"
    assert app.config["SESSION_COOKIE_SECURE"] is False


def test_every_wrong_setting_is_named_once(environment):
    environment(
        PROCURE_ENV="production",
        PROCURE_SECRET_KEY=LONG_SECRET,
        PROCURE_DATABASE_URL="mysql://procure@db/procure",
        PROCURE_BASE_URL="procure.regiowbojeugd.nl",
        PROCURE_MAIL_PORT="587x",
        PROCURE_MAIL_USE_TLS="true",
        PROCURE_MAIL_USE_SSL="true",
        PROCURE_MAIL_FROM="procure",
    )
    with pytest.raises(ConfigError) as raised:
        create_app()
    lines = str(raised.value).splitlines()
    assert len(lines) == 5, lines
    for variable in ("DATABASE_URL", "BASE_URL", "MAIL_PORT", "MAIL_USE_SSL", "MAIL_FROM"):
        assert sum(f"PROCURE_{variable}" in line for line in lines) == 1, variable


def test_unparsable_database_url_is_refused(environment):
    environment(PROCURE_DATABASE_URL="not a url")
    with pytest.raises(ConfigError, match="PROCURE_DATABASE_URL='not a url' is geen"):
        create_app()


def test_missing_base_url_in_production_is_a_warning(environment, caplog):
    environment(PROCURE_ENV="production", PROCURE_SECRET_KEY=LONG_SECRET)
    create_app()
    assert any("PROCURE_BASE_URL is niet gezet" in r.getMessage() for r in caplog.records)


def test_links_use_base_url_when_set_else_the_served_port(monkeypatch):
    app = Flask(__name__)
    app.config["BASE_URL"] = "https://procure.e10.nl/"
    with app.test_request_context(base_url="http://127.0.0.1:5101"):
        assert absolute_url("/contracten/7") == "https://procure.e10.nl/contracten/7"
    app.config["BASE_URL"] = None
    with app.test_request_context(base_url="http://127.0.0.1:5101"):
        assert absolute_url("contracten/7") == "http://127.0.0.1:5101/contracten/7"
    monkeypatch.setenv("FLASK_RUN_PORT", "5101")  # `PORT=5101 make run` sets it
    with app.app_context():  # the scheduler's e-mails: no request
        assert absolute_url("/") == "http://127.0.0.1:5101/"


def test_calendar_feed_address_follows_the_served_port(app):
    app.config.update(BASE_URL=None, SERVER_NAME="127.0.0.1:5101")  # the test client's host
    client = app.test_client()
    user = f.user("contract_manager")
    f.login(client, user)
    html = client.post(
        "/meldingen/agenda/nieuw",
        data={"csrf_token": f.csrf_token(client, "/meldingen/instellingen")},
    ).get_data(as_text=True)
    assert re.search(r'value="http://127\.0\.0\.1:5101/meldingen/agenda/[^"]+\.ics"', html)
