"""Finance demo data from the seeds, built through the operations (idempotent).

- Seed 004 (Uitvoeringsplan jeugdhulp 2020-2023 Noordoost-Brabant, section 4.2): the
  region Noordoost-Brabant, whose purchasing organisation RIOZ buys specialised youth care
  for its 16 municipalities (the seed names one of them, Vught), and its budget framework
  2020 (adopted by the RBO on 10 April 2019, adjusted after the RBO decisions of 22 August
  and 4 October 2019) and 2021-2023 in the new structure.
- Seed 001 (Een 10 voor de Jeugd, annual report 2024, Bijlage 1): young people in care per
  municipality 2022-2024, the 2028 ambitions and the custom-contract target (-25 % on 2023).
- Seed 000 (Samen voor Jeugd, Meerjarenplan 2026-2029): waiting times (714 waiting on
  30 January 2024, 964 new trajectories in Q3 2024 at 75 days on average, the quarterly
  average wait 2023-Q2 .. 2024-Q3) and the target to halve custom contracts against 2023.
"""

from datetime import date
from decimal import Decimal

from sqlalchemy import select

from procure.auth.models import User
from procure.extensions import db
from procure.finance import operations as ops
from procure.finance.models import BudgetFramework, Indicator
from procure.organisations.models import Municipality, Region

NOB = {
    "short_code": "nob",
    "name": "Regio Noordoost-Brabant (Regionale Inkooporganisatie Zorg, RIOZ)",
    "municipalities": [("Vught", "0865")],
}

# (code, name, amount in the framework of 10 April 2019, incidental)
LINES_2020 = [
    ("jzplus", "Jeugdzorgplus", 4_647_090, False),
    ("lta", "LTA", 11_780_760, False),
    ("gi", "Gecertificeerde instellingen", 11_983_630, False),
    ("vt", "Veilig Thuis", 4_725_133, False),
    ("zin", "ZIN Kader", 95_335_702, False),
    ("ctb", "CTB", 86_000, False),
    ("transformatie", "Opbouw van de transformatie (project incidenteel)", 6_500_000, True),
]
ADJUSTMENT_REFERENCE = "RBO 22 augustus 2019 en 4 oktober 2019"
ADJUSTMENTS_2020 = [  # (line, amount, reason)
    ("jzplus", -259_620, "Bijgesteld kader 2020: autonome ontwikkelingen"),
    ("gi", 599_182, "Bijgesteld kader 2020: autonome ontwikkelingen"),
    ("vt", 75_000, "Bijgesteld kader 2020: autonome ontwikkelingen"),
    ("zin", 783_852, "Bijgesteld kader 2020: autonome ontwikkelingen"),
    ("transformatie", -3_000_000, "Bijstelling regionale transformatieopgaven"),
]
# The new structure from 2021: (code, name, amount or None for PM, parent, previous, kind)
LINES_NEW = [
    ("jzplus", "Jeugdzorgplus", 4_387_470, None, "jzplus", "regular"),
    ("lta", "LTA", 11_780_760, None, "lta", "regular"),
    ("gi", "Gecertificeerde instellingen", 12_582_812, None, "gi", "regular"),
    ("vt", "Veilig Thuis", 4_877_633, None, "vt", "regular"),
    ("ctb", "CTB/Regionale overlegstructuur", None, None, "ctb", "regular"),
    ("zin", "ZIN kader", None, None, "zin", "regular"),
    (
        "zin-zwaar-gegarandeerd",
        "Zware hulp 'gegarandeerd' (80%)",
        44_000_000,
        "zin",
        None,
        "guaranteed",
    ),
    (
        "zin-zwaar-gereserveerd",
        "Zware hulp 'gereserveerd' (20%)",
        11_000_000,
        "zin",
        None,
        "reserved",
    ),
    ("zin-licht", "Raming 'lichte hulp' (Open House)", 42_682_235, "zin", None, "regular"),
]
# The seed's 2021-2023 totals: one euro below the sum of its (rounded) lines.
STATED_TOTAL_NEW = 131_310_909

