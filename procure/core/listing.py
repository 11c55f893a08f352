"""Search, sorting and pagination for list pages and the API, shared by every domain."""

from collections import namedtuple
from dataclasses import dataclass
from functools import lru_cache

from flask import current_app, request
from sqlalchemy import Select, func, inspect, select

from procure.extensions import db

MAX_PAGE = 1_000_000  # keeps OFFSET inside the database's integer range


@dataclass
class Page:
    items: list
    page: int
    per_page: int
    total: int
    # The count stopped at its cap: `total` is a lower bound, and `more` says whether rows
    # follow this page (one row past the page was read to know).
    capped: bool = False
    more: bool = False

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.more if self.capped else self.page < self.pages

    @property
    def meta(self) -> dict:
        return self.as_meta()

    def as_meta(self) -> dict:
        return {
            "page": self.page,
            "per_page": self.per_page,
            "total": self.total,
            "pages": self.pages,
        }


def page_args(default_per_page: int | None = None, max_per_page: int | None = None):
    """page and per_page from the query string, clamped to sane bounds."""
    cfg = current_app.config
    default = default_per_page or cfg["LIST_PER_PAGE"]
    maximum = max_per_page or cfg["API_MAX_PER_PAGE"]
    page = request.args.get("page", 1, type=int) or 1
    per_page = request.args.get("per_page", default, type=int) or default
    return min(max(page, 1), MAX_PAGE), min(max(per_page, 1), maximum)


def list_cap() -> int:
    """How far a list page counts (LIST_COUNT_CAP)."""
    return current_app.config["LIST_COUNT_CAP"]


def paginate(
    stmt: Select,
    page: int,
    per_page: int,
    *,
    scalars: bool = True,
    counted: Select | None = None,
    cap: int | None = None,
) -> Page:
    """Two queries whatever the size: one count, one page of rows. `counted` is the same
    selection without what only the shown rows need (joins for display), when given. With
    a `cap` the count reads no more than cap + 1 rows (list pages: list_cap())."""
    counting = (counted if counted is not None else stmt).order_by(None)
    if cap is not None:
        counting = keys_only(counting).limit(cap + 1)
    total = db.session.execute(select(func.count()).select_from(counting.subquery())).scalar_one()
    capped = cap is not None and total > cap
    fetch = per_page + 1 if capped else per_page
    rows = db.session.execute(stmt.limit(fetch).offset((page - 1) * per_page))
    items = list(rows.scalars().unique() if scalars else rows.all())
    more = len(items) > per_page
    return Page(
        items=items[:per_page],
        page=page,
        per_page=per_page,
        total=min(total, cap) if capped else total,
        capped=capped,
        more=more,
    )


def keys_only(stmt: Select) -> Select:
    """`stmt` selecting only its first entity's primary key, with the same FROM, joins and
    conditions: a capped count (a LIMIT the database cannot fold into the count) then reads
    an index instead of whole rows. Grouped and distinct selections stay as they are."""
    entity = stmt.column_descriptions[0].get("entity")
    if entity is None or stmt._group_by_clauses or stmt._distinct:
        return stmt
    return stmt.with_only_columns(*inspect(entity).primary_key, maintain_column_froms=True)


def sort_from(args, allowed: dict, default: str, default_direction: str = "asc") -> tuple:
    """(key, direction): the whitelisted column named in ?sort= and asc/desc from ?dir=."""
    key = args.get("sort", default)
    direction = args.get("dir")
    return (
        key if key in allowed else default,
        direction if direction in ("asc", "desc") else default_direction,
    )


def apply_sort(stmt: Select, allowed: dict, default: str, default_direction: str = "asc"):
    """Order by a whitelisted column named in ?sort=, direction from ?dir= (asc/desc)."""
    key, direction = sort_from(request.args, allowed, default, default_direction)
    return order_by_key(stmt, allowed, key, direction), key, direction


def order_by_key(stmt: Select, allowed: dict, key: str, direction: str = "asc") -> Select:
    """`stmt` ordered by allowed[key], then by the listed entity's primary key in the same
    direction, so that equal values keep one order (the same on a page and in the API,
    and stable from one page to the next)."""
    entity = stmt.column_descriptions[0].get("entity")
    tiebreak = list(inspect(entity).primary_key) if entity is not None else []
    columns = [allowed[key], *tiebreak]
    return stmt.order_by(*(c.desc() if direction == "desc" else c.asc() for c in columns))


def like_pattern(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


@lru_cache(maxsize=32)
def _row_type(fields: tuple[str, ...]):
    return namedtuple("ListRow", fields)


def light_rows(rows) -> list:
    """`rows` (of one select) as named tuples with the same fields: a template reads a
    field of a named tuple about twenty times faster than one of a Row, and a list page
    reads a dozen per row."""
    if not rows:
        return []
    make = _row_type(tuple(rows[0]._fields))._make
    return [make(row) for row in rows]
