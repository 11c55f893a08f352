"""Statements limited to a user's scope, built once per scope and kept.

SQLAlchemy finds a new statement's compiled form by walking its whole tree (the cache
key), which on a list page costs several times what running the query costs. A statement
built once, with bind parameters for what varies per request (an id, a filter's value, the
page), is walked once. What a scope condition puts into a statement depends on the user's
scope only, so such a statement is kept per scope_key.
"""

from collections.abc import Callable
from typing import Any

from flask_login import current_user
from sqlalchemy import Integer, bindparam, func, select

from procure.core.listing import Page, keys_only, list_cap
from procure.extensions import db


class Store:
    """Values built once per key, cleared when full: a bound in case a key varies with the
    data (a contract's choices, a search text) instead of with the code."""

    def __init__(self, limit: int):
        self.limit, self._values = limit, {}

    def get(self, key, build: Callable[[], Any]) -> Any:
        found = self._values.get(key)
        if found is None:
            if len(self._values) >= self.limit:
                self._values.clear()
            found = self._values[key] = build()
        return found


_statements = Store(1_000)  # statements per shape and scope


def scope_key(user=None) -> tuple:
    """Every attribute of the user that permissions.scope_condition and the domains'
    visible_* functions read: two users with the same key see the same rows."""
    user = user if user is not None else current_user
    return (
        user.is_authenticated,
        getattr(user, "role", None),
        getattr(user, "region_id", None),
        getattr(user, "municipality_id", None),
        getattr(user, "provider_id", None),
    )


def kept(key: tuple, build: Callable[[], Any]) -> Any:
    """`build()` once per `key`, which must hold everything the result depends on: the
    scope_key of the user it was limited for and the shape of the statement (which
    filters, which order), never a value that varies (those are bind parameters)."""
    return _statements.get(key, build)


def read(stmt, params: dict | None = None):
    """The result of a statement of columns, run on the session's connection after what
    is pending has been flushed (as the session's own execute would): the same rows
    without the ORM's loading machinery, about half the cost of a small query."""
    session = db.session()
    session.flush()  # a no-op when nothing is pending
    return session.connection().execute(stmt, params or {})


def page_statements(rows, counted) -> tuple:
    """(rows a page at a time, their number) for kept statements: `rows` with LIMIT and
    OFFSET as the parameters page_limit and page_offset, and the count of `counted` (the
    same selection without what only the shown rows need) up to the parameter
    count_limit, as listing.paginate counts for a list page."""
    counting = keys_only(counted.order_by(None)).limit(bindparam("count_limit", type_=Integer))
    return (
        rows.limit(bindparam("page_limit", type_=Integer)).offset(
            bindparam("page_offset", type_=Integer)
        ),
        select(func.count()).select_from(counting.subquery()),
    )


def kept_page(statements: tuple, params: dict, page: int, per_page: int, *, rows=list) -> Page:
    """Run page_statements with `params`: two queries whatever the size, counted no further
    than list_cap() as listing.paginate does for a list page; `rows` turns the fetched rows
    into the page's items."""
    rows_stmt, count_stmt = statements
    cap = list_cap()
    total = db.session.execute(count_stmt, {**params, "count_limit": cap + 1}).scalar_one()
    capped = total > cap
    window = {
        **params,
        "page_limit": per_page + 1 if capped else per_page,
        "page_offset": (page - 1) * per_page,
    }
    items = rows(db.session.execute(rows_stmt, window).all())
    return Page(
        items=items[:per_page],
        page=page,
        per_page=per_page,
        total=cap if capped else total,
        capped=capped,
        more=len(items) > per_page,
    )


def page_of(key: tuple, build: Callable[[], tuple], page: int, per_page: int, params=None) -> Page:
    """One page of a list and its count from the statements `build()` makes once per `key`:
    (the ordered rows, the selection to count); the values that vary are `params`."""
    statements = kept(key, lambda: page_statements(*build()))
    return kept_page(statements, params or {}, page, per_page)
