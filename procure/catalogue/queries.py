"""Read-side helpers shared by the pages, the exports and the API: who sees which cards,
and the list query with search, filters and sorting (bounded queries, no N+1)."""

from dataclasses import astuple, dataclass
from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, bindparam, func, or_, select
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from procure.auth.permissions import scoped
from procure.catalogue.models import (
    PRODUCT_STATUSES,
    VARIANTS,
    Product,
    Segment,
    Tariff,
    TaskArea,
)
from procure.catalogue.policy import EXPIRED, FIXED, fixed_only
from procure.core.errors import ValidationFailed
from procure.core.kept import kept, page_of, scope_key
from procure.core.listing import like_pattern, order_by_key
from procure.core.types import to_money
from procure.organisations.models import Region


def visible(stmt: Select, user) -> Select:
    stmt = scoped(stmt, Product, user)
    if fixed_only(user):
        stmt = stmt.where(Product.status == FIXED)
    return stmt


@dataclass
class Filters:
    q: str = ""
    task_area: str = ""  # task-area code
    variant: str = ""
    status: str = ""
    valid_on: date | None = None
    region: str = ""  # region short code (providers, cross-region admin)
    segment: int | None = None  # segment id (from the segments overview)

    def as_args(self) -> dict:
        return {
            k: v
            for k, v in {
                "q": self.q,
                "task_area": self.task_area,
                "variant": self.variant,
                "status": self.status,
                "valid_on": self.valid_on.isoformat() if self.valid_on else "",
                "region": self.region,
                "segment": str(self.segment) if self.segment else "",
            }.items()
            if v
        }


def parse_filters(args) -> Filters:
    """Filters from a query string; raises ValidationFailed on a bad value."""
    f = Filters(
        q=(args.get("q") or "").strip()[:100],
        task_area=(args.get("task_area") or "").strip(),
        variant=(args.get("variant") or "").strip(),
        status=(args.get("status") or "").strip(),
        region=(args.get("region") or "").strip(),
    )
    if f.variant and f.variant not in VARIANTS:
        raise ValidationFailed(
            _l("Onbekende uitvoeringsvariant '%(v)s'.", v=f.variant), field="variant"
        )
    if f.status and f.status not in PRODUCT_STATUSES:
        raise ValidationFailed(_l("Onbekende status '%(s)s'.", s=f.status), field="status")
    raw_segment = (args.get("segment") or "").strip()
    if raw_segment:
        if not raw_segment.isdigit() or len(raw_segment) > 9:
            raise ValidationFailed(_l("Onbekend segment '%(s)s'.", s=raw_segment), field="segment")
        f.segment = int(raw_segment)
    raw = (args.get("valid_on") or "").strip()
    if raw:
        try:
            f.valid_on = date.fromisoformat(raw)
        except ValueError:
            raise ValidationFailed(
                _l("'%(d)s' is geen geldige datum (JJJJ-MM-DD).", d=raw), field="valid_on"
            ) from None
    return f


SORTS = {
    "code": Product.code,
    "name": Product.name,
    "task_area": TaskArea.name,
    "variant": Product.variant,
    "status": Product.status,
    "valid_from": Product.valid_from,
}
DEFAULT_SORT = "code"


def product_query(filters: Filters, user) -> Select:
    """Whole cards with their task area, tariffs and segment (the API and the exports)."""
    stmt = (
        select(Product)
        .outerjoin(TaskArea, Product.task_area_id == TaskArea.id)
        .options(
            contains_eager(Product.task_area),
            selectinload(Product.tariffs),
            selectinload(Product.segment),
        )
    )
    return _filtered(stmt, filters, user)


# The columns the list page shows of a card (not its texts: description, criteria, ...).
LIST_COLUMNS = (
    Product.id,
    Product.region_id,
    Product.code,
    Product.version,
    Product.name,
    Product.task_area_id,
    Product.variant,
    Product.unit,
    Product.status,
    Product.valid_from,
    Product.valid_to,
    Product.is_current,
)


