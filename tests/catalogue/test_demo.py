from sqlalchemy import func, select

from procure import demo
from procure.catalogue import demo as catalogue_demo
from procure.catalogue.models import MaatwerkCode, Product
from procure.extensions import db
from procure.organisations.models import Region


def test_demo_catalogue_loads_for_three_regions_and_is_idempotent(app):
    demo.load_organisations()
    catalogue_demo.load()
    catalogue_demo.load()
    counts = dict(
        db.session.execute(
            select(Region.short_code, func.count(Product.id))
            .join(Product)
            .group_by(Region.short_code)
        ).all()
    )
    assert counts == {"wbo": 28, "e10": 28, "svj": 28}
    e10 = db.session.execute(select(Region).where(Region.short_code == "e10")).scalar_one()
    codes = (
        db.session.execute(select(MaatwerkCode.code).where(MaatwerkCode.region_id == e10.id))
        .scalars()
        .all()
    )
    assert "MW54002" in codes and "MW42A05" in codes and len(codes) == 26
