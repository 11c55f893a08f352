"""Sessions, log-in loading, locale selection, SQLite pragmas and security headers."""

import functools

from flask import request, session
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import bindparam, event, select
from sqlalchemy.engine import Engine

from procure.extensions import babel, db, login_manager

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.close()


@functools.cache
def _user_by_id():
    """The log-in's user query, built once (every request runs it)."""
    from procure.auth.models import User

    return select(User).where(User.id == bindparam("user_id"))


@login_manager.user_loader
def _load_user(session_id: str):
    user_id, _, version = session_id.partition(":")
    if not user_id.isdigit():
        return None
    user = db.session.execute(_user_by_id(), {"user_id": int(user_id)}).scalar()
    if user is None or not user.active or str(user.session_version) != version:
        return None
    return user


def _select_locale():
    from flask import current_app, has_request_context

    if not has_request_context():  # CLI, scheduler, demo: messages in the default locale
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    languages = current_app.config["LANGUAGES"]
    if session.get("locale") in languages:
        return session["locale"]
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def _security_headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    return response


def init_app(app) -> None:
    from pathlib import Path

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    # Flask-Login flashes a plain string unless told how to localise it: translated
    # when flashed, in the locale of that request (the visitor's chosen language).
    login_manager.login_message = _l("Log in om deze pagina te bekijken.")
    login_manager.localize_callback = str
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"
    translations = str(Path(__file__).parent / "translations")
    babel.init_app(
        app, locale_selector=_select_locale, default_translation_directories=translations
    )
    from procure.core.labels import install_template_gettext

    install_template_gettext(app)
    app.after_request(_security_headers)
