"""Builders for contract tests (committed, so requests in the test client see them)."""

from datetime import date
from decimal import Decimal

from sqlalchemy import select

from procure.catalogue.models import MaatwerkCode, Product, Tariff, TaskArea
from procure.contracts import operations as ops
from procure.extensions import db
from tests import factories as f


def task_area(region, code="sab", name="Specialistische ambulante behandeling"):
    row = db.session.execute(select(TaskArea).filter_by(region_id=region.id, code=code)).scalar()
    if row is None:
        row = TaskArea(region_id=region.id, code=code, name=name)
        db.session.add(row)
        db.session.commit()
    return row


def product(
    region,
    code="45A53",
    name="Specialistische GGZ behandeling",
    unit="uur",
    prices=None,
    variant="effort",
):
    area = task_area(region)
    row = Product(
        region_id=region.id,
        code=code,
        version=1,
        name=name,
        task_area_id=area.id,
        variant=variant,
        unit=unit,
        status="vastgesteld",
        valid_from=date(2025, 1, 1),
    )
    db.session.add(row)
    db.session.flush()
    for year, price in (prices or {2026: "98.50", 2027: "101.25"}).items():
        db.session.add(Tariff(product_id=row.id, year=year, price=Decimal(price)))
    db.session.commit()
    return row


def maatwerk_code(region, code="M45A53", product_row=None):
    product_row = product_row or product(region, code="45A54", name="Behandeling maatwerk")
    row = MaatwerkCode(
        region_id=region.id,
        code=code,
        name="Maatwerk behandeling",
        product_id=product_row.id,
        unit="uur",
    )
    db.session.add(row)
    db.session.commit()
    return row


def lumpsum_contract(
    region=None, provider=None, *, budget="14333333.33", year=2026, status="active", **kwargs
):
    region = region or f.region("wbo")
    provider = provider or f.provider("kompas")
    contract = ops.create_concept_contract(
        region=region,
        provider_id=provider.id,
        origin="lot_award",
        variant="task",
        start_date=date(2026, 1, 1),
        end_date=date(2030, 12, 31),
        title=kwargs.pop("title", "SLT Altena, Drimmelen-Geertruidenberg en Oosterhout"),
        extension_months=kwargs.pop("extension_months", (12, 12)),
        **kwargs,
    )
    if budget is not None:
        ops.set_year_budget(contract, year=year, budget=budget)
    if status == "active":
        ops.activate_contract(contract)
    return contract


def effort_contract(
    region=None, provider=None, *, ceiling="100000.00", status="active", product_row=None, **kwargs
):
    region = region or f.region("wbo")
    provider = provider or f.provider("brug")
    contract = ops.create_concept_contract(
        region=region,
        provider_id=provider.id,
        origin="lot_award",
        variant="effort",
        start_date=date(2026, 1, 1),
        end_date=date(2027, 12, 31),
        title=kwargs.pop("title", "Specialistische ambulante behandeling"),
        extension_months=(12, 12),
        **kwargs,
    )
    product_row = product_row or product(region)
    ops.add_contract_product(contract, product_id=product_row.id)
    ops.set_year_budget(contract, year=2026, budget=ceiling)
    ops.set_year_budget(contract, year=2027, budget=ceiling)
    if status == "active":
        ops.activate_contract(contract)
    return contract


def due(rule_key: str, first=date(2000, 1, 1), last=date(2100, 1, 1)) -> list:
    """The deadlines a reminder rule of the contracts domain finds between two days."""
    from procure.core.timeutil import local_deadline
    from procure.reminders.rules import get_rule

    return list(get_rule(rule_key).source(local_deadline(first), local_deadline(last)))


def contract_ids(deadlines) -> list[int]:
    """The contracts the deadlines link to (the rule's subject may be a year or an option)."""
    return [int(d.url.rstrip("/").rsplit("/", 1)[1]) for d in deadlines]


def contract_days(deadlines) -> list[tuple[int, date]]:
    """(contract id, Amsterdam day) of each deadline."""
    return [(i, d.due_at.date()) for i, d in zip(contract_ids(deadlines), deadlines, strict=True)]
