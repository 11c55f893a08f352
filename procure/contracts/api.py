"""JSON API for contracts: scoped reads with budgets and utilisation, and the realisation
write endpoint for the region's financial system (idempotent by key)."""

from decimal import Decimal

from flask import abort, jsonify, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from procure.api import bp, openapi
from procure.api.views import api_page_args, page_response
from procure.auth.roles import ADMIN, CONTRACT_MANAGER
from procure.contracts import operations as ops
from procure.contracts import queries as q
from procure.contracts.models import Contract, Realisation
from procure.core.errors import NotAllowed, ValidationFailed
from procure.core.listing import paginate
from procure.extensions import db


def _money(value) -> str | None:
    return None if value is None else str(value)


def serialize_contract(c: Contract, *, detail: bool = False) -> dict:
    data = {
        "reference": c.reference,
        "title": c.title,
        "status": c.status,
        "origin": c.origin,
        "variant": c.variant,
        "provider": c.provider.name,
        "provider_kvk": c.provider.kvk_number,
        "municipality": c.municipality.name if c.municipality else None,
        "task_area": c.task_area.name if c.task_area else None,
        "start_date": c.start_date.isoformat(),
        "end_date": c.end_date.isoformat(),
        "contract_value": _money(c.contract_value),
        "years": [
            {
                "year": r["year"],
                "budget": _money(r["value"]),
                "realised": _money(r["realised"]),
                "utilisation_pct": None if r["pct"] is None else str(r["pct"]),
                "level": r["level"],
            }
            for r in ops.utilisation(c)
        ],
    }
    if detail:
        data["extension_options"] = [
            {
                "sequence": o.sequence,
                "months": o.months,
                "decision_deadline": o.decision_deadline.isoformat(),
                "status": o.status,
            }
            for o in c.options
        ]
        data["products"] = [
            {
                "code": cp.product.code,
                "name": cp.product.name,
                "unit": cp.product.unit,
                "prices": {str(p.year): _money(p.price) for p in cp.prices},
            }
            for cp in c.products
        ]
        if c.is_custom:
            data["custom"] = {
                "maatwerk_code": c.maatwerk_code.code if c.maatwerk_code else None,
                "unit_price": _money(c.custom_unit_price),
                "units": str(c.custom_units),
                "total": _money(c.custom_total),
                "reason": c.custom_reason,
                "reason_text": c.custom_reason_text,
            }
    return data


@bp.get("/contracts")
def contracts_list():
    filters = q.contract_filters(request.args)
    stmt = q.with_years(q.contracts_stmt(filters)).order_by(Contract.reference)
    return page_response(paginate(stmt, *api_page_args()), serialize_contract)


@bp.get("/contracts/<reference>")
def contract_get(reference):
    contract = q.get_visible_or_404(reference, column=Contract.reference, full=True)
    return jsonify(serialize_contract(contract, detail=True))


def _serialize_realisation(r, contract) -> dict:
    return {
        "id": r.id,
        "contract": contract.reference,
        "product_code": r.contract_product.product.code,
        "period": r.period.strftime("%Y-%m"),
        "units": str(r.units),
        "unit_price": _money(r.unit_price),
        "amount": _money(r.amount),
        "municipality": r.municipality.cbs_code if r.municipality else None,
        "override": r.override,
        "idempotency_key": r.idempotency_key,
    }


@bp.post("/contracts/<reference>/realisations")
def realisation_create(reference):
    if current_user.role not in (ADMIN, CONTRACT_MANAGER):
        raise NotAllowed(_l("Alleen contractmanagers leggen realisatie vast."))
    contract = q.get_visible_or_404(reference, column=Contract.reference)
    if contract.region_id != current_user.region_id:
        abort(404)
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        abort(415 if not request.is_json else 400)
    key = (request.headers.get("Idempotency-Key") or body.get("idempotency_key") or "").strip()
    if not key or len(key) > 100:
        raise ValidationFailed(
            _l("Geef een Idempotency-Key (header of veld idempotency_key, hoogstens 100 tekens)."),
            field="idempotency_key",
        )
    units = body.get("units")
    if isinstance(units, float):
        units = Decimal(str(units))
    if units is None or isinstance(units, bool):
        raise ValidationFailed(_l("Geef het aantal eenheden (units)."), field="units")
    try:
        rec, created = ops.record_realisation(
            contract,
            product=str(body.get("product_code") or ""),
            period=body.get("period"),
            units=units,
            municipality=body.get("municipality"),
            override=bool(body.get("override")),
            override_reason=body.get("override_reason"),
            source="api",
            idempotency_key=key,
        )
    except IntegrityError:
        # A concurrent retry with the same key won the race: answer with its record.
        db.session.rollback()
        rec = db.session.execute(
            select(Realisation).where(
                Realisation.created_by_id == current_user.id, Realisation.idempotency_key == key
            )
        ).scalar()
        if rec is None:
            raise
        created = False
    rec = db.session.execute(select(Realisation).where(Realisation.id == rec.id)).scalar_one()
    response = jsonify(_serialize_realisation(rec, contract))
    response.status_code = 201 if created else 200
    return response


