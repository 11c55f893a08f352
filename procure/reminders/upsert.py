"""INSERT ... ON CONFLICT DO NOTHING for PostgreSQL and INSERT OR IGNORE for SQLite."""

from sqlalchemy.dialects import postgresql, sqlite

from procure.extensions import db


def insert_ignore(model, conflict_columns: list[str]):
    """An insert statement that silently skips rows violating the unique constraint on
    `conflict_columns`; add .values() / .returning() as usual."""
    dialect = db.session.get_bind().dialect.name
    table = getattr(model, "__table__", model)  # Core: cheap executemany with RETURNING
    if dialect == "postgresql":
        return postgresql.insert(table).on_conflict_do_nothing(index_elements=conflict_columns)
    if dialect == "sqlite":
        return sqlite.insert(table).on_conflict_do_nothing(index_elements=conflict_columns)
    raise RuntimeError(f"insert_ignore: database {dialect} wordt niet ondersteund")
