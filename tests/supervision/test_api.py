"""Signals API: intake with validation and idempotency, scoped list, counts."""

from datetime import date, timedelta

from openapi_spec_validator import validate
from sqlalchemy import func, select

from procure.contracts.models import Contract
from procure.core.timeutil import today_local
from procure.extensions import db
from procure.supervision.models import Signal
from tests import factories as f
from tests.supervision.helpers import signal


def _payload(w, **kw):
    data = {
        "provider": "kompas",
        "received_on": (today_local() - timedelta(days=1)).isoformat(),
        "category": "quality",
        "urgency": "high",
        "description": "Toegangsteam Breda: behandeling stopt zonder overleg met ouders.",
    }
    data.update(kw)
    return data


def _count():
    return db.session.execute(select(func.count()).select_from(Signal)).scalar_one()


def _contract(region_code, provider, reference):
    contract = Contract(
        reference=reference,
        region_id=f.region(region_code).id,
        provider_id=provider.id,
        origin="open_house",
        variant="effort",
        start_date=date(2025, 1, 1),
        end_date=date(2027, 12, 31),
        status="active",
    )
    db.session.add(contract)
    db.session.commit()
    return contract


def test_api_intake_retried_with_same_idempotency_key_creates_one_signal(client, w):
    headers = {**f.bearer(f.api_token(w.breda)), "Idempotency-Key": "zaak-2026-0042"}
    first = client.post("/api/v1/signals", json=_payload(w), headers=headers)
    assert first.status_code == 201, first.get_json()
    body = first.get_json()
    assert body["state"] == "received" and body["municipality"] == "Breda"
    again = client.post("/api/v1/signals", json=_payload(w), headers=headers)
    assert again.status_code == 200 and again.get_json()["id"] == body["id"]
    assert again.headers["Idempotent-Replayed"] == "true"
    assert _count() == 1
    # another key is another signal; the same key from another user too
    other = client.post(
        "/api/v1/signals",
        json=_payload(w),
        headers={**headers, "Idempotency-Key": "zaak-2026-0043"},
    )
    assert other.status_code == 201
    colleague = client.post(
        "/api/v1/signals",
        json=_payload(w),
        headers={**f.bearer(f.api_token(w.breda2)), "Idempotency-Key": "zaak-2026-0042"},
    )
    assert colleague.status_code == 201
    assert _count() == 3
    signal_row = db.session.get(Signal, body["id"])
    assert signal_row.channel == "api" and signal_row.idempotency_key == "zaak-2026-0042"


def test_api_intake_validation_errors_are_json_422_and_store_nothing(client, w):
    headers = f.bearer(f.api_token(w.breda))
    cases = [
        (_payload(w, provider="bestaat-niet"), "provider"),
        (_payload(w, received_on="31-12-2025"), "received_on"),
        (_payload(w, received_on=(today_local() + timedelta(days=2)).isoformat()), "received_on"),
        (_payload(w, category="roddel"), "category"),
        (_payload(w, description="BSN 111222333 van de jongere."), "description"),
        (_payload(w, contract="GEEN-CONTRACT"), "contract"),
    ]
    for payload, field in cases:
        response = client.post("/api/v1/signals", json=payload, headers=headers)
        assert response.status_code == 422, (field, response.get_json())
        error = response.get_json()["error"]
        assert error["code"] == "validation_failed"
        assert any(d["field"] == field for d in error["details"]), error
    assert client.post("/api/v1/signals", data="geen json", headers=headers).status_code in (
        400,
        415,
    )
    assert _count() == 0


def test_contract_must_belong_to_the_chosen_provider_and_region(client, w):
    own = _contract("wbo", w.kompas, "WBO-OH-2025-001")
    other_provider = _contract("wbo", w.linde, "WBO-OH-2025-002")
    other_region = _contract("e10", w.kompas, "E10-OH-2025-001")
    headers = f.bearer(f.api_token(w.manager))
    for contract in (other_provider, other_region):
        response = client.post(
            "/api/v1/signals", json=_payload(w, contract=contract.reference), headers=headers
        )
        assert response.status_code == 422
        # another region's contract is simply unknown; another provider's is refused
        assert response.get_json()["error"]["details"][0]["field"] in ("contract", "contract_id")
    response = client.post(
        "/api/v1/signals", json=_payload(w, contract=own.reference), headers=headers
    )
    assert response.status_code == 201 and response.get_json()["contract"] == own.reference


def test_api_intake_refused_for_roles_that_do_not_log(client, w):
    for user in (w.procurement, w.provider_user):
        response = client.post(
            "/api/v1/signals", json=_payload(w), headers=f.bearer(f.api_token(user))
        )
        assert response.status_code == 403
    assert _count() == 0


def test_api_list_and_counts_are_scoped_like_the_pages(client, w):
    signal(w.breda, category="quality")
    signal(w.breda, category="safety")
    signal(w.oosterhout, w.linde, category="quality")
    signal(w.other_supervisor, category="quality")  # e10
    breda = client.get("/api/v1/signals", headers=f.bearer(f.api_token(w.breda))).get_json()
    assert breda["meta"]["total"] == 2
    manager_headers = f.bearer(f.api_token(w.manager))
    manager = client.get("/api/v1/signals", headers=manager_headers).get_json()
    assert manager["meta"]["total"] == 3
    filtered = client.get("/api/v1/signals?provider=linde", headers=manager_headers).get_json()
    assert [i["provider"]["short_code"] for i in filtered["items"]] == ["linde"]
    counts = client.get("/api/v1/signals/counts", headers=manager_headers).get_json()
    assert counts["category"] == {"quality": 2, "safety": 1}
    assert counts["provider"] == {"kompas": 2, "linde": 1}
    assert counts["state"] == {"received": 3}
    month = today_local() - timedelta(days=3)
    assert counts["month"] == {f"{month.year:04d}-{month.month:02d}": 3}
    own = client.get("/api/v1/signals/counts", headers=f.bearer(f.api_token(w.breda))).get_json()
    assert own["category"] == {"quality": 1, "safety": 1}


def test_openapi_document_stays_valid_with_signal_paths(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    validate(spec)
    assert {"/signals", "/signals/{signal_id}", "/signals/counts"} <= set(spec["paths"])


def test_municipality_cannot_attach_another_municipalitys_custom_contract(client, w):
    from procure.contracts.models import Contract

    region = f.region("wbo")
    oosterhout = f.municipality("Oosterhout")
    custom = Contract(
        reference="WBO-C2026-0777",
        region_id=region.id,
        provider_id=w.kompas.id,
        municipality_id=oosterhout.id,
        origin="custom",
        variant="effort",
        start_date=date(2026, 1, 1),
        end_date=date(2026, 12, 31),
        status="active",
    )
    db.session.add(custom)
    db.session.commit()
    headers = f.bearer(f.api_token(w.breda))
    response = client.post(
        "/api/v1/signals", json=_payload(w, contract=custom.reference), headers=headers
    )
    assert response.status_code == 422
    assert _count() == 0
    own = client.post(
        "/api/v1/signals",
        json=_payload(w, contract=custom.reference),
        headers=f.bearer(f.api_token(w.oosterhout)),
    )
    assert own.status_code == 201, own.get_json()


def test_bulk_assignment_does_not_redirect_off_site(client, w):
    f.login(client, w.supervisor)
    response = f.post(
        client,
        "/signalen/toewijzen",
        {"next": "https://evil.example/", "assignee": str(w.supervisor.id)},
    )
    assert response.status_code == 302
    assert not response.headers["Location"].startswith("https://evil")
