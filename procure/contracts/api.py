"""Contracts API: scoped reads with budgets and utilisation, and the writes of the
contract pages through the same operations."""

from flask import abort
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from procure.api import bp
from procure.api.idempotency import request_key
from procure.api.schemas import page_numbers, page_of
from procure.auth.roles import ADMIN, CONTRACT_MANAGER
from procure.contracts import operations as ops
from procure.contracts import queries as q
from procure.contracts.models import Contract, Realisation
from procure.contracts.schemas import (
    ContractDetailSchema,
    ContractQuery,
    ContractSchema,
    RealisationInput,
    RealisationSchema,
)
from procure.core.errors import NotAllowed, ValidationFailed
from procure.core.listing import paginate
from procure.extensions import db


@bp.get("/contracts")
@bp.arguments(ContractQuery, location="query")
@bp.response(200, page_of(ContractSchema))
def contracts_list(args):
    """Contracten binnen het bereik van het token, met budgetten en benutting"""
    filters = {"q": "", "variant": "", "status": "", "origin": "", **args}
    stmt = q.with_years(q.contracts_stmt(filters)).order_by(Contract.reference)
    return paginate(stmt, *page_numbers(args))


@bp.get("/contracts/<reference>")
@bp.response(200, ContractDetailSchema)
def contract_get(reference):
    """Eén contract met producten, prijzen, jaren en verlengingsopties"""
    return q.get_visible_or_404(reference, column=Contract.reference, full=True)


def _managed_contract(reference: str) -> Contract:
    """A contract of the token's own region, for a contract manager (or admin)."""
    if current_user.role not in (ADMIN, CONTRACT_MANAGER):
        raise NotAllowed(_l("Alleen contractmanagers leggen dit vast."))
    contract = q.get_visible_or_404(reference, column=Contract.reference)
    if contract.region_id != current_user.region_id:
        abort(404)
    return contract


@bp.post("/contracts/<reference>/realisations")
@bp.arguments(RealisationInput)
@bp.response(201, RealisationSchema, description="Vastgelegd")
@bp.alt_response(200, schema=RealisationSchema, description="Eerder vastgelegd (zelfde sleutel)")
@bp.doc(**{"x-idempotency-required": True})
def realisation_create(body, reference):
    """Realisatie vastleggen (idempotent: dezelfde sleutel telt één keer)"""
    contract = _managed_contract(reference)
    key = request_key() or body.get("idempotency_key")
    if not key:
        raise ValidationFailed(
            _l("Geef een Idempotency-Key (header of veld idempotency_key, hoogstens 100 tekens)."),
            field="idempotency_key",
        )
    try:
        rec, created = ops.record_realisation(
            contract,
            product=body["product_code"],
            period=body["period"],
            units=body["units"],
            override=body["override"],
            override_reason=body["override_reason"],
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
    return rec, 201 if created else 200
