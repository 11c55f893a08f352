"""Read-only queries of the tenders for other domains."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, extract, or_, select
from sqlalchemy.orm import selectinload

from procure.auth.models import User
from procure.auth.permissions import scoped
from procure.catalogue.models import TaskArea
from procure.core.kept import kept, page_of, scope_key
from procure.core.listing import light_rows, like_pattern, order_by_key, sort_from
from procure.core.types import utcnow
from procure.extensions import db
from procure.organisations.models import Region
from procure.tenders.models import (
    PROCEDURE_LABELS,
    AwardCriterion,
    ConsultationQuestion,
    Decision,
    Lot,
    LotRule,
    Tender,
    lot_rule_lots,
    tender_task_areas,
)
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


# What the list page shows of a tender, with its region's code and its main task area (in
# this order: the page unpacks its rows).
LIST_COLUMNS = (
    Tender.id,
    Tender.reference,
    Tender.title,
    Tender.procedure,
    Tender.status,
    Tender.bid_deadline,
    Tender.task_area_id,
)


# The list's statements without the user's scope and filters, built once.
_ROWS = (
    select(
        *LIST_COLUMNS,
        Region.short_code.label("region_code"),
        TaskArea.name.label("task_area_name"),
    )
    .join(Region, Region.id == Tender.region_id)
    .outerjoin(TaskArea, TaskArea.id == Tender.task_area_id)
)
_IDS = select(Tender.id)
_IDS_WITH_REGION = _IDS.join(Region, Region.id == Tender.region_id)


def tender_rows_stmt(filters: dict, user):
    """tenders_stmt as plain rows of the list's columns (no tender hydrated), with
    `region_code` and `task_area_name` joined in."""
    return _filtered(_ROWS, filters, user)


def tender_count_stmt(filters: dict, user, now=None):
    """The ids of tender_rows_stmt, for its count."""
    return _filtered(_IDS_WITH_REGION if filters.get("region") else _IDS, filters, user, now)


_TASK_AREAS_OF = (
    select(tender_task_areas.c.tender_id, TaskArea.name)
    .join(TaskArea, TaskArea.id == tender_task_areas.c.task_area_id)
    .where(tender_task_areas.c.tender_id.in_(bindparam("tender_ids", expanding=True)))
    .order_by(TaskArea.name)
)


def task_area_names(tender_ids: list[int]) -> dict[int, str]:
    """tender id -> the names of the task areas it covers, in name order, comma-separated
    (one query for a page of tenders; a tender without any is not in it)."""
    if not tender_ids:
        return {}
    rows = db.session.connection().execute(_TASK_AREAS_OF, {"tender_ids": list(tender_ids)})
    names: dict[int, list[str]] = {}
    for tender_id, name in rows:
        names.setdefault(tender_id, []).append(name)
    return {tender_id: ", ".join(found) for tender_id, found in names.items()}


# The list's filter options (scoped() adds the user's scope).
REGION_OPTIONS = select(Region.short_code, Region.name).order_by(Region.name)
TASK_AREA_OPTIONS = select(TaskArea.code, TaskArea.name).distinct().order_by(TaskArea.name)


def filter_options(user) -> tuple[list, list]:
    """The list's region and task area options for `user`: (code, name) by name."""
    regions = kept(
        ("tender regions", scope_key(user)),
        lambda: scoped(REGION_OPTIONS, Region, user),
    )
    areas = kept(
        ("tender task areas", scope_key(user)),
        lambda: scoped(TASK_AREA_OPTIONS, TaskArea, user),
    )
    connection = db.session.connection()
    return connection.execute(regions).all(), connection.execute(areas).all()


_NOW = bindparam("now")


def list_sort(args) -> tuple[str, str]:
    """The tender list's ?sort= and ?dir=."""
    return sort_from(args, SORTS, DEFAULT_SORT)


def tender_list_page(filters: dict, user, sort: str, direction: str, page: int, per_page: int):
    """One page of tender_rows_stmt in the given order with the count of all its rows, from
    statements built once per scope, filters and order (the moment of "open for
    registration" bound when they run)."""
    key = (
        "tender list",
        scope_key(user),
        user.is_provider,
        tuple(sorted(filters.items())),
        sort,
        direction,
    )

    def build():
        rows = order_by_key(_filtered(_ROWS, filters, user, _NOW), SORTS, sort, direction)
        return rows, tender_count_stmt(filters, user, _NOW)

    moment = {"now": utcnow()} if filters.get("status") == "aanmelding" else None
    return page_of(key, build, page, per_page, moment)


