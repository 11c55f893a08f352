"""Every demo region has its own catalogue, matching its seed: Regio WBO Jeugd the cards of
seed 003's translation table, Een 10 voor de Jeugd its segments with account holders, the
SNO products with a parental contribution and the FACT card (seed 001), Samen voor Jeugd a
small catalogue derived from its Meerjarenplan (seed 000), which names no segments."""

from datetime import date

from sqlalchemy import func, select

from procure import demo
from procure.catalogue import demo as catalogue_demo
from procure.catalogue.models import MaatwerkCode, Product, Segment
from procure.extensions import db
from procure.organisations import demo as organisations_demo
from procure.organisations.models import Region


def _load():
    demo.load_organisations()
    demo.load_users()
    organisations_demo.load()
    catalogue_demo.load()
    catalogue_demo.load()  # idempotent


def _cards(code: str) -> dict[str, Product]:
    region = db.session.execute(select(Region).where(Region.short_code == code)).scalar_one()
    return {
        p.code: p
        for p in db.session.execute(
            select(Product).where(Product.region_id == region.id, Product.is_current.is_(True))
        ).scalars()
    }


def test_each_demo_region_has_its_own_catalogue(app):
    _load()
    counts = dict(
        db.session.execute(
            select(Region.short_code, func.count(Product.id))
            .join(Product)
            .group_by(Region.short_code)
        ).all()
    )
    assert counts == {"wbo": 28, "e10": 20, "svj": 6}
    wbo, e10, svj = _cards("wbo"), _cards("e10"), _cards("svj")
    assert not set(wbo) & set(e10) and not set(wbo) & set(svj) and not set(e10) & set(svj)
    # Custom-care codes per region from its own fixed cards (kleinschalig verblijf is a concept).
    e10_region = db.session.execute(select(Region).where(Region.short_code == "e10")).scalar_one()
    codes = set(
        db.session.execute(
            select(MaatwerkCode.code).where(MaatwerkCode.region_id == e10_region.id)
        ).scalars()
    )
    assert {"MW54010", "MW41A40", "MW54F01"} <= codes and "MW54002" not in codes
    assert len(codes) == 19 and "MW40A05" not in codes


def test_een10_segments_account_holders_sno_and_fact(app):
    _load()
    e10 = db.session.execute(select(Region).where(Region.short_code == "e10")).scalar_one()
    segments = {
        s.code: s
        for s in db.session.execute(select(Segment).where(Segment.region_id == e10.id)).scalars()
    }
    # Seed 001 names "Segment 1 - verblijf" and "Segment 2 - wonen" (and segment 4).
    assert set(segments) == {"1", "2", "3", "4"}
    assert (segments["1"].name, segments["2"].name) == ("verblijf", "wonen")
    holders = {s.account_holder for s in segments.values()}
    assert None not in holders and len(holders) == 4
    assert all(h.region_id == e10.id and h.role == "contract_manager" for h in holders)

    cards = _cards("e10")
    by_segment = {
        code: {p.code for p in cards.values() if p.segment_id == s.id}
        for code, s in segments.items()
    }
    assert {"45A31", "45A32", "45A33", "45A34"} <= by_segment["1"]  # MST, MDFT, IGT, IAG
    assert {"44A01", "44A03"} <= by_segment["2"]  # pleegzorg, gezinshuis
    assert "41A03" in by_segment["3"]
    assert "opgroeiproblematiek jonge kind" in cards["41A03"].name.lower()
    assert all(p.segment_id for p in cards.values())
    # The new SNO products (October 2025) carry a parental contribution; the old one did not.
    sno = {c: p for c, p in cards.items() if "naschoolse opvang" in p.name.lower()}
    with_contribution = {c for c, p in sno.items() if p.parental_contribution}
    assert with_contribution == {"41A40", "41A41"}
    assert {sno[c].valid_from for c in with_contribution} == {date(2025, 10, 1)}
    assert sno["41A20"].valid_to == date(2025, 9, 30)
    assert [c for c, p in cards.items() if p.parental_contribution] == sorted(with_contribution)
    # The FACT card developed in 2024, in the ambulant segment.
    fact = [p for p in cards.values() if "FACT" in p.name]
    assert [p.code for p in fact] == ["54F01"] and fact[0].segment.code == "4"
    assert fact[0].status == "vastgesteld" and fact[0].tariff_for(2026) is not None
    # Kleinschalig verblijf: a concept for 2026 (seed 001: "beoogd per 1 januari 2026").
    assert (cards["40A05"].status, cards["40A05"].valid_from) == ("concept", date(2026, 1, 1))


def test_samen_voor_jeugd_catalogue_follows_its_meerjarenplan(app):
    _load()
    svj = db.session.execute(select(Region).where(Region.short_code == "svj")).scalar_one()
    assert not db.session.execute(select(Segment).where(Segment.region_id == svj.id)).first()
    cards = _cards("svj")
    names = " ".join(p.name for p in cards.values()).lower()
    for word in ("kleinschalig verblijf", "logeren", "ambulante begeleiding", "multi"):
        assert word in names
    assert {p.valid_from for p in cards.values()} == {date(2026, 1, 1)}
    assert {c for c, p in cards.items() if p.status == "concept"} == {"45A80"}  # consultatie
    assert not any(p.parental_contribution for p in cards.values())
