"""The only place that changes a contract's transition period, addenda and subcontractor
register. Each operation checks the policy, runs in one transaction and writes the audit
log; an addendum also generates the next version of the contract document."""

from datetime import date
from functools import cache

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import selectinload

from procure.audit import record
from procure.contracts.changes import policy
from procure.contracts.changes.models import ContractAddendum, Subcontractor
from procure.contracts.models import Contract
from procure.contracts.operations.common import actor_id_of, current_actor, require_text
from procure.core.errors import Conflict, ValidationFailed
from procure.core.operations import operation
from procure.core.types import utcnow
from procure.extensions import db
from procure.organisations.models import Provider
from procure.organisations.operations import KVK_RE


def _allow(refusal) -> None:
    if refusal is not None:
        raise refusal


def _require_date(value, field: str) -> date:
    if not isinstance(value, date):
        raise ValidationFailed(_l("Geef een datum."), field=field)
    return value


# -- transition period --------------------------------------------------------------------


@operation
def set_transition(contract: Contract, *, until: date | None, note: str = "", actor=None):
    """Record until when clients in care at the contract's end stay with this provider
    (None clears the period)."""
    actor = current_actor(actor)
    _allow(policy.transition_refusal(actor, contract))
    note = (note or "").strip()
    if until is not None:
        _require_date(until, "until")
        if until <= contract.end_date:
            raise ValidationFailed(
                _l("De overgangstermijn loopt tot na de einddatum van het contract."),
                field="until",
            )
        if not note:
            raise ValidationFailed(
                _l("Beschrijf voor welke lopende zorg de overgangstermijn geldt."), field="note"
            )
    old = {"transition_until": contract.transition_until, "note": contract.transition_note}
    contract.transition_until = until
    contract.transition_note = note if until is not None else None
    record(
        "contract.transition_set",
        contract,
        actor=actor,
        old=old,
        new={"transition_until": until, "note": contract.transition_note},
    )
    return contract


# -- addenda --------------------------------------------------------------------------------


# Read on every contract page: built once, only the contract changes.
@cache
def _addenda():
    return (
        select(ContractAddendum)
        .where(ContractAddendum.contract_id == bindparam("contract_id"))
        .options(selectinload(ContractAddendum.document))
        .order_by(ContractAddendum.number)
    )


def addenda_of(contract_id: int) -> list[ContractAddendum]:
    return list(db.session.execute(_addenda(), {"contract_id": contract_id}).scalars())


@operation
def add_addendum(
    contract: Contract,
    *,
    agreed_on: date,
    subject: str,
    body: str,
    effective_on: date,
    actor=None,
) -> ContractAddendum:
    """Record an addendum and generate the contract document's next version with it."""
    from procure.contracts.documents import contract_spec
    from procure.documents.operations import generate

    actor = current_actor(actor)
    _allow(policy.addendum_refusal(actor, contract))
    _require_date(agreed_on, "agreed_on")
    _require_date(effective_on, "effective_on")
    subject = require_text(subject, "subject", _l("Geef het onderwerp van het addendum."))
    body = require_text(body, "body", _l("Geef de tekst van het addendum."))
    if len(subject) > 300:
        raise ValidationFailed(_l("Het onderwerp is hoogstens 300 tekens."), field="subject")
    if not contract.start_date <= effective_on <= contract.end_date:
        raise ValidationFailed(
            _l("Een addendum gaat in binnen de looptijd van het contract."), field="effective_on"
        )
    # One addendum at a time per contract: lock the contract row while numbering.
    db.session.execute(
        select(Contract.id).where(Contract.id == contract.id).with_for_update()
    ).first()
    last = db.session.execute(
        select(func.max(ContractAddendum.number)).where(ContractAddendum.contract_id == contract.id)
    ).scalar()
    addendum = ContractAddendum(
        contract_id=contract.id,
        number=(last or 0) + 1,
        agreed_on=agreed_on,
        subject=subject,
        body=body,
        effective_on=effective_on,
        created_by_id=actor_id_of(actor),
    )
    db.session.add(addendum)
    db.session.flush()
    document = generate(contract_spec(contract), actor=actor)
    addendum.document_id = document.id
    record(
        "contract.addendum_added",
        contract,
        actor=actor,
        new={
            "number": addendum.number,
            "subject": subject,
            "agreed_on": agreed_on,
            "effective_on": effective_on,
            "document_id": document.id,
        },
    )
    return addendum


