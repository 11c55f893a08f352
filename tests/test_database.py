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


def test_money_refuses_nan_and_absurd_amounts(app):
    import pytest

    from procure.core.errors import ValidationFailed
    from procure.core.types import to_money

    for bad in ("NaN", "Infinity", "99999999999999999.99"):
        with pytest.raises(ValidationFailed):
            to_money(bad)


def test_huge_numbers_in_urls_and_query_strings_are_not_server_errors(client):
    from tests import factories as f

    f.login(client, f.user("admin"))
    assert client.get("/beheer/gebruikers/99999999999999999999").status_code == 404
    assert client.get("/organisaties/aanbieders?page=99999999999999999999").status_code == 200
    raw = f.api_token(f.user("procurement", email="api@example.org"))
    response = client.get("/api/v1/providers?page=99999999999999999999", headers=f.bearer(raw))
    assert response.status_code == 422  # beyond the documented maximum: refused, no 500


def test_search_treats_percent_and_underscore_literally(client):
    from tests import factories as f

    f.provider("a", "Zorg 50% korting")
    f.provider("b", "Zorg 5000")
    f.login(client, f.user("procurement"))
    html = client.get("/organisaties/aanbieders?q=50%25").get_data(as_text=True)
    assert "Zorg 50% korting" in html and "Zorg 5000" not in html
