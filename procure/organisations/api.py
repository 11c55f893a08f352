"""Read API for the organisation register: regions with municipalities, providers."""

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from procure.api import bp
from procure.api.schemas import list_of, page_numbers, page_of
from procure.auth.permissions import get_scoped_or_404, scoped
from procure.core.listing import like_pattern, paginate
from procure.extensions import db
from procure.organisations.models import Provider, Region
from procure.organisations.schemas import ProviderQuery, ProviderSchema, RegionSchema


@bp.get("/providers")
@bp.arguments(ProviderQuery, location="query")
@bp.response(200, page_of(ProviderSchema))
def providers(args):
    """Aanbieders (een aanbieder ziet alleen zichzelf)"""
    stmt = scoped(select(Provider), Provider).order_by(Provider.name, Provider.id)
    if args["q"]:
        stmt = stmt.where(Provider.name.ilike(like_pattern(args["q"]), escape="\\"))
    return paginate(stmt, *page_numbers(args))


@bp.get("/providers/<short_code>")
@bp.response(200, ProviderSchema)
def provider(short_code):
    """Eén aanbieder"""
    return get_scoped_or_404(Provider, short_code, column=Provider.short_code)


@bp.get("/regions")
@bp.response(200, list_of(RegionSchema))
def regions():
    """Regio's met gemeenten, beperkt tot de eigen regio"""
    rows = db.session.execute(
        scoped(select(Region), Region)
        .options(selectinload(Region.municipalities))
        .order_by(Region.name)
    ).scalars()
    return {"items": list(rows)}
