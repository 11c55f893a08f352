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


def _patch(client, token, code, key, body):
    headers = {**f.bearer(token), "Idempotency-Key": key}
    return client.patch(f"/api/v1/products/{code}", json=body, headers=headers)


def test_editing_a_fixed_card_over_the_api_makes_a_new_version(client):
    from procure.catalogue import operations as ops

    user = f.user("procurement")
    token = f.api_token(user)
    assert _post(client, token, "/products", "c-1", CARD).status_code == 201
    concept = _patch(client, token, "45A53", "e-1", {"name": "Specialistische GGZ"})
    assert concept.status_code == 200, concept.get_json()
    assert concept.get_json()["new_version"] is False
    assert concept.get_json()["name"] == "Specialistische GGZ"
    ops.fix_product(db.session.execute(select(Product)).scalar_one(), actor=user)
    edit = {"unit": "dagdeel", "valid_from": "2026-07-01", "change_note": "Eenheid herzien"}
    versioned = _patch(client, token, "45A53", "e-2", edit)
    assert versioned.status_code == 200, versioned.get_json()
    body = versioned.get_json()
    assert body["new_version"] is True and body["version"] == 2 and body["unit"] == "dagdeel"
    assert [v["valid_to"] for v in body["versions"]] == ["2026-06-30", None]
    # The same key again: the same answer, no third version.
    assert _patch(client, token, "45A53", "e-2", edit).get_json() == body
    assert db.session.execute(select(func.count(Product.id))).scalar_one() == 2
    # Nothing changed is refused; another role is refused.
    assert _patch(client, token, "45A53", "e-3", {"unit": "dagdeel"}).status_code == 422
    other = f.api_token(f.user("contract_manager"))
    assert _patch(client, other, "45A53", "e-4", {"name": "X"}).status_code == 403
    assert db.session.execute(select(func.count(Product.id))).scalar_one() == 2


def test_translation_table_replaced_over_the_api_all_or_nothing(client):
    from procure.audit.models import AuditEvent
    from procure.catalogue import operations as ops
    from procure.catalogue.models import CodeTranslation

    user = f.user("procurement")
    ops.ensure_task_area(user.region_id, "SLT", "Specialistische jeugdhulp")
    token = f.api_token(user)
    rows = [
        {"old_code": "54002", "new_task_area_code": "SLT", "share_pct": "60", "partial": True},
        {"old_code": "54002", "new_task_area": "Schil", "share_pct": "40", "partial": True},
        {"old_code": "", "old_task_area": "JZ+", "new_task_area": "JZ+", "new_variant": "task"},
    ]
    headers = {**f.bearer(token), "Idempotency-Key": "t-1"}
    put = client.put("/api/v1/products/translations", json={"rows": rows}, headers=headers)
    assert put.status_code == 200, put.get_json()
    assert put.get_json()["changed"] is True
    table = client.get("/api/v1/products/translations", headers=f.bearer(token)).get_json()
    assert [(r["old_code"], r["new_task_area_code"], r["share_pct"]) for r in table["items"]] == [
        ("54002", "SLT", "60.00"),
        ("54002", "", "40.00"),
        ("", "", None),
    ]
    # A table with two errors: both named, the old table stays.
    events = db.session.execute(select(func.count(AuditEvent.id))).scalar_one()
    bad = [{"old_code": "54002", "new_task_area_code": "XXX"}, {"old_code": "12", "label": "x"}]
    headers["Idempotency-Key"] = "t-2"
    refused = client.put("/api/v1/products/translations", json={"rows": bad}, headers=headers)
    assert refused.status_code == 422
    assert len(refused.get_json()["error"]["details"]) == 2
    assert db.session.execute(select(func.count(CodeTranslation.id))).scalar_one() == 3
    assert db.session.execute(select(func.count(AuditEvent.id))).scalar_one() == events
    # Contract managers read the table, but cannot replace it.
    other = f.api_token(f.user("contract_manager"))
    assert client.get("/api/v1/products/translations", headers=f.bearer(other)).status_code == 200
    headers = {**f.bearer(other), "Idempotency-Key": "t-3"}
    assert (
        client.put("/api/v1/products/translations", json={"rows": []}, headers=headers).status_code
        == 403
    )
