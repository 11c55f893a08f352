from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import func, select

from procure.audit.models import AuditEvent
from procure.contracts import operations as ops
from procure.contracts.models import Contract, ExtensionOption
from procure.extensions import db
from tests import factories as f


def _contract():
    return db.session.execute(select(Contract)).scalar_one()


def test_procurement_creates_contract_then_manager_activates_extends_and_terminates(client):
    region = f.region("wbo")
    provider = f.provider("horizon")
    f.login(client, f.user("procurement"))
    today = date.today()
    data = {
        "title": "Behandeling met verblijf",
        "provider_id": provider.id,
        "origin": "lot_award",
        "variant": "task",
        "task_area_id": 0,
        "start_date": today.replace(month=1, day=1).isoformat(),
        "end_date": (today.replace(month=1, day=1) - timedelta(days=1)).isoformat(),
        "notice_months": 6,
        "extension_months": "12, 12",
    }
    response = f.post(client, "/contracten/nieuw", data)
    assert response.status_code == 422 and "na de ingangsdatum" in response.get_data(as_text=True)
    assert db.session.execute(select(func.count(Contract.id))).scalar_one() == 0
    data["end_date"] = (today + timedelta(days=400)).isoformat()
    assert f.post(client, "/contracten/nieuw", data).status_code == 302
    contract = _contract()
    assert contract.status == "concept" and contract.region_id == region.id
    assert [o.months for o in contract.options] == [12, 12]
    f.post(client, "/uitloggen")

    f.login(client, f.user("contract_manager"))
    assert f.post(client, f"/contracten/{contract.id}/status/active").status_code == 302
    option = (
        db.session.execute(select(ExtensionOption).order_by(ExtensionOption.sequence))
        .scalars()
        .first()
    )
    old_end = _contract().end_date
    response = f.post(client, f"/contracten/{contract.id}/opties/{option.id}/lichten")
    assert response.status_code == 302
    contract = _contract()
    assert contract.status == "extended" and contract.end_date > old_end
    # termination inside the notice period is refused with a message, nothing changes
    response = f.post(
        client,
        f"/contracten/{contract.id}/opzeggen",
        {
            "t-reason": "breach",
            "t-note": "Wanprestatie",
            "t-notice_given_on": today.isoformat(),
            "t-effective_on": (today + timedelta(days=30)).isoformat(),
        },
    )
    assert response.status_code == 422 and "opzegtermijn" in response.get_data(as_text=True)
    assert _contract().status == "extended"
    effective = min(_contract().end_date, today + timedelta(days=200))
    response = f.post(
        client,
        f"/contracten/{contract.id}/opzeggen",
        {
            "t-reason": "breach",
            "t-note": "Wanprestatie",
            "t-notice_given_on": today.isoformat(),
            "t-effective_on": effective.isoformat(),
        },
    )
    assert response.status_code == 302
    contract = _contract()
    assert contract.status == "terminated" and contract.end_date == effective
    assert (
        db.session.execute(
            select(func.count(AuditEvent.id)).where(AuditEvent.action == "contract.terminated")
        ).scalar_one()
        == 1
    )


def test_municipality_and_provider_cannot_create_contracts(client):
    f.region("wbo")
    for role in ("municipality", "supervisor"):
        f.login(client, f.user(role, email=f"{role}@example.org"))
        assert client.get("/contracten/nieuw").status_code == 403
        f.post(client, "/uitloggen")


def test_exercise_after_deadline_via_page_is_refused(client):
    region = f.region("wbo")
    provider = f.provider("kompas")
    today = date.today()
    contract = ops.create_concept_contract(
        region=region,
        provider_id=provider.id,
        origin="lot_award",
        variant="task",
        start_date=today - timedelta(days=365),
        end_date=today + timedelta(days=100),
    )
    option = ops.add_extension_option(
        contract, months=12, decision_deadline=today - timedelta(days=1)
    )
    ops.activate_contract(contract)
    f.login(client, f.user("contract_manager"))
    response = f.post(client, f"/contracten/{contract.id}/opties/{option.id}/lichten")
    assert response.status_code == 409
    contract = _contract()
    assert contract.end_date == today + timedelta(days=100) and contract.status == "active"


def test_reserve_and_payment_through_pages(client):
    region = f.region("wbo")
    contract = ops.create_concept_contract(
        region=region,
        provider_id=f.provider("horizon").id,
        origin="lot_award",
        variant="task",
        start_date=date(2026, 1, 1),
        end_date=date(2030, 12, 31),
    )
    ops.set_year_budget(contract, year=2026, budget="13000000", reserve="650000")
    ops.activate_contract(contract)
    f.login(client, f.user("contract_manager"))
    response = f.post(
        client,
        f"/contracten/{contract.id}/ventiel",
        {"v-year": 2026, "v-amount": "50000", "v-drawn_on": "2026-05-01", "v-motivation": ""},
    )
    assert response.status_code == 422
    response = f.post(
        client,
        f"/contracten/{contract.id}/ventiel",
        {
            "v-year": 2026,
            "v-amount": "50000",
            "v-drawn_on": "2026-05-01",
            "v-motivation": "Extra crisisplaatsen in de zomer",
        },
    )
    assert response.status_code == 302
    assert _contract().year(2026).reserve_left == Decimal("600000.00")
    response = f.post(
        client,
        f"/contracten/{contract.id}/ventiel",
        {
            "v-year": 2026,
            "v-amount": "700000",
            "v-drawn_on": "2026-06-01",
            "v-motivation": "Nog meer crisisplaatsen in de zomer",
        },
    )
    assert response.status_code == 422
    assert "Het ventiel heeft nog € 600.000,00 beschikbaar." in response.get_data(as_text=True)
    from procure.contracts.models import Payment

    payment = db.session.execute(select(Payment).order_by(Payment.month)).scalars().first()
    response = f.post(
        client,
        f"/contracten/{contract.id}/betalingen",
        {"pay-payment_id": payment.id, "pay-paid_on": "2026-01-03", "pay-reference": "BET-1"},
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Payment, payment.id).amount_paid == Decimal("1083333.33")
