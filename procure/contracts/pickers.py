"""Picker sources of the contracts domain: contracts, products to contract, providers
without a contract (for custom contracts). All limited to what the user may see."""

from flask_login import current_user
from sqlalchemy import String, cast, false, or_, select

from procure.catalogue.models import Product
from procure.contracts.models import Contract, ContractedProduct
from procure.contracts.queries import LIVE, visible
from procure.core.pickers import pattern, source
from procure.organisations.models import Provider
from procure.organisations.pickers import search_providers


@source("contract", params=("provider",))
def contracts(text: str, provider: int | None = None):
    stmt = visible(
        select(Contract.id, Contract.reference + " · " + Provider.name).join(
            Provider, Provider.id == Contract.provider_id
        )
    )
    if provider:
        stmt = stmt.where(Contract.provider_id == provider)
    like = pattern(text)
    if like:
        stmt = stmt.where(
            or_(
                Contract.reference.ilike(like, escape="\\"),
                Contract.title.ilike(like, escape="\\"),
                Provider.name.ilike(like, escape="\\"),
            )
        )
    return stmt.order_by(Contract.reference)


@source("contract_product", params=("contract",))
def products_to_contract(text: str, contract: int | None = None):
    """Product versions of the contract's region and variant it does not have yet."""
    label = Product.code + " v" + cast(Product.version, String) + " " + Product.name
    if not contract:
        return select(Product.id, label).where(false())
    # The contract (visible to the user, of the user's region) in the same query: nothing
    # to pick when it is not.
    target = (
        visible(select(Contract.region_id, Contract.variant))
        .where(
            Contract.id == contract,
            Contract.region_id == getattr(current_user, "region_id", None),
        )
        .subquery()
    )
    taken = select(ContractedProduct.product_id).where(ContractedProduct.contract_id == contract)
    stmt = (
        select(Product.id, label)
        .join(
            target,
            (Product.region_id == target.c.region_id) & (Product.variant == target.c.variant),
        )
        .where(Product.id.not_in(taken))
    )
    like = pattern(text)
    if like:
        stmt = stmt.where(
            or_(Product.code.ilike(like, escape="\\"), Product.name.ilike(like, escape="\\"))
        )
    return stmt.order_by(Product.code, Product.version)


@source("provider_uncontracted")
def providers_without_contract(text: str):
    """Active providers without a live contract in the user's region (custom contracts)."""
    contracted = select(Contract.provider_id).where(
        Contract.region_id == current_user.region_id,
        Contract.origin != "custom",
        Contract.status.in_(LIVE),
    )
    return search_providers(
        select(Provider.id, Provider.name).where(
            Provider.active.is_(True), Provider.id.not_in(contracted)
        ),
        text,
    )
