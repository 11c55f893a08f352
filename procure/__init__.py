"""procure: procurement and contract lifecycle management for Dutch youth-care regions."""

from pathlib import Path

from flask import Flask

from procure.config import ConfigError, Defaults, finish_config, load_environment

PROJECT_ROOT = Path(__file__).resolve().parent.parent

__all__ = ["ConfigError", "create_app"]


def import_models() -> None:
    """Every model, so that metadata (create_all, Alembic) knows every table."""
    from procure.api import models as _api  # noqa: F401
    from procure.audit import models as _audit  # noqa: F401
    from procure.auth import models as _auth  # noqa: F401
    from procure.catalogue import models as _catalogue  # noqa: F401
    from procure.consultations import models as _consultations  # noqa: F401
    from procure.contracts import models as _contracts  # noqa: F401
    from procure.contracts.changes import models as _contract_changes  # noqa: F401
    from procure.core import models as _core  # noqa: F401
    from procure.documents import models as _documents  # noqa: F401
    from procure.finance import models as _finance  # noqa: F401
    from procure.jobs import models as _jobs  # noqa: F401
    from procure.missing_care import models as _missing_care  # noqa: F401
    from procure.organisations import models as _organisations  # noqa: F401
    from procure.reminders import models as _reminders  # noqa: F401
    from procure.supervision import models as _supervision  # noqa: F401
    from procure.tenders import models as _tenders  # noqa: F401
    from procure.tenders.open_house import models as _open_house  # noqa: F401


def blueprints() -> list:
    from procure.audit.views import bp as audit
    from procure.auth.views import bp as auth
    from procure.catalogue.views import bp as catalogue
    from procure.consultations.views import bp as consultations
    from procure.contracts.changes.views import bp as contract_changes
    from procure.contracts.views import bp as contracts
    from procure.core.views import bp as pickers
    from procure.documents.views import bp as documents
    from procure.finance.views import bp as finance
    from procure.jobs.views import bp as jobs
    from procure.main.views import bp as main
    from procure.missing_care.views import bp as missing_care
    from procure.organisations.views import bp as organisations
    from procure.reminders.views import bp as reminders
    from procure.supervision.views import bp as supervision
    from procure.system.views import bp as system
    from procure.tenders.open_house.views import bp as open_house
    from procure.tenders.views import bp as tenders

    return [
        pickers,
        organisations,
        auth,
        audit,
        main,
        catalogue,
        contracts,
        tenders,
        open_house,
        supervision,
        reminders,
        documents,
        jobs,
        system,
        finance,
        contract_changes,
        consultations,
        missing_care,
    ]


def import_api_endpoints() -> None:
    """The domains' endpoints on the one API blueprint (procure.api.bp)."""
    from procure.catalogue import api as _catalogue  # noqa: F401
    from procure.consultations import api as _consultations  # noqa: F401
    from procure.contracts import api as _contracts  # noqa: F401
    from procure.contracts.changes import api as _contract_changes  # noqa: F401
    from procure.finance import api as _finance  # noqa: F401
    from procure.ocds import api as _ocds  # noqa: F401
    from procure.organisations import api as _organisations  # noqa: F401
    from procure.reminders import api as _reminders  # noqa: F401
    from procure.supervision import api as _supervision  # noqa: F401
    from procure.tenders import api as _tenders  # noqa: F401
    from procure.tenders.open_house import api as _open_house  # noqa: F401


def cli_groups() -> list:
    from procure.catalogue.cli import cli as catalogue
    from procure.contracts.cli import cli as contracts
    from procure.jobs.cli import cli as jobs
    from procure.ocds.cli import cli as ocds
    from procure.reminders.cli import cli as reminders

    return [catalogue, contracts, reminders, jobs, ocds]


def domain_hooks() -> list:
    """Each domain's init_app: configuration defaults, Jinja filters, and the entries it
    registers with the other domains' registries (panels, reminder sources, documents)."""
    from procure import (
        audit,
        catalogue,
        contracts,
        core,
        documents,
        finance,
        jobs,
        main,
        reminders,
        supervision,
        system,
        tenders,
    )
    from procure.tenders import open_house

    return [
        core.init_app,
        audit.init_app,
        main.init_app,
        catalogue.init_app,
        contracts.init_app,
        tenders.init_app,
        open_house.init_app,
        supervision.init_app,
        reminders.init_app,
        documents.init_app,
        jobs.init_app,
        system.init_app,
        finance.init_app,
    ]


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
    from procure.core import widgets
    from procure.core.converters import BoundedIntConverter

    app.url_map.converters["int"] = BoundedIntConverter
    widgets.install()

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

    import_api_endpoints()
    for blueprint in blueprints():
        app.register_blueprint(blueprint)
    for group in cli_groups():
        app.cli.add_command(group)
    for hook in domain_hooks():
        hook(app)
    api.init_app(app)

    from procure import cli, errors

    errors.init_app(app)
    cli.init_app(app)
    return app
