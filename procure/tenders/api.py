"""Read API for tenders: list (all procedures), one tender with lots, phases and deadlines,
and its registrations and bids (a provider: its own; region staff: registrations, and bids
only after the bid deadline, through operations.open_bid)."""

from flask import abort, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from procure.api import bp, openapi
from procure.api.views import api_page_args, page_response
from procure.auth.permissions import scoped
from procure.auth.roles import PROVIDER, REGION_STAFF
from procure.core.errors import NotAllowed
from procure.core.listing import paginate
from procure.extensions import db
from procure.tenders import operations as ops
from procure.tenders.models import PROCEDURES, Bid, Registration, Tender
from procure.tenders.policy import STATUS_LABELS


def _iso(moment):
    return moment.isoformat() if moment else None


def tender_summary(t: Tender) -> dict:
    return {
        "id": t.id,
        "reference": t.reference,
        "title": t.title,
        "procedure": t.procedure,
        "status": t.status,
        "region": t.region.short_code,
        "variant": t.variant,
        "registration_deadline": _iso(t.registration_deadline),
        "bid_deadline": _iso(t.bid_deadline),
    }


def tender_json(t: Tender) -> dict:
    data = tender_summary(t)
    data.update(
        {
            "status_label": t.status_label,
            "task_areas": [a.code for a in t.task_areas],
            "estimated_value": str(t.estimated_value) if t.estimated_value is not None else None,
            "contract_start": t.contract_start.isoformat() if t.contract_start else None,
            "duration_months": t.duration_months,
            "extension_count": t.extension_count,
            "extension_months": t.extension_months,
            "max_partners": t.max_partners,
            "one_partner_per_lot": t.one_partner_per_lot,
            "standstill_days": t.standstill_days,
            "deadlines": {
                "registration": _iso(t.registration_deadline),
                "dialogue_end": _iso(t.dialogue_end),
                "bid": _iso(t.bid_deadline),
                "standstill_end": _iso(t.standstill_ends_at),
            },
            "phases": [
                {"status": s, "label": str(STATUS_LABELS[s])}
                for s in (
                    "concept",
                    "published",
                    "selection",
                    "dialogue",
                    "award",
                    "standstill",
                    "awarded",
                    "contracted",
                )
                if t.has_dialogue or s != "dialogue"
            ],
            "lots": [
                {
                    "id": lot.id,
                    "number": lot.number,
                    "name": lot.name,
                    "areas": lot.areas,
                    "max_partners": lot.max_partners,
                }
                for lot in t.lots
            ],
            "lot_rules": [{"kind": r.kind, "lots": r.lot_numbers} for r in t.lot_rules],
            "criteria": [
                {"name": c.name, "weight": str(c.weight), "is_price": c.is_price}
                for c in t.criteria
            ],
        }
    )
    return data


def _visible(stmt):
    stmt = scoped(stmt, Tender)
    if current_user.role == PROVIDER:
        stmt = stmt.where(Tender.status != "concept")
    return stmt


def _tender(reference: str) -> Tender:
    tender = db.session.execute(
        _visible(select(Tender).where(Tender.reference == reference)).options(
            selectinload(Tender.lots)
        )
    ).scalar()
    if tender is None:
        abort(404)
    return tender


@bp.get("/tenders")
def tenders():
    stmt = _visible(select(Tender)).options(selectinload(Tender.region)).order_by(Tender.id)
    procedure = request.args.get("procedure")
    if procedure in PROCEDURES:
        stmt = stmt.where(Tender.procedure == procedure)
    status = request.args.get("status")
    if status:
        stmt = stmt.where(Tender.status == status)
    return page_response(paginate(stmt, *api_page_args()), tender_summary)


@bp.get("/tenders/<reference>")
def tender(reference):
    return tender_json(_tender(reference))


@bp.get("/tenders/<reference>/registrations")
def tender_registrations(reference):
    t = _tender(reference)
    if current_user.role not in (*REGION_STAFF, PROVIDER):
        abort(403)
    stmt = scoped(select(Registration).where(Registration.tender_id == t.id), Registration)
    rows = db.session.execute(
        stmt.options(selectinload(Registration.lots), selectinload(Registration.provider)).order_by(
            Registration.id
        )
    ).scalars()
    return {
        "items": [
            {
                "id": r.id,
                "provider": r.provider.short_code,
                "status": r.status,
                "lots": r.lot_numbers,
                "submitted_at": _iso(r.submitted_at),
                "assessment_reason": r.assessment_reason,
            }
            for r in rows
        ]
    }


