"""Custom contracts (maatwerkovereenkomsten) a municipality concludes with a provider."""

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from procure.audit import record
from procure.auth.roles import MUNICIPALITY
from procure.contracts.models import (
    CUSTOM_REASONS,
    Contract,
)
from procure.contracts.operations.common import parse_decimal, require_text
from procure.contracts.operations.lifecycle import create_concept_contract
from procure.contracts.policy import CONTRACT_FLOW, CUSTOM_RECORDERS, LIVE
from procure.core.errors import NotAllowed, ValidationFailed
from procure.core.operations import operation
from procure.core.types import to_money
from procure.extensions import db


def _custom_reason(reason, text) -> tuple[str, str | None]:
    if reason not in CUSTOM_REASONS:
        raise ValidationFailed(_l("Kies de reden voor maatwerk."), field="custom_reason")
    text = (text or "").strip()
    if reason == "other" and not text:
        raise ValidationFailed(_l("Licht de reden 'anders' toe."), field="custom_reason_text")
    return reason, text or None


@operation
def create_custom_contract(
    *,
    user,
    provider_id: int,
    maatwerk_code_id: int,
    unit_price,
    units,
    start_date: date,
    end_date: date,
    justification: str,
    reason: str,
    reason_text: str = "",
    municipality_id: int | None = None,
) -> Contract:
    """A municipality's maatwerkovereenkomst with a non-contracted provider, with the reason
    code the custom-contract monitor counts (and a text when the reason is "other")."""
    from procure.catalogue.models import MaatwerkCode

    municipality_id = user.municipality_id if user.role == MUNICIPALITY else municipality_id
    if municipality_id is None:
        raise ValidationFailed(_l("Kies de gemeente."), field="municipality_id")
    if user.role not in CUSTOM_RECORDERS:
        raise NotAllowed(_l("Alleen een gemeente of contractmanager legt maatwerk vast."))
    code = db.session.get(MaatwerkCode, maatwerk_code_id)
    if code is None or code.region_id != user.region_id:
        raise ValidationFailed(
            _l("Kies een maatwerkcode uit de catalogus."), field="maatwerk_code_id"
        )
    justification = require_text(
        justification, "justification", _l("Motiveer waarom maatwerk nodig is.")
    )
    reason, reason_text = _custom_reason(reason, reason_text)
    price = to_money(parse_decimal(unit_price, "unit_price", _l("Vul een geldige prijs in.")))
    units = parse_decimal(units, "units", _l("Vul een geldig aantal eenheden in."))
    if price <= 0 or units <= 0:
        raise ValidationFailed(_l("Prijs en aantal moeten positief zijn."), field="units")
    contracted = db.session.execute(
        select(func.count(Contract.id)).where(
            Contract.provider_id == provider_id,
            Contract.region_id == user.region_id,
            Contract.origin != "custom",
            Contract.status.in_(LIVE),
        )
    ).scalar_one()
    if contracted:
        raise ValidationFailed(
            _l(
                "Deze aanbieder is gecontracteerd: maatwerk is bedoeld "
                "voor niet-gecontracteerde aanbieders."
            ),
            field="provider_id",
        )
    contract = create_concept_contract(
        region=user.region,
        provider_id=provider_id,
        origin="custom",
        variant="effort",
        start_date=start_date,
        end_date=end_date,
        municipality_id=municipality_id,
        title=f"Maatwerk {code.code} {code.name}",
        task_area_id=code.product.task_area_id,
        actor=user,
    )
    total = to_money(price * units)
    contract.maatwerk_code_id = code.id
    contract.custom_unit_price, contract.custom_units = price, units
    contract.custom_total = contract.contract_value = total
    contract.justification = justification
    contract.custom_reason, contract.custom_reason_text = reason, reason_text
    record(
        "contract.custom",
        contract,
        actor=user,
        new={
            "maatwerk_code": code.code,
            "unit_price": price,
            "units": units,
            "total": total,
            "justification": justification,
            "reason": reason,
            "reason_text": reason_text,
        },
    )
    CONTRACT_FLOW.apply(contract, "active", user)
    return contract
