"""Additional products for an admitted provider (seed 001: in 2024 23 products were added
for providers already contracted): the application names products of a category the
provider is admitted to, and a positive decision extends its existing contract from the
entry moment instead of creating a second contract."""

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from procure.contracts.models import Contract, ContractedProduct
from procure.core.errors import Conflict, InvalidTransition, ValidationFailed
from procure.extensions import db
from procure.tenders.open_house import operations as ops
from procure.tenders.open_house.models import Admission
from tests import factories as f
from tests.tenders.open_house.conftest import apply


def at(*args):
    return datetime(*args, tzinfo=UTC)


def admit_all(application, officer):
    ops.score(
        application, {a.requirement_id: ("meets", "") for a in application.answers}, actor=officer
    )
    return ops.decide(
        application,
        decisions={link.category_id: "admitted" for link in application.categories},
        actor=officer,
    )


def test_additional_products_extend_the_contract_from_their_entry_moment(oh):
    officer = f.user("procurement")
    provider = f.provider("kompas", "Stichting Kompas Jeugdhulp")
    january, april = ops.moments(oh.tender)[:2]
    kamertraining = oh.products["44A08"]
    first = apply(
        oh,
        provider,
        categories=[oh.wonen],
        product_ids=[oh.products["44A07"].id],
        now=at(2026, 11, 1, 9),
    )
    assert first.entry_moment_id == january.id
    assert [p.code for p in first.categories[0].products] == ["44A07"]
    admit_all(first, officer)
    contract = db.session.execute(select(Contract)).scalar_one()
    assert contract.start_date == date(2027, 1, 1)
    assert [cp.product.code for cp in contract.products] == ["44A07"]

    # Already admitted to 44A07: asking for it again is refused with the product named.
    with pytest.raises(Conflict, match="44A07"):
        apply(oh, provider, categories=[oh.wonen], product_ids=[oh.products["44A07"].id])
    # A product of another category is not part of the chosen category.
    with pytest.raises(ValidationFailed, match="hoort niet bij"):
        apply(oh, provider, categories=[oh.wonen], product_ids=[oh.products["44A06"].id])

    more = apply(
        oh, provider, categories=[oh.wonen], product_ids=[kamertraining.id], now=at(2027, 1, 5)
    )
    assert more.entry_moment_id == april.id
    assert more.categories[0].additional is True
    admit_all(more, officer)

    # Same contract, one admission, the new product from 1 April 2027.
    assert db.session.execute(select(func.count(Contract.id))).scalar_one() == 1
    admissions = db.session.execute(select(Admission)).scalars().all()
    assert [(a.category_id, a.start_date) for a in admissions] == [(oh.wonen.id, date(2027, 1, 1))]
    added = db.session.execute(
        select(ContractedProduct).where(ContractedProduct.product_id == kamertraining.id)
    ).scalar_one()
    assert added.contract_id == contract.id and added.effective_from == date(2027, 4, 1)
    assert added.category_id == oh.wonen.id
    assert more.status == "admitted"

    # Without a product choice the rest of the category is asked for; when nothing is
    # left the application is refused.
    rest = apply(oh, provider, categories=[oh.wonen], now=at(2027, 1, 6))
    assert [p.code for p in rest.categories[0].products] == ["45A46"]
    admit_all(rest, officer)
    with pytest.raises(Conflict, match="alle producten"):
        apply(oh, provider, categories=[oh.wonen])


def test_additional_products_after_the_admission_ended_are_refused(oh):
    officer = f.user("procurement")
    provider = f.provider("kompas", "Stichting Kompas Jeugdhulp")
    first = apply(
        oh,
        provider,
        categories=[oh.wonen],
        product_ids=[oh.products["44A07"].id],
        now=at(2026, 11, 1, 9),
    )
    admit_all(first, officer)
    more = apply(
        oh,
        provider,
        categories=[oh.wonen],
        product_ids=[oh.products["44A08"].id],
        now=at(2027, 1, 5),
    )
    admission = db.session.execute(select(Admission)).scalar_one()
    ops.end_admission(admission, user=officer, reason="Stopt", end_date=date(2027, 2, 1))
    ops.score(more, {a.requirement_id: ("meets", "") for a in more.answers}, actor=officer)
    with pytest.raises(InvalidTransition, match="loopt niet meer"):
        ops.decide(more, decisions={oh.wonen.id: "admitted"}, actor=officer)
    assert (
        db.session.execute(
            select(func.count(ContractedProduct.id)).where(
                ContractedProduct.product_id == oh.products["44A08"].id
            )
        ).scalar_one()
        == 0
    )
