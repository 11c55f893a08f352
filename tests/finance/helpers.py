"""Builders for the finance tests: the Noordoost-Brabant region of seed 004 and users."""

from sqlalchemy import select

from procure.auth import operations as auth_ops
from procure.extensions import db
from procure.organisations.models import Municipality, Region
from tests.factories import PASSWORD


def noordoost_brabant() -> Region:
    region = db.session.execute(select(Region).filter_by(short_code="nob")).scalar()
    if region is None:
        region = Region(name="Regio Noordoost-Brabant (RIOZ)", short_code="nob")
        db.session.add(region)
        db.session.flush()
        db.session.add(Municipality(name="Vught", cbs_code="0865", region_id=region.id))
        db.session.commit()
    return region


def nob_user(role: str, email: str | None = None):
    region = noordoost_brabant()
    kwargs = {"region_id": region.id}
    if role == "municipality":
        kwargs["municipality_id"] = region.municipalities[0].id
    return auth_ops.create_user(
        email=email or f"{role}.nob@example.org",
        name=role.title(),
        role=role,
        password=PASSWORD,
        **kwargs,
    )
