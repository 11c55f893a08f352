"""Demo contracts (after the catalogue demo), from seed 003 (Regio WBO Jeugd), seed 001 (Een
10 voor de Jeugd) and seed 000 (Samen voor Jeugd). Idempotent: skipped when the first
running WBO contract exists. All dates are fixed, whatever day the demo is loaded.

Regio WBO Jeugd, the seed's calendar:
- the agreements running until 31 December 2026 (the "was" column of the translation
  table): specialist outpatient care (effort-based under a ceiling, realisation January to
  October 2026, one provider above 80 % of its ceiling), residential and crisis care
  (lumpsum EUR 13 million) and dyslexia care (bought anew from 2027);
- from 1 January 2027 every contract comes from its tender (procure.tenders.demo): the
  concept contracts of the lot awards are given their budgets and signed: SLT (EUR 43
  million over the three lots, an efficiency discount and a reserve on lot 1), day care,
  specialist outpatient treatment (ceilings) and residential and crisis care (EUR 13 million);
Een 10 voor de Jeugd: the agreement running since 1 January 2022 (until 2028) with a sample
of its providers, and custom contracts (maatwerk) of its municipalities;
Samen voor Jeugd: contracts with one common start and end date (seed 000, ambition 1);
contract management: intensive level for two strategic partners, a meeting with actions,
next-meeting dates and financial assessments.
"""

import random
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from procure.auth.models import User
from procure.catalogue.models import MaatwerkCode, Product, TaskArea
from procure.contracts import operations as ops
from procure.contracts.models import Contract
from procure.core.operations import unit_of_work
from procure.core.types import to_money
from procure.extensions import db
from procure.organisations.models import Provider, Region

FIRST_REFERENCE = "WBO-AMB-2024-01"
INDEX_2027 = Decimal("3.85")

# Lumpsum per SLT lot from 2027 (together the EUR 43 million of seed 003, section 2.1).
SLT_BUDGETS = {
    1: Decimal("15480000.00"),
    2: Decimal("13760000.00"),
    3: Decimal("13760000.00"),
}
RESIDENTIAL_BUDGET = Decimal("13000000.00")
DAYCARE_BUDGETS = {1: Decimal("3200000.00"), 2: Decimal("4800000.00")}
# Yearly ceiling per provider of specialist outpatient treatment from 2027.
OUTPATIENT_CEILINGS = {
    "brug": Decimal("2400000.00"),
    "baken": Decimal("1800000.00"),
    "kinderkracht": Decimal("1200000.00"),
}
OUTPATIENT_CODES = ("54002", "45A46")
# Running until 31 December 2026: (reference, provider, ceiling 2026, monthly units)
RUNNING_OUTPATIENT = [
    ("WBO-AMB-2024-01", "brug", Decimal("600000.00"), {"54002": 12000, "45A46": 310}),
    ("WBO-AMB-2024-02", "baken", Decimal("450000.00"), {"54002": 6000, "45A46": 150}),
    ("WBO-AMB-2024-03", "kinderkracht", Decimal("300000.00"), {"54002": 8450}),
]
# Seed 001: about 300 custom contracts (maatwerk, non-contracted care) worth about EUR 3.8
# million in the first half of 2024, spread over the 11 municipalities in proportion to their
# youths in care in 2024 (bijlage 1), with the seed's three reasons.
CUSTOM_COUNT = 300
CUSTOM_TOTAL = Decimal("3800000.00")
YOUTHS_IN_CARE_2024 = {
    "Asten": 407,
    "Deurne": 644,
    "Geldrop-Mierlo": 1238,
    "Gemert-Bakel": 706,
    "Helmond": 2680,
    "Laarbeek": 500,
    "Nuenen": 608,
    "Someren": 373,
    "Son en Breugel": 536,
    "Veldhoven": 1366,
    "Waalre": 491,
}
CUSTOM_REASONS = (  # (reason code, justification)
    (
        "out_of_region",
        "Jeugdige buiten de regio geplaatst (pleeggezin); op grond van het woonplaatsbeginsel "
        "houdt de gemeente de zorgplicht, maar er is geen gecontracteerd aanbod waar de "
        "jeugdige verblijft.",
    ),
    (
        "specific_need",
        "Zeer specifieke hulpvraag of zorgvorm die niet in de reguliere inkoopovereenkomsten "
        "is opgenomen.",
    ),
    (
        "waiting_time",
        "Wachttijd bij de gecontracteerde aanbieders; niet-gecontracteerd aanbod kan direct "
        "starten.",
    ),
)
# Non-contracted in Een 10 voor de Jeugd: providers from elsewhere, where the placed youths
# live, and small specialised practices.
CUSTOM_PROVIDERS = ("wegwijzer", "zonnehoek", "kompas", "linde", "gezinsplein", "stadswijk")
# E10's own cards (procure.catalogue.demo); seed 001: relatively much custom care in segment 4,
# custom residential care counted under segment 1 or 2.
CUSTOM_CODES = ("45A01", "45A02", "45A10", "54010", "54F01", "40A01", "44A01", "44A03", "41A08")


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
    from procure.tenders import demo as tender_demo

    tender_demo.load()  # the 2027 contracts come from the tenders' lot awards
    manager = _one(User, email="contract_manager.wbo@example.org")
    providers = {p.short_code: p for p in db.session.execute(select(Provider)).scalars()}
    _running_wbo(region, providers, manager)
    _from_tenders(region, manager)
    _e10_agreement(providers)
    _svj_contracts(providers)
    _custom_contracts()
    _management(region, providers, manager)


