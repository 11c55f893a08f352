"""Demo open house: seed 003 chapter 9, wonen met begeleiding for Regio WBO Jeugd.

Contract from 1 January 2027, five years with two one-year extension options, effort-based
with PDC tariffs, no maximum number of partners, categories within the open house (no
lots), four entry moments a year. Providers (fictional, from the organisation demo): three
admitted for the first entry moment still to come, one application waiting for assessment,
and one that came in after the deadline and is queued for the next moment. Idempotent.

Every date is fixed to the seed's calendar (contracts from 1 January 2027, the first entry
moment), so `flask demo` tells the same story whatever day it runs. Every region also gets
its register of recipients of the update after each entry moment (seed 001): the access
team of each municipality and the certified institutions. The seeds name no certified
institution, so the demo names it by its role only; all addresses are example.org.
"""

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from procure.auth.models import User
from procure.catalogue.models import Product, TaskArea
from procure.extensions import db
from procure.organisations.models import Municipality, Provider, Region
from procure.tenders.models import Tender
from procure.tenders.open_house import operations as ops
from procure.tenders.open_house import queries
from procure.tenders.open_house.models import UpdateRecipient

REFERENCE = "WBO-OH-WMB-2027"
PDF = (
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n"
    b"% Demo: kwaliteitskeurmerk wonen met begeleiding\ntrailer << >>\n%%EOF\n"
)

CONDITIONS = (
    "Regio WBO Jeugd besteedt wonen met begeleiding aan via een open house: een "
    "toelatingssysteem op basis van een vooraf bekendgemaakte toelatingsprocedure. Partijen "
    "die voldoen aan de minimale eisen worden toegelaten, gedurende de hele looptijd van de "
    "overeenkomst. Er is geen maximum aantal contractpartners: er is op dit moment een tekort "
    "aan partijen om de vraag op te vangen. De opdracht is niet in percelen verdeeld; "
    "aanbieders melden zich aan per categorie. Uitvoering inspanningsgericht: een vaste prijs "
    "per eenheid (PDC-tarief) maal het aantal geleverde eenheden."
)

REQUIREMENTS = [
    ("Ingeschreven in het handelsregister van de KvK en in het bezit van een AGB-code.", False),
    (
        "Geldig kwaliteitskeurmerk (HKZ, ISO 9001 of gelijkwaardig) dat wonen met begeleiding "
        "omvat.",
        True,
    ),
    (
        "Verklaring Omtrent het Gedrag (VOG) voor alle medewerkers en gezinshuisouders die met "
        "jeugdigen werken, niet ouder dan drie jaar.",
        False,
    ),
    (
        "Inzet van SKJ- of BIG-geregistreerde professionals volgens de norm voor verantwoorde "
        "werktoedeling.",
        False,
    ),
    (
        "Bereid tot samenwerking met het Stevig Lokaal Team (consultatie) en deelname aan de "
        "plaatsingscoördinatie vanaf 1 januari 2027.",
        False,
    ),
]

CATEGORIES = [
    (
        "PZ",
        "Pleegzorg",
        "Opvang en opvoeding in een pleeggezin, regulier en intensief.",
        ["44A06", "44A07"],
    ),
    (
        "GH",
        "Gezinshuiszorg",
        "Wonen in een gezinshuis met een professionele gezinshuisouder.",
        ["44A08"],
    ),
]

# provider short code, categories, municipalities served (and, for De Linde, only one of
# the two products of its category: it can ask for the other one later)
ADMITTED = [
    ("stapsteen", ["PZ", "GH"], ["Breda", "Oosterhout", "Geertruidenberg"]),
    ("linde", ["PZ"], ["Oosterhout", "Drimmelen"]),
    ("gezinsplein", ["GH"], ["Oosterhout", "Breda"]),
]
PRODUCT_SUBSETS = {"linde": ["44A06"]}

# The calendar of the first entry moment (1 January 2027; applications close 6 November
# 2026): in UTC.
APPLIED = datetime(2026, 10, 1, 8, 0, tzinfo=UTC)
SCORED = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
DECIDED = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)
WAITING_APPLIED = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
LATE_APPLIED = datetime(2026, 11, 10, 9, 0, tzinfo=UTC)
WAITING = ("zonnehoek", ["GH"], ["Altena", "Drimmelen"])
QUEUED = ("kompas", ["PZ"], ["Breda"])


class _DemoFile:
    def __init__(self, name: str):
        self.filename = name

    def read(self) -> bytes:
        return PDF


def _user(email: str):
    return db.session.execute(select(User).where(User.email == email)).scalar()


def load() -> None:
    load_recipients()
    _load_open_house()


