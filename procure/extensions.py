"""Flask extensions, created here and bound to the app in create_app()."""

import click
from flask_babel import Babel
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

# Stable constraint names keep Alembic autogenerate and SQLite batch mode predictable.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class _DeferredMigrateConfig:
    """Stands in app.extensions["migrate"] until something uses it (``flask db``,
    flask_migrate.upgrade(), the readiness check); then Flask-Migrate is set up for real."""

    def __init__(self, app, db, options):
        self._app, self._db, self._options = app, db, options

    def __getattr__(self, name):
        from flask_migrate import Migrate as FlaskMigrate

        FlaskMigrate(self._app, self._db, **self._options)  # replaces this object
        return getattr(self._app.extensions["migrate"], name)


class _DbCommands(click.Group):
    """The ``flask db`` group, loading Flask-Migrate's commands when it is used."""

    def _commands(self):
        from flask import current_app
        from flask_migrate.cli import db as migrate_group

        current_app.extensions["migrate"].directory  # noqa: B018  (sets Flask-Migrate up)
        return migrate_group

    def make_context(self, info_name, args, parent=None, **extra):
        # Flask-Migrate's own group parses the options and runs the subcommand.
        return self._commands().make_context(info_name, args, parent=parent, **extra)

    def list_commands(self, ctx):
        return self._commands().list_commands(ctx)

    def get_command(self, ctx, name):
        return self._commands().get_command(ctx, name)


class Migrate:
    """Flask-Migrate, set up on first use: importing Alembic costs about half a second at
    every start of a web process that never migrates."""

    def init_app(self, app, db, **options) -> None:
        app.extensions["migrate"] = _DeferredMigrateConfig(app, db, options)
        app.cli.add_command(_DbCommands("db", help="Database migrations (Flask-Migrate)."))


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