# Een 10 voor de Jeugd: one agreement since 1 January 2022 with more than 180 providers,
# its segment 1 and 2 agreements running until 2028 (seed 001); the demo's sample is six
# providers of procure.demo and the fictional providers of procure.organisations.demo, each
# with products of the segments it works in (E10's own codes, procure.catalogue.demo).
E10_START, E10_END = date(2022, 1, 1), date(2027, 12, 31)
E10_SAMPLE = {  # provider -> product codes of its contract; segment in the comment
    "horizon": ["40A01", "45A31"],  # 1
    "stapsteen": ["44A05", "44A03"],  # 2
    "baken": ["45A01", "45A02"],  # 4
    "brug": ["54010", "54F01"],  # 4
    "vlinder": ["41A03", "41A08"],  # 3
    "kinderkracht": ["41A40", "45A10"],  # 3, 4
    "e10-eikenhof": ["40A01", "45A31", "45A32"],  # 1
    "e10-veldkamp": ["40A01", "45A33", "45A34"],  # 1
    "e10-kempenrand": ["40A01", "45A32", "44A01", "44A03"],  # 1, 2
    "e10-dommeldal": ["40A01", "45A31", "45A34"],  # 1
    "e10-peelzicht": ["44A03"],  # 2
    "e10-lindeboom": ["44A01"],  # 2
    "e10-wilgenhoeve": ["44A03"],  # 2
    "e10-klimop": ["44A05"],  # 2
    "e10-uilenest": ["44A05", "44A01"],  # 2
    "e10-speelhuis": ["41A03", "41A08"],  # 3
    "e10-boomgaard": ["41A08"],  # 3
    "e10-kwetternest": ["41A40", "41A41"],  # 3 (SNO)
    "e10-zandloper": ["41A40", "41A41"],  # 3 (SNO)
    "e10-rolstoelrit": ["42A01"],  # 3
    "e10-mozaiek": ["41A03", "45A02"],  # 3, 4
    "e10-kompasroos": ["45A01", "45A10"],  # 4
    "e10-vlasakker": ["45A01", "45A02"],  # 4
    "e10-oeverloop": ["54010", "45A10"],  # 4
    "e10-zwaluw": ["45A02"],  # 4
    "e10-heidebloem": ["45A01", "45A02"],  # 4
    "e10-waterlelie": ["45A10", "54010"],  # 4
    "e10-stroomopwaarts": ["45A01"],  # 4
    "e10-kiezel": ["45A10"],  # 4
    "e10-duinroos": ["54F01", "54010"],  # 4 (FACT)
    "e10-weidegang": ["54010"],  # 4
    "e10-dwarsdal": ["45A01", "45A02"],  # 4
    "e10-zonnewijzer": ["45A02"],  # 4
    "e10-toekomstpad": ["45A33", "45A10"],  # 1, 4
}
# Samen voor Jeugd: several contracts with the same start and end date (seed 000,
# ambition 1), here the years of the Meerjarenplan 2026-2029, on SvJ's own cards.
SVJ_START, SVJ_END = date(2026, 1, 1), date(2029, 12, 31)
SVJ_SAMPLE = {
    "vlinder": ["41A12"],
    "kinderkracht": ["45A60", "45A61"],
    "zonnehoek": ["41A12", "45A60"],
    "brug": ["45A61", "45A70"],
    "horizon": ["40A10"],
}


