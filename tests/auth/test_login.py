from sqlalchemy import func, select

from procure.auth.models import LoginAttempt
from procure.auth.operations import set_active
from procure.extensions import db
from tests import factories as f


def test_login_success_shows_dashboard(client):
    user = f.user("procurement")
    response = f.login(client, user)
    assert response.status_code == 302
    page = client.get("/").get_data(as_text=True)
    assert "Dashboard" in page and user.name in page


def test_login_failure_keeps_user_out(client):
    user = f.user("procurement")
    response = f.login(client, user, password="wrong-password!")
    assert response.status_code == 401
    assert "onjuist wachtwoord" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302  # still redirected to the login page


def test_throttling_after_repeated_failures_per_account(client, app):
    user = f.user("procurement")
    limit = app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]
    for _ in range(limit):
        assert f.login(client, user, password="wrong-password!").status_code == 401
    # Even the right password is refused while throttled, with a Dutch message.
    response = f.login(client, user)
    assert response.status_code == 429
    assert "Te veel mislukte inlogpogingen" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_throttling_per_ip_across_accounts(client, app):
    app.config["LOGIN_MAX_FAILURES_PER_IP"] = 3
    victim = f.user("contract_manager")
    for i in range(3):
        f.login(client, f"unknown{i}@example.org", password="whatever-123")
    response = f.login(client, victim)
    assert response.status_code == 429
    failures = db.session.execute(
        select(func.count(LoginAttempt.id)).where(LoginAttempt.success.is_(False))
    ).scalar_one()
    assert failures == 3


def test_logout_requires_post_and_ends_session(client):
    user = f.user("procurement")
    f.login(client, user)
    assert client.get("/uitloggen").status_code == 405
    response = f.post(client, "/uitloggen")
    assert response.status_code == 302
    assert client.get("/").status_code == 302


def test_deactivated_user_cannot_log_in_and_loses_session(client):
    user = f.user("supervisor")
    other = f.user("municipality")
    f.login(client, user)
    set_active(db.session.merge(user), False)
    assert client.get("/").status_code == 302  # the running session is ended
    assert f.login(client, user).status_code == 401
    assert f.login(client, other).status_code == 302


def test_post_without_csrf_token_is_rejected_and_changes_nothing(client):
    admin = f.user("admin")
    f.login(client, admin)
    before = db.session.execute(
        select(func.count()).select_from(select(LoginAttempt.id).subquery())
    ).scalar_one()
    response = client.post(
        "/beheer/gebruikers/nieuw",
        data={
            "email": "nieuw@example.org",
            "name": "Nieuw",
            "role": "procurement",
            "password": "lang-genoeg-wachtwoord",
        },
    )
    assert response.status_code == 400
    assert "Formulier verlopen" in response.get_data(as_text=True)
    from procure.auth.models import User

    assert (
        db.session.execute(select(User).where(User.email == "nieuw@example.org")).scalar() is None
    )
    after = db.session.execute(
        select(func.count()).select_from(select(LoginAttempt.id).subquery())
    ).scalar_one()
    assert before == after


def test_open_redirect_after_login_is_refused(client):
    user = f.user("procurement")
    token = f.csrf_token(client)
    response = client.post(
        "/inloggen?next=https://evil.example.com/",
        data={"email": user.email, "password": f.PASSWORD, "csrf_token": token},
    )
    assert response.headers["Location"] == "/"


def test_session_cookie_and_security_headers(client):
    response = client.get("/inloggen")
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    user = f.user("procurement")
    login = f.login(client, user)
    cookie = next(c for c in login.headers.getlist("Set-Cookie") if c.startswith("session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_production_cookies_are_secure(database_url, tmp_path):
    from procure import create_app
    from tests.conftest import make_test_config

    config = make_test_config(database_url, tmp_path) | {"PROCURE_ENV": "production"}
    app = create_app(config)
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_missing_secret_key_in_production_is_a_clear_error(monkeypatch, tmp_path):
    import pytest

    from procure import ConfigError, create_app

    monkeypatch.delenv("PROCURE_SECRET_KEY", raising=False)
    with pytest.raises(ConfigError, match="PROCURE_SECRET_KEY"):
        create_app(
            {
                "PROCURE_ENV": "production",
                "SECRET_KEY": None,
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.db'}",
            }
        )


def test_english_can_be_selected(client):
    user = f.user("procurement")
    f.login(client, user)
    f.post(client, "/taal/en", {"next": "/"})
    html = client.get("/").get_data(as_text=True)
    assert "Log out" in html
    f.post(client, "/taal/nl", {"next": "/"})
    assert "Uitloggen" in client.get("/").get_data(as_text=True)


def test_log_in_prompt_is_in_the_visitors_language(client, monkeypatch):
    """Flask-Login's prompt goes through Babel: an English visitor gets what the English
    catalogue says (a stand-in entry here, until the catalogue holds it)."""
    from io import BytesIO

    import flask_babel
    from babel.messages import Catalog
    from babel.messages.mofile import write_mo
    from babel.support import Translations

    dutch, english = "Log in om deze pagina te bekijken.", "Please log in to view this page."
    catalog = Catalog(locale="en")
    catalog.add(dutch, english)
    buffer = BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    stand_in = Translations(buffer)
    original = flask_babel.Domain.get_translations

    def with_stand_in(self):
        found = original(self)
        return stand_in if str(flask_babel.get_locale()) == "en" else found

    monkeypatch.setattr(flask_babel.Domain, "get_translations", with_stand_in)
    page = client.get("/contracten/", follow_redirects=True).get_data(as_text=True)
    assert dutch in page
    token = f.csrf_token(client, "/inloggen")
    client.post("/taal/en", data={"next": "/inloggen", "csrf_token": token})
    page = client.get("/contracten/", follow_redirects=True).get_data(as_text=True)
    assert english in page and dutch not in page
