"""Contract change over the API: the transition period, addenda with the document version
each made, and the subcontractor register, through the same operations as the pages."""

from flask import abort
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from procure.api import bp
from procure.api.schemas import list_of
from procure.contracts import queries as q
from procure.contracts.changes import operations as ops
from procure.contracts.changes.models import Subcontractor
from procure.contracts.changes.schemas import (
    AddendumInput,
    AddendumSchema,
    SubcontractorInput,
    SubcontractorSchema,
    TransitionPeriodInput,
)
from procure.contracts.models import Contract
from procure.contracts.schemas import ContractDetailSchema
from procure.core.errors import ValidationFailed
from procure.extensions import db
from procure.organisations.models import Provider


def _contract(reference: str) -> Contract:
    return q.get_visible_or_404(reference, column=Contract.reference)


@bp.write(
    "/contracts/<reference>/transition",
    200,
    ContractDetailSchema,
    arguments=TransitionPeriodInput,
    method="put",
)
def contract_transition_period(body, reference):
    """De overgangstermijn voor lopende zorg na het einde van het contract vastleggen"""
    contract = _contract(reference)
    ops.set_transition(contract, until=body["until"], note=body["note"], actor=current_user)
    db.session.flush()
    return q.get_visible_or_404(reference, column=Contract.reference, full=True)


@bp.get("/contracts/<reference>/addenda")
@bp.response(200, list_of(AddendumSchema))
def contract_addenda(reference):
    """De addenda van een contract, elk met de versie van de overeenkomst die het maakte"""
    return {"items": ops.addenda_of(_contract(reference).id)}


@bp.write("/contracts/<reference>/addenda", 201, AddendumSchema, arguments=AddendumInput)
def contract_addendum_create(body, reference):
    """Een addendum vastleggen; maakt een nieuwe versie van de overeenkomst"""
    return ops.add_addendum(_contract(reference), actor=current_user, **body)


@bp.get("/contracts/<reference>/subcontractors")
@bp.response(200, list_of(SubcontractorSchema))
def contract_subcontractors(reference):
    """Het register van onderaannemers van een contract"""
    return {"items": ops.subcontractors_of(_contract(reference).id)}


@bp.write(
    "/contracts/<reference>/subcontractors", 201, SubcontractorSchema, arguments=SubcontractorInput
)
def contract_subcontractor_create(body, reference):
    """Een onderaannemer toevoegen: een aanbieder uit het register of naam met KvK-nummer"""
    contract = _contract(reference)
    provider_id = None
    if body["provider_kvk"]:
        provider_id = db.session.execute(
            select(Provider.id).where(Provider.kvk_number == body["provider_kvk"])
        ).scalar()
        if provider_id is None:
            raise ValidationFailed(_l("Geen aanbieder met dit KvK-nummer."), field="provider_kvk")
    return ops.add_subcontractor(
        contract,
        provider_id=provider_id,
        name=body["name"],
        kvk_number=body["kvk_number"],
        work=body["work"],
        actor=current_user,
    )


@bp.write(
    "/contracts/<reference>/subcontractors/<int:sub_id>", 200, SubcontractorSchema, method="delete"
)
def contract_subcontractor_remove(reference, sub_id):
    """Een onderaannemer uit het register halen"""
    contract = _contract(reference)
    sub = db.session.get(Subcontractor, sub_id)
    if sub is None or sub.contract_id != contract.id or sub.removed_at is not None:
        abort(404)
    return ops.remove_subcontractor(sub, actor=current_user)
