from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from procure.audit.models import AuditEvent
from procure.contracts import operations as ops
from procure.contracts.models import (
    BudgetDecision,
    Contract,
    ContractYear,
    Payment,
    Realisation,
)
from procure.core.errors import Conflict, ValidationFailed
from procure.extensions import db
from tests import factories as f
from tests.contracts.helpers import contract_ids, due, effort_contract, lumpsum_contract, product

D = Decimal


def _reload(contract):
    db.session.expire_all()
    return db.session.get(Contract, contract.id)


@pytest.mark.parametrize("amount", ["43000000.01", "0.11", "1000.00", "14333333.33", "7.00"])
def test_monthly_schedule_sums_exactly_and_last_month_absorbs_rounding(amount):
    parts = ops.monthly_schedule(D(amount))
    assert len(parts) == 12 and sum(parts) == D(amount)
    assert all(p == parts[0] for p in parts[:11])
    assert all(p == p.quantize(D("0.01")) for p in parts)


def test_43_million_and_a_cent_schedule():
    parts = ops.monthly_schedule(D("43000000.01"))
    assert parts[0] == D("3583333.33") and parts[11] == D("3583333.38")


def test_indexation_and_efficiency_discount_to_the_cent():
    indexed, discount, value = ops.lumpsum_value(D("43000000.01"), D("3.85"), D("2.5"))
    assert indexed == D("44655500.01")  # 43,000,000.01 x 1.0385 = 44,655,500.010385
    assert discount == D("1116387.50")  # 2.5 % of the indexed budget, half up
    assert value == D("43539112.51")
    assert ops.lumpsum_value(D("100.00"), D("1.005"))[0] == D("101.01")  # 101.005 -> half up


def test_lumpsum_year_creates_exact_payment_schedule_and_register(app):
    c = lumpsum_contract(budget=None)
    ops.set_year_budget(
        c,
        year=2026,
        budget="43000000.01",
        indexation_pct="3.85",
        efficiency_pct="2.5",
        reserve="500000",
    )
    payments = (
        db.session.execute(
            select(Payment).where(Payment.contract_id == c.id).order_by(Payment.month)
        )
        .scalars()
        .all()
    )
    assert len(payments) == 12 and sum(p.amount_due for p in payments) == D("43539112.51")
    assert _reload(c).contract_value == D("43539112.51")
    ops.register_payment(payments[0], paid_on=date(2026, 1, 5), reference="BET-2026-01")
    with pytest.raises(Conflict):
        ops.register_payment(payments[0], paid_on=date(2026, 1, 6))
    # A later budget decision respreads only the unpaid months, still exact.
    with pytest.raises(ValidationFailed, match="besluit"):
        ops.set_year_budget(
            _reload(c),
            year=2026,
            budget="44000000.00",
            indexation_pct="3.85",
            efficiency_pct="2.5",
            reserve="500000",
        )
    ops.set_year_budget(
        _reload(c),
        year=2026,
        budget="44000000.00",
        indexation_pct="3.85",
        efficiency_pct="2.5",
        reserve="500000",
        reason="Bijstelling AB 12-3",
    )
    db.session.expire_all()
    payments = (
        db.session.execute(
            select(Payment).where(Payment.contract_id == c.id).order_by(Payment.month)
        )
        .scalars()
        .all()
    )
    value = ops.lumpsum_value(D("44000000.00"), D("3.85"), D("2.5"))[2]
    assert sum(p.amount_due for p in payments) == value
    assert payments[0].amount_paid == payments[0].amount_due  # paid month unchanged
    decisions = db.session.execute(select(func.count(BudgetDecision.id))).scalar_one()
    assert decisions == 2


def test_lumpsum_has_no_realisation_or_client_data(app):
    c = lumpsum_contract()
    with pytest.raises(ValidationFailed, match="cliëntgegevens"):
        ops.record_realisation(c, product="45A53", period="2026-03", units="3")
    assert not hasattr(Realisation, "client_id") and not hasattr(Realisation, "bsn")


def test_reserve_drawdown_must_be_motivated_and_within_reserve(app):
    c = lumpsum_contract(budget=None)
    ops.set_year_budget(c, year=2026, budget="1000000", reserve="100000")
    with pytest.raises(ValidationFailed):
        ops.draw_reserve(c, year=2026, amount="5000", motivation="", drawn_on=date(2026, 4, 1))
    with pytest.raises(ValidationFailed, match="nog"):
        ops.draw_reserve(
            _reload(c),
            year=2026,
            amount="100000.01",
            motivation="Onvoorziene toename crisisplaatsingen",
            drawn_on=date(2026, 4, 1),
        )
    ops.draw_reserve(
        _reload(c),
        year=2026,
        amount="25000.50",
        motivation="Onvoorziene toename crisisplaatsingen",
        drawn_on=date(2026, 4, 1),
    )
    assert _reload(c).year(2026).reserve_left == D("74999.50")


