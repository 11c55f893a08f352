"""Contract writes over the API: budget, option, realisation batch and CSV, custom
contract by a municipality, termination; refused for other roles and regions."""

from datetime import date
from decimal import Decimal
from io import BytesIO

from sqlalchemy import func, select

from procure.contracts.models import Contract, Realisation
from procure.extensions import db
from tests import factories as f
from tests.contracts.helpers import effort_contract, maatwerk_code


def _post(client, token, path, key, **kw):
    headers = {**f.bearer(token), "Idempotency-Key": key}
    return client.post(f"/api/v1{path}", headers=headers, **kw)


def _ok(response, status=200):
    assert response.status_code == status, response.get_json()
    return response.get_json()


def _count(model):
    return db.session.execute(select(func.count()).select_from(model)).scalar_one()


def test_contract_manager_runs_a_contract_over_the_api(client):
    c = effort_contract(ceiling="5000.00")
    token = f.api_token(f.user("contract_manager"))
    base = f"/contracts/{c.reference}"
    budget = {"year": 2027, "budget": "7500.00", "reason": "Besluit DB 12-11-2026"}
    detail = _ok(_post(client, token, f"{base}/budgets", "b-1", json=budget))
    assert {y["year"]: y["budget"] for y in detail["years"]}[2027] == "7500.00"
    lines = [
        {"product_code": "45A53", "period": "2026-03", "units": "10"},
        {"product_code": "45A53", "period": "2026-04", "units": "5.5"},
    ]
    batch = _ok(
        _post(client, token, f"{base}/realisations/batch", "r-1", json={"lines": lines}), 201
    )
    assert [r["amount"] for r in batch["items"]] == ["985.00", "541.75"]
    # one bad line: nothing of the batch is booked
    bad = [*lines, {"product_code": "00000", "period": "2026-05", "units": "1"}]
    assert (
        _post(client, token, f"{base}/realisations/batch", "r-2", json={"lines": bad}).status_code
        == 422
    )
    assert _count(Realisation) == 2
    csv = b"periode;productcode;eenheden\n2026-05;45A53;2\n"
    imported = _post(
        client,
        token,
        f"{base}/realisations/csv",
        "r-3",
        data={"file": (BytesIO(csv), "realisatie.csv")},
        content_type="multipart/form-data",
    )
    assert [r["units"] for r in _ok(imported, 201)["items"]] == ["2.00"]
    option = {"decision": "decline"}
    detail = _ok(_post(client, token, f"{base}/options/1/decision", "o-1", json=option))
    assert [o["status"] for o in detail["extension_options"]] == ["declined", "lapsed"]
    termination = {
        "reason": "mutual",
        "note": "In overleg beëindigd na herindeling.",
        "notice_given_on": "2026-06-01",
        "effective_on": "2026-09-30",
    }
    detail = _ok(_post(client, token, f"{base}/termination", "t-1", json=termination))
    assert detail["status"] == "terminated"


def test_contract_writes_refused_for_other_roles_and_regions(client):
    c = effort_contract()
    base = f"/contracts/{c.reference}"
    budget = {"year": 2026, "budget": "1.00"}
    for i, role in enumerate(("municipality", "supervisor", "procurement")):
        token = f.api_token(f.user(role, email=f"{role}@example.org"))
        assert _post(client, token, f"{base}/budgets", f"x{i}", json=budget).status_code == 403
    outsider = f.api_token(f.user("contract_manager", "e10", email="cm.e10@example.org"))
    assert _post(client, outsider, f"{base}/budgets", "y", json=budget).status_code == 404
    provider = f.api_token(f.user("provider", provider_code="brug", email="brug@example.org"))
    assert _post(client, provider, f"{base}/termination", "z", json={}).status_code in (403, 422)
    assert db.session.get(Contract, c.id).year(2026).value == Decimal("100000.00")


def test_municipality_creates_a_custom_contract_over_the_api(client):
    region = f.region("wbo")
    maatwerk_code(region)
    f.provider("zonnehoek", "Zorgboerderij De Zonnehoek")
    token = f.api_token(f.user("municipality", municipality_name="Breda"))
    body = {
        "provider": "zonnehoek",
        "maatwerk_code": "M45A53",
        "unit_price": "112.40",
        "units": "40",
        "start_date": "2026-02-01",
        "end_date": "2026-12-31",
        "justification": "Wachttijd bij gecontracteerde aanbieders te lang",
        "reason": "waiting_time",
    }
    first = _ok(_post(client, token, "/contracts/custom", "m-1", json=body), 201)
    assert first["custom"]["total"] == "4496.00" and first["municipality"] == "Breda"
    assert first["custom"]["reason"] == "waiting_time"
    again = _post(client, token, "/contracts/custom", "m-1", json=body)
    assert again.status_code == 201 and again.get_json()["reference"] == first["reference"]
    assert _count(Contract) == 1
    assert db.session.execute(select(Contract.start_date)).scalar_one() == date(2026, 2, 1)