_YEAR = {
    "type": "object",
    "properties": {
        "year": {"type": "integer"},
        "budget": {"type": "string", "nullable": True},
        "realised": {"type": "string", "nullable": True},
        "utilisation_pct": {"type": "string", "nullable": True},
        "level": {"type": "string", "enum": ["none", "ok", "warn", "alert"]},
    },
}
openapi.add_schema(
    "Contract",
    {
        "type": "object",
        "properties": {
            "reference": {"type": "string"},
            "title": {"type": "string"},
            "status": {
                "type": "string",
                "enum": ["concept", "active", "extended", "ended", "terminated"],
            },
            "origin": {"type": "string"},
            "variant": {"type": "string"},
            "provider": {"type": "string"},
            "provider_kvk": {"type": "string"},
            "municipality": {"type": "string", "nullable": True},
            "task_area": {"type": "string", "nullable": True},
            "start_date": {"type": "string", "format": "date"},
            "end_date": {"type": "string", "format": "date"},
            "contract_value": {"type": "string", "description": "euro, exact decimal"},
            "years": {"type": "array", "items": _YEAR},
            "extension_options": {"type": "array", "items": {"type": "object"}},
            "products": {"type": "array", "items": {"type": "object"}},
            "custom": {"type": "object"},
        },
    },
)
openapi.add_schema(
    "Realisation",
    {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "contract": {"type": "string"},
            "product_code": {"type": "string"},
            "period": {"type": "string", "example": "2026-03"},
            "units": {"type": "string"},
            "unit_price": {"type": "string"},
            "amount": {"type": "string"},
            "municipality": {
                "type": "string",
                "nullable": True,
                "description": "CBS-code; null = onbekend (vastgelegd vóór de registratie)",
            },
            "override": {"type": "boolean"},
            "idempotency_key": {"type": "string", "nullable": True},
        },
    },
)
openapi.add_schema(
    "RealisationInput",
    {
        "type": "object",
        "required": ["product_code", "period", "units"],
        "properties": {
            "product_code": {"type": "string", "example": "45A53"},
            "period": {"type": "string", "example": "2026-03"},
            "units": {"type": "string", "example": "12.5"},
            "municipality": {
                "type": "string",
                "example": "0794",
                "description": "CBS-code of naam van de gemeente; weglaten = onbekend",
            },
            "override": {"type": "boolean"},
            "override_reason": {"type": "string"},
            "idempotency_key": {"type": "string"},
        },
    },
)

_FILTERS = [
    {"name": n, "in": "query", "schema": {"type": t}}
    for n, t in (
        ("q", "string"),
        ("variant", "string"),
        ("status", "string"),
        ("origin", "string"),
        ("provider_id", "integer"),
        ("task_area_id", "integer"),
        ("ending_months", "integer"),
    )
]
_ERR = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
_REF = [{"name": "reference", "in": "path", "required": True, "schema": {"type": "string"}}]
openapi.add_path(
    "/contracts",
    "get",
    {
        "summary": "Contracten binnen het bereik van het token, met budgetten en benutting",
        "parameters": openapi.PAGE_PARAMETERS + _FILTERS,
        "responses": openapi.list_response("Contract", "Een pagina contracten"),
    },
)
openapi.add_path(
    "/contracts/{reference}",
    "get",
    {
        "summary": "Eén contract",
        "parameters": _REF,
        "responses": openapi.object_response("Contract", "Het contract"),
    },
)
openapi.add_path(
    "/contracts/{reference}/realisations",
    "post",
    {
        "summary": "Realisatie vastleggen (idempotent: dezelfde sleutel telt één keer)",
        "parameters": [
            *_REF,
            {
                "name": "Idempotency-Key",
                "in": "header",
                "required": False,
                "schema": {"type": "string", "maxLength": 100},
            },
        ],
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/RealisationInput"}}
            },
        },
        "responses": {
            "201": {
                "description": "Vastgelegd",
                "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/Realisation"}}
                },
            },
            "200": {
                "description": "Eerder vastgelegd met dezelfde sleutel",
                "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/Realisation"}}
                },
            },
            "403": {"description": "Geen contractmanager", **_ERR},
            "409": {"description": "Boven het plafond zonder overschrijding", **_ERR},
            "422": {"description": "Ongeldige gegevens", **_ERR},
        },
    },
)
