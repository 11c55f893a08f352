"""The tender demo tells seed 003's story on its own calendar: four tenders, each awarded in
Q2 2026 with its contracts from 1 January 2027, with the seed's order values; loading the
demo on two different days gives the same dates."""

from datetime import date
from decimal import Decimal

import time_machine
from sqlalchemy import func, select

from procure import demo
from procure.contracts.models import Contract, ExtensionOption
from procure.core.timeutil import AMSTERDAM
from procure.extensions import db
from procure.tenders import demo as tender_demo
from procure.tenders.models import Decision, LotAward, Registration, Tender
from tests.conftest import _empty_all_tables

DATE_FIELDS = (
    "contract_start",
    "published_at",
    "registration_deadline",
    "dialogue_end",
    "bid_deadline",
    "provisional_award_at",
    "standstill_ends_at",
    "awarded_at",
)


def _tenders() -> dict[str, Tender]:
    return {t.reference: t for t in db.session.execute(select(Tender)).scalars()}


def _winners(tender: Tender) -> list[tuple[int, str]]:
    awards = db.session.execute(select(LotAward).where(LotAward.tender_id == tender.id))
    return sorted((a.lot.number, a.provider.short_code) for a in awards.scalars())


def test_demo_tenders_follow_seed_003(app):
    demo.load_organisations()
    demo.load_users()
    tender_demo.load()
    tender_demo.load()  # idempotent
    tenders = _tenders()
    assert set(tenders) == {"WBO-SLT-2027", "WBO-DB-2027", "WBO-SAB-2027", "WBO-VBC-2027"}
    slt, daycare = tenders["WBO-SLT-2027"], tenders["WBO-DB-2027"]
    outpatient, residential = tenders["WBO-SAB-2027"], tenders["WBO-VBC-2027"]
    assert {t.status for t in tenders.values()} == {"awarded"}
    assert {t.contract_start for t in tenders.values()} == {date(2027, 1, 1)}

    # Seed 003, 2.1: SLT EUR 43 million, the "schil" EUR 16 million, residential EUR 13 million.
    assert slt.estimated_value == Decimal("43000000.00")
    assert daycare.estimated_value + outpatient.estimated_value == Decimal("16000000.00")
    assert residential.estimated_value == Decimal("13000000.00")

    # 5.3: three lots, Breda lots to different parties, one partner per lot, 5 + 1 + 1 years.
    assert [lot.number for lot in slt.lots] == [1, 2, 3] and slt.lot_rules[0].lot_numbers == [2, 3]
    assert (slt.duration_months, slt.extension_count, slt.variant) == (60, 2, "task")
    assert _winners(slt) == [(1, "kompas"), (2, "samenwest"), (3, "stadswijk")]
    assert "De Linde is lid van de combinatie" in " ".join(d.motivation for d in slt.decisions)
    # 6.3: outpatient treatment 2 + 1 + 1 years, effort-based, at most 20 partners.
    assert (outpatient.duration_months, outpatient.extension_count) == (24, 2)
    assert (outpatient.variant, outpatient.max_partners, outpatient.procedure) == (
        "effort",
        20,
        "sas_open",
    )
    assert _winners(outpatient) == [(1, "baken"), (1, "brug"), (1, "kinderkracht")]
    # 8.3: a dialogue with one party, not split into lots, 5 + 1 + 1 years.
    assert len(residential.lots) == 1 and residential.max_partners == 1
    assert (residential.duration_months, residential.extension_count) == (60, 2)
    selected = db.session.execute(
        select(Registration).where(
            Registration.tender_id == residential.id, Registration.status == "selected"
        )
    ).scalars()
    assert [r.provider.short_code for r in selected] == ["horizon"]
    assert _winners(residential) == [(1, "horizon")]
    assert _winners(daycare) == [(1, "zonnehoek"), (2, "vlinder")]

    # Every contract comes from its procedure, starts on 1 January 2027 with its options.
    contracts = db.session.execute(select(Contract).where(Contract.tender_id.is_not(None)))
    contracts = contracts.scalars().all()
    assert len(contracts) == 3 + 2 + 3 + 1
    assert {c.start_date for c in contracts} == {date(2027, 1, 1)}
    slt_ends = {c.end_date for c in contracts if c.tender_id == slt.id}
    assert slt_ends == {date(2031, 12, 31)}
    options = db.session.execute(
        select(func.count(ExtensionOption.id)).where(
            ExtensionOption.contract_id.in_([c.id for c in contracts])
        )
    ).scalar_one()
    assert options == 2 * len(contracts)
    # Selection Q3 2025, dialogue Q4 2025 - Q1 2026, award Q2 2026 (seed 003, 11.1).
    first = db.session.execute(
        select(Decision).where(Decision.tender_id == slt.id).order_by(Decision.id)
    ).scalar()
    assert first.decided_at.astimezone(AMSTERDAM).date().isoformat().startswith("2025-09")
    assert slt.awarded_at.astimezone(AMSTERDAM).date() == date(2026, 6, 2)


