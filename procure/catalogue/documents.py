"""The documents of the catalogue: a product card and the whole catalogue (PDC), registered
with procure.documents.registry from procure.catalogue.init_app."""

from flask import abort
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from procure.catalogue.models import Product
from procure.catalogue.policy import EDITOR_ROLES, FIXED
from procure.catalogue.queries import visible
from procure.documents.contexts import DocumentSpec
from procure.documents.formatting import VARIANT_WORDS, euro, long_date
from procure.documents.registry import Kind, RecordType, register, url_or_none
from procure.extensions import db
from procure.organisations.models import Region

STATUS_WORDS = {"concept": "concept", "vastgesteld": "vastgesteld", "vervallen": "vervallen"}


def product_data(product) -> dict:
    task_area = product.task_area
    return {
        "code": product.code,
        "name": product.name,
        "version": product.version,
        "category": product.code[:2],
        "description": product.description or "",
        "task_area": task_area.name if task_area else "—",
        "variant": VARIANT_WORDS.get(product.variant, product.variant),
        "unit": product.unit or "—",
        "status": STATUS_WORDS.get(product.status, product.status),
        "valid_from": long_date(product.valid_from),
        "valid_to": long_date(product.valid_to) if product.valid_to else "onbepaald",
        "criteria": product.criteria or "",
        "target_group": product.target_group or "",
        "tariffs": [{"year": t.year, "price": euro(t.price)} for t in product.tariffs],
    }


def product_card_spec(product) -> DocumentSpec:
    region = db.session.get(Region, product.region_id)
    data = product_data(product)
    return DocumentSpec(
        kind="product_card",
        template="documents/product_card.html",
        record_type="product",
        record_id=product.id,
        region_id=product.region_id,
        title=f"Productkaart {product.code} {product.name}",
        reference=f"{product.code} v{product.version}",
        author=region.name,
        subject=f"Productkaart uit de Producten Diensten Catalogus van {region.name}",
        created=product.fixed_at or product.created_at or product.valid_from,
        context={"region": {"name": region.name}, "product": data},
        filename=f"productkaart-{product.code}-v{product.version}",
    )


def catalogue_products(region_id: int) -> list:
    # The published catalogue holds fixed cards only: never drafts, never expired cards.
    stmt = (
        select(Product)
        .where(Product.region_id == region_id, Product.status == FIXED)
        .options(selectinload(Product.tariffs), selectinload(Product.task_area))
        .order_by(Product.code, Product.version)
    )
    stmt = stmt.where(Product.is_current.is_(True))
    rows = db.session.execute(stmt).scalars().all()
    latest = {}
    for row in rows:  # newest version per code
        latest[row.code] = row
    return list(latest.values())


def catalogue_spec(region) -> DocumentSpec:
    products = catalogue_products(region.id)
    groups: dict[str, list] = {}
    for product in products:
        area = product.task_area.name if product.task_area else "Overig"
        groups.setdefault(area, []).append(product_data(product))
    years = sorted({t.year for p in products for t in p.tariffs})[-2:]
    for items in groups.values():
        for item in items:
            by_year = {t["year"]: t["price"] for t in item["tariffs"]}
            item["prices"] = [by_year.get(y, "—") for y in years]
    newest = max((p.valid_from for p in products), default=None)
    return DocumentSpec(
        kind="catalogue",
        template="documents/catalogue.html",
        record_type="catalogue",
        record_id=region.id,
        region_id=region.id,
        title=f"Producten Diensten Catalogus {region.name}",
        reference=f"PDC {region.short_code.upper()}",
        author=region.name,
        subject="Overzicht van alle geldende productkaarten en tarieven",
        created=newest,
        context={
            "region": {"name": region.name},
            "years": years,
            "groups": [{"name": name, "products": items} for name, items in sorted(groups.items())],
            "count": len(products),
        },
        filename=f"pdc-{region.short_code}",
    )


# -- the record types ----------------------------------------------------------------------


def _load_product(record_id: int):
    product = db.session.execute(
        visible(select(Product).where(Product.id == record_id), current_user)
    ).scalar()
    if product is None:
        abort(404)
    return product


register(
    RecordType(
        "product",
        _l("Productkaart"),
        lambda: Product,
        lambda product: [
            Kind("product_card", _l("Productkaart"), lambda p, **_: product_card_spec(p))
        ],
        loader=_load_product,
        title=lambda p: f"{p.code} {p.name} (versie {p.version})",
        back=lambda p: (
            url_or_none("catalogue.product", product_id=p.id) or url_or_none("catalogue.index")
        ),
        writers=lambda p, u: u.role in EDITOR_ROLES,
    )
)
register(
    RecordType(
        "catalogue",
        _l("Productencatalogus"),
        lambda: Region,
        lambda region: [
            Kind("catalogue", _l("Volledige productencatalogus"), lambda r, **_: catalogue_spec(r))
        ],
        title=lambda r: f"Productencatalogus {r.name}",
        back=lambda r: url_or_none("catalogue.index"),
        writers=lambda r, u: u.role in EDITOR_ROLES,
    )
)