def test_effort_amount_is_units_times_that_years_price(app):
    c = effort_contract()
    rec, created = ops.record_realisation(c, product="45A53", period="2026-03", units="12.5")
    assert created and rec.unit_price == D("98.50") and rec.amount == D("1231.25")
    rec2, _ = ops.record_realisation(_reload(c), product="45A53", period="2027-01", units="2")
    assert rec2.unit_price == D("101.25") and rec2.amount == D("202.50")
    c = _reload(c)
    assert c.year(2026).realised == D("1231.25") and c.year(2027).realised == D("202.50")
    with pytest.raises(ValidationFailed):
        ops.record_realisation(c, product="99X99", period="2026-03", units="1")
    with pytest.raises(ValidationFailed):
        ops.record_realisation(c, product="45A53", period="2026-03", units="-1")
    with pytest.raises(ValidationFailed):
        ops.record_realisation(c, product="45A53", period="2029-01", units="1")


def test_ceiling_warnings_at_80_and_100_percent(app):
    c = effort_contract(ceiling="1000.00")  # 98.50 per hour
    ops.record_realisation(c, product="45A53", period="2026-02", units="8")  # 788.00
    assert ops.utilisation(_reload(c))[0]["level"] == "ok"
    assert due("budget_ceiling_warn") == []
    ops.record_realisation(_reload(c), product="45A53", period="2026-03", units="0.2")  # 807.70
    row = ops.utilisation(_reload(c))[0]
    assert row["level"] == "warn" and row["pct"] == D("80.7")  # shown rounded down
    assert contract_ids(due("budget_ceiling_warn")) == [c.id]
    assert due("budget_ceiling_alert") == []
    ops.record_realisation(_reload(c), product="45A53", period="2026-04", units="1.95")
    row = ops.utilisation(_reload(c))[0]  # 807.70 + 192.08 = 999.78
    assert row["level"] == "warn"
    ops.set_year_budget(_reload(c), year=2026, budget="999.78", reason="Plafond verlaagd")
    assert ops.utilisation(_reload(c))[0]["level"] == "alert"
    assert contract_ids(due("budget_ceiling_alert")) == [c.id]


def test_over_ceiling_refused_without_override_and_audited_with_it(app):
    c = effort_contract(ceiling="1000.00")
    ops.record_realisation(c, product="45A53", period="2026-02", units="10")  # 985.00
    with pytest.raises(Conflict, match="budgetplafond") as refused:
        ops.record_realisation(_reload(c), product="45A53", period="2026-03", units="1")
    # amounts in the message in Dutch notation, as everywhere else
    assert "(€ 1.083,50 van € 1.000,00)" in str(refused.value.message)
    assert _reload(c).year(2026).realised == D("985.00")
    with pytest.raises(ValidationFailed):
        ops.record_realisation(
            _reload(c),
            product="45A53",
            period="2026-03",
            units="1",
            override=True,
            override_reason=" ",
        )
    rec, _ = ops.record_realisation(
        _reload(c),
        product="45A53",
        period="2026-03",
        units="1",
        override=True,
        override_reason="Crisis, besluit CM",
    )
    assert rec.override and _reload(c).year(2026).realised == D("1083.50")
    event = db.session.execute(
        select(AuditEvent).where(AuditEvent.action == "contract.ceiling_override")
    ).scalar_one()
    assert event.new_values["reason"] == "Crisis, besluit CM"


def test_ceiling_adjustment_needs_a_recorded_decision(app):
    c = effort_contract(ceiling="1000.00")
    with pytest.raises(ValidationFailed):
        ops.set_year_budget(c, year=2026, budget="1500.00")
    ops.set_year_budget(
        _reload(c),
        year=2026,
        budget="1500.00",
        reason="Jaarlijkse bijstelling",
        decision_reference="AB-2026-04",
    )
    decision = (
        db.session.execute(select(BudgetDecision).order_by(BudgetDecision.id.desc()))
        .scalars()
        .first()
    )
    assert decision.old_amount == D("1000.00") and decision.new_amount == D("1500.00")
    assert decision.reference == "AB-2026-04"
    with pytest.raises(ValidationFailed):  # indexation belongs to lumpsum
        ops.set_year_budget(_reload(c), year=2026, budget="1500.00", indexation_pct="2")