def _tender_dates() -> dict:
    return {
        ref: (
            *(getattr(t, name) for name in DATE_FIELDS),
            t.estimated_value,
            t.status,
            tuple(_winners(t)),
        )
        for ref, t in _tenders().items()
        if t.is_sas
    }


def _catalogues_and_contracts() -> dict:
    """Every region's catalogue (segments, cards, tariffs) and the contracts outside the
    tenders (E10's agreement, SvJ's aligned contracts, WBO's running ones, custom ones)."""
    from procure.catalogue.models import Product, Segment

    segments = sorted(
        (s.region_id, s.code, s.name, s.account_holder.email if s.account_holder else "")
        for s in db.session.execute(select(Segment)).scalars()
    )
    products = sorted(
        (
            p.region_id,
            p.code,
            p.version,
            p.status,
            p.valid_from,
            p.valid_to,
            p.segment.code if p.segment else None,
            p.parental_contribution,
            tuple((t.year, t.price) for t in p.tariffs),
        )
        for p in db.session.execute(select(Product)).scalars()
    )
    contracts = sorted(
        (
            c.region.short_code,
            c.provider.short_code,
            c.origin,
            c.start_date,
            c.end_date,
            c.status,
            c.title,
            c.custom_total,
            tuple(sorted((cp.product.code, cp.effective_from) for cp in c.products)),
        )
        for c in db.session.execute(select(Contract).where(Contract.tender_id.is_(None))).scalars()
    )
    return {"segments": segments, "products": products, "contracts": contracts}


def _load_up_to_tenders() -> None:
    """The demo steps the tenders build on, then the tenders (not the whole demo: slow)."""
    from procure.catalogue import demo as catalogue_demo
    from procure.contracts import demo as contract_demo
    from procure.organisations import demo as organisations_demo

    demo.load_organisations()
    demo.load_users()
    for step in (organisations_demo, catalogue_demo, contract_demo, tender_demo):
        step.load()
        db.session.commit()


def test_the_demo_on_two_dates_gives_the_same_tenders(app):
    """The tenders' dates, and the catalogues and contracts of all three regions."""
    seen = []
    for today in ("2026-03-01 10:00", "2027-02-15 10:00"):
        with time_machine.travel(today, tick=False):
            _load_up_to_tenders()
        seen.append((_tender_dates(), _catalogues_and_contracts()))
        db.session.remove()
        _empty_all_tables()
    assert seen[0] == seen[1] and len(seen[0][0]) == 4
    data = seen[0][1]
    assert len(data["segments"]) == 4 and len(data["products"]) == 28 + 20 + 6
    e10 = [c for c in data["contracts"] if c[0] == "e10" and c[2] == "open_house"]
    assert len(e10) >= 25 and {c[3] for c in e10} == {date(2022, 1, 1)}
    svj = {(c[3], c[4]) for c in data["contracts"] if c[0] == "svj"}
    assert svj == {(date(2026, 1, 1), date(2029, 12, 31))}
