"""JSON read API for open houses: /api/v1/open-houses[/<reference>[/categories|/applications|
/admissions]]. Open houses also appear in GET /api/v1/tenders (procedure "open_house")."""

from collections import defaultdict

from flask import abort, jsonify, request
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from procure.api import bp, openapi
from procure.api.views import api_page_args, page_response
from procure.auth.permissions import scoped
from procure.auth.roles import MUNICIPALITY, PROVIDER
from procure.catalogue.models import Product
from procure.core.listing import paginate
from procure.extensions import db
from procure.tenders.models import Tender
from procure.tenders.open_house import operations as ops
from procure.tenders.open_house.models import (
    Admission,
    Application,
    ApplicationCategory,
    Category,
    OpenHouseSettings,
    Requirement,
)


def _iso(value):
    return value.isoformat() if value is not None else None


def _visible_open_houses():
    stmt = scoped(select(Tender).where(Tender.procedure == ops.PROCEDURE), Tender)
    if current_user.role == PROVIDER:
        stmt = stmt.where(Tender.status != "concept")
    return stmt


def _open_house_or_404(reference: str) -> Tender:
    tender = db.session.execute(
        _visible_open_houses().where(Tender.reference == reference)
    ).scalar()
    if tender is None:
        abort(404)
    return tender


def _summary(t: Tender) -> dict:
    return {
        "id": t.id,
        "reference": t.reference,
        "title": t.title,
        "procedure": t.procedure,
        "status": t.status,
        "variant": t.variant,
        "contract_start": _iso(t.contract_start),
        "duration_months": t.duration_months,
        "extension_count": t.extension_count,
        "extension_months": t.extension_months,
    }


def _category_json(c: Category, admitted: int | None = None) -> dict:
    data = {
        "id": c.id,
        "code": c.code,
        "name": c.name,
        "description": c.description,
        "products": [
            {
                "code": p.code,
                "version": p.version,
                "name": p.name,
                "unit": p.unit,
                "tariffs": [{"year": t.year, "price": f"{t.price:.2f}"} for t in p.tariffs],
            }
            for p in c.products
        ],
    }
    if admitted is not None:
        data["admitted_providers"] = admitted
    return data


def _categories(tender: Tender) -> list[Category]:
    return (
        db.session.execute(
            select(Category)
            .where(Category.tender_id == tender.id)
            .options(selectinload(Category.products).selectinload(Product.tariffs))
            .order_by(Category.code)
        )
        .scalars()
        .all()
    )


@bp.get("/open-houses")
def open_houses_list():
    stmt = _visible_open_houses().order_by(Tender.reference)
    return page_response(paginate(stmt, *api_page_args()), _summary)


@bp.get("/open-houses/<reference>")
def open_house_detail(reference):
    tender = _open_house_or_404(reference)
    settings = db.session.execute(
        select(OpenHouseSettings).where(OpenHouseSettings.tender_id == tender.id)
    ).scalar_one()
    requirements = (
        db.session.execute(
            select(Requirement)
            .where(Requirement.tender_id == tender.id)
            .order_by(Requirement.number)
        )
        .scalars()
        .all()
    )
    body = _summary(tender)
    body.update(
        region=tender.region.short_code,
        term_end=_iso(ops.term_end(tender)),
        max_partners=None,
        description=tender.description,
        entry_regime=settings.entry_regime,
        entry_months=settings.months if not settings.is_continuous else [],
        application_weeks=settings.application_weeks,
        assessment_weeks=settings.assessment_weeks,
        admission_conditions=settings.admission_conditions,
        categories=[_category_json(c) for c in _categories(tender)],
        requirements=[
            {"number": r.number, "text": r.text, "requires_document": r.requires_document}
            for r in requirements
        ],
        entry_moments=[
            {
                "entry_date": _iso(m.entry_date),
                "application_deadline": _iso(m.application_deadline),
                "assessment_deadline": _iso(m.assessment_deadline),
            }
            for m in ops.moments(tender)
        ],
    )
    return jsonify(body)


@bp.get("/open-houses/<reference>/categories")
def open_house_categories(reference):
    tender = _open_house_or_404(reference)
    counts = dict(
        db.session.execute(
            select(Admission.category_id, func.count())
            .where(Admission.tender_id == tender.id, Admission.status == "active")
            .group_by(Admission.category_id)
        ).all()
    )
    return jsonify({"items": [_category_json(c, counts.get(c.id, 0)) for c in _categories(tender)]})


