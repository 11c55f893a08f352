"""The tender demo data: the SLT tender in the dialogue phase with registered and selected
providers, and the finished day-care tender with its contracts in concept; idempotent."""

from sqlalchemy import func, select

from procure import demo
from procure.contracts.models import Contract
from procure.extensions import db
from procure.tenders import demo as tender_demo
from procure.tenders.models import LotAward, Registration, Tender


def test_demo_tenders(app):
    demo.load_organisations()
    demo.load_users()
    tender_demo.load()
    tender_demo.load()  # idempotent
    tenders = {t.reference: t for t in db.session.execute(select(Tender)).scalars()}
    slt, daycare = tenders["WBO-SLT-2027"], tenders["WBO-DB-2027"]
    assert slt.status == "dialogue"
    assert [lot.name for lot in slt.lots][1:] == [
        "SLT's Breda Noordwest en Noordoost",
        "SLT's Breda Zuidwest en Zuidoost",
    ]
    assert slt.lot_rules[0].lot_numbers == [2, 3] and slt.one_partner_per_lot
    assert (slt.duration_months, slt.extension_count, slt.variant) == (60, 2, "task")
    regs = (
        db.session.execute(select(Registration).where(Registration.tender_id == slt.id))
        .scalars()
        .all()
    )
    assert len(regs) == 4
    assert sorted(r.provider.short_code for r in regs if r.status == "selected") == [
        "gezinsplein",
        "kompas",
        "linde",
    ]
    assert len(slt.agreements) == 2 and len(slt.sessions) == 1

    assert daycare.status == "awarded" and len(daycare.lots) == 2
    awards = (
        db.session.execute(
            select(LotAward).where(LotAward.tender_id == daycare.id).order_by(LotAward.lot_id)
        )
        .scalars()
        .all()
    )
    assert [a.provider.short_code for a in awards] == ["zonnehoek", "vlinder"]
    contracts = (
        db.session.execute(select(Contract).where(Contract.tender_id == daycare.id)).scalars().all()
    )
    assert len(contracts) == 2 and {c.status for c in contracts} == {"concept"}
    assert db.session.execute(select(func.count(Tender.id))).scalar_one() == 2
