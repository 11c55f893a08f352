"""INSERT ... ON CONFLICT DO NOTHING for PostgreSQL and INSERT OR IGNORE for SQLite."""

from procure.extensions import db


def insert_ignore(model, conflict_columns: list[str]):
    """An insert statement that silently skips rows violating the unique constraint on
    `conflict_columns`; add .values() / .returning() as usual."""
    dialect = db.session.get_bind().dialect.name
    table = getattr(model, "__table__", model)  # Core: cheap executemany with RETURNING
    # The dialect modules load here, not at start-up (only one of them is ever used).
    if dialect == "postgresql":
        from sqlalchemy.dialects import postgresql

        return postgresql.insert(table).on_conflict_do_nothing(index_elements=conflict_columns)
    if dialect == "sqlite":
        from sqlalchemy.dialects import sqlite

        return sqlite.insert(table).on_conflict_do_nothing(index_elements=conflict_columns)
    raise RuntimeError(f"insert_ignore: database {dialect} wordt niet ondersteund")