def _application_json(a: Application) -> dict:
    return {
        "id": a.id,
        "reference": a.reference,
        "provider": a.provider.short_code,
        "status": a.status,
        "submitted_at": _iso(a.submitted_at),
        "entry_date": _iso(a.entry_moment.entry_date) if a.entry_moment else None,
        "queued_from": _iso(a.queued_from.entry_date) if a.queued_from else None,
        "assessment_deadline": _iso(a.effective_deadline),
        "response_deadline": _iso(a.response_deadline) if a.status == "more_info" else None,
        "info_request": a.info_request or None,
        "decided_at": _iso(a.decided_at),
        "decision_reason": a.decision_reason or None,
        "categories": [
            {"code": link.category.code, "name": link.category.name, "decision": link.decision}
            for link in a.categories
        ],
        "municipalities": [m.name for m in a.municipalities],
    }


@bp.get("/open-houses/<reference>/applications")
def open_house_applications(reference):
    if current_user.role == MUNICIPALITY:
        abort(403)
    tender = _open_house_or_404(reference)
    stmt = scoped(select(Application), Application).where(Application.tender_id == tender.id)
    status = request.args.get("status")
    if status:
        stmt = stmt.where(Application.status == status)
    stmt = stmt.options(
        joinedload(Application.provider),
        joinedload(Application.entry_moment),
        joinedload(Application.queued_from),
        selectinload(Application.municipalities),
        selectinload(Application.categories).joinedload(ApplicationCategory.category),
    ).order_by(Application.submitted_at, Application.id)
    return page_response(paginate(stmt, *api_page_args()), _application_json)


@bp.get("/open-houses/<reference>/admissions")
def open_house_admissions(reference):
    tender = _open_house_or_404(reference)
    rows = (
        db.session.execute(
            scoped(select(Admission), Admission)
            .where(Admission.tender_id == tender.id, Admission.status == "active")
            .options(
                joinedload(Admission.provider),
                joinedload(Admission.category),
                joinedload(Admission.application).selectinload(Application.municipalities),
            )
        )
        .unique()
        .scalars()
        .all()
    )
    grouped = defaultdict(list)
    for adm in rows:
        grouped[adm.category.code].append(
            {
                "provider": adm.provider.short_code,
                "provider_name": adm.provider.name,
                "start_date": _iso(adm.start_date),
                "municipalities": [m.name for m in adm.application.municipalities],
            }
        )
    return jsonify(
        {
            "items": [
                {"category": c.code, "name": c.name, "providers": grouped.get(c.code, [])}
                for c in _categories(tender)
            ]
        }
    )


_REF = [{"name": "reference", "in": "path", "required": True, "schema": {"type": "string"}}]
_NULLABLE_STR = {"type": "string", "nullable": True}

