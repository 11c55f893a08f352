"""Configuration: defaults, then instance/config.py, then PROCURE_* environment variables."""

import secrets
from pathlib import Path


class Defaults:
    PROCURE_ENV = "development"  # development | testing | production
    SECRET_KEY = None
    SQLALCHEMY_DATABASE_URI = None  # filled with a SQLite file in instance/ when unset
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = 8 * 3600

    WTF_CSRF_TIME_LIMIT = 8 * 3600
    MAX_CONTENT_LENGTH = 25 * 1024 * 1024
    UPLOAD_MAX_BYTES = 10 * 1024 * 1024

    BABEL_DEFAULT_LOCALE = "nl"
    BABEL_DEFAULT_TIMEZONE = "Europe/Amsterdam"
    LANGUAGES = ("nl", "en")

    LOGIN_MAX_FAILURES_PER_ACCOUNT = 5
    LOGIN_MAX_FAILURES_PER_IP = 20
    LOGIN_THROTTLE_MINUTES = 15

    API_DEFAULT_PER_PAGE = 25
    API_MAX_PER_PAGE = 100
    API_MAX_JSON_BYTES = 1024 * 1024
    API_MAX_JSON_DEPTH = 20
    OCDS_OCID_PREFIX = "ocds-procure"  # replace by the region's registered OCID prefix
    OCDS_PUBLISHER = "procure"
    LIST_PER_PAGE = 25

    MAIL_HOST = "localhost"
    MAIL_PORT = 25
    MAIL_USE_TLS = False
    MAIL_USE_SSL = False
    MAIL_USERNAME = None
    MAIL_PASSWORD = None
    MAIL_FROM = "procure@localhost"
    MAIL_TIMEOUT = 10

    BASE_URL = "http://127.0.0.1:5000"
    UPLOAD_FOLDER = None  # defaults to instance/uploads
    SCHEDULER_IN_DEV_SERVER = False


class ConfigError(RuntimeError):
    """The configuration cannot run the app; the message says what to set."""


def finish_config(app) -> None:
    """Fill derived defaults and refuse to start production without a secret key."""
    instance = Path(app.instance_path)
    instance.mkdir(parents=True, exist_ok=True)
    env = app.config["PROCURE_ENV"]
    if env not in {"development", "testing", "production"}:
        raise ConfigError(f"PROCURE_ENV={env!r}: kies development, testing of production.")

    if app.config.get("DATABASE_URL"):
        app.config["SQLALCHEMY_DATABASE_URI"] = app.config["DATABASE_URL"]
    if not app.config["SQLALCHEMY_DATABASE_URI"]:
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{instance / 'procure.sqlite3'}"
    if not app.config["UPLOAD_FOLDER"]:
        app.config["UPLOAD_FOLDER"] = str(instance / "uploads")

    if not app.config["SECRET_KEY"]:
        if env == "production":
            raise ConfigError(
                "PROCURE_SECRET_KEY is niet gezet. Zet een lange willekeurige waarde in de "
                "omgeving of in instance/config.py voordat u procure in productie start."
            )
        app.config["SECRET_KEY"] = _development_secret(instance)
    if env != "production":
        # Development runs on plain http://127.0.0.1; production keeps Secure cookies.
        app.config["SESSION_COOKIE_SECURE"] = False
        app.config["REMEMBER_COOKIE_SECURE"] = False
    else:
        app.config["REMEMBER_COOKIE_SECURE"] = True


def _development_secret(instance: Path) -> str:
    key_file = instance / "dev-secret-key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(48))
        key_file.chmod(0o600)
    return key_file.read_text().strip()