@bp.get("/tenders/<reference>/bids")
def tender_bids(reference):
    t = _tender(reference)
    if current_user.role not in (*REGION_STAFF, PROVIDER):
        abort(403)
    stmt = scoped(select(Bid).where(Bid.tender_id == t.id), Bid)
    rows = (
        db.session.execute(
            stmt.options(
                selectinload(Bid.lot), selectinload(Bid.provider), selectinload(Bid.plan)
            ).order_by(Bid.id)
        )
        .scalars()
        .all()
    )
    items = []
    for bid in rows:
        ops.open_bid(bid, current_user)  # raises NotAllowed (403) while sealed
        items.append(
            {
                "id": bid.id,
                "lot": bid.lot.number,
                "provider": bid.provider.short_code,
                "price": str(bid.price) if bid.price is not None else None,
                "plan": bid.plan.original_name,
                "version": bid.version,
                "accepts_agreements": bid.accepts_agreements,
                "submitted_at": _iso(bid.submitted_at),
            }
        )
    if current_user.role != PROVIDER and not ops.bids_are_open(t):
        raise NotAllowed(_l("Inschrijvingen zijn verzegeld tot de inschrijvingsdeadline."))
    return {"items": items}


REF = [{"name": "reference", "in": "path", "required": True, "schema": {"type": "string"}}]
openapi.add_schema(
    "TenderSummary",
    {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "reference": {"type": "string"},
            "title": {"type": "string"},
            "procedure": {"type": "string", "enum": list(PROCEDURES)},
            "status": {"type": "string"},
            "region": {"type": "string"},
            "variant": {"type": "string"},
            "registration_deadline": {"type": "string", "format": "date-time", "nullable": True},
            "bid_deadline": {"type": "string", "format": "date-time", "nullable": True},
        },
    },
)
openapi.add_schema(
    "Tender",
    {
        "allOf": [
            {"$ref": "#/components/schemas/TenderSummary"},
            {
                "type": "object",
                "properties": {
                    "deadlines": {"type": "object"},
                    "phases": {"type": "array", "items": {"type": "object"}},
                    "lots": {"type": "array", "items": {"type": "object"}},
                    "lot_rules": {"type": "array", "items": {"type": "object"}},
                    "criteria": {"type": "array", "items": {"type": "object"}},
                },
            },
        ]
    },
)
openapi.add_path(
    "/tenders",
    "get",
    {
        "summary": "Aanbestedingen (alle procedures, binnen de eigen regio; aanbieders zien "
        "gepubliceerde aanbestedingen)",
        "parameters": [
            *openapi.PAGE_PARAMETERS,
            {"name": "procedure", "in": "query", "schema": {"type": "string"}},
            {"name": "status", "in": "query", "schema": {"type": "string"}},
        ],
        "responses": openapi.list_response("TenderSummary", "Pagina met aanbestedingen"),
    },
)
openapi.add_path(
    "/tenders/{reference}",
    "get",
    {
        "summary": "Eén aanbesteding met percelen, fasen en deadlines",
        "parameters": REF,
        "responses": openapi.object_response("Tender", "De aanbesteding"),
    },
)
openapi.add_path(
    "/tenders/{reference}/registrations",
    "get",
    {
        "summary": "Aanmeldingen (een aanbieder ziet alleen de eigen aanmelding)",
        "parameters": REF,
        "responses": {"200": {"description": "Aanmeldingen"}},
    },
)
openapi.add_path(
    "/tenders/{reference}/bids",
    "get",
    {
        "summary": "Inschrijvingen: voor de aanbieder de eigen, voor de regio pas na de "
        "inschrijvingsdeadline (daarvoor 403)",
        "parameters": REF,
        "responses": {
            "200": {"description": "Inschrijvingen"},
            "403": {
                "description": "Verzegeld tot de deadline",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
            },
        },
    },
)