openapi.add_schema(
    "OpenHouse",
    {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "reference": {"type": "string"},
            "title": {"type": "string"},
            "procedure": {"type": "string", "enum": ["open_house"]},
            "status": {"type": "string"},
            "variant": {"type": "string"},
            "contract_start": {"type": "string", "format": "date"},
            "duration_months": {"type": "integer"},
            "extension_count": {"type": "integer"},
            "extension_months": {"type": "integer"},
        },
    },
)
openapi.add_schema(
    "OpenHouseCategory",
    {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "code": {"type": "string"},
            "name": {"type": "string"},
            "description": {"type": "string"},
            "admitted_providers": {"type": "integer"},
            "products": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "code": {"type": "string"},
                        "version": {"type": "integer"},
                        "name": {"type": "string"},
                        "unit": _NULLABLE_STR,
                        "tariffs": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "properties": {
                                    "year": {"type": "integer"},
                                    "price": {
                                        "type": "string",
                                        "description": "euro, exact decimal",
                                    },
                                },
                            },
                        },
                    },
                },
            },
        },
    },
)
openapi.add_schema(
    "OpenHouseDetail",
    {
        "allOf": [
            {"$ref": "#/components/schemas/OpenHouse"},
            {
                "type": "object",
                "properties": {
                    "region": {"type": "string"},
                    "term_end": {"type": "string", "format": "date"},
                    "max_partners": {"type": "integer", "nullable": True},
                    "description": {"type": "string"},
                    "entry_regime": {"type": "string", "enum": ["continuous", "moments"]},
                    "entry_months": {"type": "array", "items": {"type": "integer"}},
                    "application_weeks": {"type": "integer"},
                    "assessment_weeks": {"type": "integer"},
                    "admission_conditions": {"type": "string"},
                    "categories": {
                        "type": "array",
                        "items": {"$ref": "#/components/schemas/OpenHouseCategory"},
                    },
                    "requirements": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {
                                "number": {"type": "integer"},
                                "text": {"type": "string"},
                                "requires_document": {"type": "boolean"},
                            },
                        },
                    },
                    "entry_moments": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {
                                "entry_date": {"type": "string", "format": "date"},
                                "application_deadline": {"type": "string", "format": "date-time"},
                                "assessment_deadline": {"type": "string", "format": "date-time"},
                            },
                        },
                    },
                },
            },
        ]
    },
)
openapi.add_schema(
    "OpenHouseApplication",
    {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "reference": {"type": "string"},
            "provider": {"type": "string"},
            "status": {
                "type": "string",
                "enum": ["submitted", "more_info", "admitted", "rejected", "withdrawn"],
            },
            "submitted_at": {"type": "string", "format": "date-time"},
            "entry_date": {"type": "string", "format": "date", "nullable": True},
            "queued_from": {"type": "string", "format": "date", "nullable": True},
            "assessment_deadline": {"type": "string", "format": "date-time", "nullable": True},
            "response_deadline": {"type": "string", "format": "date-time", "nullable": True},
            "info_request": _NULLABLE_STR,
            "decided_at": {"type": "string", "format": "date-time", "nullable": True},
            "decision_reason": _NULLABLE_STR,
            "categories": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "code": {"type": "string"},
                        "name": {"type": "string"},
                        "decision": {"type": "string", "enum": ["pending", "admitted", "rejected"]},
                    },
                },
            },
            "municipalities": {"type": "array", "items": {"type": "string"}},
        },
    },
)
openapi.add_schema(
    "OpenHouseAdmissions",
    {
        "type": "object",
        "properties": {
            "items": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "category": {"type": "string"},
                        "name": {"type": "string"},
                        "providers": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "properties": {
                                    "provider": {"type": "string"},
                                    "provider_name": {"type": "string"},
                                    "start_date": {"type": "string", "format": "date"},
                                    "municipalities": {
                                        "type": "array",
                                        "items": {"type": "string"},
                                    },
                                },
                            },
                        },
                    },
                },
            }
        },
    },
)

openapi.add_path(
    "/open-houses",
    "get",
    {
        "summary": "Open houses (toelatingsprocedures) die de gebruiker mag zien",
        "tags": ["open house"],
        "parameters": openapi.PAGE_PARAMETERS,
        "responses": openapi.list_response("OpenHouse", "Open houses"),
    },
)
openapi.add_path(
    "/open-houses/{reference}",
    "get",
    {
        "summary": "Eén open house met categorieën, eisen en toetredingsmomenten",
        "tags": ["open house"],
        "parameters": _REF,
        "responses": openapi.object_response("OpenHouseDetail", "Open house"),
    },
)
openapi.add_path(
    "/open-houses/{reference}/categories",
    "get",
    {
        "summary": "Categorieën van een open house met producten, tarieven en aantal toegelaten",
        "tags": ["open house"],
        "parameters": _REF,
        "responses": {
            "200": {
                "description": "Categorieën",
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "properties": {
                                "items": {
                                    "type": "array",
                                    "items": {"$ref": "#/components/schemas/OpenHouseCategory"},
                                }
                            },
                        }
                    }
                },
            }
        },
    },
)
openapi.add_path(
    "/open-houses/{reference}/applications",
    "get",
    {
        "summary": "Aanvragen tot toelating: een aanbieder ziet alleen de eigen aanvragen",
        "tags": ["open house"],
        "parameters": _REF
        + openapi.PAGE_PARAMETERS
        + [{"name": "status", "in": "query", "schema": {"type": "string"}}],
        "responses": {
            **openapi.list_response("OpenHouseApplication", "Aanvragen"),
            "403": {
                "description": "Gemeenten zien geen aanvragen",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
            },
        },
    },
)
openapi.add_path(
    "/open-houses/{reference}/admissions",
    "get",
    {
        "summary": "Toegelaten aanbieders per categorie met de gemeenten die zij bedienen",
        "tags": ["open house"],
        "parameters": _REF,
        "responses": openapi.object_response("OpenHouseAdmissions", "Toelatingen"),
    },
)