def _agreements(code: str, title: str, start, end, sample, providers) -> None:
    region = _one(Region, short_code=code)
    if region is None:
        return
    manager = _one(User, email=f"contract_manager.{code}@example.org")
    with unit_of_work():  # one transaction: no commit (and reload) per operation
        for provider_code, codes in sample.items():
            _agreement(region, providers.get(provider_code), codes, title, start, end, manager)


def _agreement(region, provider, codes, title, start, end, manager) -> None:
    if provider is None:
        return
    products = [p for p in (_product(region.id, c) for c in codes) if p is not None]
    segments = sorted({p.segment.code for p in products if p.segment})
    c = ops.create_concept_contract(
        region=region,
        provider_id=provider.id,
        origin="open_house",
        variant="effort",
        start_date=start,
        end_date=end,
        title=f"{title} (segment {', '.join(segments)})" if segments else title,
        manager_id=manager.id if manager else None,
        actor=manager,
    )
    for product in products:
        # A card that came later (FACT 2025, the new SNO products October 2025) joins the
        # running agreement from its first day.
        later = product.valid_from if product.valid_from > start else None
        ops.add_contract_product(c, product_id=product.id, effective_from=later, actor=manager)
    ops.activate_contract(c, actor=manager)


def _e10_agreement(providers) -> None:
    _agreements(
        "e10",
        "Overeenkomst jeugdhulp Een 10 voor de Jeugd",
        E10_START,
        E10_END,
        E10_SAMPLE,
        providers,
    )


def _svj_contracts(providers) -> None:
    _agreements(
        "svj", "Overeenkomst jeugdhulp Samen voor Jeugd", SVJ_START, SVJ_END, SVJ_SAMPLE, providers
    )


def _product_prices(contract, region_id: int, codes, years) -> None:
    for code in codes:
        product = _product(region_id, code)
        if product is None:
            continue
        base = next((t.price for t in product.tariffs if t.year == 2026), None)
        if base is None:
            continue
        prices = {
            year: to_money(base * (1 + INDEX_2027 / 100)) if year >= 2027 else base
            for year in years
        }
        ops.add_contract_product(contract, product_id=product.id, prices=prices)


def _running_wbo(region, providers, manager) -> None:
    """The agreements that end when the new ones start on 1 January 2027."""

    def running(reference, title, code, variant, area):
        return ops.create_concept_contract(
            region=region,
            provider_id=providers[code].id,
            origin="lot_award",
            variant=variant,
            start_date=date(2024, 1, 1),
            end_date=date(2026, 12, 31),
            title=title,
            task_area_id=_area(region.id, area),
            reference=reference,
            manager_id=manager.id if manager else None,
            actor=manager,
        )

    for reference, code, ceiling, units in RUNNING_OUTPATIENT:
        c = running(
            reference,
            "Ambulante jeugdhulp (lopende overeenkomst)",
            code,
            "effort",
            "specialistisch",
        )
        _product_prices(c, region.id, units, (2024, 2025, 2026))
        ops.set_year_budget(  # the last year, the one on the monitor
            c,
            year=2026,
            budget=ceiling,
            decided_on=date(2025, 11, 1),
            reason="Budgetplafond 2026",
            actor=manager,
        )
        ops.activate_contract(c, actor=manager)
        for month in range(1, 11):
            for code, qty in units.items():
                if any(cp.product.code == code for cp in c.products):
                    ops.record_realisation(
                        c,
                        product=code,
                        period=date(2026, month, 1),
                        units=Decimal(qty),
                        source="api",
                        actor=manager,
                        idempotency_key=f"demo-{reference}-{code}-{month}",
                    )
    c = running(
        "WBO-VBC-2024-01",
        "Verblijf en crisiszorg (lopende overeenkomst)",
        "horizon",
        "task",
        "verblijf",
    )
    ops.set_year_budget(
        c,
        year=2026,
        budget=RESIDENTIAL_BUDGET,
        reserve=Decimal("650000"),
        decided_on=date(2025, 11, 1),
        reason="Lumpsum 2026",
        actor=manager,
    )
    ops.activate_contract(c, actor=manager)
    # Dyslexia care is bought separately from 1 January 2027 (translation table).
    c = running(
        "WBO-DYS-2024-01",
        "Dyslexiezorg (lopende overeenkomst tot de nieuwe inkoop)",
        "kinderkracht",
        "effort",
        "dyslexie",
    )
    product = _product(region.id, "54D02")
    if product is not None:
        ops.add_contract_product(c, product_id=product.id, actor=manager)
    ops.set_year_budget(
        c,
        year=2026,
        budget=Decimal("240000.00"),
        decided_on=date(2025, 11, 1),
        reason="Budgetplafond 2026",
        actor=manager,
    )
    ops.activate_contract(c, actor=manager)


