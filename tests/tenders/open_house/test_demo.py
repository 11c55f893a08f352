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
