from sqlalchemy import text

from procure.extensions import db


def test_sqlite_runs_with_foreign_keys_and_wal(app):
    if db.engine.dialect.name != "sqlite":
        assert db.engine.dialect.name == "postgresql"
        return
    with db.engine.connect() as conn:
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"


def test_money_round_trips_exactly(app):
    from decimal import Decimal

    from procure.core.types import to_money

    assert to_money("43000000.005") == Decimal("43000000.01")
    assert to_money(Decimal("2.675")) == Decimal("2.68")
    import pytest

    with pytest.raises(TypeError):
        to_money(2.675)
