"""Context builders for the product card and the whole catalogue (PDC)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from procure.documents.contexts import DocumentSpec, _attr
from procure.documents.formatting import VARIANT_WORDS, euro, long_date
from procure.extensions import db

STATUS_WORDS = {"concept": "concept", "vastgesteld": "vastgesteld", "vervallen": "vervallen"}


def product_data(product) -> dict:
    task_area = getattr(product, "task_area", None)
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
        "criteria": _attr(product, "criteria", default=""),
        "target_group": _attr(product, "target_group", default=""),
        "tariffs": [{"year": t.year, "price": euro(t.price)} for t in product.tariffs],
    }


def product_card_spec(product) -> DocumentSpec:
    region = product.region if hasattr(product, "region") else None
    from procure.organisations.models import Region

    region = region or db.session.get(Region, product.region_id)
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
        created=_attr(product, "fixed_at", "created_at", default=product.valid_from),
        context={"region": {"name": region.name}, "product": data},
        filename=f"productkaart-{product.code}-v{product.version}",
    )


def catalogue_products(region_id: int) -> list:
    from procure.catalogue.models import Product

    # The published catalogue holds fixed cards only: never drafts, never expired cards.
    stmt = (
        select(Product)
        .where(Product.region_id == region_id, Product.status == "vastgesteld")
        .options(selectinload(Product.tariffs), selectinload(Product.task_area))
        .order_by(Product.code, Product.version)
    )
    if hasattr(Product, "is_current"):
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
