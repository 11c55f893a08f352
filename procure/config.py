"""Configuration: defaults, then instance/config.py, then PROCURE_* environment variables.

Everything is checked once at start-up (check_config): a wrong setting stops the app with
one line per problem, naming the variable to fix, instead of failing at the first request
or the first e-mail.
"""

import logging
import secrets
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

log = logging.getLogger("procure.config")
DATABASE_BACKENDS = ("sqlite", "postgresql")


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
    # A list page counts its results up to this many and then says "more than": the count
    # stays bounded however large a region's registers grow (the API counts exactly).
    LIST_COUNT_CAP = 10_000

    MAIL_HOST = "localhost"
    MAIL_PORT = 25
    MAIL_USE_TLS = False
    MAIL_USE_SSL = False
    MAIL_USERNAME = None
    MAIL_PASSWORD = None
    MAIL_FROM = "procure@localhost"
    MAIL_TIMEOUT = 10

    # The public address in links that leave the app (e-mail, calendar feed). Unset in
    # development: links follow the address the page was served on (or FLASK_RUN_PORT).
    BASE_URL = None
    UPLOAD_FOLDER = None  # defaults to instance/uploads
    SCHEDULER_IN_DEV_SERVER = False


class ConfigError(RuntimeError):
    """The configuration cannot run the app; the message says what to set."""


def load_environment(app) -> None:
    """PROCURE_* variables; PROCURE_ENV arrives as ENV (the prefix is stripped)."""
    app.config.from_prefixed_env("PROCURE")
    if "ENV" in app.config:
        app.config["PROCURE_ENV"] = str(app.config.pop("ENV"))


def finish_config(app) -> None:
    """Fill derived defaults, then check everything (see check_config)."""
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

    problems = check_config(app.config)
    if problems:
        raise ConfigError("\n".join(problems))
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = _development_secret(instance)
    if env != "production":
        # Development runs on plain http://127.0.0.1; production keeps Secure cookies.
        app.config["SESSION_COOKIE_SECURE"] = False
        app.config["REMEMBER_COOKIE_SECURE"] = False
    else:
        app.config["REMEMBER_COOKIE_SECURE"] = True


def check_config(config) -> list[str]:
    """One message per problem; warnings (not fatal) go to the log."""
    production = config["PROCURE_ENV"] == "production"
    problems = []
    if production and not config["SECRET_KEY"]:
        problems.append(
            "PROCURE_SECRET_KEY is niet gezet. Zet een lange willekeurige waarde in de "
            "omgeving of in instance/config.py voordat u procure in productie start."
        )
    elif production and len(str(config["SECRET_KEY"])) < 32:
        log.warning("PROCURE_SECRET_KEY is korter dan 32 tekens; kies een langere waarde.")
    problems += _database_problems(config["SQLALCHEMY_DATABASE_URI"])
    problems += _base_url_problems(config.get("BASE_URL"), production)
    problems += _mail_problems(config)
    return problems


def _database_problems(url) -> list[str]:
    try:
        backend = make_url(str(url)).get_backend_name()
    except ArgumentError:
        return [
            f"PROCURE_DATABASE_URL={url!r} is geen database-URL; bijvoorbeeld "
            "postgresql+psycopg://procure@localhost/procure of sqlite:////pad/procure.sqlite3."
        ]
    if backend not in DATABASE_BACKENDS:
        return [
            f"PROCURE_DATABASE_URL: database {backend!r} wordt niet ondersteund; "
            "gebruik PostgreSQL of SQLite."
        ]
    return []


def _base_url_problems(base_url, production: bool) -> list[str]:
    if not base_url:
        if production:
            log.warning(
                "PROCURE_BASE_URL is niet gezet: links in e-mails en de agenda-feed volgen nu "
                "het adres van het verzoek en ontbreken in e-mails van de planner. Zet het "
                "publieke adres, bijvoorbeeld https://procure.regio.nl."
            )
        return []
    parts = urlsplit(str(base_url))
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return [f"PROCURE_BASE_URL={base_url!r} is geen adres als https://procure.regio.nl."]
    if parts.query or parts.fragment:
        return [f"PROCURE_BASE_URL={base_url!r} mag geen ? of # bevatten."]
    if production and parts.scheme != "https":
        log.warning("PROCURE_BASE_URL begint met http://; in productie hoort dat https:// te zijn.")
    return []


def _mail_problems(config) -> list[str]:
    problems = []
    if not str(config.get("MAIL_HOST") or "").strip():
        problems.append("PROCURE_MAIL_HOST is leeg; geef de SMTP-server op.")
    port = config.get("MAIL_PORT")
    if isinstance(port, bool) or not isinstance(port, int) or not 0 < port < 65536:
        problems.append(f"PROCURE_MAIL_PORT={port!r} is geen poortnummer (1-65535).")
    for key in ("MAIL_USE_TLS", "MAIL_USE_SSL"):
        if not isinstance(config.get(key), bool):
            problems.append(f"PROCURE_{key}={config.get(key)!r}: gebruik true of false.")
    if config.get("MAIL_USE_TLS") is True and config.get("MAIL_USE_SSL") is True:
        problems.append(
            "PROCURE_MAIL_USE_TLS en PROCURE_MAIL_USE_SSL staan allebei aan; kies er één "
            "(STARTTLS op poort 587 of SSL op poort 465)."
        )
    sender = str(config.get("MAIL_FROM") or "")
    local, _at, domain = sender.rpartition("<")[2].rstrip(">").partition("@")
    if not local or not domain:
        problems.append(f"PROCURE_MAIL_FROM={sender!r} is geen e-mailadres.")
    if config.get("MAIL_PASSWORD") and not config.get("MAIL_USERNAME"):
        problems.append("PROCURE_MAIL_PASSWORD is gezet zonder PROCURE_MAIL_USERNAME.")
    return problems


def _development_secret(instance: Path) -> str:
    key_file = instance / "dev-secret-key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(48))
        key_file.chmod(0o600)
    return key_file.read_text().strip()
