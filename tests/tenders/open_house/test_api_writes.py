"""The open-house cycle entirely over the API with tokens: a provider applies with its
answers and documents, the region asks for more information, the provider answers, the
region scores and admits (the contract the contracts domain receives), and the provider
ends its admission. Refusals for the wrong role or the wrong provider write nothing."""

import io
from datetime import UTC, datetime

import pytest
import time_machine
from sqlalchemy import func, select

from procure.audit.models import AuditEvent
from procure.contracts.models import Contract
from procure.extensions import db
from procure.tenders.open_house.models import Admission, Application
from tests import factories as f
from tests.tenders.open_house.conftest import PDF

NOW = datetime(2026, 11, 1, 9, tzinfo=UTC)
BASE = "/api/v1/open-houses/WBO-OH-2027"


@pytest.fixture(autouse=True)
def _at_now():
    with time_machine.travel(NOW, tick=False):
        yield


def _post(client, token, path, key, **kwargs):
    headers = {**f.bearer(token), "Idempotency-Key": key}
    return client.post(f"{BASE}{path}", headers=headers, **kwargs)


def _application_form(oh, **overrides):
    form = {
        "categories": ["GH"],
        "municipalities": ["Breda"],
        "motivation": "Wij bieden gezinshuiszorg in Breda.",
        "requirement": [str(oh.req1.number)],
        "answer": ["KvK 41098765, AGB 98000001"],
        "document_requirement": [str(oh.req2.number)],
        "document": [(io.BytesIO(PDF), "keurmerk.pdf")],
    }
    form.update(overrides)
    return form


def _count(model) -> int:
    return db.session.execute(select(func.count()).select_from(model)).scalar_one()


def test_open_house_cycle_over_the_api(client, oh):
    provider_token = f.api_token(f.user("provider", provider_code="kompas"))
    officer_token = f.api_token(f.user("contract_manager"))

    applied = _post(client, provider_token, "/applications", "a-1", data=_application_form(oh))
    assert applied.status_code == 201, applied.get_json()
    body = applied.get_json()
    assert body["status"] == "submitted" and body["provider"] == "kompas"
    assert body["entry_date"] == "2027-01-01" and body["municipalities"] == ["Breda"]
    app_id = body["id"]
    # A retry with the same key answers the same, and no second application exists.
    again = _post(client, provider_token, "/applications", "a-1", data=_application_form(oh))
    assert again.get_json() == body and again.headers["Idempotent-Replayed"] == "true"
    assert _count(Application) == 1

    asked = _post(
        client,
        officer_token,
        f"/applications/{app_id}/info-requests",
        "i-1",
        json={"note": "Stuur het geldige HKZ-certificaat.", "response_days": 10},
    )
    assert asked.status_code == 200, asked.get_json()
    assert asked.get_json()["status"] == "more_info"
    assert asked.get_json()["info_request"] == "Stuur het geldige HKZ-certificaat."

    answered = _post(
        client,
        provider_token,
        f"/applications/{app_id}/info-responses",
        "r-1",
        data={
            "response": "Het certificaat is bijgevoegd.",
            "document_requirement": [str(oh.req2.number)],
            "document": [(io.BytesIO(PDF), "hkz-2026.pdf")],
        },
    )
    assert answered.status_code == 200, answered.get_json()
    assert answered.get_json()["status"] == "submitted"

    scored = _post(
        client,
        officer_token,
        f"/applications/{app_id}/scores",
        "s-1",
        json={
            "scores": [
                {"requirement": oh.req1.number, "score": "meets"},
                {"requirement": oh.req2.number, "score": "meets"},
            ]
        },
    )
    assert scored.status_code == 200, scored.get_json()

    decided = _post(
        client,
        officer_token,
        f"/applications/{app_id}/decision",
        "d-1",
        json={"decisions": [{"category": "GH", "decision": "admitted"}]},
    )
    assert decided.status_code == 200, decided.get_json()
    assert decided.get_json()["status"] == "admitted"
    # The contracts domain receives a concept contract from the entry moment.
    contract = db.session.execute(select(Contract)).scalar_one()
    assert contract.origin == "open_house" and contract.status == "concept"
    assert contract.start_date.isoformat() == "2027-01-01"

    admitted = client.get(f"{BASE}/admissions", headers=f.bearer(provider_token)).get_json()
    gezinshuis = next(g for g in admitted["items"] if g["category"] == "GH")
    admission_id = gezinshuis["providers"][0]["id"]
    ended = _post(
        client,
        provider_token,
        f"/admissions/{admission_id}/ending",
        "e-1",
        json={"end_date": "2027-06-30", "reason": "Wij stoppen met gezinshuiszorg."},
    )
    assert ended.status_code == 200, ended.get_json()
    assert ended.get_json() == {
        "id": admission_id,
        "provider": "kompas",
        "category": "GH",
        "contract": contract.reference,
        "start_date": "2027-01-01",
        "end_date": "2027-06-30",
        "status": "ended",
        "ended_kind": "withdrawn",
        "ended_reason": "Wij stoppen met gezinshuiszorg.",
    }
    actions = db.session.execute(
        select(AuditEvent.action).where(AuditEvent.action.like("open_house.%"))
    ).scalars()
    assert {
        "open_house.application_submitted",
        "open_house.more_info_requested",
        "open_house.more_info_answered",
        "open_house.application_scored",
        "open_house.application_decided",
        "open_house.admission_ended",
    } <= set(actions)


def test_open_house_writes_are_refused_for_the_wrong_role_or_provider(client, oh):
    municipality = f.api_token(f.user("municipality"))
    supervisor = f.api_token(f.user("supervisor"))
    mine = f.api_token(f.user("provider", provider_code="kompas"))
    other = f.api_token(f.user("provider", provider_code="linde", email="linde@example.org"))
    form = _application_form(oh)
    assert _post(client, municipality, "/applications", "m", data=form).status_code == 403
    assert (
        _post(client, supervisor, "/applications", "s", data=_application_form(oh)).status_code
        == 403
    )
    assert _count(Application) == 0
    app_id = _post(client, mine, "/applications", "k", data=_application_form(oh)).get_json()["id"]
    before = _count(AuditEvent)
    # A provider deciding, or another provider withdrawing: refused, nothing written.
    decision = {"decisions": [{"category": "GH", "decision": "admitted"}]}
    assert (
        _post(client, mine, f"/applications/{app_id}/decision", "d", json=decision).status_code
        == 403
    )
    assert _post(client, other, f"/applications/{app_id}/withdrawal", "w").status_code == 404
    # Unknown category, municipality outside the region, or a missing document: 422.
    bad = [
        _application_form(oh, categories=["XX"]),
        _application_form(oh, municipalities=["Amsterdam"]),
        _application_form(oh, document_requirement=[], document=[]),
    ]
    for i, form in enumerate(bad):
        answer = _post(client, other, "/applications", f"bad-{i}", data=form)
        assert answer.status_code == 422, answer.get_json()
    db.session.expire_all()
    assert db.session.get(Application, app_id).status == "submitted"
    assert _count(Application) == 1 and _count(Admission) == 0
    assert _count(AuditEvent) == before
