"""Admission and leaving: admitted providers get concept contracts with the admitted
products; an admission can end."""

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from procure.audit import record
from procure.auth.roles import PROVIDER
from procure.catalogue.models import Product, Tariff
from procure.contracts import operations as contract_ops
from procure.contracts.models import Contract, ContractedProduct
from procure.core.errors import Conflict, InvalidTransition, NotAllowed, ValidationFailed
from procure.core.operations import operation
from procure.extensions import db
from procure.tenders.open_house.models import Admission, Application, ApplicationCategory
from procure.tenders.open_house.operations.common import (
    PROCEDURE,
    as_text,
    day_label,
    notify,
    term_end,
)
from procure.tenders.open_house.policy import ADMISSION, can_extend_admission

ENDED_CONTRACT_STATUSES = ("ended", "terminated")


def _tariff_for(product: Product, year: int) -> Tariff | None:
    candidates = [t for t in product.tariffs if t.year <= year]
    return max(candidates, key=lambda t: t.year) if candidates else None


def admit(application: Application, links: list[ApplicationCategory], start: date, actor):
    """Admit the application's positively decided categories from `start`: a first
    admission creates (or joins) the provider's contract under the tender; a request for
    additional products extends the contract of the existing admission with them."""
    tender = application.tender
    end = term_end(tender)
    if start > end:
        raise ValidationFailed(_l("Het toetredingsmoment ligt na het einde van de looptijd."))
    contract, extended = _contract_for(application, links, start, end, actor)
    covered = {line.product_id for line in contract.products if line.effective_to is None}
    added = []
    for link in links:
        if not link.additional:
            db.session.add(
                Admission(
                    tender_id=tender.id,
                    region_id=tender.region_id,
                    provider_id=application.provider_id,
                    category_id=link.category_id,
                    application_id=application.id,
                    contract_id=contract.id,
                    start_date=start,
                    status="active",
                    active_flag=True,
                )
            )
        for product in link.products or link.category.products:
            if product.id in covered:
                continue
            _contract_product(contract, product, link.category_id, start, end, actor)
            covered.add(product.id)
            added.append(product.code)
    try:
        db.session.flush()
    except IntegrityError as exc:
        raise Conflict(_l("De aanbieder is al toegelaten tot deze categorie.")) from exc
    record(
        "open_house.contract_extended" if extended else "open_house.contract_created",
        contract,
        actor=actor,
        new={
            "application": application.reference,
            "start_date": start,
            "categories": [link.category.code for link in links],
            "additional_products": [link.category.code for link in links if link.additional],
            "products": added,
        },
    )
    return contract


def _contract_for(application, links, start: date, end: date, actor) -> tuple[Contract, bool]:
    """The contract the admission goes under: the existing admission's contract for
    additional products, else the provider's running contract under the tender, else new."""
    tender = application.tender
    for link in links:
        if not link.additional:
            continue
        admission = db.session.execute(
            select(Admission).where(
                Admission.provider_id == application.provider_id,
                Admission.category_id == link.category_id,
                Admission.active_flag.is_(True),
            )
        ).scalar()
        if not can_extend_admission(admission, start):
            raise InvalidTransition(
                _l(
                    "De toelating tot %(cat)s loopt niet meer; aanvullende producten kunnen "
                    "niet worden toegevoegd.",
                    cat=link.category.name,
                )
            )
        return admission.contract, True
    contract = db.session.execute(
        select(Contract)
        .where(
            Contract.tender_id == tender.id,
            Contract.provider_id == application.provider_id,
            Contract.origin == PROCEDURE,
            Contract.status.not_in(ENDED_CONTRACT_STATUSES),
        )
        .order_by(Contract.id)
        .limit(1)
    ).scalar()
    if contract is not None:
        return contract, True
    contract = contract_ops.create_concept_contract(
        region=tender.region,
        provider_id=application.provider_id,
        origin=PROCEDURE,
        variant=tender.variant,
        start_date=start,
        end_date=end,
        tender_id=tender.id,
        task_area_id=tender.task_area_id,
        title=f"{tender.title} — {application.provider.name}",
        extension_months=tender.extension_terms,
        actor=actor,
    )
    return contract, False


def _contract_product(contract, product, category_id, start: date, end: date, actor) -> None:
    """Contract the product in the contracts domain, at the PDC tariffs of the contract
    years (the latest tariff up to the start year for the first year); a task-oriented
    contract has no products with unit prices. The first admission's products count from
    the contract's start; products added later from their entry moment."""
    if tender_variant_is_lumpsum(contract):
        return
    tariff = _tariff_for(product, start.year)
    prices = {t.year: t.price for t in product.tariffs if start.year <= t.year <= end.year}
    if tariff is not None and start.year not in prices:
        prices[start.year] = tariff.price
    line = contract_ops.add_contract_product(
        contract, product_id=product.id, prices=prices, effective_from=start, actor=actor
    )
    line.category_id = category_id


def tender_variant_is_lumpsum(contract) -> bool:
    return contract.variant == "task"


@operation
def end_admission(admission: Admission, *, user, reason: str, end_date: date) -> Admission:
    """A provider withdraws from a category, or the region ends the admission."""
    by_provider = user.role == PROVIDER
    if by_provider and user.provider_id != admission.provider_id:
        raise NotAllowed(_l("Dit is niet uw toelating."))
    ADMISSION.check(admission.status, "ended")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_l("Geef de reden van de beëindiging."), field="reason")
    if end_date is None or end_date < admission.start_date:
        raise ValidationFailed(
            _l(
                "De einddatum kan niet vóór de ingangsdatum (%(day)s) liggen.",
                day=day_label(admission.start_date),
            ),
            field="end_date",
        )
    ADMISSION.apply(admission, "ended", user)
    admission.active_flag = None
    admission.end_date = end_date
    admission.ended_reason = reason
    admission.ended_by_id = user.id
    admission.ended_kind = "withdrawn" if by_provider else "terminated"
    if admission.contract_id:
        for row in db.session.execute(
            select(ContractedProduct).where(
                ContractedProduct.contract_id == admission.contract_id,
                ContractedProduct.category_id == admission.category_id,
            )
        ).scalars():
            row.effective_to = end_date
    record(
        "open_house.admission_ended",
        admission,
        actor=user,
        old={"status": "active", "end_date": None},
        new={
            "status": "ended",
            "end_date": end_date,
            "reason": reason,
            "kind": admission.ended_kind,
            "category": admission.category.code,
        },
    )
    if not by_provider:
        notify(
            admission.application,
            "admission_ended",
            as_text(
                _l(
                    "De regio beëindigt uw toelating tot %(cat)s per %(day)s. Reden: %(reason)s",
                    cat=admission.category.name,
                    day=day_label(end_date),
                    reason=reason,
                )
            ),
        )
    return admission
