"""The demo of contract change, market consultations and the missing-care survey follows
the seeds and is the same whatever day it runs."""

from datetime import date, datetime

import time_machine
from sqlalchemy import func, select

from procure.consultations.models import MarketConsultation
from procure.contracts.changes.models import ContractAddendum, Subcontractor
from procure.contracts.models import Contract
from procure.core.timeutil import AMSTERDAM
from procure.demo import DEMO_PASSWORD
from procure.extensions import db
from procure.missing_care.models import MissingCareEntry
from procure.organisations.models import Region
from tests import factories as f

SEED_THEMES = {
    "hoogbegaafdheid",
    "echtscheiding",
    "gezinshuizen",
    "moeder_kindhuizen",
    "genderzorg",
    "orthopsychiatrie",
}


def _snapshot():
    consultations = db.session.execute(
        select(
            MarketConsultation.reference,
            MarketConsultation.status,
            MarketConsultation.closes_on,
            MarketConsultation.opened_at,
        ).order_by(MarketConsultation.reference)
    ).all()
    entries = db.session.execute(
        select(func.count(MissingCareEntry.id), func.count(MissingCareEntry.consultation_id))
    ).one()
    return consultations, tuple(entries)


def test_demo_of_consultations_missing_care_and_contract_change(app, client):
    runner = app.test_cli_runner()
    with time_machine.travel(datetime(2026, 12, 1, 9, 0, tzinfo=AMSTERDAM), tick=False):
        assert runner.invoke(args=["demo"]).exit_code == 0
    first = _snapshot()
    # Twice-yearly survey: the six themes of seed 001 in both half-years of 2024, by the 11
    # access teams of Een 10 voor de Jeugd.
    e10 = db.session.execute(select(Region).where(Region.short_code == "e10")).scalar_one()
    rows = db.session.execute(
        select(MissingCareEntry.year, MissingCareEntry.half, MissingCareEntry.theme).where(
            MissingCareEntry.region_id == e10.id
        )
    ).all()
    for period in ((2024, 1), (2024, 2)):
        assert {theme for y, h, theme in rows if (y, h) == period} == SEED_THEMES
    reporting = db.session.execute(
        select(func.count(func.distinct(MissingCareEntry.municipality_id)))
    ).scalar_one()
    assert reporting == 11 == len(e10.municipalities)
    # Gezinshuizen and moeder-kindhuizen fed the consultation; the others are still open.
    fed = db.session.execute(
        select(MissingCareEntry.theme, MarketConsultation.title).join(
            MarketConsultation, MarketConsultation.id == MissingCareEntry.consultation_id
        )
    ).all()
    assert {theme for theme, _ in fed} == {"gezinshuizen", "moeder_kindhuizen"}
    # The WBO consultations came before the open house and the open SAS procedure.
    linked = dict(
        db.session.execute(
            select(MarketConsultation.segment, MarketConsultation.tender_id).where(
                MarketConsultation.tender_id.is_not(None)
            )
        ).all()
    )
    assert set(linked) == {
        "Wonen met begeleiding",
        "Specialistische ambulante behandeling (SGGZ)",
    }
    # Contracts ending when the new system starts have a transition period.
    ending = (
        db.session.execute(
            select(Contract.transition_until).where(Contract.end_date == date(2026, 12, 31))
        )
        .scalars()
        .all()
    )
    assert ending and set(ending) == {date(2027, 6, 30)}
    subs = db.session.execute(select(Subcontractor)).scalars().all()
    assert {s.provider_id is None for s in subs} == {True, False}  # one not in the register
    addenda = db.session.execute(select(ContractAddendum)).scalars().all()
    assert addenda and all(a.document_id for a in addenda)
    # Run again on another day: nothing added, nothing moved.
    with time_machine.travel(datetime(2027, 3, 15, 9, 0, tzinfo=AMSTERDAM), tick=False):
        assert runner.invoke(args=["demo"]).exit_code == 0
    assert _snapshot() == first
    # The overview page of Een 10 voor de Jeugd shows the survey.
    f.login(client, "procurement.e10@example.org", DEMO_PASSWORD)
    page = client.get("/ontbrekend-aanbod/?periode=2024-H1").get_data(as_text=True)
    assert "Orthopsychiatrie" in page and "MC-E10-2025-01" in page