def _filtered(stmt, filters: dict, user, now=None):
    """`stmt` (over tenders, joined to their region when filtered on it) narrowed to what
    `user` may see and `filters` ask for (open for registration at `now`, default: now)."""
    stmt = visible_tenders(scoped(stmt, Tender, user), user)
    status = filters.get("status")
    if status == "lopend":
        stmt = stmt.where(running_sas())
    elif status == "aanmelding":
        stmt = stmt.where(open_for_registration(utcnow() if now is None else now))
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


# -- the tender page -------------------------------------------------------------------------
# Its statements are built once; a page binds the tender's id. Rows are plain named tuples of
# the columns the page shows (no ORM objects hydrated for lots, criteria, decisions).
_TENDER_ID = bindparam("tender_id")

# The tender with its region's name and its main task area's name (scoped() adds the user's
# scope on each request).
PAGE_TENDER = (
    select(Tender, Region.name.label("region_name"), TaskArea.name.label("task_area_name"))
    .join(Region, Region.id == Tender.region_id)
    .outerjoin(TaskArea, TaskArea.id == Tender.task_area_id)
    .where(Tender.id == _TENDER_ID)
)
_LOTS = (
    select(Lot.id, Lot.number, Lot.name, Lot.max_partners, Lot.areas)
    .where(Lot.tender_id == _TENDER_ID)
    .order_by(Lot.number)
)
_CRITERIA = (
    select(AwardCriterion.id, AwardCriterion.name, AwardCriterion.weight, AwardCriterion.is_price)
    .where(AwardCriterion.tender_id == _TENDER_ID)
    .order_by(AwardCriterion.position)
)
# A rule's lots (a rule without lots comes with a lot number None).
_RULE_LOTS = (
    select(LotRule.id, Lot.number)
    .outerjoin(lot_rule_lots, lot_rule_lots.c.rule_id == LotRule.id)
    .outerjoin(Lot, Lot.id == lot_rule_lots.c.lot_id)
    .where(LotRule.tender_id == _TENDER_ID)
    .order_by(LotRule.id, Lot.number)
)
_TASK_AREA_NAMES = (
    select(TaskArea.name)
    .join(tender_task_areas, tender_task_areas.c.task_area_id == TaskArea.id)
    .where(tender_task_areas.c.tender_id == _TENDER_ID)
    .order_by(TaskArea.name)
)
_QUESTIONS = (
    select(
        ConsultationQuestion.id,
        ConsultationQuestion.number,
        ConsultationQuestion.question,
        ConsultationQuestion.answer,
    )
    .where(ConsultationQuestion.tender_id == _TENDER_ID)
    .order_by(ConsultationQuestion.number)
)
_DECISIONS = (
    select(
        Decision.decided_at,
        Decision.phase,
        Decision.kind,
        Decision.motivation,
        Decision.decided_by_id,
        User.name.label("decided_by_name"),
    )
    .outerjoin(User, User.id == Decision.decided_by_id)
    .where(Decision.tender_id == _TENDER_ID)
    .order_by(Decision.id)
)


def _execute(stmt, tender_id: int):
    """`stmt` for the tender, on the session's connection: a read of plain columns needs
    none of the ORM's work around a statement (no objects, nothing to flush on a page)."""
    return db.session.connection().execute(stmt, {"tender_id": tender_id})


def _rows(stmt, tender_id: int) -> list:
    return light_rows(_execute(stmt, tender_id).all())


def tender_lots(tender_id: int) -> list:
    """The tender's lots by number: id, number, name, max_partners, areas."""
    return _rows(_LOTS, tender_id)


def tender_criteria(tender_id: int) -> list:
    """The tender's award criteria in their order: id, name, weight, is_price."""
    return _rows(_CRITERIA, tender_id)


def tender_rules(tender_id: int) -> list[list[int]]:
    """The lot numbers of each of the tender's lot rules, rules in their order."""
    rules: dict[int, list[int]] = {}
    for rule_id, number in _execute(_RULE_LOTS, tender_id):
        numbers = rules.setdefault(rule_id, [])
        if number is not None:
            numbers.append(number)
    return list(rules.values())


def tender_task_area_names(tender_id: int) -> list[str]:
    """The names of the task areas the tender covers, in name order."""
    return list(_execute(_TASK_AREA_NAMES, tender_id).scalars())


def tender_questions(tender_id: int) -> list:
    """The market-consultation questions by number: id, number, question, answer."""
    return _rows(_QUESTIONS, tender_id)


def tender_decisions(tender_id: int) -> list:
    """The tender's decisions in order, with the name of who decided (None: the system)."""
    return _rows(_DECISIONS, tender_id)