# Seed 001, Bijlage 1: young people in care per municipality (excluding the municipality's
# own help); 2023 is the baseline year.
YOUNG_IN_CARE = {
    "Asten": (363, 372, 407),
    "Deurne": (654, 636, 644),
    "Geldrop-Mierlo": (1264, 1224, 1238),
    "Gemert-Bakel": (541, 609, 706),
    "Helmond": (2605, 2642, 2680),
    "Laarbeek": (523, 515, 500),
    "Nuenen": (498, 550, 608),
    "Someren": (381, 366, 373),
    "Son en Breugel": (499, 522, 536),
    "Veldhoven": (1226, 1297, 1366),
    "Waalre": (464, 478, 491),
}
E10_AMBITIONS = [  # (code, name, unit, direction, target, period)
    ("uithuisplaatsingen", "Minder uithuisplaatsingen (t.o.v. 2023)", "percent", "up", 20, "2028"),
    ("kleinschalig", "Verblijfsplekken kleinschalig ingericht", "percent", "up", 95, "2028"),
    ("onderwijs", "Jeugdigen met verblijfsindicatie in onderwijs", "percent", "up", 90, "2028"),
    ("nabij", "Jeugdigen in verblijf binnen 15 km van hun woonplaats", "percent", "up", 60, "2028"),
    ("rmt", "RMT-casussen binnen 3 maanden passend aanbod", "percent", "up", 90, "2028"),
    (
        "wachttijden-bijgewerkt",
        "Aanbieders die wachttijden maandelijks bijwerken",
        "percent",
        "up",
        90,
        "2028",
    ),
]
SVJ_WAIT_SERIES = [
    ("2023-Q2", "54.62"),
    ("2023-Q3", "62.35"),
    ("2023-Q4", "81.05"),
    ("2024-Q1", "81.89"),
    ("2024-Q2", "87.03"),
    ("2024-Q3", "98.73"),
]


def proportional_shares() -> dict[str, Decimal]:
    """Shares (two decimals) in proportion to the 2023 counts, adding up to exactly 100 by
    giving the rounding remainder to the largest fractions (largest remainder method)."""
    counts = {name: c[1] for name, c in YOUNG_IN_CARE.items()}
    total = sum(counts.values())
    exact = {n: Decimal(c) * 10_000 / total for n, c in counts.items()}  # hundredths of %
    floors = {n: int(v) for n, v in exact.items()}
    rest = 10_000 - sum(floors.values())
    for name in sorted(exact, key=lambda n: exact[n] - floors[n], reverse=True)[:rest]:
        floors[name] += 1
    return {n: Decimal(v) / 100 for n, v in floors.items()}


def _one(model, **filters):
    return db.session.execute(select(model).filter_by(**filters)).scalars().first()


def _admin(region) -> User | None:
    return _one(User, region_id=region.id, role="admin")


def load() -> None:
    nob = _noordoost_brabant()
    admin = _admin(nob)
    if admin is not None:
        _frameworks(nob, admin)
    e10, svj = _one(Region, short_code="e10"), _one(Region, short_code="svj")
    if e10 is not None and _admin(e10) is not None:
        _een10(e10, _admin(e10))
    if svj is not None and _admin(svj) is not None:
        _samen(svj, _admin(svj))


def _noordoost_brabant() -> Region:
    from procure import demo

    region = _one(Region, short_code=NOB["short_code"])
    if region is None:
        region = Region(short_code=NOB["short_code"], name=NOB["name"])
        db.session.add(region)
        db.session.flush()
    for name, cbs in NOB["municipalities"]:
        if _one(Municipality, cbs_code=cbs) is None:
            db.session.add(Municipality(name=name, cbs_code=cbs, region_id=region.id))
    db.session.commit()
    demo.load_users()  # one user per role, and Gemeente Vught (idempotent)
    db.session.commit()
    return region


def _frameworks(region, admin) -> None:
    if _one(BudgetFramework, region_id=region.id, year=2020) is not None:
        return
    f2020 = ops.create_framework(
        region=region, year=2020, title="Budgettair kader 2020", actor=admin
    )
    for code, name, amount, incidental in LINES_2020:
        ops.add_line(f2020, code=code, name=name, amount=amount, incidental=incidental, actor=admin)
    ops.adopt_framework(
        f2020,
        decided_on=date(2019, 4, 10),
        reference="RBO 10 april 2019",
        stated_total=128_558_315,
        actor=admin,
    )
    lines = {line.code: line for line in f2020.lines}
    for code, amount, reason in ADJUSTMENTS_2020:
        ops.add_adjustment(
            lines[code],
            amount=amount,
            decided_on=date(2019, 10, 4),
            decision_reference=ADJUSTMENT_REFERENCE,
            reason=reason,
            actor=admin,
        )
    vught = _one(User, region_id=region.id, role="municipality")
    if vught is not None:
        ops.acknowledge_framework(
            f2020,
            acknowledged_on=date(2020, 5, 19),
            decision_reference="Raadsinformatiebrief Z18 - 206129 (UIT/20 - 363346)",
            actor=vught,
        )
    for year in (2021, 2022, 2023):
        framework = ops.create_framework(
            region=region,
            year=year,
            title=f"Budgettair kader {year}",
            stated_total=STATED_TOTAL_NEW,
            actor=admin,
        )
        for code, name, amount, parent, previous, kind in LINES_NEW:
            ops.add_line(
                framework,
                code=code,
                name=name,
                amount=amount,
                parent_code=parent,
                previous_code=previous,
                kind=kind,
                actor=admin,
            )
        db.session.commit()


