"""Demo tenders of Regio WBO Jeugd, on the calendar of seed 003 (section 11.1) and with its
figures (section 2.1), built through the operations so that every decision and audit entry
exists. The dates are fixed: loading the demo on any day gives the same story.

- SLT (chapter 5): dialogue-oriented SAS, three lots, the two Breda lots to different
  parties, one partner per lot, 5 + 1 + 1 years, task-oriented, EUR 43 million;
- day care (chapter 6, the "schil"): dialogue-oriented SAS, two lots, 5 + 1 + 1 years;
- specialist outpatient treatment (chapter 6, the "schil"): open SAS, effort-based with a
  yearly budget ceiling, at most 20 partners, 2 + 1 + 1 years;
- residential treatment and crisis care (chapter 8): a dialogue with one party, not split
  into lots, 5 + 1 + 1 years, EUR 13 million.

Selection in Q3 2025, dialogue Q4 2025 - Q1 2026, award Q2 2026; every contract starts on
1 January 2027 and comes from its procedure (a concept contract per lot award, which the
contracts demo signs). The seed gives EUR 16 million for the "schil" as a whole; the demo
splits it evenly over its two tenders. Idempotent: a tender whose reference exists is left
alone.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from io import BytesIO

from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from procure.auth.models import User
from procure.catalogue.models import TaskArea
from procure.core.timeutil import local_deadline
from procure.extensions import db
from procure.organisations.models import Provider, Region
from procure.tenders import operations as ops
from procure.tenders.models import Tender

PDF = b"%PDF-1.4\n% procure demo\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
CONTRACT_START = date(2027, 1, 1)

# Seed 003 section 2.1: the order value (declared care 2024) per part of the purchase.
ORDER_VALUES = {
    "SLT": Decimal("43000000.00"),
    "schil": Decimal("16000000.00"),
    "verblijf en crisis": Decimal("13000000.00"),
}


def at(day: date, hour: int = 12, minute: int = 0) -> datetime:
    return local_deadline(day, time(hour, minute))


@dataclass(frozen=True)
class Calendar:
    """The moments of one procedure (Europe/Amsterdam)."""

    created: datetime
    published: datetime
    registration_deadline: datetime
    selection: datetime
    dialogue_end: datetime | None
    award_start: datetime
    bids: datetime
    bid_deadline: datetime
    provisional: datetime
    definitive: datetime
    sessions: tuple[date, ...] = ()


# Q3 2025 selection, Q4 2025 - Q1 2026 dialogue, Q2 2026 award (seed 003, 11.1).
DIALOGUE_CALENDAR = Calendar(
    created=at(date(2025, 6, 2), 9),
    published=at(date(2025, 7, 1), 9),
    registration_deadline=at(date(2025, 9, 1)),
    selection=at(date(2025, 9, 15), 10),
    sessions=(date(2025, 10, 15), date(2025, 11, 19), date(2026, 1, 21)),
    dialogue_end=at(date(2026, 3, 27), 17),
    award_start=at(date(2026, 3, 30), 9),
    bids=at(date(2026, 4, 28), 10),
    bid_deadline=at(date(2026, 4, 30)),
    provisional=at(date(2026, 5, 11), 10),
    definitive=at(date(2026, 6, 2), 9),
)
# Open SAS with a market consultation before it: no dialogue phase.
OPEN_CALENDAR = Calendar(
    created=at(date(2025, 11, 3), 9),
    published=at(date(2026, 1, 12), 9),
    registration_deadline=at(date(2026, 2, 23)),
    selection=at(date(2026, 3, 2), 10),
    dialogue_end=None,
    award_start=at(date(2026, 3, 9), 9),
    bids=at(date(2026, 4, 28), 10),
    bid_deadline=at(date(2026, 4, 30)),
    provisional=at(date(2026, 5, 11), 11),
    definitive=at(date(2026, 6, 2), 10),
)


@dataclass
class Spec:
    reference: str
    title: str
    procedure: str
    variant: str
    task_area: str
    duration_months: int
    extension_count: int
    estimated_value: Decimal
    lots: list[tuple[int, str, str, int]]  # number, name, areas, max partners
    criteria: list[tuple[str, int]]
    registrations: dict[str, list[int]]  # provider code -> lot numbers
    rejected: dict[str, str]  # provider code -> reason
    bids: dict[str, list[int]]
    scores: dict[tuple[str, int], tuple[int, ...]]
    calendar: Calendar = DIALOGUE_CALENDAR
    description: str = ""
    max_partners: int | None = None
    one_partner_per_lot: bool = False
    rules: list[list[int]] = field(default_factory=list)
    agreements: list[str] = field(default_factory=list)
    session_topics: list[str] = field(default_factory=list)
    award_motivation: str = "Hoogste gewogen score per perceel."
    prefer: dict[int, str] = field(default_factory=dict)  # lot -> winner among legal options


WBO_MUNICIPALITIES = "Altena, Breda, Drimmelen, Geertruidenberg, Oosterhout"

SLT = Spec(
    reference="WBO-SLT-2027",
    title="Stevig Lokaal Team (SLT) Regio WBO Jeugd",
    procedure="sas_dialogue",
    variant="task",
    task_area="slt",
    duration_months=60,
    extension_count=2,
    estimated_value=ORDER_VALUES["SLT"],
    max_partners=3,
    one_partner_per_lot=True,
    description="Dialooggerichte SAS-procedure (verlicht regime). Eén SLT per circa 50.000 "
    "inwoners, zeven SLT's in drie geografische percelen. Opdrachtwaarde EUR 43 miljoen "
    "(declaratiewaarde 2024, indicatief).",
    lots=[
        (
            1,
            "SLT's Altena, Drimmelen-Geertruidenberg en Oosterhout",
            "SLT 1 Altena, SLT 2 Drimmelen-Geertruidenberg, SLT 3 Oosterhout",
            1,
        ),
        (2, "SLT's Breda Noordwest en Noordoost", "SLT 4 Breda NW, SLT 6 Breda NO", 1),
        (3, "SLT's Breda Zuidwest en Breda Zuidoost", "SLT 5 Breda ZW, SLT 7 Breda ZO", 1),
    ],
    rules=[[2, 3]],
    criteria=[
        ("Plan van aanpak Stevig Lokaal Team", 40),
        ("Samenwerking met de sociale basis en lokale verankering", 30),
        ("Implementatie en continuïteit van zorg", 30),
    ],
    registrations={
        "kompas": [1],
        "samenwest": [2],
        "linde": [3],
        "stadswijk": [2, 3],
        "baken": [1],
    },
    rejected={"baken": "Geen referentie van een generalistisch wijkteam."},
    bids={"kompas": [1], "samenwest": [2], "linde": [3], "stadswijk": [2, 3]},
    scores={
        ("kompas", 1): (8, 8, 7),
        ("samenwest", 2): (9, 8, 8),
        ("stadswijk", 2): (7, 7, 7),
        ("linde", 3): (8, 8, 8),
        ("stadswijk", 3): (8, 7, 7),
    },
    session_topics=[
        "Inzet SGGZ binnen het SLT",
        "Triage, MDO en procesregie",
        "Implementatie per 1 januari 2027",
    ],
    agreements=[
        "Het SLT werkt vanuit de 0-100 benadering en schaalt op en af zonder wachtlijst.",
        "De inzet SGGZ valt binnen de lumpsum; 60 % van de specialistische ggz levert het "
        "SLT, een efficiencykorting is mogelijk.",
        "Begeleiding wordt in het SLT geboden of door het SLT in onderaanneming georganiseerd.",
    ],
    # De Linde scores best on lot 3 but belongs to the consortium that wins lot 2: the
    # Breda lots go to different parties, so lot 3 goes to Stadswijk.
    prefer={2: "samenwest", 3: "stadswijk"},
    award_motivation="Hoogste gewogen score per perceel. Perceel 2 en 3 gaan naar "
    "verschillende partijen: De Linde is lid van de combinatie die perceel 2 wint.",
)

DAYCARE = Spec(
    reference="WBO-DB-2027",
    title="Dagbesteding en dagbehandeling jeugd",
    procedure="sas_dialogue",
    variant="task",
    task_area="specialistisch",
    duration_months=60,
    extension_count=2,
    estimated_value=ORDER_VALUES["schil"] / 2,
    max_partners=2,
    one_partner_per_lot=True,
    description="Onderdeel van de schil (specialistische en/of locatiegebonden jeugdhulp). "
    "Taakgericht, lumpsum per perceel; de consultatiefunctie is onderdeel van de opdracht.",
    lots=[
        (
            1,
            "Dagbestedingsactiviteiten",
            "Altena, Breda, Drimmelen, Geertruidenberg, Oosterhout",
            1,
        ),
        (
            2,
            "Dagverblijf en dagcentra (waaronder MKD en ODC)",
            "Altena, Breda, Drimmelen, Geertruidenberg, Oosterhout",
            1,
        ),
    ],
    criteria=[("Kwalitatief plan van aanpak", 60), ("Samenwerking in de keten", 40)],
    registrations={"zonnehoek": [1], "vlinder": [2], "kinderkracht": [1, 2]},
    rejected={},
    bids={"zonnehoek": [1], "vlinder": [2], "kinderkracht": [1, 2]},
    scores={
        ("zonnehoek", 1): (8, 7),
        ("kinderkracht", 1): (7, 7),
        ("vlinder", 2): (8, 8),
        ("kinderkracht", 2): (6, 8),
    },
    session_topics=["Aansluiting op onderwijs (ODC)", "Vervoer en logeren"],
    agreements=["Dagbehandeling sluit aan op onderwijs (ODC) en de SLT's."],
)

OUTPATIENT = Spec(
    reference="WBO-SAB-2027",
    title="Specialistische ambulante behandeling (SGGZ)",
    procedure="sas_open",
    variant="effort",
    task_area="specialistisch",
    duration_months=24,
    extension_count=2,
    estimated_value=ORDER_VALUES["schil"] / 2,
    max_partners=20,
    description="Onderdeel van de schil: 40 % van de specialistische ggz (de overige 60 % "
    "levert het SLT). Inspanningsgericht tegen een vaste prijs per inspanning, met een "
    "budgetplafond dat jaarlijks wordt bijgesteld. Begeleiding is geen onderdeel van deze "
    "opdracht.",
    lots=[(1, "Specialistische ambulante behandeling", "Hele regio", 20)],
    criteria=[
        ("Behandelaanbod en methodiek", 60),
        ("Consultatie en samenwerking met het SLT", 40),
    ],
    registrations={"brug": [1], "baken": [1], "kinderkracht": [1], "vlinder": [1]},
    rejected={},
    bids={"brug": [1], "baken": [1], "kinderkracht": [1]},
    scores={("brug", 1): (8, 8), ("baken", 1): (7, 8), ("kinderkracht", 1): (7, 6)},
    calendar=OPEN_CALENDAR,
    award_motivation="Alle inschrijvers gegund: ruimte voor ten hoogste 20 contractpartners.",
)

RESIDENTIAL = Spec(
    reference="WBO-VBC-2027",
    title="Behandeling met verblijf en crisiszorg",
    procedure="sas_dialogue",
    variant="task",
    task_area="verblijf",
    duration_months=60,
    extension_count=2,
    estimated_value=ORDER_VALUES["verblijf en crisis"],
    max_partners=1,
    one_partner_per_lot=True,
    description="Dialooggerichte SAS-procedure met één geselecteerde partij, niet in percelen "
    "verdeeld (schaarste, integrale opdracht), één contractpartner voor het hele werkgebied. "
    "Taakgericht, lumpsum; ambulante spoedhulp is verplicht.",
    lots=[(1, "Behandeling met verblijf en crisiszorg (hele regio, geen percelen)", "", 1)],
    criteria=[("Kwalitatief plan van aanpak", 70), ("Om- en afbouw JeugdzorgPlus", 30)],
    registrations={"horizon": [1], "stapsteen": [1]},
    rejected={"stapsteen": "Geen aanbod crisisverblijf binnen 24 uur."},
    bids={"horizon": [1]},
    scores={("horizon", 1): (8, 7)},
    session_topics=["Plaatsingscoördinatie per 1 januari 2027", "Ambulante spoedhulp"],
    agreements=[
        "Ambulante spoedhulp wordt ingezet om crisis- en verblijfszorg te voorkomen.",
        "De opdrachtnemer speelt een coördinerende rol in de om- en afbouw van JeugdzorgPlus.",
    ],
    award_motivation="De enige partij uit de dialoogfase; het plan voldoet.",
)

SPECS = (SLT, DAYCARE, OUTPATIENT, RESIDENTIAL)


def _pdf(name: str) -> FileStorage:
    return FileStorage(stream=BytesIO(PDF), filename=name, content_type="application/pdf")


def _user(email: str) -> User | None:
    return db.session.execute(select(User).where(User.email == email)).scalar()


def _provider_users(codes) -> dict[str, User]:
    rows = db.session.execute(
        select(Provider.short_code, User)
        .join(User, User.provider_id == Provider.id)
        .where(Provider.short_code.in_(codes))
    ).all()
    return {code: user for code, user in rows}


def _task_area(region: Region, code: str) -> int | None:
    return db.session.execute(
        select(TaskArea.id).where(TaskArea.region_id == region.id, TaskArea.code == code)
    ).scalar()


def load() -> None:
    region = db.session.execute(select(Region).where(Region.short_code == "wbo")).scalar()
    officer = _user("procurement.wbo@example.org")
    if region is None or officer is None:
        return
    exists = set(db.session.execute(select(Tender.reference)).scalars())
    for spec in SPECS:
        users = _provider_users(spec.registrations)
        if spec.reference in exists or len(users) < len(spec.registrations):
            continue
        _run(spec, region, officer, users)
    db.session.commit()


def _run(spec: Spec, region, officer, users) -> Tender:
    cal = spec.calendar
    with ops.clock(cal.created):
        tender = _create(spec, region, officer)
    with ops.clock(cal.published):
        ops.publish(tender, actor=officer)
    with ops.clock(cal.published.replace(day=cal.published.day + 7)):
        for code, numbers in spec.registrations.items():
            ops.register(
                tender,
                actor=users[code],
                lot_ids=[tender.lot(n).id for n in numbers],
                document=_pdf(f"aanmelding-{code}.pdf"),
                no_exclusion_grounds=True,
                suitability_answer="Ervaring en referenties in de jeugdhulp bijgevoegd.",
            )
    with ops.clock(cal.selection):
        _select(spec, tender, officer)
    if tender.has_dialogue:
        _dialogue(spec, tender, officer)
    with ops.clock(cal.award_start):
        ops.start_award(tender, actor=officer)
    with ops.clock(cal.bids):
        for code, numbers in spec.bids.items():
            for n in numbers:
                ops.submit_bid(
                    tender,
                    actor=users[code],
                    lot_id=tender.lot(n).id,
                    plan=_pdf(f"plan-{code}-perceel-{n}.pdf"),
                    accepts_agreements=True,
                )
    with ops.clock(cal.provisional):
        _award(spec, tender, officer)
    with ops.clock(cal.definitive):
        ops.finalize_award(tender, actor=officer)
    return tender


def _create(spec: Spec, region, officer) -> Tender:
    cal = spec.calendar
    tender = ops.create_tender(
        region=region,
        actor=officer,
        reference=spec.reference,
        title=spec.title,
        procedure=spec.procedure,
        variant=spec.variant,
        task_area_id=_task_area(region, spec.task_area),
        estimated_value=spec.estimated_value,
        contract_start=CONTRACT_START,
        duration_months=spec.duration_months,
        extension_count=spec.extension_count,
        extension_months=12,
        max_partners=spec.max_partners,
        one_partner_per_lot=spec.one_partner_per_lot,
        standstill_days=20,
        registration_deadline=cal.registration_deadline,
        dialogue_end=cal.dialogue_end,
        bid_deadline=cal.bid_deadline,
        description=spec.description,
    )
    for number, name, areas, max_partners in spec.lots:
        ops.add_lot(
            tender,
            actor=officer,
            number=number,
            name=name,
            areas=areas,
            max_partners=max_partners,
        )
    for numbers in spec.rules:
        ops.add_lot_rule(tender, actor=officer, lot_numbers=numbers)
    for name, weight in spec.criteria:
        ops.add_criterion(tender, actor=officer, name=name, weight=weight)
    return tender


def _select(spec: Spec, tender: Tender, officer) -> None:
    ops.start_selection(tender, actor=officer)
    for registration in ops.registrations(tender):
        reason = spec.rejected.get(registration.provider.short_code)
        ops.assess_registration(
            registration,
            actor=officer,
            status="rejected" if reason else "selected",
            reason=reason or "",
        )
    ops.decide_selection(
        tender,
        actor=officer,
        motivation="Getoetst aan de geschiktheidseisen en "
        "uitsluitingsgronden uit het selectiedocument.",
    )
    ops.record_go(tender, actor=officer, go=True, motivation="Voldoende geschikte partijen.")


def _dialogue(spec: Spec, tender: Tender, officer) -> None:
    cal = spec.calendar
    with ops.clock(cal.selection.replace(day=cal.selection.day + 1)):
        ops.start_dialogue(tender, actor=officer)
    selected = ", ".join(
        r.provider.name for r in ops.registrations(tender) if r.status == "selected"
    )
    for day, topic in zip(cal.sessions, spec.session_topics, strict=False):
        with ops.clock(at(day, 14)):
            ops.add_session(
                tender,
                actor=officer,
                held_on=day,
                topic=topic,
                participants=f"{selected}; inkoop en beleid Regio WBO Jeugd",
                lot_ids=[lot.id for lot in tender.lots],
                minutes=_pdf(f"verslag-{day.isoformat()}.pdf"),
            )
            if day == cal.sessions[0]:
                for text in spec.agreements:
                    ops.add_agreement(tender, actor=officer, text=text)
    with ops.clock(cal.dialogue_end):
        ops.record_go(
            tender, actor=officer, go=True, motivation="De set met afspraken is compleet."
        )


def _award(spec: Spec, tender: Tender, officer) -> None:
    for bid in ops.tender_bids(tender):
        values = spec.scores[(bid.provider.short_code, bid.lot.number)]
        for criterion, value in zip(tender.criteria, values, strict=True):
            ops.score_bid(bid, actor=officer, criterion_id=criterion.id, score=value)
    options = ops.award_options(tender)
    wanted = {
        tender.lot(n).id: db.session.execute(
            select(Provider.id).where(Provider.short_code == code)
        ).scalar_one()
        for n, code in spec.prefer.items()
    }
    option = next(
        o for o in options if all(o.winners[lot] == (pid,) for lot, pid in wanted.items())
    )
    ops.record_provisional_award(
        tender, actor=officer, winners=option.winners, motivation=spec.award_motivation
    )
