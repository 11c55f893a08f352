"""Demo contracts (after the catalogue demo), from seed 003 (Regio WBO Jeugd) and seed 001
(Een 10 voor de Jeugd). Idempotent: skipped when the first SLT contract exists.

- SLT lots (lumpsum, EUR 43 million a year over the three geographic lots of seed 003),
  5 years + 2 x 1 year, an efficiency discount and a reserve (ventiel) on lot 1, reduced
  over the term, with a motivated draw-down and the first monthly payments registered;
- residential treatment and crisis care (lumpsum, EUR 13 million a year);
- specialist outpatient treatment (effort-based, 2 years + 2 x 1 year, budget ceiling) with
  realisation from January to October 2026, one provider above 80 % of its ceiling;
- a dyslexia contract ending on 31 December 2026 (bought anew from 2027);
- custom contracts (maatwerk) of several Een 10 voor de Jeugd municipalities;
- contract management: intensive level for two strategic partners, a meeting with actions,
  next-meeting dates and financial assessments.
"""

from datetime import date
from decimal import Decimal

from sqlalchemy import select

from procure.auth.models import User
from procure.catalogue.models import MaatwerkCode, Product, TaskArea
from procure.contracts import operations as ops
from procure.contracts.models import Contract, Payment
from procure.core.types import to_money
from procure.extensions import db
from procure.organisations.models import Municipality, Provider, Region

FIRST_REFERENCE = "WBO-SLT-2026-01"
INDEX_2027 = Decimal("3.85")

SLT_LOTS = [  # (reference, title, provider, yearly lumpsum 2026)
    (
        "WBO-SLT-2026-01",
        "SLT's Altena, Drimmelen-Geertruidenberg en Oosterhout (perceel 1)",
        "kompas",
        Decimal("15480000.00"),
    ),
    (
        "WBO-SLT-2026-02",
        "SLT's Breda Noordwest en Noordoost (perceel 2)",
        "samenwest",
        Decimal("13760000.00"),
    ),
    (
        "WBO-SLT-2026-03",
        "SLT's Breda Zuidwest en Breda Zuidoost (perceel 3)",
        "linde",
        Decimal("13760000.00"),
    ),
]
# (reference, provider, product code, yearly ceiling, monthly units per product code)
EFFORT = [
    ("WBO-SAB-2026-01", "brug", Decimal("600000.00"), {"54002": 12000, "45A46": 310}),
    ("WBO-SAB-2026-02", "baken", Decimal("450000.00"), {"54002": 6000, "45A46": 150}),
    ("WBO-SAB-2026-03", "kinderkracht", Decimal("300000.00"), {"54002": 8450}),
]
CUSTOM = [  # (municipality, provider, product code, price, units, justification, reason)
    (
        "Helmond",
        "zonnehoek",
        "45A46",
        "84.50",
        "120",
        "Zeer specifieke zorgvraag: zorgboerderij met agrarische dagbesteding, geen passend "
        "gecontracteerd aanbod.",
        "specific_need",
    ),
    (
        "Veldhoven",
        "wegwijzer",
        "45A46",
        "79.00",
        "60",
        "Wachttijd bij de gecontracteerde aanbieders langer dan 8 weken.",
        "waiting_time",
    ),
    (
        "Deurne",
        "zonnehoek",
        "54002",
        "2.20",
        "4800",
        "Plaatsing buiten de regio: behandeling bij de woonplek van het pleeggezin.",
        "out_of_region",
    ),
    (
        "Gemert-Bakel",
        "wegwijzer",
        "45A46",
        "81.27",
        "40",
        "Continuïteit van zorg na verhuizing uit een andere regio.",
        "other",
    ),
]


def _one(model, **filters):
    return db.session.execute(select(model).filter_by(**filters)).scalar()


def _product(region_id: int, code: str) -> Product | None:
    return (
        db.session.execute(
            select(Product)
            .where(Product.region_id == region_id, Product.code == code)
            .order_by(Product.version.desc())
        )
        .scalars()
        .first()
    )


def _area(region_id: int, code: str) -> int | None:
    area = _one(TaskArea, region_id=region_id, code=code)
    return area.id if area else None