CSV_OK = "periode;productcode;eenheden\n2026-01;45A53;2\n2026-02;45A53;3,5\n"
CSV_BAD = (
    "periode;productcode;eenheden\n2026-01;45A53;2\n2026-13;45A53;1\n2026-02;99X99;1\n"
    "2026-03;45A53;abc\n"
)


def test_csv_import_is_all_or_nothing_with_every_error_listed(app):
    c = effort_contract()
    with pytest.raises(ValidationFailed) as info:
        ops.import_realisation_csv(c, CSV_BAD.encode())
    assert len(info.value.errors) == 3
    assert [e.split(":")[0] for e in info.value.errors] == ["Regel 3", "Regel 4", "Regel 5"]
    assert db.session.execute(select(func.count(Realisation.id))).scalar_one() == 0
    assert _reload(c).year(2026).realised == D("0.00")
    records = ops.import_realisation_csv(_reload(c), CSV_OK.encode())
    assert [r.amount for r in records] == [D("197.00"), D("344.75")]
    assert _reload(c).year(2026).realised == D("541.75")


def test_csv_import_over_the_ceiling_refused_as_a_whole(app):
    c = effort_contract(ceiling="300.00")
    with pytest.raises(ValidationFailed) as info:
        ops.import_realisation_csv(c, CSV_OK)
    assert "Regel 3" in info.value.errors[0]
    assert db.session.execute(select(func.count(Realisation.id))).scalar_one() == 0


def test_idempotency_key_books_once(app):
    c = effort_contract()
    user = f.user("contract_manager")
    first, created = ops.record_realisation(
        c, product="45A53", period="2026-05", units="4", idempotency_key="fin-001", actor=user
    )
    again, created2 = ops.record_realisation(
        _reload(c),
        product="45A53",
        period="2026-05",
        units="4",
        idempotency_key="fin-001",
        actor=user,
    )
    assert created and not created2 and again.id == first.id
    assert _reload(c).year(2026).realised == D("394.00")


def test_contracted_product_prices_default_to_catalogue_tariffs(app):
    region = f.region("wbo")
    p = product(region, code="54001", name="Jeugdhulp ambulant", prices={2026: "61.20"})
    c = effort_contract(region, product_row=p)
    assert c.products[0].price_for(2026) == D("61.20")
    assert c.products[0].price_for(2027) is None
    with pytest.raises(ValidationFailed, match="geen prijs"):
        ops.record_realisation(_reload(c), product="54001", period="2027-02", units="1")
    ops.set_unit_price(_reload(c).products[0], year=2027, price="63.00")
    rec, _ = ops.record_realisation(_reload(c), product="54001", period="2027-02", units="1")
    assert rec.amount == D("63.00")
    assert db.session.execute(select(func.count(ContractYear.id))).scalar_one() == 2


def test_thresholds_are_configurable_per_contract(app):
    c = effort_contract(ceiling="1000.00")
    ops.record_realisation(c, product="45A53", period="2026-02", units="7")  # 689.50
    assert ops.utilisation(_reload(c))[0]["level"] == "ok"
    with pytest.raises(ValidationFailed):
        ops.set_thresholds(_reload(c), warn_pct=90, alert_pct=90)
    ops.set_thresholds(_reload(c), warn_pct=60, alert_pct=95)
    assert ops.utilisation(_reload(c))[0]["level"] == "warn"
    assert contract_ids(due("budget_ceiling_warn")) == [c.id]
    assert due("budget_ceiling_alert") == []


def test_lumpsum_guaranteed_and_reserved_split_with_client_bandwidth(app):
    # Seed 004: heavy care EUR 55 M a year, 80 % guaranteed (44 M) and 20 % reserved (11 M).
    c = lumpsum_contract(budget=None)
    ops.set_year_budget(
        c, year=2026, budget="55000000", guaranteed_pct="80", clients_min=900, clients_max=1100
    )
    y = _reload(c).year(2026)
    assert y.guaranteed == D("44000000.00") and y.reserved_part == D("11000000.00")
    assert (y.clients_min, y.clients_max) == (900, 1100)
    with pytest.raises(ValidationFailed):
        ops.set_year_budget(_reload(c), year=2027, budget="1", clients_min=10, clients_max=5)
    e = effort_contract()
    with pytest.raises(ValidationFailed, match="lumpsum"):
        ops.set_year_budget(e, year=2026, budget="100000.00", guaranteed_pct="80")
