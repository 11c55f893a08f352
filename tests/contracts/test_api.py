from decimal import Decimal

from openapi_spec_validator import validate
from sqlalchemy import func, select

from procure.contracts.models import Contract, Realisation
from procure.extensions import db
from tests import factories as f
from tests.contracts.helpers import effort_contract, lumpsum_contract

BODY = {"product_code": "45A53", "period": "2026-03", "units": "12.5"}


def _post(client, token, ref, body, key="fin-2026-03-0001"):
    headers = f.bearer(token)
    if key:
        headers["Idempotency-Key"] = key
    return client.post(f"/api/v1/contracts/{ref}/realisations", json=body, headers=headers)


def test_api_lists_contracts_with_budgets_and_utilisation(client):
    c = effort_contract(ceiling="1000.00")
    lumpsum_contract()
    token = f.api_token(f.user("contract_manager"))
    data = client.get("/api/v1/contracts?variant=effort", headers=f.bearer(token)).get_json()
    assert data["meta"]["total"] == 1
    item = data["items"][0]
    assert item["reference"] == c.reference and item["years"][0] == {
        "year": 2026,
        "budget": "1000.00",
        "realised": "0.00",
        "utilisation_pct": "0.0",
        "level": "ok",
    }
    detail = client.get(f"/api/v1/contracts/{c.reference}", headers=f.bearer(token)).get_json()
    assert detail["products"][0]["prices"] == {"2026": "98.50", "2027": "101.25"}
    assert [o["months"] for o in detail["extension_options"]] == [12, 12]


def test_api_realisation_retry_with_same_key_counts_once(client):
    c = effort_contract()
    token = f.api_token(f.user("contract_manager"))
    first = _post(client, token, c.reference, BODY)
    assert first.status_code == 201 and first.get_json()["amount"] == "1231.25"
    retry = _post(client, token, c.reference, BODY)
    assert retry.status_code == 200 and retry.get_json()["id"] == first.get_json()["id"]
    assert db.session.execute(select(func.count(Realisation.id))).scalar_one() == 1
    assert db.session.get(Contract, c.id).year(2026).realised == Decimal("1231.25")
    other = _post(client, token, c.reference, BODY, key="fin-2026-03-0002")
    assert other.status_code == 201
    assert db.session.get(Contract, c.id).year(2026).realised == Decimal("2462.50")


def test_api_realisation_validation_and_roles(client):
    c = effort_contract(ceiling="100.00")
    token = f.api_token(f.user("contract_manager"))
    assert _post(client, token, c.reference, BODY, key=None).status_code == 422
    bad = _post(client, token, c.reference, {**BODY, "units": "-3"}, key="k1")
    assert bad.status_code == 422 and bad.get_json()["error"]["code"] == "validation_failed"
    assert (
        _post(client, token, c.reference, {**BODY, "product_code": "00000"}, key="k2").status_code
        == 422
    )
    over = _post(client, token, c.reference, BODY, key="k3")
    assert over.status_code == 409
    ok = _post(
        client,
        token,
        c.reference,
        {**BODY, "override": True, "override_reason": "Besluit wethouder"},
        key="k4",
    )
    assert ok.status_code == 201 and ok.get_json()["override"] is True
    for role in ("municipality", "supervisor", "procurement"):
        t = f.api_token(f.user(role, email=f"{role}@example.org"))
        assert _post(client, t, c.reference, BODY, key="k5").status_code == 403, role
    outsider = f.api_token(f.user("contract_manager", "e10", email="cm.e10@example.org"))
    assert _post(client, outsider, c.reference, BODY, key="k6").status_code == 404
    assert (
        client.post(f"/api/v1/contracts/{c.reference}/realisations", json=BODY).status_code == 401
    )
    assert db.session.execute(select(func.count(Realisation.id))).scalar_one() == 1


def test_openapi_document_with_contract_paths_is_valid(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    validate(spec)
    assert "/contracts/{reference}/realisations" in spec["paths"]


def test_api_realisation_of_absurd_units_is_refused_not_a_500(client):
    c = effort_contract()
    token = f.api_token(f.user("contract_manager"))
    for units in ("1e30", "1000000.01"):
        response = _post(client, token, c.reference, {**BODY, "units": units}, key=units)
        assert response.status_code == 422, units
        assert response.get_json()["error"]["code"] == "validation_failed"
    assert db.session.execute(select(func.count(Realisation.id))).scalar_one() == 0