def load() -> None:
    region = _one(Region, short_code="wbo")
    if region is None or _one(Contract, reference=FIRST_REFERENCE) is not None:
        return
    manager = _one(User, email="contract_manager.wbo@example.org")
    actor = manager
    providers = {p.short_code: p for p in db.session.execute(select(Provider)).scalars()}

    def contract(reference, title, provider, variant, area, years, options, **kw):
        c = ops.create_concept_contract(
            region=region,
            provider_id=providers[provider].id,
            origin="lot_award",
            variant=variant,
            start_date=date(2026, 1, 1),
            end_date=date(2025 + years, 12, 31),
            title=title,
            task_area_id=_area(region.id, area),
            reference=reference,
            extension_months=options,
            manager_id=manager.id if manager else None,
            actor=actor,
            notice_months=6 if variant == "task" else 3,
        )
        return c

    # SLT lots: lumpsum, 5 + 1 + 1 years.
    for i, (reference, title, provider, budget) in enumerate(SLT_LOTS):
        c = contract(reference, title, provider, "task", "slt", 5, (12, 12))
        reserve = Decimal("500000.00") if i == 0 else Decimal("0")
        ops.set_year_budget(
            c,
            year=2026,
            budget=budget,
            reserve=reserve,
            decided_on=date(2025, 11, 1),
            reason="Gunning SLT",
            decision_reference="AB-2025-11",
            actor=actor,
        )
        ops.set_year_budget(
            c,
            year=2027,
            budget=budget,
            indexation_pct=INDEX_2027,
            efficiency_pct=Decimal("1.5"),
            reserve=reserve * 4 / 5,
            decided_on=date(2026, 10, 1),
            reason="Indexatie OVA 2027 en efficiencykorting",
            decision_reference="AB-2026-10",
            actor=actor,
        )
        ops.activate_contract(c, actor=actor)
        for payment in db.session.execute(
            select(Payment)
            .where(Payment.contract_id == c.id, Payment.year == 2026, Payment.month <= 10)
            .order_by(Payment.month)
        ).scalars():
            ops.register_payment(
                payment,
                paid_on=date(2026, payment.month, 1),
                reference=f"BET-{reference}-{payment.month:02d}",
                actor=actor,
            )
        if reserve:
            ops.draw_reserve(
                c,
                year=2026,
                amount=Decimal("125000.00"),
                drawn_on=date(2026, 6, 15),
                motivation="Onvoorziene toename van de vraag in Oosterhout na de "
                "sluiting van een school voor speciaal onderwijs.",
                actor=actor,
            )

    # Residential treatment and crisis care: lumpsum EUR 13 million a year.
    c = contract(
        "WBO-VBC-2026-01",
        "Behandeling met verblijf en crisiszorg",
        "horizon",
        "task",
        "verblijf",
        5,
        (12, 12),
    )
    ops.set_year_budget(
        c,
        year=2026,
        budget=Decimal("13000000.00"),
        reserve=Decimal("650000"),
        decided_on=date(2025, 11, 1),
        reason="Gunning verblijf en crisis",
        actor=actor,
    )
    ops.activate_contract(c, actor=actor)

    # Specialist outpatient treatment: effort-based under a ceiling, 2 + 1 + 1 years.
    for reference, provider, ceiling, units in EFFORT:
        c = contract(
            reference,
            "Specialistische ambulante behandeling",
            provider,
            "effort",
            "specialistisch",
            2,
            (12, 12),
        )
        for code in units:
            product = _product(region.id, code)
            if product is None:
                continue
            base = next((t.price for t in product.tariffs if t.year == 2026), None)
            if base is None:
                continue
            ops.add_contract_product(
                c,
                product_id=product.id,
                prices={2026: base, 2027: to_money(base * (1 + INDEX_2027 / 100))},
                actor=actor,
            )
        for year in (2026, 2027):
            ops.set_year_budget(
                c,
                year=year,
                budget=ceiling,
                decided_on=date(2025, 11, 1),
                reason="Budgetplafond bij gunning",
                actor=actor,
            )
        ops.activate_contract(c, actor=actor)
        for month in range(1, 11):
            for code, qty in units.items():
                if any(cp.product.code == code for cp in c.products):
                    ops.record_realisation(
                        c,
                        product=code,
                        period=date(2026, month, 1),
                        units=Decimal(qty),
                        source="api",
                        actor=actor,
                        idempotency_key=f"demo-{reference}-{code}-{month}",
                    )

    # Dyslexia care is bought separately from 1 January 2027: the running contract ends.
    c = ops.create_concept_contract(
        region=region,
        provider_id=providers["kinderkracht"].id,
        origin="lot_award",
        variant="effort",
        start_date=date(2024, 1, 1),
        end_date=date(2026, 12, 31),
        title="Dyslexiezorg (lopende overeenkomst tot de nieuwe inkoop)",
        task_area_id=_area(region.id, "dyslexie"),
        reference="WBO-DYS-2024-01",
        manager_id=manager.id if manager else None,
        actor=actor,
    )
    product = _product(region.id, "54D02")
    if product is not None:
        ops.add_contract_product(c, product_id=product.id, actor=actor)
    ops.set_year_budget(
        c,
        year=2026,
        budget=Decimal("240000.00"),
        decided_on=date(2025, 11, 1),
        reason="Budgetplafond 2026",
        actor=actor,
    )
    ops.activate_contract(c, actor=actor)

    _custom_contracts()
    _management(region, providers, manager)


