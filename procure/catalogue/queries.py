"""Read-side helpers shared by the pages, the exports and the API: who sees which cards,
and the list query with search, filters and sorting (bounded queries, no N+1)."""

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, or_, select
from sqlalchemy.orm import contains_eager, selectinload

from procure.auth.permissions import scoped
from procure.catalogue.models import PRODUCT_STATUSES, VARIANTS, Product, TaskArea
from procure.catalogue.policy import FIXED, fixed_only
from procure.core.errors import ValidationFailed
from procure.core.listing import like_pattern
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


def product_query(filters: Filters, user, *, with_tariffs: bool = True) -> Select:
    stmt = (
        select(Product)
        .outerjoin(TaskArea, Product.task_area_id == TaskArea.id)
        .options(contains_eager(Product.task_area))
    )
    if with_tariffs:
        stmt = stmt.options(selectinload(Product.tariffs))
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
    if filters.status and not fixed_only(user):
        stmt = stmt.where(Product.status == filters.status)
    if filters.region:
        stmt = stmt.where(
            Product.region_id
            == select(Region.id).where(Region.short_code == filters.region).scalar_subquery()
        )
    return stmt


def year_tariffs(product_ids: list[int], year: int) -> dict:
    """The tariff of `year` of each product on a list page (one query, only that year)."""
    from procure.catalogue.models import Tariff
    from procure.extensions import db

    if not product_ids:
        return {}
    rows = db.session.execute(
        select(Tariff).where(Tariff.product_id.in_(product_ids), Tariff.year == year)
    ).scalars()
    return {t.product_id: t for t in rows}


def task_area_choices(user) -> list[TaskArea]:
    from procure.extensions import db

    return (
        db.session.execute(scoped(select(TaskArea), TaskArea, user).order_by(TaskArea.name))
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
