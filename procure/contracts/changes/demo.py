"""Demo of contract change, on the contracts the other demos made (found by what they are,
so this step skips whatever is absent):
- Regio WBO Jeugd: the running contracts that end on 31 December 2026, when the new system
  starts, get a transition period for care still running (seed 003, 10.4: "een
  overgangstermijn voor lopende voorzieningen");
- Regio WBO Jeugd: the SLT organises support in subcontracting (seed 003: "door het SLT
  georganiseerd in onderaannemerschap"), with a provider of the register and a practice
  without a contract of its own;
- Een 10 voor de Jeugd: the 2024 addendum (seed 001: quality-management certificates
  added, articles moved towards the youth contract standards, indexation among them)
  made into a new version of the agreement.
"""

from datetime import date

from sqlalchemy import select

from procure.auth.models import User
from procure.contracts.changes import operations as ops
from procure.contracts.changes.models import ContractAddendum, Subcontractor
from procure.contracts.models import Contract
from procure.contracts.policy import LIVE
from procure.extensions import db
from procure.organisations.models import Provider, Region

OLD_SYSTEM_END = date(2026, 12, 31)
TRANSITION_UNTIL = date(2027, 6, 30)
TRANSITION_NOTE = (
    "Jeugdigen die bij het einde van deze overeenkomst in zorg zijn, ronden hun traject af "
    "bij deze aanbieder; nieuwe instroom gaat naar de partners van het nieuwe stelsel."
)
ADDENDUM_SUBJECT = "Kwaliteitsmanagementcertificaten en artikelen volgens de contractstandaarden"
ADDENDUM_BODY = (
    "Partijen voegen aan de lijst van erkende kwaliteitsmanagementcertificaten de "
    "certificaten toe die sinds de ingang van de overeenkomst zijn erkend.\n"
    "De artikelen over indexering, levering en informatie-uitwisseling worden omgezet naar "
    "de landelijke contractstandaarden jeugd; de overige bepalingen blijven ongewijzigd."
)
# The SLT of lot 1 organises support with these parties (seed 003, lot 1 SLT Altena,
# Drimmelen-Geertruidenberg en Oosterhout).
SLT_SUBCONTRACTORS = [
    {"provider": "gezinsplein", "work": "Ambulante begeleiding in Oosterhout"},
    {
        "name": "Praktijk voor Speltherapie De Vlieger",
        "kvk_number": "87012346",
        "work": "Speltherapie voor jonge kinderen (niet-gecontracteerde praktijk)",
    },
]


def _user(email: str) -> User | None:
    return db.session.execute(select(User).where(User.email == email)).scalar()


def _region(code: str) -> Region | None:
    return db.session.execute(select(Region).where(Region.short_code == code)).scalar()


def load() -> None:
    if (
        db.session.execute(select(Subcontractor.id)).first()
        or db.session.execute(select(ContractAddendum.id)).first()
    ):
        return
    _transition_periods()
    _slt_subcontractors()
    _e10_addendum()


def _transition_periods() -> None:
    region, manager = _region("wbo"), _user("contract_manager.wbo@example.org")
    if region is None or manager is None:
        return
    running = db.session.execute(
        select(Contract)
        .where(
            Contract.region_id == region.id,
            Contract.origin != "custom",
            Contract.status.in_(LIVE),
            Contract.end_date == OLD_SYSTEM_END,
        )
        .order_by(Contract.reference)
    ).scalars()
    for contract in running:
        ops.set_transition(contract, until=TRANSITION_UNTIL, note=TRANSITION_NOTE, actor=manager)


def _slt_subcontractors() -> None:
    region = _region("wbo")
    if region is None:
        return
    slt = db.session.execute(
        select(Contract)
        .join(Provider, Provider.id == Contract.provider_id)
        .where(
            Contract.region_id == region.id,
            Contract.status.in_(LIVE),
            Contract.title.like("Stevig Lokaal Team%perceel 1%"),
        )
        .order_by(Contract.reference)
    ).scalar()
    if slt is None:
        return
    provider_user = db.session.execute(
        select(User).where(User.provider_id == slt.provider_id)
    ).scalar()
    actor = provider_user or _user("contract_manager.wbo@example.org")
    for entry in SLT_SUBCONTRACTORS:
        provider_id = None
        if "provider" in entry:
            provider_id = db.session.execute(
                select(Provider.id).where(Provider.short_code == entry["provider"])
            ).scalar()
            if provider_id is None or provider_id == slt.provider_id:
                continue
        ops.add_subcontractor(
            slt,
            provider_id=provider_id,
            name=entry.get("name", ""),
            kvk_number=entry.get("kvk_number", ""),
            work=entry["work"],
            actor=actor,
        )


def _e10_addendum() -> None:
    region, manager = _region("e10"), _user("contract_manager.e10@example.org")
    if region is None or manager is None:
        return
    # The first contracts of the agreement (a new document version costs a PDF each).
    contracts = db.session.execute(
        select(Contract)
        .where(
            Contract.region_id == region.id,
            Contract.origin != "custom",
            Contract.status.in_(LIVE),
            Contract.start_date <= date(2025, 1, 1),
            Contract.end_date >= date(2025, 1, 1),
        )
        .order_by(Contract.reference)
        .limit(2)
    ).scalars()
    for contract in contracts:
        ops.add_addendum(
            contract,
            agreed_on=date(2024, 11, 28),
            subject=ADDENDUM_SUBJECT,
            body=ADDENDUM_BODY,
            effective_on=date(2025, 1, 1),
            actor=manager,
        )
