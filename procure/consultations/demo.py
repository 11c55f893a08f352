"""Demo market consultations, fixed to dates in the seeds' calendar:
- Regio WBO Jeugd holds the dialogue for every task area; for wonen met begeleiding (an
  open house) in the form of a market consultation (seed 003, 11.1), and the open SAS
  procedure for specialist outpatient treatment follows one (seed 003, 2.1: a separate
  data analysis per segment during the consultation). Both are closed and linked to the
  tender that followed.
- Een 10 voor de Jeugd takes the missing care of its 2024 survey (seed 001) into
  consultations for the next purchasing round (fed in procure.missing_care.demo).
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from io import BytesIO

from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from procure.auth.models import User
from procure.consultations import operations as ops
from procure.consultations.models import MarketConsultation
from procure.core.timeutil import AMSTERDAM
from procure.extensions import db
from procure.organisations.models import Provider, Region
from procure.tenders.models import Tender


@dataclass
class Spec:
    region: str
    title: str
    segment: str
    procedure: str
    created: date
    closes_on: date
    description: str
    questions: list[str]
    documents: list[str] = field(default_factory=list)
    answers: dict[str, list[str]] = field(default_factory=dict)  # provider -> per question
    closed: date | None = None
    outcome: str = ""
    tender: str | None = None  # reference of the tender that follows


SPECS = [
    Spec(
        region="wbo",
        title="Marktconsultatie wonen met begeleiding",
        segment="Wonen met begeleiding",
        procedure="open_house",
        created=date(2025, 3, 3),
        closes_on=date(2025, 4, 30),
        description=(
            "Voor wonen met begeleiding voert de regio de dialoog in de vorm van een "
            "marktconsultatie, vóór het open house voor het nieuwe stelsel per 2027."
        ),
        questions=[
            "Welke woonvormen met begeleiding biedt u nu aan jeugdigen uit de regio?",
            "Welke voorwaarden in een open house maken het voor u mogelijk om toe te treden?",
            "Hoe organiseert u de overgang naar zelfstandig wonen rond 18 jaar?",
        ],
        documents=["Data-analyse segment wonen met begeleiding"],
        answers={
            "stapsteen": [
                "Kamertraining en begeleid wonen voor 16- tot 23-jarigen in Breda en Oosterhout.",
                "Eén toetredingsmoment per half jaar en tarieven per etmaal.",
                "Een woonbegeleider die na het 18e jaar betrokken blijft.",
            ],
            "gezinsplein": [
                "Gezinshuizen in Oosterhout.",
                "Ruimte voor kleine aanbieders zonder zware administratieve eisen.",
                "Afspraken met de gemeente over huisvesting vóór het 18e jaar.",
            ],
        },
        closed=date(2025, 5, 1),
        outcome=(
            "Aanbieders kunnen onder een open house toetreden met twee toetredingsmomenten "
            "per jaar; de overgang naar 18+ krijgt een eigen paragraaf in het "
            "toelatingsdocument."
        ),
        tender="WBO-OH-WMB-2027",
    ),
    Spec(
        region="wbo",
        title="Marktconsultatie specialistische ambulante behandeling",
        segment="Specialistische ambulante behandeling (SGGZ)",
        procedure="sas_open",
        created=date(2025, 4, 7),
        closes_on=date(2025, 5, 23),
        description=(
            "Verkenning vóór de openbare SAS-procedure: opdrachtbeschrijving, looptijd en "
            "sturing op het jaarplafond."
        ),
        questions=[
            "Hoe ziet u de scheiding tussen behandeling en begeleiding (begeleiding is geen "
            "onderdeel van deze opdracht)?",
            "Welke looptijd en welk plafond per jaar maken investeren voor u mogelijk?",
        ],
        documents=["Data-analyse segment specialistische behandeling"],
        answers={
            "brug": [
                "Begeleiding laten wij aan het SLT; wij leveren behandeling en consultatie.",
                "Twee jaar met twee keer een optie van een jaar, met een plafond per jaar.",
            ],
            "baken": [
                "Afspraken over op- en afschalen met het SLT zijn nodig.",
                "Een plafond per jaar met tussentijdse bijsturing.",
            ],
        },
        closed=date(2025, 5, 26),
        outcome=(
            "Inspanningsgericht met een jaarplafond, 2 + 1 + 1 jaar en ten hoogste 20 "
            "partners; begeleiding blijft buiten de opdracht."
        ),
        tender="WBO-SAB-2027",
    ),
    Spec(
        region="e10",
        title="Marktconsultatie gezinshuizen en moeder-kindhuizen",
        segment="Verblijf: gezinshuizen en moeder-kindhuizen",
        procedure="open_house",
        created=date(2025, 2, 3),
        closes_on=date(2025, 3, 31),
        description=(
            "De toegangen vinden geen passend aanbod gezinshuizen en moeder-kindhuizen "
            "(uitvraag ontbrekend zorgaanbod 2024); input voor de volgende inkoopronde."
        ),
        questions=[
            "Kunt u gezinshuisplekken in de regio bieden, en onder welke voorwaarden?",
            "Welke vorm van moeder-kindhuis mist u in het huidige aanbod?",
        ],
        answers={
            "horizon": [
                "Twee gezinshuizen in Helmond zijn mogelijk met een tarief per etmaal.",
                "Begeleid wonen voor jonge moeders met hun kind tot 1 jaar.",
            ],
        },
        closed=date(2025, 4, 1),
        outcome=(
            "Gezinshuizen en moeder-kindhuizen komen als nieuwe producten in de "
            "productencatalogus voor de inkoop vanaf 2027."
        ),
    ),
    Spec(
        region="e10",
        title="Marktconsultatie hoogbegaafdheid, echtscheiding en genderzorg",
        segment="Ambulant: thema's uit de uitvraag ontbrekend zorgaanbod",
        procedure="open_house",
        created=date(2025, 9, 1),
        closes_on=date(2025, 10, 31),
        description="Concept: de thema's die de toegangen in 2024 misten.",
        questions=["Welk aanbod voor deze thema's kunt u bieden?"],
    ),
]

PDF_HTML = "<h1>{title}</h1><p>Peildatum 13 februari 2025 (marktanalyse, seed 003, 2.1).</p>"


def _moment(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=AMSTERDAM)


def _pdf(title: str) -> FileStorage:
    from weasyprint import HTML

    data = HTML(string=PDF_HTML.format(title=title)).write_pdf()
    return FileStorage(stream=BytesIO(data), filename=f"{title.lower().replace(' ', '-')}.pdf")


def _user(email: str) -> User | None:
    return db.session.execute(select(User).where(User.email == email)).scalar()


def load() -> None:
    if db.session.execute(select(MarketConsultation.id)).first():
        return
    for spec in SPECS:
        _consult(spec)


def _consult(spec: Spec) -> None:
    region = db.session.execute(select(Region).where(Region.short_code == spec.region)).scalar()
    officer = _user(f"procurement.{spec.region}@example.org")
    if region is None or officer is None:
        return
    consultation = ops.create_consultation(
        region=region,
        actor=officer,
        title=spec.title,
        segment=spec.segment,
        planned_procedure=spec.procedure,
        closes_on=spec.closes_on,
        description=spec.description,
        at=_moment(spec.created),
    )
    questions = [ops.add_question(consultation, text=q, actor=officer) for q in spec.questions]
    for title in spec.documents:
        ops.add_document(consultation, title=title, file_storage=_pdf(title), actor=officer)
    if spec.closed is None:
        return
    ops.move(consultation, "open", actor=officer, at=_moment(spec.created, 12))
    for code, texts in spec.answers.items():
        user = db.session.execute(
            select(User)
            .join(Provider, Provider.id == User.provider_id)
            .where(Provider.short_code == code)
        ).scalar()
        if user is None:
            continue
        for question, text in zip(questions, texts, strict=True):
            ops.answer(question, body=text, actor=user, at=_moment(spec.created, 15))
    ops.move(consultation, "closed", actor=officer, at=_moment(spec.closed))
    tender_id = None
    if spec.tender:
        tender_id = db.session.execute(
            select(Tender.id).where(Tender.reference == spec.tender)
        ).scalar()
    ops.record_outcome(consultation, outcome=spec.outcome, tender_id=tender_id, actor=officer)