def _custom_contracts():
    e10 = _one(Region, short_code="e10")
    if e10 is None:
        return
    for name, provider_code, product_code, price, units, why, reason in CUSTOM:
        municipality = _one(Municipality, name=name)
        user = (
            _one(User, municipality_id=municipality.id, role="municipality")
            if municipality
            else None
        )
        provider = _one(Provider, short_code=provider_code)
        product = _product(e10.id, product_code)
        code = (
            db.session.execute(
                select(MaatwerkCode).where(
                    MaatwerkCode.region_id == e10.id, MaatwerkCode.product_id == product.id
                )
            )
            .scalars()
            .first()
            if product
            else None
        )
        if not (user and provider and code):
            continue
        ops.create_custom_contract(
            user=user,
            provider_id=provider.id,
            maatwerk_code_id=code.id,
            unit_price=Decimal(price),
            units=Decimal(units),
            start_date=date(2026, 2, 1),
            end_date=date(2026, 12, 31),
            justification=why,
            reason=reason,
            reason_text="Continuïteit van zorg na verhuizing" if reason == "other" else "",
        )


def _management(region, providers, manager):
    for code, level, reason in (
        (
            "horizon",
            "intensive",
            "Strategische partner verblijf en crisis; grote lumpsum en continuïteitsrisico.",
        ),
        ("kompas", "intensive", "Strategische partner SLT perceel 1 (EUR 15,5 miljoen)."),
        ("brug", "regular", "Budgetplafond boven 80 %: productie volgen."),
    ):
        ops.set_management_level(
            region_id=region.id,
            provider_id=providers[code].id,
            level=level,
            reason=reason,
            actor=manager,
        )
    ops.record_meeting(
        region_id=region.id,
        provider_id=providers["horizon"].id,
        held_on=date(2026, 9, 17),
        attendees="Contractmanager regio, bestuurder en controller Horizon",
        topics="Productie, financiën (jaarrekening 2025), samenwerking met de SLT's",
        actions=[
            {
                "description": "Wachtlijst crisisplaatsingen per maand aanleveren",
                "owner": "Horizon Verblijf en Crisis",
                "due_on": date(2026, 10, 31),
            },
            {
                "description": "Afspraak over afbouw ventiel voorbereiden",
                "owner": "Contractmanager regio",
                "due_on": date(2026, 12, 15),
            },
        ],
        next_meeting_on=date(2026, 12, 10),
        actor=manager,
    )
    ops.set_next_meeting(
        region_id=region.id,
        provider_id=providers["kompas"].id,
        day=date(2027, 1, 14),
        actor=manager,
    )
    for code, outcome in (("horizon", "attention"), ("kompas", "sound")):
        ops.record_assessment(
            region_id=region.id,
            provider_id=providers[code].id,
            kind="entry",
            year=2026,
            assessed_on=date(2025, 12, 1),
            outcome=outcome,
            notes="Jaarrekening 2024 en begroting 2026 beoordeeld.",
            actor=manager,
        )
