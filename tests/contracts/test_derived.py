"""The columns the reminder sweep reads through indexes are kept by every change: a
contract's notice deadline, the moments a contract year passed its thresholds; and the
sweep's database work does not grow with contracts that are not due."""

from datetime import date
from decimal import Decimal

from sqlalchemy import insert

from procure.contracts import operations as ops
from procure.contracts.models import Contract, ContractYear, Realisation
from procure.extensions import db
from procure.reminders.sweep import run_sweep
from tests import factories as f
from tests.contracts.helpers import effort_contract


def test_notice_deadline_follows_the_end_date_and_the_notice_period(app):
    contract = effort_contract(notice_months=3)
    assert contract.notice_deadline == date(2027, 9, 30)  # 31-12-2027 minus 3 months
    option = contract.options[0]
    ops.exercise_option(option, today=date(2027, 1, 15), actor=None)
    db.session.refresh(contract)
    assert contract.end_date == date(2028, 12, 31)
    assert contract.notice_deadline == date(2028, 9, 30)


def test_threshold_moments_are_the_records_that_passed_them_and_follow_changes(app):
    contract = effort_contract(ceiling="1000.00")  # 45A53 at 98.50 an hour
    year = contract.year(2026)
    first, _ = ops.record_realisation(contract, product="45A53", period=date(2026, 1, 1), units="7")
    assert year.warn_reached_at is None  # 689.50 of 1000.00
    second, _ = ops.record_realisation(
        contract, product="45A53", period=date(2026, 2, 1), units="2"
    )
    db.session.refresh(year)
    assert year.warn_reached_at == second.created_at  # 886.50: past 80 %
    assert year.alert_reached_at is None
    ops.set_thresholds(contract, warn_pct=60, alert_pct=85)
    db.session.refresh(year)
    assert year.warn_reached_at == first.created_at  # 689.50 is past 60 %
    assert year.alert_reached_at == second.created_at
    assert contract.year(2027).warn_reached_at is None


def _sweep_statements(count_queries) -> int:
    with count_queries() as statements:
        run_sweep()
    return len(statements)


def test_sweep_queries_do_not_grow_with_contracts_that_are_not_due(app, count_queries):
    region, provider = f.region("wbo"), f.provider("kompas")
    f.user("contract_manager")

    def bulk(first: int, count: int):
        ids = range(10_000 + first, 10_000 + first + count)
        db.session.execute(
            insert(Contract),
            [
                {
                    "id": i,
                    "reference": f"WBO-B-{i}",
                    "region_id": region.id,
                    "provider_id": provider.id,
                    "origin": "lot_award",
                    "variant": "effort",
                    "start_date": date(2020, 1, 1),
                    "end_date": date(2035, 12, 31),
                    "notice_deadline": date(2035, 9, 30),
                    "status": "active",
                }
                for i in ids
            ],
        )
        db.session.execute(
            insert(ContractYear),
            [{"contract_id": i, "year": 2026, "value": Decimal("1000.00")} for i in ids],
        )
        db.session.commit()

    bulk(0, 5)
    run_sweep()  # the first run catches up; the next ones see the same (nothing due)
    few = _sweep_statements(count_queries)
    bulk(5, 500)
    many = _sweep_statements(count_queries)
    assert many == few
    assert db.session.query(Realisation).count() == 0