# -- subcontractors -------------------------------------------------------------------------


@cache
def _subcontractors():
    return (
        select(Subcontractor)
        .where(
            Subcontractor.contract_id == bindparam("contract_id"),
            Subcontractor.removed_at.is_(None),
        )
        .order_by(Subcontractor.name)
    )


def subcontractors_of(contract_id: int) -> list[Subcontractor]:
    return list(db.session.execute(_subcontractors(), {"contract_id": contract_id}).scalars())


@operation
def add_subcontractor(
    contract: Contract,
    *,
    provider_id: int | None = None,
    name: str = "",
    kvk_number: str = "",
    work: str = "",
    actor=None,
) -> Subcontractor:
    """Register a subcontractor: a provider of the register, or a name with its KvK number
    (linked to the register's provider when that number is known there)."""
    actor = current_actor(actor)
    _allow(policy.subcontractor_refusal(actor, contract))
    work = (work or "").strip()
    if len(work) > 300:
        raise ValidationFailed(_l("Hoogstens 300 tekens."), field="work")
    if provider_id:
        found = db.session.get(Provider, provider_id)
        if found is None:
            raise ValidationFailed(_l("Onbekende aanbieder."), field="provider_id")
    else:
        name = require_text(name, "name", _l("Kies een aanbieder of geef naam en KvK-nummer."))
        if len(name) > 200:
            raise ValidationFailed(_l("Hoogstens 200 tekens."), field="name")
        kvk_number = (kvk_number or "").strip()
        if not KVK_RE.match(kvk_number):
            raise ValidationFailed(_l("Een KvK-nummer bestaat uit 8 cijfers."), field="kvk_number")
        found = db.session.execute(
            select(Provider).where(Provider.kvk_number == kvk_number)
        ).scalar()
    if found is not None:
        name, kvk_number = found.name, found.kvk_number
        if found.id == contract.provider_id:
            raise ValidationFailed(
                _l("De opdrachtnemer zelf is geen onderaannemer."), field="provider_id"
            )
    duplicate = db.session.execute(
        select(Subcontractor.id).where(
            Subcontractor.contract_id == contract.id,
            Subcontractor.kvk_number == kvk_number,
            Subcontractor.removed_at.is_(None),
        )
    ).first()
    if duplicate:
        raise Conflict(
            _l("%(name)s staat al in het register van dit contract.", name=name),
            field="kvk_number",
        )
    sub = Subcontractor(
        contract_id=contract.id,
        provider_id=found.id if found is not None else None,
        name=name,
        kvk_number=kvk_number,
        work=work,
        added_by_id=actor_id_of(actor),
        added_at=utcnow(),
    )
    db.session.add(sub)
    db.session.flush()
    record(
        "contract.subcontractor_added",
        contract,
        actor=actor,
        new={"subcontractor_id": sub.id, "name": name, "kvk_number": kvk_number, "work": work},
    )
    return sub


@operation
def remove_subcontractor(sub: Subcontractor, *, actor=None) -> Subcontractor:
    actor = current_actor(actor)
    _allow(policy.subcontractor_refusal(actor, sub.contract))
    if sub.removed_at is not None:
        raise Conflict(_l("Deze onderaannemer is al uit het register gehaald."))
    sub.removed_at = utcnow()
    sub.removed_by_id = actor_id_of(actor)
    record(
        "contract.subcontractor_removed",
        sub.contract,
        actor=actor,
        old={"subcontractor_id": sub.id, "name": sub.name, "kvk_number": sub.kvk_number},
    )
    return sub
