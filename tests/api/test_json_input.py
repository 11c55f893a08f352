"""The API's one JSON input layer (issue 14, item 4): every hostile body is a 4xx with a
Dutch message, never a 5xx, and nothing is written."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from procure.contracts.models import Realisation
from procure.core.timeutil import today_local
from procure.extensions import db
from procure.supervision.models import Signal
from tests import factories as f
from tests.contracts.helpers import effort_contract

SIGNAL = {
    "provider": "kompas",
    "category": "quality",
    "description": "Toegangsteam Breda: behandeling stopt zonder overleg met ouders.",
}
DEEP = b'{"provider": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"


def _signal(**kw):
    body = {**SIGNAL, "received_on": (today_local() - timedelta(days=1)).isoformat(), **kw}
    return {k: v for k, v in body.items() if v is not ...}


def _count(model):
    return db.session.execute(select(func.count()).select_from(model)).scalar_one()


def _assert_refused(response, *statuses):
    assert response.status_code in (statuses or (400, 413, 415, 422)), response.get_data()
    error = response.get_json()["error"]
    assert error["code"] and error["message"]
    return error


@pytest.fixture
def breda(app):
    f.provider("kompas", "Stichting Kompas")
    return f.bearer(f.api_token(f.user("municipality", municipality_name="Breda")))


SIGNAL_CASES = [
    {"category": ["quality"]},
    {"category": {"a": 1}},
    {"source": ["municipality"]},
    {"source": {"x": "y"}},
    {"urgency": ["high"]},
    {"urgency": {"high": True}},
    {"reporter_name": True},
    {"reporter_name": 12},
    {"reporter_name": 10**400},
    {"reporter_name": "Mel\x01der"},
    {"reporter_name": "Mel\nder"},
    {"description": "\ud800"},
    {"reporter_contact": "x\ud800y"},
    {"provider": ["kompas"]},
    {"received_on": 20260101},
    {"reporter_confidential": "false"},
    {"description": "x" * 20_000},
    {"unknown_field": "x"},
]


@pytest.mark.parametrize("override", SIGNAL_CASES, ids=[str(list(c)) for c in SIGNAL_CASES])
def test_signal_with_a_wrongly_typed_field_is_a_422_per_field(client, breda, override):
    response = client.post("/api/v1/signals", json=_signal(**override), headers=breda)
    error = _assert_refused(response, 422)
    assert error["code"] == "validation_failed"
    assert error["details"][0]["field"] == next(iter(override))
    assert _count(Signal) == 0


@pytest.mark.parametrize(
    "raw",
    [
        DEEP,
        b'{"provider": "kompas", "x": ' + b'{"a":' * 50 + b"1" + b"}" * 50 + b"}",
        b'{"description": "\\ud800"}',  # escaped lone surrogate: refused by the schema
        b'{"reporter_name": 1e999999}',
        b'{"reporter_name": NaN}',
        b'{"reporter_name": 1' + b"0" * 5000 + b"}",
        b"\xff\xfe not utf-8",
        b"[1, 2",
    ],
)
def test_hostile_json_bodies_are_refused_without_a_500(client, breda, raw):
    response = client.post(
        "/api/v1/signals", data=raw, headers={**breda, "Content-Type": "application/json"}
    )
    _assert_refused(response)
    assert _count(Signal) == 0


def test_body_that_is_not_json_is_415(client, breda):
    response = client.post("/api/v1/signals", data="geen json", headers=breda)
    assert _assert_refused(response, 415)["code"] == "unsupported_media_type"


def test_a_clean_reporter_name_is_still_accepted(client, breda):
    response = client.post(
        "/api/v1/signals", json=_signal(reporter_name="J. de Melder"), headers=breda
    )
    assert response.status_code == 201, response.get_json()
    assert db.session.execute(select(Signal.reporter_name)).scalar_one() == "J. de Melder"


REALISATION = {"product_code": "45A53", "period": "2026-03", "units": "12.5"}


@pytest.mark.parametrize(
    "override",
    [
        {"units": "1e30"},
        {"units": 1e30},
        {"units": "1000000000000000"},
        {"units": 12.5},
        {"units": ["1"]},
        {"units": {"v": 1}},
        {"units": True},
        {"override": "false"},
        {"override": 0},
        {"period": ["2026-03"]},
        {"product_code": {"code": "45A53"}},
    ],
)
def test_realisation_with_a_wrongly_typed_field_is_a_422(client, override):
    contract = effort_contract()
    token = f.bearer(f.api_token(f.user("contract_manager")))
    response = client.post(
        f"/api/v1/contracts/{contract.reference}/realisations",
        json={**REALISATION, **override},
        headers={**token, "Idempotency-Key": "fin-1"},
    )
    error = _assert_refused(response, 422)
    assert error["details"][0]["field"] == next(iter(override))
    assert _count(Realisation) == 0


@pytest.mark.parametrize("raw", [b'{"units": 1e999999}', DEEP, b'{"units": -Infinity}'])
def test_realisation_hostile_json_is_refused(client, raw):
    contract = effort_contract()
    token = f.bearer(f.api_token(f.user("contract_manager")))
    response = client.post(
        f"/api/v1/contracts/{contract.reference}/realisations",
        data=raw,
        headers={**token, "Idempotency-Key": "fin-1", "Content-Type": "application/json"},
    )
    _assert_refused(response, 400, 422)
    assert _count(Realisation) == 0


def test_dutch_messages_name_the_field(client, breda):
    response = client.post("/api/v1/signals", json=_signal(category=["x"]), headers=breda)
    error = response.get_json()["error"]
    assert error["message"].startswith("category: ")
    assert "toegestane waarden" in error["message"]


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/finance/municipalities/0",
        "/api/v1/finance/frameworks/0",
        "/api/v1/finance/frameworks/99999/adjustments",
    ],
)
def test_a_year_outside_the_calendar_is_not_found(client, path):
    """Seed of the schemathesis run: year 0 in the path answered 500 (date(0, 1, 1))."""
    token = f.api_token(f.user("admin"))
    response = client.get(path, headers=f.bearer(token))
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"
