from datetime import date

import pytest
from openapi_spec_validator import validate

from procure import PROJECT_ROOT
from procure.catalogue import operations as ops
from procure.catalogue.pdcfiles import import_directory
from procure.extensions import db
from tests import factories as f
from tests.catalogue.helpers import product


@pytest.fixture
def seeded(app):
    f.region("wbo")
    import_directory(PROJECT_ROOT / "pdc", "wbo")
    return f.region("wbo")


def test_products_list_with_filters_and_pagination(client, seeded):
    headers = f.bearer(f.api_token(f.user("procurement")))
    body = client.get("/api/v1/products?per_page=5", headers=headers).get_json()
    assert body["meta"] == {"page": 1, "per_page": 5, "total": 28, "pages": 6}
    assert [p["code"] for p in body["items"]] == ["41A14", "41A16", "41A22", "41A24", "42A05"]
    body = client.get("/api/v1/products?variant=effort&task_area=wonen", headers=headers).get_json()
    assert [p["code"] for p in body["items"]] == ["44A06", "44A07", "44A08"]
    assert body["items"][2]["tariffs"] == [
        {"year": 2026, "price": "189.35", "indexation_applied": False}
    ]
    body = client.get("/api/v1/products?q=dyslexie&status=concept", headers=headers).get_json()
    assert {p["code"] for p in body["items"]} == {"54D01", "54D02"}


def test_bad_filters_give_json_4xx(client, seeded):
    headers = f.bearer(f.api_token(f.user("procurement")))
    response = client.get("/api/v1/products?valid_on=31-12-2026", headers=headers)
    assert response.status_code == 422
    assert response.get_json()["error"]["details"][0]["field"] == "valid_on"
    assert client.get("/api/v1/products?variant=lumpsum", headers=headers).status_code == 422
    response = client.get("/api/v1/products/99X99", headers=headers)
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"
    assert client.get("/api/v1/products").status_code == 401


def test_product_detail_with_versions(client, seeded):
    card = ops.current_version(seeded.id, "44A06")
    ops.update_product(card, {"criteria": "Na MDO"}, valid_from=date(2026, 10, 1))
    db.session.commit()
    headers = f.bearer(f.api_token(f.user("contract_manager")))
    body = client.get("/api/v1/products/44a06", headers=headers).get_json()
    assert body["code"] == "44A06" and body["version"] == 2 and body["criteria"] == "Na MDO"
    assert [(v["version"], v["valid_to"]) for v in body["versions"]] == [
        (1, "2026-09-30"),
        (2, None),
    ]
    assert body["task_area"] == {"code": "wonen", "name": "Wonen met begeleiding"}


@pytest.mark.parametrize("role", ["municipality", "provider"])
def test_municipality_and_provider_do_not_see_concepts_through_the_api(client, seeded, role):
    headers = f.bearer(f.api_token(f.user(role)))
    body = client.get("/api/v1/products?per_page=100", headers=headers).get_json()
    codes = {p["code"] for p in body["items"]}
    assert "45A53" in codes and "54D01" not in codes and body["meta"]["total"] == 26
    assert (
        client.get("/api/v1/products?status=concept", headers=headers).get_json()["meta"]["total"]
        == 26
    )
    assert client.get("/api/v1/products/54D01", headers=headers).status_code == 404


def test_provider_sees_several_regions_and_must_choose(client, seeded):
    product("54002", region_code="e10", price="2.10")
    headers = f.bearer(f.api_token(f.user("provider")))
    response = client.get("/api/v1/products/54002", headers=headers)
    assert response.status_code == 400
    body = client.get("/api/v1/products/54002?region=e10", headers=headers).get_json()
    assert body["tariffs"][0]["price"] == "2.10"
    # A region user only sees its own region.
    headers = f.bearer(f.api_token(f.user("procurement", "e10")))
    body = client.get("/api/v1/products/54002", headers=headers).get_json()
    assert body["tariffs"][0]["price"] == "2.10"
    assert client.get("/api/v1/products/45A53", headers=headers).status_code == 404


def test_openapi_document_stays_valid(client):
    document = client.get("/api/v1/openapi.json").get_json()
    validate(document)
    assert "/products" in document["paths"] and "/products/{code}" in document["paths"]
