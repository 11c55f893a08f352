"""The WBO catalogue against seed 003 (bijlage 12, vertaaltabel): every row of the seed's two
tables, in order, each linked to the region's task area; the JZ+ row; the 60/40 split of
specialist mental-health care (section 2.1); 45A46 is treatment, not support (6.2)."""

from decimal import Decimal

from sqlalchemy import select

from procure import PROJECT_ROOT
from procure.catalogue.models import CodeTranslation, Product
from procure.catalogue.pdcfiles import import_directory
from procure.extensions import db
from tests import factories as f

PDC = PROJECT_ROOT / "pdc"
SLT, SPEC, WONEN, VBC = "slt", "specialistisch", "wonen", "verblijf"
VERVOER = ("42A05", "42A06", "42A07", "42A08", "42A09", "42A10")
# (old code, linked task area, variant, share) in the seed's order; None: not partial.
SEED_ROWS = (
    [
        ("45A53", SLT, "task", None),
        ("54001", SLT, "task", None),
        ("54002", SLT, "task", 60),
        ("54004", SLT, "task", 60),
        ("45A65", SLT, "task", None),
        ("45A04", SLT, "task", None),
        ("45A05", SLT, "task", None),
        ("45A48", SLT, "task", None),
    ]
    + [
        (code, SPEC, "task", None)
        for code in ("41A14", "41A16", "45A49", "45A54", "41A22", "41A24", "43A11", *VERVOER)
    ]
    + [
        ("54002", SPEC, "effort", 40),
        ("54004", SPEC, "effort", 40),
        ("54003", SPEC, "effort", None),
        ("45A46", SPEC, "effort", None),
        ("44A06", WONEN, "effort", None),
        ("44A07", WONEN, "effort", None),
        ("44A08", WONEN, "effort", None),
    ]
    + [(code, VBC, "task", None) for code in VERVOER]
    + [("", None, "", None), ("54D01", "dyslexie", "", None), ("54D02", "dyslexie", "", None)]
)


def test_translation_table_matches_the_seed_row_by_row(app, client):
    f.region("wbo")
    import_directory(PDC, "wbo")
    db.session.commit()
    rows = (
        db.session.execute(select(CodeTranslation).order_by(CodeTranslation.position))
        .scalars()
        .all()
    )
    got = [
        (
            r.old_code,
            r.task_area.code if r.task_area else None,
            r.new_variant,
            int(r.share_pct) if r.share_pct is not None else None,
        )
        for r in rows
    ]
    assert got == SEED_ROWS and len(rows) == 37
    jz = rows[-3]
    assert (jz.old_task_area, jz.new_task_area, jz.new_contract) == ("JZ+", "JZ+", "JZ+")
    # The partial codes split 60/40 between the SLT and the "schil".
    for code in ("54002", "54004"):
        shares = [r.share_pct for r in rows if r.old_code == code]
        assert sum(shares) == Decimal(100)
    # Every code of the table has a card, and the card's task area is one of its rows'.
    cards = {p.code: p for p in db.session.execute(select(Product)).scalars()}
    assert len(cards) == 28
    for r in rows:
        if r.old_code:
            assert r.old_code in cards, r.old_code
            areas = {x.task_area.code for x in rows if x.old_code == r.old_code and x.task_area}
            assert cards[r.old_code].task_area.code in areas | {SPEC}, r.old_code
    assert "begeleiding" not in cards["45A46"].name.lower()
    assert "Begeleiding is geen onderdeel" in cards["45A46"].description

    f.login(client, f.user("procurement"))
    html = client.get("/catalogus/vertaaltabel").get_data(as_text=True)
    assert "Specialistische en/of locatiegebonden jeugdhulp</a> <small>(40 %)</small>" in html
    assert "Stevig Lokaal Team</a> <small>(60 %)</small>" in html