def _load_open_house() -> None:
    region = db.session.execute(select(Region).where(Region.short_code == "wbo")).scalar()
    if (
        region is None
        or db.session.execute(select(Tender.id).where(Tender.reference == REFERENCE)).first()
    ):
        return
    products = {
        p.code: p
        for p in db.session.execute(
            select(Product)
            .where(
                Product.region_id == region.id,
                Product.code.in_([c for *_, codes in CATEGORIES for c in codes]),
            )
            .order_by(Product.version)
        ).scalars()
    }  # the latest version wins
    if any(code not in products for *_, codes in CATEGORIES for code in codes):
        return  # the catalogue demo did not load the seed PDC: nothing to build on
    area = db.session.execute(
        select(TaskArea).where(
            TaskArea.region_id == region.id, TaskArea.name == "Wonen met begeleiding"
        )
    ).scalar()
    officer = _user("procurement.wbo@example.org")
    tender = ops.create_open_house(
        region=region,
        reference=REFERENCE,
        title="Wonen met begeleiding (open house)",
        contract_start=date(2027, 1, 1),
        duration_months=60,
        extension_count=2,
        extension_months=12,
        variant="effort",
        task_area_id=area.id if area else None,
        entry_regime="moments",
        entry_months="1,4,7,10",
        application_weeks=8,
        assessment_weeks=2,
        admission_conditions=CONDITIONS,
        description="Toelating voor verblijf buiten het eigen gezin: pleegzorg, "
        "gezinshuiszorg, kamertraining, kleinschalige woonvormen en leefgroepen.",
        officer_id=officer.id if officer else None,
        actor=officer,
    )
    categories = {}
    for code, name, description, codes in CATEGORIES:
        categories[code] = ops.add_category(
            tender,
            code=code,
            name=name,
            description=description,
            product_ids=[products[c].id for c in codes],
            actor=officer,
        )
    for text, needs_document in REQUIREMENTS:
        ops.add_requirement(tender, text=text, requires_document=needs_document, actor=officer)
    ops.publish(tender, actor=officer)

    current = ops.moments(tender)[0]
    requirements = queries.requirements(tender)
    municipalities = {
        m.name: m.id
        for m in db.session.execute(
            select(Municipality).where(Municipality.region_id == region.id)
        ).scalars()
    }

    def submit(short, cats, places, at, moment_id=None, product_codes=()):
        provider = db.session.execute(
            select(Provider).where(Provider.short_code == short)
        ).scalar_one()
        user = _user(f"provider.{short}@example.org")
        answers = {
            r.id: f"Zie bijlage; {provider.name}." for r in requirements if not r.requires_document
        }
        files = {
            r.id: _DemoFile("kwaliteitskeurmerk.pdf") for r in requirements if r.requires_document
        }
        return ops.submit_application(
            tender,
            provider=provider,
            user=user,
            category_ids=[categories[c].id for c in cats],
            municipality_ids=[municipalities[p] for p in places],
            motivation="Wij willen bijdragen aan een dekkend aanbod in de regio.",
            answers=answers,
            files=files,
            moment_id=moment_id,
            product_ids=[products[c].id for c in product_codes],
            now=at,
        )

    for i, (short, cats, places) in enumerate(ADMITTED):
        application = submit(
            short,
            cats,
            places,
            APPLIED + timedelta(hours=i),
            moment_id=current.id,
            product_codes=PRODUCT_SUBSETS.get(short, ()),
        )
        ops.score(
            application,
            {a.requirement_id: ("meets", "") for a in application.answers},
            actor=officer,
            now=SCORED,
        )
        ops.decide(
            application,
            decisions={c.category_id: "admitted" for c in application.categories},
            reason="Voldoet aan alle minimale eisen.",
            actor=officer,
            now=DECIDED,
        )
    submit(*WAITING, WAITING_APPLIED, moment_id=current.id)
    submit(*QUEUED, LATE_APPLIED, moment_id=current.id)


def load_recipients() -> None:
    """The register of update recipients of every demo region (idempotent)."""
    for region in db.session.execute(select(Region).order_by(Region.id)).scalars():
        if db.session.execute(
            select(UpdateRecipient.id).where(UpdateRecipient.region_id == region.id)
        ).first():
            continue
        officer = _user(f"procurement.{region.short_code}@example.org")
        for municipality in region.municipalities:
            ops.add_recipient(
                region,
                kind="access_team",
                name=f"Toegangsteam {municipality.name}",
                email=f"toegang.{municipality.slug}@example.org",
                municipality_id=municipality.id,
                actor=officer,
            )
        ops.add_recipient(
            region,
            kind="certified_institution",
            name="Gecertificeerde instelling (jeugdbescherming en jeugdreclassering)",
            email=f"gi.{region.short_code}@example.org",
            actor=officer,
        )
