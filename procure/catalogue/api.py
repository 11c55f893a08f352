"""Catalogue API: product cards (PDC) with their tariffs and versions, the translation
table; writes through the operations of the catalogue pages (procurement of the region)."""

from flask import abort, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from procure.api import bp
from procure.api.schemas import list_of, page_numbers, page_of
from procure.auth.permissions import scoped
from procure.catalogue import operations as ops
from procure.catalogue.models import CodeTranslation, Product, TaskArea
from procure.catalogue.policy import can_edit, sees_all_regions
from procure.catalogue.queries import SORTS, parse_filters, product_query, visible
from procure.catalogue.schemas import (
    IndexationInput,
    IndexationLineSchema,
    IndexationQuery,
    IndexationRunSchema,
    ProductDetailQuery,
    ProductDetailSchema,
    ProductEditInput,
    ProductEditSchema,
    ProductInput,
    ProductQuery,
    ProductSchema,
    TariffInput,
    TranslationQuery,
    TranslationTableInput,
    TranslationTableSchema,
)
from procure.core.errors import NotAllowed, ValidationFailed
from procure.core.listing import order_by_key, paginate
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
    stmt = order_by_key(
        product_query(filters, current_user), SORTS, args["sort"], args["direction"]
    )
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


def _editor_region() -> int:
    if not can_edit(current_user):
        raise NotAllowed(_l("Alleen inkoop van een regio beheert productkaarten."))
    return current_user.region_id


@bp.write("/products", 201, ProductDetailSchema, arguments=ProductInput)
def product_create(body):
    """Een productkaart aanmaken (concept)"""
    product = ops.create_product(_editor_region(), **body)
    product.versions = [product]
    return product


@bp.write("/products/<code>/tariffs", 200, ProductSchema, arguments=TariffInput)
def product_tariff(body, code):
    """Het tarief van een jaar vastleggen op de huidige versie"""
    region_id = _editor_region()
    product = ops.current_version(region_id, code.strip().upper())
    if product is None:
        abort(404)
    ops.set_tariff(product, body["year"], body["price"])
    return product


@bp.get("/products/indexation")
@bp.arguments(IndexationQuery, location="query")
@bp.response(200, list_of(IndexationLineSchema))
def indexation_preview(args):
    """Voorbeeld van de indexatie: wat een indexatie zou schrijven, zonder te schrijven"""
    return {
        "items": ops.indexation_preview(_editor_region(), args["from_year"], args["percentage"])
    }


@bp.write("/products/indexation", 201, IndexationRunSchema, arguments=IndexationInput)
def indexation_apply(body):
    """De indexatie uitvoeren: tarieven van het volgende jaar (één keer per jaar)"""
    region_id = _editor_region()
    return ops.apply_indexation(
        region_id, body["from_year"], body["percentage"], actor=current_user
    )


def _versions(product: Product) -> list[Product]:
    return list(
        db.session.execute(
            select(Product)
            .where(Product.region_id == product.region_id, Product.code == product.code)
            .order_by(Product.version)
        ).scalars()
    )


def _task_area_id(region_id: int, code: str | None) -> int | None:
    if not code:
        return None
    area_id = db.session.execute(
        select(TaskArea.id).where(TaskArea.region_id == region_id, TaskArea.code == code)
    ).scalar()
    if area_id is None:
        raise ValidationFailed(_l("Onbekend taakgebied."), field="task_area")
    return area_id


@bp.write("/products/<code>", 200, ProductEditSchema, arguments=ProductEditInput, method="patch")
def product_edit(body, code):
    """Een productkaart wijzigen: een concept ter plekke, een vastgestelde kaart als nieuwe
    versie vanaf valid_from (standaard het volgende toetredingsmoment)"""
    region_id = _editor_region()
    product = ops.current_version(region_id, code.strip().upper())
    if product is None:
        abort(404)
    valid_from, change_note = body.pop("valid_from"), body.pop("change_note")
    if "task_area" in body:
        body["task_area_id"] = _task_area_id(region_id, body.pop("task_area"))
    result = ops.update_product(product, body, valid_from=valid_from, change_note=change_note)
    result.versions = _versions(result)
    result.new_version = result.id != product.id
    return result


def _translation_region() -> Region:
    """The token's region; a user who sees every region names one with ?region=."""
    code = request.args.get("region", "")
    if code or sees_all_regions(current_user):
        region = db.session.execute(select(Region).where(Region.short_code == code)).scalar()
    else:
        region = db.session.get(Region, current_user.region_id)
    if region is None:
        abort(404)
    return region


def _translation_table(region: Region, changed: bool = False) -> dict:
    rows = db.session.execute(
        scoped(select(CodeTranslation), CodeTranslation)
        .where(CodeTranslation.region_id == region.id)
        .options(selectinload(CodeTranslation.task_area))
        .order_by(CodeTranslation.position)
    ).scalars()
    return {"region": region.short_code, "changed": changed, "items": list(rows)}


@bp.get("/products/translations")
@bp.arguments(TranslationQuery, location="query")
@bp.response(200, TranslationTableSchema)
def translations_get(args):
    """De vertaaltabel van oude productcodes naar taakgebied, variant en contract"""
    return _translation_table(_translation_region())


@bp.write(
    "/products/translations",
    200,
    TranslationTableSchema,
    arguments=TranslationTableInput,
    method="put",
)
def translations_put(body):
    """De vertaaltabel van de eigen regio vervangen (alles of niets, elke fout genoemd)"""
    region = db.session.get(Region, _editor_region())
    before = _translation_table(region)["items"]
    count = ops.replace_translations(region.id, body["rows"])
    return _translation_table(region, changed=bool(count) or (not body["rows"] and bool(before)))
