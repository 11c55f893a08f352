"""Contracts API: scoped reads with budgets and utilisation, and the writes of the
contract pages through the same operations."""

from flask import abort
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from procure.api import bp
from procure.api.idempotency import request_key
from procure.api.schemas import list_of, page_numbers, page_of
from procure.catalogue.models import MaatwerkCode
from procure.contracts import operations as ops
from procure.contracts import policy
from procure.contracts import queries as q
from procure.contracts.models import Contract, Payment, Realisation
from procure.contracts.schemas import (
    BudgetInput,
    ContractDetailSchema,
    ContractQuery,
    ContractSchema,
    ContractTransitionInput,
    CustomContractInput,
    OptionDecisionInput,
    OptionInput,
    PaymentInput,
    PaymentSchema,
    RealisationBatchInput,
    RealisationCsvForm,
    RealisationInput,
    RealisationSchema,
    TerminateInput,
)
from procure.core.errors import NotAllowed, ValidationFailed
from procure.core.listing import order_by_key, paginate
from procure.core.operations import unit_of_work
from procure.core.timeutil import today_local
from procure.extensions import db
from procure.organisations.models import Municipality, Provider


@bp.get("/contracts")
@bp.arguments(ContractQuery, location="query")
@bp.response(200, page_of(ContractSchema))
def contracts_list(args):
    """Contracten binnen het bereik van het token, met budgetten en benutting"""
    stmt = q.with_years(q.contracts_stmt(args)).options(
        selectinload(Contract.tender), selectinload(Contract.lot)
    )
    stmt = order_by_key(stmt, q.SORTS, args["sort"], args["direction"])
    return paginate(stmt, *page_numbers(args))


@bp.get("/contracts/<reference>")
@bp.response(200, ContractDetailSchema)
def contract_get(reference):
    """Eén contract met producten, prijzen, jaren en verlengingsopties"""
    return q.get_visible_or_404(reference, column=Contract.reference, full=True)


def _managed_contract(reference: str) -> Contract:
    """A contract of the token's own region, for a contract manager (or admin)."""
    if not policy.can_manage(current_user):
        raise NotAllowed(_l("Alleen contractmanagers leggen dit vast."))
    contract = q.get_visible_or_404(reference, column=Contract.reference)
    if contract.region_id != current_user.region_id:
        abort(404)
    return contract


def _record(contract: Contract, line: dict, **extra):
    """Record one realisation line of the API (source "api")."""
    return ops.record_realisation(
        contract,
        product=line["product_code"],
        period=line["period"],
        units=line["units"],
        municipality=line["municipality"],
        override=line["override"],
        override_reason=line["override_reason"],
        source="api",
        **extra,
    )


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
        rec, created = _record(contract, body, idempotency_key=key)
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


def _contract(reference: str) -> Contract:
    return q.get_visible_or_404(reference, column=Contract.reference, full=True)


def _reread():
    """Write pending changes and read rows back as stored (scale of amounts as in the
    database), also inside an outer unit of work that has not committed yet."""
    db.session.flush()
    db.session.expire_all()


def _detail(reference: str):
    _reread()
    return _contract(reference)


@bp.write(
    "/contracts/<reference>/transitions",
    200,
    ContractDetailSchema,
    arguments=ContractTransitionInput,
)
def contract_transition(body, reference):
    """Activeren (na ondertekening) of beëindigen op de einddatum"""
    contract = _managed_contract(reference)
    if body["to"] == "active":
        ops.activate_contract(contract, actor=current_user)
    else:
        ops.end_contract(contract, today=today_local(), actor=current_user)
    return _detail(reference)


@bp.write("/contracts/<reference>/options", 201, ContractDetailSchema, arguments=OptionInput)
def contract_option_add(body, reference):
    """Een verlengingsoptie toevoegen"""
    ops.add_extension_option(_managed_contract(reference), actor=current_user, **body)
    return _detail(reference)


