"""Contract operations: the only place that changes contracts. Owned by the contracts
issue; create_concept_contract() is the INTERFACE the tender and open-house issues call."""

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from procure.audit import record
from procure.contracts.models import ORIGINS, Contract
from procure.core.errors import ValidationFailed
from procure.core.operations import operation
from procure.extensions import db


def next_reference(region_code: str, year: int) -> str:
    prefix = f"{region_code.upper()}-C{year}-"
    count = db.session.execute(
        select(func.count(Contract.id)).where(Contract.reference.like(f"{prefix}%"))
    ).scalar_one()
    return f"{prefix}{count + 1:04d}"


@operation
def create_concept_contract(*, region, provider_id: int, origin: str, variant: str,
                            start_date: date, end_date: date, title: str = "",
                            tender_id: int | None = None, lot_id: int | None = None,
                            task_area_id: int | None = None,
                            municipality_id: int | None = None,
                            reference: str | None = None, actor=None) -> Contract:
    """Create a contract in status concept (from a lot award, an admission or by hand)."""
    if origin not in ORIGINS:
        raise ValidationFailed(_l("Onbekende herkomst van het contract."), field="origin")
    if end_date <= start_date:
        raise ValidationFailed(_l("De einddatum moet na de ingangsdatum liggen."),
                               field="end_date")
    contract = Contract(
        reference=reference or next_reference(region.short_code, start_date.year),
        title=title, region_id=region.id, provider_id=provider_id, origin=origin,
        variant=variant, start_date=start_date, end_date=end_date, tender_id=tender_id,
        lot_id=lot_id, task_area_id=task_area_id, municipality_id=municipality_id,
        status="concept",
    )
    db.session.add(contract)
    db.session.flush()
    record("contract.created", contract, actor=actor, new={
        "reference": contract.reference, "provider_id": provider_id, "origin": origin,
        "variant": variant, "start_date": start_date, "end_date": end_date,
        "tender_id": tender_id, "lot_id": lot_id})
    return contract
