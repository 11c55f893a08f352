"""The work queue (werkvoorraad): open signals, oldest first, per supervisor or for the team.

A fixed number of queries whatever the size: one count, one page of signals with provider,
contract and assignee joined in, and one for the measures of that page.
"""

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import and_, exists, or_, select
from sqlalchemy.orm import joinedload, selectinload

from procure.core.listing import Page, like_pattern, order_by_key, paginate
from procure.organisations.models import Provider
from procure.supervision.models import (
    CATEGORIES,
    FOLLOW_UP_STATES,
    INVESTIGATING,
    MEASURE_OPEN,
    MEASURES,
    OPEN_STATES,
    RECEIVED,
    URGENCIES,
    Measure,
    Signal,
)
from procure.supervision.policy import visible_signals


def overdue_condition(today: date):
    """SQL: the current step of an open signal is past its due date."""
    return or_(
        and_(Signal.state == RECEIVED, Signal.triage_due_on < today),
        and_(Signal.state == INVESTIGATING, Signal.investigation_due_on < today),
        and_(Signal.state.in_(FOLLOW_UP_STATES), Signal.follow_up_on < today),
        and_(
            Signal.state == MEASURES,
            exists(
                select(Measure.id).where(
                    Measure.signal_id == Signal.id,
                    Measure.status == MEASURE_OPEN,
                    Measure.due_on < today,
                )
            ),
        ),
    )


@dataclass
class QueueFilters:
    view: str = "team"  # "team" or "mine"
    state: str = ""
    category: str = ""
    urgency: str = ""
    provider_id: int | None = None
    provider_q: str = ""  # part of the provider's name
    overdue: bool = False
    assignee: str = ""  # "", "none" (unassigned) or a user id
    direction: str = "asc"  # by date received: oldest first, or newest ("desc")
    errors: list = field(default_factory=list)

    @classmethod
    def from_args(cls, args) -> "QueueFilters":
        f = cls()
        f.view = "mine" if args.get("view") == "mine" else "team"
        f.state = args.get("state", "") if args.get("state", "") in OPEN_STATES else ""
        f.category = args.get("category", "") if args.get("category", "") in CATEGORIES else ""
        f.urgency = args.get("urgency", "") if args.get("urgency", "") in URGENCIES else ""
        f.provider_id = args.get("provider", type=int) or None
        f.provider_q = (args.get("provider_q") or "").strip()[:100]
        f.overdue = args.get("overdue") in ("1", "on", "true")
        assignee = args.get("assignee", "")
        f.assignee = assignee if assignee == "none" or assignee.isdigit() else ""
        f.direction = "desc" if args.get("dir") == "desc" else "asc"
        return f


# The work queue's sort keys (the page shows oldest first; the API may ask for newest).
SORTS = {"received": Signal.received_on}
DEFAULT_SORT = "received"


def filtered(stmt, user, filters: QueueFilters, today: date):
    """`stmt` over signals narrowed by the queue's filters (page and API alike)."""
    if filters.view == "mine":
        stmt = stmt.where(Signal.assigned_to_id == user.id)
    if filters.state:
        stmt = stmt.where(Signal.state == filters.state)
    if filters.category:
        stmt = stmt.where(Signal.category == filters.category)
    if filters.urgency:
        stmt = stmt.where(Signal.urgency == filters.urgency)
    if filters.provider_id:
        stmt = stmt.where(Signal.provider_id == filters.provider_id)
    if filters.provider_q:
        pattern = like_pattern(filters.provider_q)
        stmt = stmt.where(
            Signal.provider_id.in_(
                select(Provider.id).where(Provider.name.ilike(pattern, escape="\\"))
            )
        )
    if filters.overdue:
        stmt = stmt.where(overdue_condition(today))
    if filters.assignee == "none":
        stmt = stmt.where(Signal.assigned_to_id.is_(None))
    elif filters.assignee:
        stmt = stmt.where(Signal.assigned_to_id == int(filters.assignee))
    return stmt


def queue_statement(user, filters: QueueFilters, today: date):
    """The open signals `user` may see, by date received (oldest first unless the filters
    ask for newest), then in the order of logging."""
    stmt = visible_signals(select(Signal), user).where(Signal.state.in_(OPEN_STATES))
    stmt = filtered(stmt, user, filters, today)
    return order_by_key(stmt, SORTS, DEFAULT_SORT, filters.direction)


def work_queue(user, filters: QueueFilters, today: date, page: int, per_page: int) -> Page:
    stmt = queue_statement(user, filters, today).options(
        joinedload(Signal.provider),
        joinedload(Signal.assigned_to),
        selectinload(Signal.measures),
    )
    return paginate(stmt, page, per_page)
