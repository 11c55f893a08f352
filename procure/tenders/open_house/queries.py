"""Read-side queries of open houses shared by the pages and the API."""

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from procure.auth.permissions import scoped
from procure.catalogue.models import Product
from procure.core.kept import page_of, scope_key
from procure.core.listing import like_pattern, order_by_key
from procure.extensions import db
from procure.organisations.models import Municipality, Provider
from procure.tenders.models import Tender
from procure.tenders.open_house.models import (
    Application,
    ApplicationCategory,
    Category,
    EntryMoment,
    Requirement,
)
from procure.tenders.open_house.policy import APPLICATION
from procure.tenders.policy import OPEN_HOUSE, visible_tenders

PROCEDURE = "open_house"
OPEN_HOUSE_SORTS = {
    "reference": Tender.reference,
    "title": Tender.title,
    "start": Tender.contract_start,
}
OPEN_HOUSE_DEFAULT_SORT = "reference"
OPEN_HOUSE_STATUSES = tuple(OPEN_HOUSE.transitions)

APPLICATION_SORTS = {
    "submitted": Application.submitted_at,
    "reference": Application.reference,
    "provider": Provider.name,
    "status": Application.status,
    "moment": EntryMoment.entry_date,
}
APPLICATION_DEFAULT_SORT = "submitted"


def requirements(tender) -> list[Requirement]:
    """The open house's requirements in their order (by number)."""
    return list(
        db.session.execute(
            select(Requirement)
            .where(Requirement.tender_id == tender.id)
            .order_by(Requirement.number)
        ).scalars()
    )


def open_houses_stmt(q: str, status: str, user):
    """The open houses `user` may see (providers: published ones), searched in title and
    reference, in `status` when it is one an open house has."""
    return _open_houses(select(Tender), q, status, user).options(joinedload(Tender.region))


# What the list page shows of an open house.
LIST_COLUMNS = (Tender.id, Tender.reference, Tender.title, Tender.contract_start, Tender.status)


def open_house_rows_stmt(q: str, status: str, user):
    """open_houses_stmt as plain rows of the list page's columns (nothing hydrated)."""
    return _open_houses(select(*LIST_COLUMNS), q, status, user)


def open_house_list_page(q: str, status: str, user, sort: str, direction: str, page, per_page):
    """One page of open_house_rows_stmt in the given order with the count of all its rows,
    from statements built once per scope, search and order."""
    q = (q or "").strip()
    status = status if status in OPEN_HOUSE_STATUSES else ""
    key = ("open house list", scope_key(user), user.is_provider, q, status, sort, direction)

    def build():
        rows = open_house_rows_stmt(q, status, user)
        return order_by_key(rows, OPEN_HOUSE_SORTS, sort, direction), rows

    return page_of(key, build, page, per_page)


def _open_houses(stmt, q: str, status: str, user):
    stmt = scoped(stmt.where(Tender.procedure == PROCEDURE), Tender, user)
    stmt = visible_tenders(stmt, user)
    q = (q or "").strip()
    if q:
        pattern = like_pattern(q)
        stmt = stmt.where(
            Tender.title.ilike(pattern, escape="\\") | Tender.reference.ilike(pattern, escape="\\")
        )
    if status in OPEN_HOUSE_STATUSES:
        stmt = stmt.where(Tender.status == status)
    return stmt


def application_filters(args) -> dict:
    """The application list's filters from the query string (unknown values dropped)."""
    status = args.get("status") or ""

    def _id(name):
        try:
            return max(int(args.get(name) or 0), 0)
        except (TypeError, ValueError):
            return 0

    return {
        "q": (args.get("q") or "").strip(),
        "status": status if status in APPLICATION.transitions else "",
        "moment_id": _id("moment"),
        "category_id": _id("category"),
    }


def applications_stmt(tender, filters: dict, user=None):
    """The applications of `tender` (None: of every open house) that `user` may see,
    matching `filters`, with what a list row shows loaded."""
    stmt = scoped(select(Application), Application, user)
    if tender is not None:
        stmt = stmt.where(Application.tender_id == tender.id)
    stmt = stmt.join(Provider, Provider.id == Application.provider_id).outerjoin(
        EntryMoment, EntryMoment.id == Application.entry_moment_id
    )
    if filters.get("q"):
        pattern = like_pattern(filters["q"])
        stmt = stmt.where(
            Provider.name.ilike(pattern, escape="\\")
            | Application.reference.ilike(pattern, escape="\\")
        )
    if filters.get("status"):
        stmt = stmt.where(Application.status == filters["status"])
    if filters.get("moment_id"):
        stmt = stmt.where(Application.entry_moment_id == filters["moment_id"])
    if filters.get("category_id"):
        stmt = stmt.where(
            Application.id.in_(
                select(ApplicationCategory.application_id).where(
                    ApplicationCategory.category_id == filters["category_id"]
                )
            )
        )
    return stmt.options(
        joinedload(Application.provider),
        joinedload(Application.entry_moment),
        selectinload(Application.categories).joinedload(ApplicationCategory.category),
    )


def categories(tender, *, with_products: bool = False) -> list[Category]:
    """The open house's categories by code (with their products and tariffs, for its page)."""
    stmt = select(Category).where(Category.tender_id == tender.id).order_by(Category.code)
    if with_products:
        stmt = stmt.options(selectinload(Category.products).selectinload(Product.tariffs))
    return list(db.session.execute(stmt).scalars())


def region_municipalities(tender) -> list[Municipality]:
    """The municipalities of the open house's region, by name."""
    stmt = select(Municipality).where(Municipality.region_id == tender.region_id)
    return list(db.session.execute(stmt.order_by(Municipality.name)).scalars())
