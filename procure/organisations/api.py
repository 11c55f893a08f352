"""Read API for the organisation register: regions with municipalities, providers."""

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from procure.api import bp
from procure.api.schemas import list_of, page_numbers, page_of
from procure.auth.permissions import get_scoped_or_404, scoped
from procure.core.listing import order_by_key, paginate
from procure.extensions import db
from procure.organisations import queries
from procure.organisations.models import Provider, Region
from procure.organisations.schemas import ProviderQuery, ProviderSchema, RegionSchema


@bp.get("/providers")
@bp.arguments(ProviderQuery, location="query")
@bp.response(200, page_of(ProviderSchema))
def providers(args):
    """Aanbieders (een aanbieder ziet alleen zichzelf)"""
    stmt = order_by_key(
        queries.providers_stmt(args["q"]), queries.PROVIDER_SORTS, args["sort"], args["direction"]
    )
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
