"""Catalogue API: product cards (PDC) with their tariffs and versions."""

from flask import abort, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from procure.api import bp
from procure.api.schemas import page_numbers, page_of
from procure.catalogue.models import Product
from procure.catalogue.queries import SORTS, parse_filters, product_query, visible
from procure.catalogue.schemas import (
    ProductDetailQuery,
    ProductDetailSchema,
    ProductQuery,
    ProductSchema,
)
from procure.core.errors import ValidationFailed
from procure.core.listing import apply_sort, paginate
from procure.extensions import db
from procure.organisations.models import Region


class Ambiguous(ValidationFailed):
    status_code = 400
    code = "ambiguous"


@bp.get("/products")
@bp.arguments(ProductQuery, location="query")
@bp.response(200, page_of(ProductSchema))
def products_list(args):
    """Productkaarten (PDC) met filters, gepagineerd

    Gemeente- en aanbiedergebruikers zien alleen vastgestelde kaarten."""
    filters = parse_filters(request.args)
    stmt, _sort, _direction = apply_sort(product_query(filters, current_user), SORTS, "code")
    stmt = stmt.order_by(Product.code, Product.version)
    return paginate(stmt, *page_numbers(args))


@bp.get("/products/<code>")
@bp.arguments(ProductDetailQuery, location="query")
@bp.response(200, ProductDetailSchema)
def product_detail(args, code):
    """Eén productkaart (huidige versie) met tarieven en versies"""
    code = code.strip().upper()
    stmt = visible(select(Product).where(Product.code == code), current_user).options(
        selectinload(Product.tariffs), selectinload(Product.task_area)
    )
    if args.get("region"):
        stmt = stmt.where(
            Product.region_id
            == select(Region.id).where(Region.short_code == args["region"]).scalar_subquery()
        )
    versions = db.session.execute(stmt.order_by(Product.region_id, Product.version)).scalars().all()
    if not versions:
        abort(404)
    if len({p.region_id for p in versions}) > 1:
        raise Ambiguous(_l("Deze productcode bestaat in meer regio's: geef ?region= mee."))
    current = next((p for p in versions if p.is_current), versions[-1])
    current.versions = versions
    return current
