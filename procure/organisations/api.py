"""Read API for the organisation register: regions with municipalities, providers."""

from flask import request
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from procure.api import bp, openapi
from procure.api.views import api_page_args, page_response
from procure.auth.permissions import get_scoped_or_404, scoped
from procure.core.listing import like_pattern, paginate
from procure.extensions import db
from procure.organisations.models import Provider, Region


def provider_json(provider: Provider) -> dict:
    return {
        "id": provider.id,
        "short_code": provider.short_code,
        "name": provider.name,
        "kvk_number": provider.kvk_number,
        "agb_code": provider.agb_code,
        "is_consortium": provider.is_consortium,
        "active": provider.active,
    }


@bp.get("/providers")
def providers():
    stmt = scoped(select(Provider), Provider).order_by(Provider.name, Provider.id)
    q = request.args.get("q", "").strip()
    if q:
        stmt = stmt.where(Provider.name.ilike(like_pattern(q), escape="\\"))
    return page_response(paginate(stmt, *api_page_args()), provider_json)


@bp.get("/providers/<short_code>")
def provider(short_code):
    return provider_json(get_scoped_or_404(Provider, short_code, column=Provider.short_code))


@bp.get("/regions")
def regions():
    rows = db.session.execute(
        scoped(select(Region), Region)
        .options(selectinload(Region.municipalities))
        .order_by(Region.name)
    ).scalars()
    return {
        "items": [
            {
                "short_code": r.short_code,
                "name": r.name,
                "kvk_number": r.kvk_number,
                "municipalities": [
                    {"name": m.name, "cbs_code": m.cbs_code} for m in r.municipalities
                ],
            }
            for r in rows
        ]
    }


openapi.add_schema(
    "Provider",
    {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "short_code": {"type": "string"},
            "name": {"type": "string"},
            "kvk_number": {"type": "string"},
            "agb_code": {"type": "string", "nullable": True},
            "is_consortium": {"type": "boolean"},
            "active": {"type": "boolean"},
        },
    },
)
openapi.add_path(
    "/providers",
    "get",
    {
        "summary": "Aanbieders (een aanbieder ziet alleen zichzelf)",
        "parameters": [
            *openapi.PAGE_PARAMETERS,
            {"name": "q", "in": "query", "schema": {"type": "string"}},
        ],
        "responses": openapi.list_response("Provider", "Pagina met aanbieders"),
    },
)
openapi.add_path(
    "/providers/{short_code}",
    "get",
    {
        "summary": "Eén aanbieder",
        "parameters": [
            {"name": "short_code", "in": "path", "required": True, "schema": {"type": "string"}}
        ],
        "responses": openapi.object_response("Provider", "De aanbieder"),
    },
)
openapi.add_path(
    "/regions",
    "get",
    {
        "summary": "Regio's met gemeenten, beperkt tot de eigen regio",
        "responses": {"200": {"description": "Regio's"}},
    },
)
