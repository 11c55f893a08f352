"""The demo open house (seed 003, wonen met begeleiding) loads and is idempotent."""

from sqlalchemy import func, select

from procure.contracts.models import Contract
from procure.extensions import db
from procure.tenders.models import Tender
from procure.tenders.open_house import operations as ops
from procure.tenders.open_house.demo import REFERENCE
from procure.tenders.open_house.models import Admission, Application, Category


def _load():
    # Only the steps this demo builds on (organisations, users, the seed PDC), then ours.
    from procure import demo
    from procure.catalogue import demo as catalogue_demo
    from procure.tenders.open_house import demo as open_house_demo

    demo.load_organisations()
    demo.load_users()
    catalogue_demo.load()
    db.session.commit()
    open_house_demo.load()
    db.session.commit()


def test_demo_open_house(app):
    _load()
    tender = db.session.execute(select(Tender).where(Tender.reference == REFERENCE)).scalar_one()
    assert tender.procedure == "open_house" and tender.status == "published"
    assert tender.duration_months == 60 and tender.extension_count == 2
    categories = (
        db.session.execute(select(Category).where(Category.tender_id == tender.id)).scalars().all()
    )
    assert {c.code: sorted(p.code for p in c.products) for c in categories} == {
        "PZ": ["44A06", "44A07"],
        "GH": ["44A08"],
    }
    moments = ops.moments(tender)
    assert [m.entry_date.month for m in moments[:4]] == [1, 4, 7, 10]
    statuses = sorted(
        db.session.execute(
            select(Application.status).where(Application.tender_id == tender.id)
        ).scalars()
    )
    assert statuses == ["admitted", "admitted", "admitted", "submitted", "submitted"]
    queued = db.session.execute(
        select(Application).where(Application.queued_from_id.is_not(None))
    ).scalar_one()
    assert queued.entry_moment.entry_date > queued.queued_from.entry_date
    assert db.session.execute(select(func.count(Admission.id))).scalar_one() == 4
    contracts = (
        db.session.execute(select(Contract).where(Contract.origin == "open_house")).scalars().all()
    )
    assert len(contracts) == 3
    counts = db.session.execute(select(func.count(Application.id))).scalar_one()
    _load()
    assert db.session.execute(select(func.count(Application.id))).scalar_one() == counts


def _open_house_story() -> dict:
    tender = db.session.execute(select(Tender).where(Tender.reference == REFERENCE)).scalar_one()
    applications = db.session.execute(
        select(Application).where(Application.tender_id == tender.id).order_by(Application.id)
    ).scalars()
    return {
        "tender": (tender.contract_start, tender.duration_months, tender.status),
        "moments": [
            (m.entry_date, m.application_deadline, m.assessment_deadline)
            for m in ops.moments(tender)
        ],
        "applications": [
            (
                a.provider.short_code,
                a.status,
                a.submitted_at,
                a.decided_at,
                a.entry_moment.entry_date,
                a.queued_from.entry_date if a.queued_from else None,
                [(link.category.code, [p.code for p in link.products]) for link in a.categories],
            )
            for a in applications
        ],
        "admissions": sorted(
            (a.provider.short_code, a.category.code, a.start_date)
            for a in db.session.execute(select(Admission)).scalars()
        ),
    }


def test_demo_open_house_is_the_same_story_on_any_day(app):
    """Fixed to the seed's calendar: run in March 2026 and in February 2027, the open house,
    its moments, applications, decisions and admissions are the same."""
    import time_machine

    from tests.conftest import _empty_all_tables

    seen = []
    for today in ("2026-03-01 10:00", "2027-02-15 10:00"):
        with time_machine.travel(today, tick=False):
            _load()
        seen.append(_open_house_story())
        db.session.remove()
        _empty_all_tables()
    assert seen[0] == seen[1]
    story = seen[0]
    assert story["moments"][0][0].isoformat() == "2027-01-01"
    linde = next(a for a in story["applications"] if a[0] == "linde")
    assert linde[6] == [("PZ", ["44A06"])]  # one of two products: room for an addition


def test_demo_registers_the_update_recipients_of_every_region(app):
    from procure.organisations.models import Municipality, Region
    from procure.tenders.open_house.models import UpdateRecipient

    _load()
    for region in db.session.execute(select(Region)).scalars():
        rows = (
            db.session.execute(
                select(UpdateRecipient).where(UpdateRecipient.region_id == region.id)
            )
            .scalars()
            .all()
        )
        teams = {r.municipality_id for r in rows if r.kind == "access_team"}
        places = set(
            db.session.execute(
                select(Municipality.id).where(Municipality.region_id == region.id)
            ).scalars()
        )
        assert teams == places and len(teams) >= 5
        assert [r.kind for r in rows].count("certified_institution") == 1