# The list's statements without the user's scope and filters, built once (the tariff's
# year is bound when they run).
_ROWS = (
    select(*LIST_COLUMNS, TaskArea.name.label("task_area_name"), Tariff.price.label("price"))
    .outerjoin(TaskArea, Product.task_area_id == TaskArea.id)
    .outerjoin(Tariff, (Tariff.product_id == Product.id) & (Tariff.year == bindparam("year")))
)
_IDS = select(Product.id)
_IDS_BY_TASK_AREA = _IDS.join(TaskArea, Product.task_area_id == TaskArea.id)


def product_list_page(filters: Filters, user, sort: str, direction: str, year: int, page, per_page):
    """The list page's rows: the shown columns of each card with its task area's name and
    its tariff of `year` (one per card: unique per product and year), as plain rows; one
    page in the given order with the count of all its rows (the ids only, the task area
    joined only when it filters, so the count reads the index, not the cards), from
    statements built once per scope, filters and order."""
    key = (
        "catalogue list",
        scope_key(user),
        fixed_only(user),
        astuple(filters),
        sort,
        direction,
    )

    def build():
        rows = order_by_key(_filtered(_ROWS, filters, user), SORTS, sort, direction)
        ids = _IDS_BY_TASK_AREA if filters.task_area else _IDS
        return rows, _filtered(ids, filters, user)

    return page_of(key, build, page, per_page, {"year": year})


def _filtered(stmt: Select, filters: Filters, user) -> Select:
    stmt = visible(stmt, user)
    if filters.valid_on is not None:
        day = filters.valid_on
        stmt = stmt.where(
            Product.valid_from <= day, or_(Product.valid_to.is_(None), Product.valid_to >= day)
        )
    else:
        stmt = stmt.where(Product.is_current.is_(True))
    if filters.q:
        pattern = like_pattern(filters.q)
        stmt = stmt.where(
            or_(
                Product.code.ilike(pattern, escape="\\"),
                Product.name.ilike(pattern, escape="\\"),
                Product.description.ilike(pattern, escape="\\"),
                Product.criteria.ilike(pattern, escape="\\"),
                Product.target_group.ilike(pattern, escape="\\"),
            )
        )
    if filters.task_area:
        stmt = stmt.where(TaskArea.code == filters.task_area)
    if filters.variant:
        stmt = stmt.where(Product.variant == filters.variant)
    if filters.segment:
        stmt = stmt.where(Product.segment_id == filters.segment)
    if filters.status and not fixed_only(user):
        stmt = stmt.where(Product.status == filters.status)
    if filters.region:
        stmt = stmt.where(
            Product.region_id
            == select(Region.id).where(Region.short_code == filters.region).scalar_subquery()
        )
    return stmt


_TASK_AREA_OPTIONS = select(TaskArea.code, TaskArea.name).order_by(TaskArea.name)
# Every region, for the users who see them all (the list's region filter).
REGION_OPTIONS = select(Region.id, Region.short_code, Region.name).order_by(Region.name)


def task_area_names(user) -> dict[str, str]:
    """Task-area code -> name for the list filter (a code the user sees in several regions
    once, with the first name in name order)."""
    from procure.extensions import db

    stmt = kept(
        ("catalogue task areas", scope_key(user)),
        lambda: scoped(_TASK_AREA_OPTIONS, TaskArea, user),
    )
    rows = db.session.connection().execute(stmt)
    areas: dict[str, str] = {}
    for code, name in rows:
        areas.setdefault(code, name)
    return areas


def task_area_choices(user) -> list[TaskArea]:
    from procure.extensions import db

    return (
        db.session.execute(scoped(select(TaskArea), TaskArea, user).order_by(TaskArea.name))
        .scalars()
        .all()
    )


