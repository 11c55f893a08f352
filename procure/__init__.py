"""procure: procurement and contract lifecycle management for Dutch youth-care regions."""

import importlib
import importlib.util
from pathlib import Path

from flask import Flask

from procure.config import ConfigError, Defaults, finish_config, load_environment

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# One package per domain. Each may have models, views (bp), api, cli (a click group `cli`)
# and an `init_app(app)` hook; missing modules are simply skipped.
DOMAINS = (
    "core",
    "organisations",
    "auth",
    "audit",
    "main",
    "catalogue",
    "contracts",
    "tenders",
    "tenders.open_house",
    "supervision",
    "reminders",
    "documents",
    "jobs",
    "system",
    "ocds",
    "finance",
    "contracts.changes",
    "consultations",
    "missing_care",
)

__all__ = ["ConfigError", "create_app"]


def _optional_module(name: str):
    if importlib.util.find_spec(name) is None:
        return None
    return importlib.import_module(name)


def import_models() -> None:
    for domain in DOMAINS:
        _optional_module(f"procure.{domain}.models")
    _optional_module("procure.api.models")


def create_app(config: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_path=str(PROJECT_ROOT / "instance"),
        instance_relative_config=True,
        template_folder=str(PROJECT_ROOT / "templates"),
    )
    app.config.from_object(Defaults)
    app.config.from_pyfile("config.py", silent=True)
    load_environment(app)
    if config:
        app.config.update(config)
    finish_config(app)

    from procure import extensions, security
    from procure.core.converters import BoundedIntConverter

    app.url_map.converters["int"] = BoundedIntConverter

    extensions.db.init_app(app)
    extensions.migrate.init_app(
        app,
        extensions.db,
        directory=str(PROJECT_ROOT / "migrations"),
        render_as_batch=True,
        compare_type=True,
    )
    extensions.csrf.init_app(app)
    security.init_app(app)

    import_models()
    from procure import api

    for domain in DOMAINS:
        package = f"procure.{domain}"
        _optional_module(f"{package}.api")
        views = _optional_module(f"{package}.views")
        if views is not None and hasattr(views, "bp"):
            app.register_blueprint(views.bp)
        cli = _optional_module(f"{package}.cli")
        if cli is not None and hasattr(cli, "cli"):
            app.cli.add_command(cli.cli)
        hook = getattr(_optional_module(package), "init_app", None)
        if hook is not None:
            hook(app)
    api.init_app(app)

    from procure import cli, errors

    errors.init_app(app)
    cli.init_app(app)
    return app
