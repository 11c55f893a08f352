"""The work queue (werkvoorraad): open signals, oldest first, per supervisor or for the team.

A fixed number of queries whatever the size: one count, one page of the columns the list
shows (provider and assignee names joined in), and, when the page has signals at the
measures step, one for their open measures (their due date is the earliest).
"""

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import and_, bindparam, exists, or_, select

from procure.auth.models import User
from procure.core.kept import kept, kept_page, page_statements, scope_key
from procure.core.listing import Page, like_pattern, order_by_key
from procure.extensions import db
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
    SignalFacts,
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


class _Binds:
    """The filters' bind parameters: with their values in the statement (built per
    request), or named only with the values kept in `params` (a statement built once per
    `shape`, the names of the filters given)."""

    def __init__(self, with_values: bool):
        self.with_values = with_values
        self.shape: list[str] = []
        self.params: dict = {}

    def __call__(self, name: str, value=None):
        self.shape.append(name)
        if self.with_values:
            return bindparam(name, value)
        self.params[name] = value
        return bindparam(name)


def _conditions(user, filters: QueueFilters, today: date, bind: _Binds) -> list:
    conditions = []
    if filters.view == "mine":
        conditions.append(Signal.assigned_to_id == bind("q_user", user.id))
    if filters.state:
        conditions.append(Signal.state == bind("q_state", filters.state))
    if filters.category:
        conditions.append(Signal.category == bind("q_category", filters.category))
    if filters.urgency:
        conditions.append(Signal.urgency == bind("q_urgency", filters.urgency))
    if filters.provider_id:
        conditions.append(Signal.provider_id == bind("q_provider", filters.provider_id))
    if filters.provider_q:
        pattern = bind("q_provider_q", like_pattern(filters.provider_q))
        conditions.append(
            Signal.provider_id.in_(
                select(Provider.id).where(Provider.name.ilike(pattern, escape="\\"))
            )
        )
    if filters.overdue:
        conditions.append(overdue_condition(bind("q_today", today)))
    if filters.assignee == "none":
        bind.shape.append("unassigned")
        conditions.append(Signal.assigned_to_id.is_(None))
    elif filters.assignee:
        conditions.append(Signal.assigned_to_id == bind("q_assignee", int(filters.assignee)))
    return conditions


def filtered(stmt, user, filters: QueueFilters, today: date):
    """`stmt` over signals narrowed by the queue's filters (page and API alike)."""
    conditions = _conditions(user, filters, today, _Binds(with_values=True))
    return stmt.where(*conditions) if conditions else stmt


_assignee = User.__table__.alias("assignee")
_ROW_FIELDS = (
    "id reference received_on provider_name category urgency state assignee_name "
    "triage_due_on investigation_due_on follow_up_on"
)
_ROW_NAMES = tuple(_ROW_FIELDS.split())
_ROW_COLUMNS = (
    *(getattr(Signal, name) for name in _ROW_NAMES[:3]),
    Provider.name.label("provider_name"),
    Signal.category,
    Signal.urgency,
    Signal.state,
    _assignee.c.name.label("assignee_name"),
    Signal.triage_due_on,
    Signal.investigation_due_on,
    Signal.follow_up_on,
)


class QueueRow(SignalFacts):
    """A signal as the work queue shows it: the columns of the list, with the model's labels
    and due date (SignalFacts) worked out once: `due` and `overdue` (on `today`). `measures`
    are the open measures of a signal at the measures step (empty otherwise)."""

    def __init__(self, row, measures, today: date):
        self.__dict__.update(zip(_ROW_NAMES, row, strict=True))
        self.measures = measures
        self.due = self.due_on()
        self.overdue = self.is_overdue(today)


_ROWS = (
    select(*_ROW_COLUMNS)
    .join(Provider, Provider.id == Signal.provider_id)
    .outerjoin(_assignee, _assignee.c.id == Signal.assigned_to_id)
)


def queue_statements(user, filters: QueueFilters, today: date) -> tuple:
    """((rows, count), parameters): the open signals `user` may see as the list shows them,
    by date received (oldest first unless the filters ask for newest), then in the order of
    logging, a page at a time (core.kept.page_statements), and their number. Built once per
    scope, filters given and direction; the filters' values are parameters."""
    bind = _Binds(with_values=False)
    conditions = _conditions(user, filters, today, bind)

    def build():
        rows = visible_signals(_ROWS, user).where(Signal.state.in_(OPEN_STATES)).where(*conditions)
        rows = order_by_key(rows, SORTS, DEFAULT_SORT, filters.direction)
        counted = visible_signals(select(Signal.id), user).where(Signal.state.in_(OPEN_STATES))
        return page_statements(rows, counted.where(*conditions))

    key = ("work_queue", filters.direction, *bind.shape, "|", *scope_key(user))
    return kept(key, build), bind.params


def work_queue(user, filters: QueueFilters, today: date, page: int, per_page: int) -> Page:
    statements, params = queue_statements(user, filters, today)
    found = kept_page(statements, params, page, per_page)
    at_measures = [row.id for row in found.items if row.state == MEASURES]
    open_measures: dict[int, list] = {}
    if at_measures:
        for measure in db.session.execute(
            select(Measure.signal_id, Measure.status, Measure.due_on).where(
                Measure.signal_id.in_(at_measures), Measure.status == MEASURE_OPEN
            )
        ):
            open_measures.setdefault(measure.signal_id, []).append(measure)
    found.items = [QueueRow(row, open_measures.get(row.id, ()), today) for row in found.items]
    return found