def segment_choices(region_id: int) -> list[Segment]:
    """The segments of one region (the product card form's select)."""
    from procure.extensions import db

    return (
        db.session.execute(
            select(Segment).where(Segment.region_id == region_id).order_by(Segment.code).limit(500)
        )
        .scalars()
        .all()
    )


def account_holder_choices(region_id: int) -> list:
    """The region's active staff, who may hold a segment's account (bounded: one region)."""
    from procure.auth.models import User
    from procure.catalogue.policy import ACCOUNT_HOLDER_ROLES
    from procure.extensions import db

    return (
        db.session.execute(
            select(User)
            .where(
                User.region_id == region_id,
                User.active.is_(True),
                User.role.in_(ACCOUNT_HOLDER_ROLES),
            )
            .order_by(User.name, User.id)
            .limit(1000)
        )
        .scalars()
        .all()
    )


def maatwerk_choices(region_id: int):
    """The active custom-care codes of a region, for the custom-contract form (contracts)."""
    from procure.catalogue.models import MaatwerkCode
    from procure.extensions import db

    return (
        db.session.execute(
            select(MaatwerkCode)
            .where(MaatwerkCode.region_id == region_id, MaatwerkCode.active.is_(True))
            .options(selectinload(MaatwerkCode.product))
            .order_by(MaatwerkCode.code)
        )
        .scalars()
        .all()
    )


CUSTOM_ORIGIN = "custom"  # a custom contract (contracts.models.ORIGINS)


@dataclass
class SegmentRow:
    """One segment with its figures: current cards, the providers and contracts in force
    that contract one of its products, and the custom contracts on its custom-care codes."""

    segment: Segment
    products: int = 0
    providers: int = 0
    contracts: int = 0
    custom_contracts: int = 0
    custom_value: Decimal = Decimal("0.00")


def segment_report(user) -> list[SegmentRow]:
    """Per segment the user sees (bounded: four grouped queries, whatever the count)."""
    from procure.catalogue.models import MaatwerkCode
    from procure.contracts.models import Contract, ContractedProduct
    from procure.contracts.policy import LIVE
    from procure.extensions import db

    segments = (
        db.session.execute(
            scoped(select(Segment), Segment, user)
            .options(joinedload(Segment.account_holder))
            .order_by(Segment.region_id, Segment.code)
        )
        .scalars()
        .all()
    )
    rows = {s.id: SegmentRow(s) for s in segments}
    if not rows:
        return []
    ids = list(rows)
    for segment_id, count in db.session.execute(
        select(Product.segment_id, func.count(Product.id))
        .where(Product.segment_id.in_(ids), Product.is_current.is_(True), Product.status != EXPIRED)
        .group_by(Product.segment_id)
    ):
        rows[segment_id].products = count
    for segment_id, contracts, providers in db.session.execute(
        select(
            Product.segment_id,
            func.count(func.distinct(Contract.id)),
            func.count(func.distinct(Contract.provider_id)),
        )
        .select_from(ContractedProduct)
        .join(Product, Product.id == ContractedProduct.product_id)
        .join(Contract, Contract.id == ContractedProduct.contract_id)
        .where(
            Product.segment_id.in_(ids),
            Contract.status.in_(LIVE),
            Contract.origin != CUSTOM_ORIGIN,
        )
        .group_by(Product.segment_id)
    ):
        rows[segment_id].contracts, rows[segment_id].providers = contracts, providers
    for segment_id, count, value in db.session.execute(
        select(Product.segment_id, func.count(Contract.id), func.sum(Contract.custom_total))
        .select_from(Contract)
        .join(MaatwerkCode, MaatwerkCode.id == Contract.maatwerk_code_id)
        .join(Product, Product.id == MaatwerkCode.product_id)
        .where(Product.segment_id.in_(ids), Contract.origin == CUSTOM_ORIGIN)
        .group_by(Product.segment_id)
    ):
        rows[segment_id].custom_contracts = count
        rows[segment_id].custom_value = to_money(value or 0)
    return list(rows.values())