def tender_contracts(reference: str) -> list[tuple[int, Contract]]:
    """(lot number, contract) of every contract a tender's lot awards produced."""
    from procure.tenders.models import Lot, Tender

    return list(
        db.session.execute(
            select(Lot.number, Contract)
            .join(Tender, Contract.tender_id == Tender.id)
            .join(Lot, Contract.lot_id == Lot.id)
            .where(Tender.reference == reference)
            .order_by(Lot.number, Contract.id)
        ).tuples()
    )


def _from_tenders(region, manager) -> None:
    """Give the concept contracts of the lot awards their budgets and sign them."""
    for number, c in tender_contracts("WBO-SLT-2027"):
        reserve = Decimal("500000.00") if number == 1 else Decimal("0")
        for year, index, efficiency in ((2027, 0, 0), (2028, INDEX_2027, Decimal("1.5"))):
            ops.set_year_budget(
                c,
                year=year,
                budget=SLT_BUDGETS[number],
                indexation_pct=index,
                efficiency_pct=efficiency,
                reserve=reserve * (5 - (year - 2027)) / 5,
                decided_on=date(2026, 6, 15) if year == 2027 else date(2027, 10, 1),
                reason="Gunning SLT" if year == 2027 else "Indexatie en efficiencykorting",
                decision_reference="AB-2026-06",
                actor=manager,
            )
        _sign(c, manager)
    for _number, c in tender_contracts("WBO-VBC-2027"):
        ops.set_year_budget(
            c,
            year=2027,
            budget=RESIDENTIAL_BUDGET,
            reserve=Decimal("650000"),
            decided_on=date(2026, 6, 15),
            reason="Gunning verblijf en crisis",
            actor=manager,
        )
        _sign(c, manager)
    for number, c in tender_contracts("WBO-DB-2027"):
        ops.set_year_budget(
            c,
            year=2027,
            budget=DAYCARE_BUDGETS[number],
            decided_on=date(2026, 6, 15),
            reason="Gunning dagbesteding en dagbehandeling",
            actor=manager,
        )
        _sign(c, manager)
    for _number, c in tender_contracts("WBO-SAB-2027"):
        _product_prices(c, region.id, OUTPATIENT_CODES, (2027, 2028))
        for year in (2027, 2028):
            ops.set_year_budget(
                c,
                year=year,
                budget=OUTPATIENT_CEILINGS[c.provider.short_code],
                decided_on=date(2026, 6, 15),
                reason="Budgetplafond, jaarlijks bijgesteld",
                actor=manager,
            )
        _sign(c, manager)


def _sign(contract: Contract, manager) -> None:
    if manager is not None and contract.manager_id is None:
        ops.assign_manager(contract, manager_id=manager.id, actor=manager)
    ops.activate_contract(contract, actor=manager)