@bp.write(
    "/contracts/<reference>/options/<int:sequence>/decision",
    200,
    ContractDetailSchema,
    arguments=OptionDecisionInput,
)
def contract_option_decide(body, reference, sequence):
    """Een optie lichten of laten vervallen (vóór de beslisdatum)"""
    contract = _managed_contract(reference)
    option = next((o for o in contract.options if o.sequence == sequence), None)
    if option is None:
        abort(404)
    decide = ops.exercise_option if body["decision"] == "exercise" else ops.decline_option
    decide(option, today=today_local(), actor=current_user)
    return _detail(reference)


@bp.write("/contracts/<reference>/termination", 200, ContractDetailSchema, arguments=TerminateInput)
def contract_terminate(body, reference):
    """Tussentijds opzeggen met reden en opzegtermijn"""
    ops.terminate_contract(_managed_contract(reference), actor=current_user, **body)
    return _detail(reference)


@bp.write("/contracts/<reference>/budgets", 200, ContractDetailSchema, arguments=BudgetInput)
def contract_budget(body, reference):
    """Het budget(plafond) van een jaar vastleggen met besluit en reden"""
    contract = _managed_contract(reference)
    body["decided_on"] = body["decided_on"] or today_local()
    ops.set_year_budget(contract, actor=current_user, **body)
    return _detail(reference)


@bp.write(
    "/contracts/<reference>/payments/<int:payment_id>", 200, PaymentSchema, arguments=PaymentInput
)
def contract_payment(body, reference, payment_id):
    """Een (lumpsum)betaling als betaald registreren"""
    contract = _managed_contract(reference)
    payment = db.session.get(Payment, payment_id)
    if payment is None or payment.contract_id != contract.id:
        abort(404)
    return ops.register_payment(payment, actor=current_user, **body)


@bp.write(
    "/contracts/<reference>/realisations/batch",
    201,
    list_of(RealisationSchema),
    arguments=RealisationBatchInput,
)
def realisation_batch(body, reference):
    """Meerdere regels realisatie in één keer: alles of niets"""
    contract = _managed_contract(reference)
    with unit_of_work():
        records = [_record(contract, line)[0] for line in body["lines"]]
        _reread()
    return {"items": records}


@bp.write(
    "/contracts/<reference>/realisations/csv",
    201,
    list_of(RealisationSchema),
    arguments=RealisationCsvForm,
    location="multipart",
)
def realisation_csv(form, reference):
    """Realisatie uit een CSV-bestand (zoals de import op de contractpagina)"""
    contract = _managed_contract(reference)
    records = ops.import_realisation_csv(
        contract,
        form["file"].read(),
        override=form["override"],
        override_reason=form["override_reason"],
        actor=current_user,
    )
    _reread()
    return {"items": records}


@bp.write("/contracts/custom", 201, ContractDetailSchema, arguments=CustomContractInput)
def custom_contract_create(body):
    """Een maatwerkovereenkomst vastleggen (gemeente of contractmanager)"""
    if not policy.can_record_custom(current_user):
        raise NotAllowed(_l("Alleen gemeenten en contractmanagers leggen maatwerk vast."))
    provider_id = db.session.execute(
        select(Provider.id).where(Provider.short_code == body["provider"])
    ).scalar()
    code_id = db.session.execute(
        select(MaatwerkCode.id).where(
            MaatwerkCode.code == body["maatwerk_code"],
            MaatwerkCode.region_id == current_user.region_id,
        )
    ).scalar()
    municipality_id = None
    if body["municipality"]:
        municipality_id = db.session.execute(
            select(Municipality.id).where(Municipality.name == body["municipality"])
        ).scalar()
    for value, field in ((provider_id, "provider"), (code_id, "maatwerk_code")):
        if value is None:
            raise ValidationFailed(_l("Onbekende waarde."), field=field)
    contract = ops.create_custom_contract(
        user=current_user,
        provider_id=provider_id,
        maatwerk_code_id=code_id,
        unit_price=body["unit_price"],
        units=body["units"],
        start_date=body["start_date"],
        end_date=body["end_date"],
        justification=body["justification"],
        reason=body["reason"],
        reason_text=body["reason_text"],
        municipality_id=municipality_id,
    )
    return _detail(contract.reference)
