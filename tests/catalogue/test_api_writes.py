"""Catalogue writes over the API: a product card with tariffs, indexation preview and run;
refused for roles that do not edit the catalogue."""

from sqlalchemy import func, select

from procure.catalogue.models import IndexationRun, Product, Tariff
from procure.extensions import db
from tests import factories as f

CARD = {
    "code": "45A53",
    "name": "Specialistische GGZ behandeling",
    "variant": "effort",
    "unit": "uur",
    "valid_from": "2026-01-01",
    "price": "98.50",
}


def _post(client, token, path, key, body):
    headers = {**f.bearer(token), "Idempotency-Key": key}
    return client.post(f"/api/v1{path}", json=body, headers=headers)


def test_procurement_keeps_the_catalogue_over_the_api(client):
    token = f.api_token(f.user("procurement"))
    created = _post(client, token, "/products", "p-1", CARD)
    assert created.status_code == 201, created.get_json()
    assert created.get_json()["tariffs"] == [
        {"year": 2026, "price": "98.50", "indexation_applied": False}
    ]
    assert _post(client, token, "/products", "p-1", CARD).status_code == 201  # replayed
    assert db.session.execute(select(func.count(Product.id))).scalar_one() == 1
    preview = client.get(
        "/api/v1/products/indexation?from_year=2026&percentage=3.35", headers=f.bearer(token)
    )
    assert preview.get_json()["items"][0]["new_price"] == "101.80"
    assert db.session.execute(select(func.count(Tariff.id))).scalar_one() == 1
    run = _post(
        client, token, "/products/indexation", "i-1", {"from_year": 2026, "percentage": "3.35"}
    )
    assert run.status_code == 201 and run.get_json()["tariff_count"] == 1
    again = _post(
        client, token, "/products/indexation", "i-2", {"from_year": 2026, "percentage": "1"}
    )
    assert again.status_code == 409
    assert db.session.execute(select(func.count(IndexationRun.id))).scalar_one() == 1


def test_catalogue_writes_refused_for_other_roles(client):
    for i, role in enumerate(("contract_manager", "municipality", "supervisor")):
        token = f.api_token(f.user(role, email=f"{role}@example.org"))
        assert _post(client, token, "/products", f"x{i}", CARD).status_code == 403
    provider = f.api_token(f.user("provider", provider_code="kompas"))
    assert _post(client, provider, "/products", "y", CARD).status_code == 403
    assert db.session.execute(select(func.count(Product.id))).scalar_one() == 0