def custom_contract_plan(codes=CUSTOM_CODES, seed: int = 2024) -> list[dict]:
    """The demo's custom contracts: deterministic, CUSTOM_COUNT of them, summing to about
    CUSTOM_TOTAL, per municipality in proportion to its youths in care."""
    rng = random.Random(seed)
    total_youths = sum(YOUTHS_IN_CARE_2024.values())
    names = list(YOUTHS_IN_CARE_2024)
    counts = {n: CUSTOM_COUNT * YOUTHS_IN_CARE_2024[n] // total_youths for n in names}
    for n in sorted(names, key=lambda n: -YOUTHS_IN_CARE_2024[n])[
        : CUSTOM_COUNT - sum(counts.values())
    ]:
        counts[n] += 1
    average = CUSTOM_TOTAL / CUSTOM_COUNT
    plan = []
    for name in names:
        for _ in range(counts[name]):
            plan.append(
                {
                    "municipality": name,
                    "provider": rng.choice(CUSTOM_PROVIDERS),
                    "code": rng.choice(codes),
                    "amount": average * Decimal(str(round(rng.uniform(0.35, 1.65), 2))),
                    "start": date(2024, rng.randint(1, 6), 1),
                    "reason": rng.choices(CUSTOM_REASONS, weights=(5, 3, 2))[0],
                }
            )
    return plan


def _custom_contracts():
    e10 = _one(Region, short_code="e10")
    if e10 is None:
        return
    users = {
        u.municipality.name: u
        for u in db.session.execute(
            select(User).where(User.region_id == e10.id, User.role == "municipality")
        ).scalars()
    }
    providers = {
        p.short_code: p.id
        for p in db.session.execute(
            select(Provider).where(Provider.short_code.in_(CUSTOM_PROVIDERS))
        ).scalars()
    }
    codes = {}
    for product_code in CUSTOM_CODES:
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
        price = (
            next((t.price for t in product.tariffs if t.year == 2026), None) if product else None
        )
        if code is not None and price:
            codes[product_code] = (code, price)
    with unit_of_work():  # one transaction: no commit (and reload) per custom contract
        for item in custom_contract_plan([c for c in CUSTOM_CODES if c in codes]):
            _custom_contract(item, users, providers, codes)


def _custom_contract(item, users, providers, codes) -> None:
    user = users.get(item["municipality"])
    provider_id = providers.get(item["provider"])
    if user is None or provider_id is None or item["code"] not in codes:
        return
    code, price = codes[item["code"]]
    units = max(Decimal(1), (item["amount"] / price).quantize(Decimal(1)))
    ops.create_custom_contract(
        user=user,
        provider_id=provider_id,
        maatwerk_code_id=code.id,
        unit_price=price,
        units=units,
        start_date=item["start"],
        end_date=date(2024, 12, 31),
        justification=item["reason"][1],
        reason=item["reason"][0],
    )


def _management(region, providers, manager):
    """Seed 001's three tiers: strategic partners under intensive supplier management,
    proactive contract management for the next group, reactive for the rest."""
    for code, level, risk, reason in (
        (
            "horizon",
            "intensive",
            "high",
            "Strategische partner verblijf en crisis; grote lumpsum en continuïteitsrisico.",
        ),
        ("kompas", "intensive", "medium", "Strategische partner SLT perceel 1 (EUR 15,5 miljoen)."),
        ("brug", "proactive", "medium", "Budgetplafond boven 80 %: productie volgen."),
        ("baken", "proactive", "low", "Omzet boven EUR 500.000; jaarrekening volgen."),
        ("kinderkracht", "reactive", "low", "Kleine omzet, geen signalen."),
    ):
        ops.set_management_level(
            region_id=region.id,
            provider_id=providers[code].id,
            level=level,
            risk=risk,
            reason=reason,
            today=date(2026, 1, 15),
            actor=manager,
        )
    ops.record_meeting(
        region_id=region.id,
        provider_id=providers["brug"].id,
        held_on=date(2026, 3, 12),
        attendees="Contractmanager regio, accounthouder, directeur De Brug",
        topic_keys=["production", "finances", "annual_accounts", "cooperation"],
        topics="Productie 2025, jaarrekening 2025, samenwerking met de toegang in Breda",
        actor=manager,
    )
    ops.record_meeting(
        region_id=region.id,
        provider_id=providers["horizon"].id,
        held_on=date(2026, 9, 17),
        attendees="Contractmanager regio, bestuurder en controller Horizon",
        topic_keys=["production", "finances", "annual_accounts", "cooperation", "ambitions"],
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
