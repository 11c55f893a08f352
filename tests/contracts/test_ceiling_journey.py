"""Journey: an effort contract's year of realisation crosses 80 % and then 100 % of its
budget ceiling (the first on the contract page, the second over the API with a recorded
override), and the reminder sweep hands the contract manager one 80 % and one 100 %
reminder, each linking to this contract, in the bell page and the notifications API."""

from datetime import datetime, timedelta
from decimal import Decimal

import time_machine
from sqlalchemy import select

from procure.contracts.models import ContractYear
from procure.core.timeutil import AMSTERDAM
from procure.extensions import db
from procure.reminders.models import Reminder
from procure.reminders.sweep import run_sweep
from tests import factories as f
from tests.contracts.helpers import effort_contract, product

PAGE_ENTRY = datetime(2026, 4, 14, 11, 0, tzinfo=AMSTERDAM)
API_ENTRY = datetime(2026, 5, 2, 9, 30, tzinfo=AMSTERDAM)


def _sweep(moment):
    with time_machine.travel(moment, tick=False):
        run = run_sweep(send=False)
    assert run is not None and run.error is None, run and run.error
    return run


def _journey_contract():
    """An effort contract whose 2026 year has another id than the contract itself (the
    reminder once summed and linked the contract with the year's id)."""
    hours = product(f.region("wbo"))  # 45A53 at 98,50 per hour
    effort_contract(title="Eerder contract", ceiling="5000.00", product_row=hours)
    while True:
        contract = effort_contract(ceiling="1000.00", product_row=hours)
        year = db.session.execute(
            select(ContractYear).filter_by(contract_id=contract.id, year=2026)
        ).scalar_one()
        if year.id != contract.id:
            return contract, year


def _reminders(rule_key):
    return db.session.execute(select(Reminder).where(Reminder.rule_key == rule_key)).scalars().all()


def test_ceiling_reminders_follow_realisation_through_page_and_api(client):
    manager = f.user("contract_manager")
    contract, year = _journey_contract()

    # 8,2 hours on the contract page: 807,70 of 1.000,00 passes the 80 % warning level
    with time_machine.travel(PAGE_ENTRY, tick=False):
        f.login(client, manager)
        response = f.post(
            client,
            f"/contracten/{contract.id}/realisatie",
            {"r-product": "45A53", "r-period": "2026-03", "r-units": "8.2", "r-municipality": ""},
        )
    assert response.status_code == 302, response.get_data(as_text=True)
    assert response.headers["Location"].startswith(f"/contracten/{contract.id}")
    _sweep(PAGE_ENTRY + timedelta(minutes=15))
    [warn] = _reminders("budget_ceiling_warn")
    assert _reminders("budget_ceiling_alert") == []
    assert warn.recipient_id == manager.id and warn.subject_id == year.id
    assert warn.url == f"/contracten/{contract.id}"
    assert contract.reference in warn.title and "80 %" in warn.title

    # over the API: past the ceiling only with an override and its reason
    token = f.api_token(manager)
    line = {"product_code": "45A53", "period": "2026-04", "units": "2"}  # + 197,00
    with time_machine.travel(API_ENTRY, tick=False):
        path = f"/api/v1/contracts/{contract.reference}/realisations"
        refused = client.post(
            path, json=line, headers={**f.bearer(token), "Idempotency-Key": "apr-1"}
        )
        assert refused.status_code == 409, refused.get_json()
        accepted = client.post(
            path,
            json={**line, "override": True, "override_reason": "Wachtlijst, besluit DB"},
            headers={**f.bearer(token), "Idempotency-Key": "apr-2"},
        )
    assert accepted.status_code == 201, accepted.get_json()
    db.session.expire_all()
    assert db.session.get(ContractYear, year.id).realised == Decimal("1004.70")

    # the next sweeps: one 100 % reminder, and the 80 % one is not repeated
    _sweep(API_ENTRY + timedelta(minutes=15))
    _sweep(API_ENTRY + timedelta(minutes=30))
    assert len(_reminders("budget_ceiling_warn")) == 1
    [alert] = _reminders("budget_ceiling_alert")
    assert alert.recipient_id == manager.id and alert.url == f"/contracten/{contract.id}"
    assert "100 %" in alert.title

    # what the contract manager receives: the bell page and the API, each link to the contract
    notes = client.get("/api/v1/notifications", headers=f.bearer(token)).get_json()
    items = notes["items"] if isinstance(notes, dict) else notes
    ceiling = [n for n in items if "Budgetplafond" in n["title"]]
    assert sorted(n["title"].rsplit(": ", 1)[1] for n in ceiling) == [
        "100 % bereikt",
        "80 % bereikt",
    ]
    assert {n["url"] for n in ceiling} == {f"/contracten/{contract.id}"}
    with time_machine.travel(API_ENTRY + timedelta(hours=1), tick=False):
        f.login(client, manager)
        page = client.get("/meldingen/").get_data(as_text=True)
    assert page.count(f"Budgetplafond 2026 contract {contract.reference}") == 2