def _een10(region, admin) -> None:
    if _one(Indicator, region_id=region.id, code="jeugdigen-in-zorg") is not None:
        return
    in_care = ops.create_indicator(
        region=region,
        code="jeugdigen-in-zorg",
        name="Jeugdigen in zorg (exclusief eigen hulpverlening door gemeente)",
        unit="count",
        direction="down",
        definition="Aantal unieke jeugdigen met jeugdhulp per kalenderjaar; 2023 is het peiljaar.",
        source="Jaarverslag 2024 Een 10 voor de Jeugd, Bijlage 1",
        actor=admin,
    )
    for index, year in enumerate((2022, 2023, 2024)):
        total = 0
        for name, counts in YOUNG_IN_CARE.items():
            ops.record_indicator_value(
                in_care, period=str(year), value=counts[index], municipality=name, actor=admin
            )
            total += counts[index]
        ops.record_indicator_value(in_care, period=str(year), value=total, actor=admin)
    for code, name, unit, direction, target, period in E10_AMBITIONS:
        ops.create_indicator(
            region=region,
            code=code,
            name=name,
            unit=unit,
            direction=direction,
            target_value=target,
            target_period=period,
            source="Jaarverslag 2024 Een 10 voor de Jeugd, ambities 2028",
            actor=admin,
        )
    ops.set_custom_target(
        region=region,
        baseline_year=2023,
        reduction_pct=25,
        target_year=2028,
        source="Daling van 25% in maatwerkovereenkomsten ten opzichte van 2023",
        actor=admin,
    )
    # Fixed shares in proportion to young people in care in the baseline year (the seed's
    # own figures; it gives no numbers of young inhabitants).
    municipalities = {m.name: m.id for m in region.municipalities}
    if set(municipalities) == set(YOUNG_IN_CARE):
        ops.set_allocation_key(
            region=region,
            year=2026,
            method="fixed",
            shares={municipalities[n]: pct for n, pct in proportional_shares().items()},
            decided_on=date(2025, 12, 1),
            basis="Naar rato van jeugdigen in zorg, peiljaar 2023 (Jaarverslag 2024, Bijlage 1)",
            actor=admin,
        )
    db.session.commit()


# The single figures of the Samen voor Jeugd plan, 3.3: code, name, unit, direction,
# period, value.
SVJ_FIGURES = (
    ("wachtenden", "Jeugdigen die wachten op jeugdhulp", "count", "down", "2024-01-30", 714),
    ("nieuwe-trajecten", "Nieuw gestarte jeugdhulptrajecten", "count", "up", "2024-Q3", 964),
    (
        "wachttijd-nieuwe-trajecten",
        "Gemiddelde wachttijd van nieuw gestarte trajecten (dagen)",
        "days",
        "down",
        "2024-Q3",
        75,
    ),
)


def _samen(region, admin) -> None:
    if _one(Indicator, region_id=region.id, code="wachttijd-gemiddeld") is not None:
        return
    average = ops.create_indicator(
        region=region,
        code="wachttijd-gemiddeld",
        name="Gemiddelde wachttijd in dagen (per kwartaal)",
        unit="days",
        direction="down",
        definition="Gemiddelde wachttijd op jeugdhulp in dagen (bron: uitvraag wachttijden).",
        source="Meerjarenplan 2026-2029 Samen voor Jeugd, figuur 1",
        actor=admin,
    )
    for period, days in SVJ_WAIT_SERIES:
        ops.record_indicator_value(average, period=period, value=days, actor=admin)
    for code, name, unit, direction, period, value in SVJ_FIGURES:
        indicator = ops.create_indicator(
            region=region,
            code=code,
            name=name,
            unit=unit,
            direction=direction,
            source="Meerjarenplan 2026-2029 Samen voor Jeugd, 3.3",
            actor=admin,
        )
        ops.record_indicator_value(indicator, period=period, value=value, actor=admin)
    ops.set_custom_target(
        region=region,
        baseline_year=2023,
        reduction_pct=50,
        target_year=2029,
        source="Halvering van het aantal maatwerkovereenkomsten (NGZ) ten opzichte van 2023",
        actor=admin,
    )
    db.session.commit()
