"""Read-only queries of the tenders for other domains."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import extract, or_, select
from sqlalchemy.orm import selectinload

from procure.auth.permissions import scoped
from procure.catalogue.models import TaskArea
from procure.core.listing import like_pattern
from procure.core.types import utcnow
from procure.extensions import db
from procure.organisations.models import Region
from procure.tenders.models import PROCEDURE_LABELS, Tender, tender_task_areas
from procure.tenders.policy import STATUS_LABELS, visible_tenders

# Named selections of the list filter (?status=...) that dashboard cards count and link to,
# so that a card's number and the list behind it come from the same condition.
SAS_PROCEDURES = ("sas_dialogue", "sas_open")
PHASE_FILTERS = {
    "lopend": _l("Lopende SAS-aanbestedingen"),
    "aanmelding": _l("SAS open voor aanmelding"),
}
# The tender list's status filter: the named selections, the phases, and "closed" of an
# open house.
LIST_STATUSES = {**PHASE_FILTERS, **STATUS_LABELS, "closed": _l("Gesloten (open house)")}
SORTS = {
    "reference": Tender.reference,
    "title": Tender.title,
    "status": Tender.status,
    "bid_deadline": Tender.bid_deadline,
    "created": Tender.created_at,
}
DEFAULT_SORT = "created"


def tender_filters(args) -> dict:
    """The list's filters from the query string; a status or procedure no list knows is
    dropped (the page shows every tender then, and says so: `unknown_status`)."""
    status = args.get("status") or ""
    procedure = args.get("procedure") or ""
    return {
        "status": status if status in LIST_STATUSES else "",
        "unknown_status": bool(status) and status not in LIST_STATUSES,
        "procedure": procedure if procedure in PROCEDURE_LABELS else "",
        "region": (args.get("region") or "").strip(),
        "task_area": (args.get("task_area") or "").strip(),
        "q": (args.get("q") or "").strip(),
    }


def tenders_stmt(filters: dict, user):
    """The tenders `user` may see (providers: published ones) matching `filters`."""
    stmt = select(Tender).options(
        selectinload(Tender.region), selectinload(Tender.task_area), selectinload(Tender.task_areas)
    )
    if filters.get("region"):
        stmt = stmt.join(Region, Region.id == Tender.region_id)
    return _filtered(stmt, filters, user)


# What the list page shows of a tender, with its region's code and its main task area.
LIST_COLUMNS = (
    Tender.id,
    Tender.reference,
    Tender.title,
    Tender.procedure,
    Tender.status,
    Tender.bid_deadline,
    Tender.task_area_id,
)


def tender_rows_stmt(filters: dict, user):
    """tenders_stmt as plain rows of the list's columns (no tender hydrated), with
    `region_code` and `task_area_name` joined in."""
    stmt = (
        select(
            *LIST_COLUMNS,
            Region.short_code.label("region_code"),
            TaskArea.name.label("task_area_name"),
        )
        .join(Region, Region.id == Tender.region_id)
        .outerjoin(TaskArea, TaskArea.id == Tender.task_area_id)
    )
    return _filtered(stmt, filters, user)


def tender_count_stmt(filters: dict, user):
    """The ids of tender_rows_stmt, for its count."""
    stmt = select(Tender.id)
    if filters.get("region"):
        stmt = stmt.join(Region, Region.id == Tender.region_id)
    return _filtered(stmt, filters, user)


def task_area_names(tender_ids: list[int]) -> dict[int, str]:
    """tender id -> the names of the task areas it covers, in name order, comma-separated
    (one query for a page of tenders; a tender without any is not in it)."""
    if not tender_ids:
        return {}
    rows = db.session.execute(
        select(tender_task_areas.c.tender_id, TaskArea.name)
        .join(TaskArea, TaskArea.id == tender_task_areas.c.task_area_id)
        .where(tender_task_areas.c.tender_id.in_(tender_ids))
        .order_by(TaskArea.name)
    )
    names: dict[int, list[str]] = {}
    for tender_id, name in rows:
        names.setdefault(tender_id, []).append(name)
    return {tender_id: ", ".join(found) for tender_id, found in names.items()}


def _filtered(stmt, filters: dict, user):
    """`stmt` (over tenders, joined to their region when filtered on it) narrowed to what
    `user` may see and `filters` ask for."""
    stmt = visible_tenders(scoped(stmt, Tender, user), user)
    status = filters.get("status")
    if status == "lopend":
        stmt = stmt.where(running_sas())
    elif status == "aanmelding":
        stmt = stmt.where(open_for_registration(utcnow()))
    elif status:
        stmt = stmt.where(Tender.status == status)
    if filters.get("procedure"):
        stmt = stmt.where(Tender.procedure == filters["procedure"])
    if filters.get("region"):
        stmt = stmt.where(Region.short_code == filters["region"])
    if task_area := filters.get("task_area"):
        stmt = stmt.where(
            Tender.task_areas.any(TaskArea.code == task_area)
            | Tender.task_area.has(TaskArea.code == task_area)
        )
    if filters.get("q"):
        pattern = like_pattern(filters["q"])
        stmt = stmt.where(
            Tender.title.ilike(pattern, escape="\\") | Tender.reference.ilike(pattern, escape="\\")
        )
    return stmt


def tenders_of_year(user, year: int) -> list[Tender]:
    """The region's tenders awarded in `year` (or, not awarded, created in it) that `user`
    may see: the tenders whose letters belong to that year."""
    awarded = extract("year", Tender.awarded_at)
    created = extract("year", Tender.created_at)
    stmt = (
        scoped(select(Tender), Tender, user)
        .where(Tender.region_id == user.region_id)
        .where(or_(awarded == year, (Tender.awarded_at.is_(None)) & (created == year)))
        .order_by(Tender.id)
    )
    return db.session.execute(stmt).scalars().all()


def running_sas():
    """SAS tenders published and not yet decided."""
    from procure.tenders import policy

    return Tender.procedure.in_(SAS_PROCEDURES) & Tender.status.in_(policy.RUNNING)


def open_for_registration(now):
    """SAS tenders a provider can still register for at `now`."""
    from procure.tenders import policy

    return (
        Tender.procedure.in_(SAS_PROCEDURES)
        & (Tender.status == policy.PUBLISHED)
        & (Tender.registration_deadline > now)
    )
