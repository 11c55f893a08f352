"""Requests racing each other, on SQLite and PostgreSQL: reference numbers come from a
counter (no "max + 1" collisions) and a duplicate loses with a refusal page, never a 500.

Each request runs in its own thread and app context (as in a threaded server); a patched
floor read makes every racer read the highest existing number before any of them books,
the window in which "max + 1" used to collide."""

import contextlib
import threading
from io import BytesIO

import pytest
import time_machine
from sqlalchemy import func, select

from procure.contracts.models import Contract
from procure.core import references
from procure.core.timeutil import today_local
from procure.extensions import db
from procure.supervision.models import Signal
from procure.tenders.models import Registration
from tests import factories as f
from tests.contracts.helpers import maatwerk_code
from tests.supervision.helpers import TEXT, World
from tests.tenders.builders import PDF, T0, officer, provider_user, slt_tender

RACERS = 3


def race(calls):
    """Run the calls at once, one thread each; returns their results in order."""
    start = threading.Barrier(len(calls), timeout=20)
    results, errors = [None] * len(calls), []

    def run(index):
        try:
            start.wait()
            results[index] = calls[index]()
        except Exception as exc:  # reported below, with the others
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a racing request hung"
    assert not errors, errors
    db.session.expire_all()
    return results


@pytest.fixture
def floor_read_together(monkeypatch):
    """Every racer reads the floor, then waits (briefly) for the others to have read it."""
    together = threading.Barrier(RACERS, timeout=2)
    original = references._floor

    def floor_then_wait(prefix, column):
        value = original(prefix, column)
        # a racer that waits on the database lock instead: fine, it just reads later
        with contextlib.suppress(threading.BrokenBarrierError):
            together.wait()
        return value

    monkeypatch.setattr(references, "_floor", floor_then_wait)


def _clients(app, users):
    clients = []
    for user in users:
        client = app.test_client()
        f.login(client, user)
        clients.append(client)
    return clients


def test_signals_logged_at_once_get_consecutive_references(app, floor_read_together):
    with app.test_request_context():
        w = World()
    users = [
        w.manager,
        w.breda,
        f.user("contract_manager", "wbo", email="cm2@wbo.example.org"),
    ]
    data = {
        "provider_id": w.kompas.id,
        "contract_id": 0,
        "municipality_id": 0,
        "source": "internal",
        "received_on": today_local().isoformat(),
        "category": "compliance",
        "urgency": "normal",
        "description": TEXT,
    }
    calls = [
        lambda c=c: f.post(c, "/signalen/nieuw", data).status_code for c in _clients(app, users)
    ]
    assert race(calls) == [302] * RACERS
    references_made = sorted(db.session.execute(select(Signal.reference)).scalars())
    year = today_local().year
    assert references_made == [f"WBO-S{year}-{n:04d}" for n in range(1, RACERS + 1)]


def test_custom_contracts_created_at_once_by_municipalities(app, floor_read_together):
    region = f.region("wbo")
    code = maatwerk_code(region)
    provider = f.provider("zonnehoek", "Zorgboerderij De Zonnehoek")
    users = [
        f.user("municipality", municipality_name=name, email=f"{name.lower()}@example.org")
        for name in ("Breda", "Oosterhout", "Altena")
    ]
    data = {
        "provider_id": provider.id,
        "maatwerk_code_id": code.id,
        "unit_price": "112.40",
        "units": "40",
        "start_date": "2026-02-01",
        "end_date": "2026-12-31",
        "justification": "Wachttijd bij gecontracteerde aanbieders te lang",
        "custom_reason": "waiting_time",
    }
    calls = [
        lambda c=c: f.post(c, "/contracten/maatwerk/nieuw", data).status_code
        for c in _clients(app, users)
    ]
    assert race(calls) == [302] * RACERS
    made = sorted(db.session.execute(select(Contract.reference)).scalars())
    assert made == [f"WBO-C2026-{n:04d}" for n in range(1, RACERS + 1)]


def test_one_provider_registering_three_times_at_once_gets_one_registration(app):
    actor = officer()
    with time_machine.travel(T0, tick=False):
        tender = slt_tender(actor)
        from procure.tenders import operations as tender_ops

        tender_ops.publish(tender, actor=actor)
        lot = tender.lot(1).id
        clients = _clients(app, [provider_user("kompas")] * RACERS)
        url = f"/aanbestedingen/{tender.id}/portaal/aanmelden"

        def register(client):
            response = f.post(
                client,
                url,
                {
                    "lots": [lot],
                    "no_exclusion_grounds": "y",
                    "suitability_answer": "Wij voldoen aan alle geschiktheidseisen.",
                    "document": (BytesIO(PDF), "aanmelding.pdf"),
                },
                content_type="multipart/form-data",
            )
            return response.status_code, response.get_data(as_text=True)

        results = race([lambda c=c: register(c) for c in clients])
    codes = sorted(code for code, _html in results)
    assert codes.count(302) == 1 and all(code in (302, 409, 422) for code in codes), codes
    assert all("Er ging iets mis" not in html for _code, html in results)
    assert db.session.execute(select(func.count(Registration.id))).scalar_one() == 1
