"""JSON read API: GET /api/v1/products and /api/v1/products/<code>."""

from flask import abort, jsonify, request
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from procure.api import bp, openapi
from procure.api.views import api_page_args, page_response
from procure.catalogue.models import Product
from procure.catalogue.queries import SORTS, parse_filters, product_query, visible
from procure.core.listing import apply_sort, paginate
from procure.extensions import db
from procure.organisations.models import Region


def _product_json(p: Product, *, detail: bool = False) -> dict:
    data = {
        "id": p.id,
        "code": p.code,
        "category": p.category,
        "version": p.version,
        "name": p.name,
        "task_area": (
            {"code": p.task_area.code, "name": p.task_area.name} if p.task_area else None
        ),
        "variant": p.variant,
        "unit": p.unit,
        "status": p.status,
        "valid_from": p.valid_from.isoformat(),
        "valid_to": p.valid_to.isoformat() if p.valid_to else None,
        "is_current": p.is_current,
        "tariffs": [
            {"year": t.year, "price": f"{t.price:.2f}", "indexation_applied": t.indexation_applied}
            for t in p.tariffs
        ],
    }
    if detail:
        data.update(
            description=p.description or "",
            criteria=p.criteria or "",
            target_group=p.target_group or "",
        )
    return data


@bp.get("/products")
def products_list():
    filters = parse_filters(request.args)
    stmt, _sort, _direction = apply_sort(product_query(filters, current_user), SORTS, "code")
    stmt = stmt.order_by(Product.code, Product.version)
    return page_response(paginate(stmt, *api_page_args()), _product_json)


@bp.get("/products/<code>")
def product_detail(code):
    code = code.strip().upper()
    stmt = visible(select(Product).where(Product.code == code), current_user).options(
        selectinload(Product.tariffs), selectinload(Product.task_area)
    )
    region_code = request.args.get("region")
    if region_code:
        stmt = stmt.where(
            Product.region_id
            == select(Region.id).where(Region.short_code == region_code).scalar_subquery()
        )
    versions = db.session.execute(stmt.order_by(Product.region_id, Product.version)).scalars().all()
    if not versions:
        abort(404)
    regions = {p.region_id for p in versions}
    if len(regions) > 1:
        from procure.api.errors import json_error

        return json_error(
            400, "Deze productcode bestaat in meer regio's: geef ?region= mee.", code="ambiguous"
        )
    current = next((p for p in versions if p.is_current), versions[-1])
    body = _product_json(current, detail=True)
    body["versions"] = [
        {
            "id": p.id,
            "version": p.version,
            "status": p.status,
            "valid_from": p.valid_from.isoformat(),
            "valid_to": p.valid_to.isoformat() if p.valid_to else None,
        }
        for p in versions
    ]
    return jsonify(body)


_FILTER_PARAMS = [
    {
        "name": "q",
        "in": "query",
        "description": "Zoeken in code, naam en tekst",
        "schema": {"type": "string"},
    },
    {
        "name": "task_area",
        "in": "query",
        "description": "Code van het taakgebied",
        "schema": {"type": "string"},
    },
    {
        "name": "variant",
        "in": "query",
        "schema": {"type": "string", "enum": ["effort", "output", "task"]},
    },
    {
        "name": "status",
        "in": "query",
        "schema": {"type": "string", "enum": ["concept", "vastgesteld", "vervallen"]},
    },
    {
        "name": "valid_on",
        "in": "query",
        "description": "Geldig op datum (JJJJ-MM-DD)",
        "schema": {"type": "string", "format": "date"},
    },
    {
        "name": "region",
        "in": "query",
        "description": "Korte code van de regio",
        "schema": {"type": "string"},
    },
    {"name": "sort", "in": "query", "schema": {"type": "string", "enum": list(SORTS)}},
    {"name": "dir", "in": "query", "schema": {"type": "string", "enum": ["asc", "desc"]}},
]
_TARIFF = {
    "type": "object",
    "properties": {
        "year": {"type": "integer"},
        "price": {"type": "string", "description": "euro, 2 decimalen"},
        "indexation_applied": {"type": "boolean"},
    },
}
_PRODUCT_PROPS = {
    "id": {"type": "integer"},
    "code": {"type": "string"},
    "category": {"type": "string"},
    "version": {"type": "integer"},
    "name": {"type": "string"},
    "task_area": {
        "type": "object",
        "nullable": True,
        "properties": {"code": {"type": "string"}, "name": {"type": "string"}},
    },
    "variant": {"type": "string", "enum": ["effort", "output", "task"]},
    "unit": {"type": "string", "nullable": True},
    "status": {"type": "string", "enum": ["concept", "vastgesteld", "vervallen"]},
    "valid_from": {"type": "string", "format": "date"},
    "valid_to": {"type": "string", "format": "date", "nullable": True},
    "is_current": {"type": "boolean"},
    "tariffs": {"type": "array", "items": _TARIFF},
}
openapi.add_schema("Product", {"type": "object", "properties": _PRODUCT_PROPS})
openapi.add_schema(
    "ProductDetail",
    {
        "type": "object",
        "properties": {
            **_PRODUCT_PROPS,
            "description": {"type": "string"},
            "criteria": {"type": "string"},
            "target_group": {"type": "string"},
            "versions": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "id": {"type": "integer"},
                        "version": {"type": "integer"},
                        "status": {"type": "string"},
                        "valid_from": {"type": "string", "format": "date"},
                        "valid_to": {"type": "string", "format": "date", "nullable": True},
                    },
                },
            },
        },
    },
)
_ERR = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
openapi.add_path(
    "/products",
    "get",
    {
        "summary": "Productkaarten (PDC) met filters, gepagineerd",
        "description": "Gemeente- en aanbiedergebruikers zien alleen vastgestelde kaarten.",
        "parameters": _FILTER_PARAMS + openapi.PAGE_PARAMETERS,
        "responses": {
            **openapi.list_response("Product", "Een pagina productkaarten"),
            "422": {"description": "Ongeldig filter", **_ERR},
        },
    },
)
openapi.add_path(
    "/products/{code}",
    "get",
    {
        "summary": "Eén productkaart (huidige versie) met tarieven en versies",
        "parameters": [
            {"name": "code", "in": "path", "required": True, "schema": {"type": "string"}},
            {"name": "region", "in": "query", "schema": {"type": "string"}},
        ],
        "responses": {
            **openapi.object_response("ProductDetail", "De productkaart"),
            "400": {"description": "Code bestaat in meer regio's", **_ERR},
        },
    },
)
