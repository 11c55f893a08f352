"""Statements a list page builds once and reuses (a candidate for procure.core.listing).

Building a SQLAlchemy statement and working out its cache key costs a few hundred
microseconds for a list's joins and filters; SQLAlchemy keeps the cache key on the statement
object, so a page that runs the same object again skips both. `built_once` keeps statements
per key; `scope_key` names the user's scope of a model (so that a statement with scoped()
in it is kept per scope, never shared with a user who sees other rows); `page_of` runs one
page of a list and its count from such statements, the page and its size bound when they
run."""

from sqlalchemy import bindparam, func, select

from procure.auth.permissions import scope_condition
from procure.core.listing import Page, _keys_only, list_cap
from procure.extensions import db

_built: dict = {}
_BUILT_LIMIT = 512


def built_once(key: tuple, build):
    """What `build()` makes (statements), built once per `key` and process. SQLAlchemy
    works a statement's cache key out once per statement object, so a page that reuses one
    saves that as well as the building: a few hundred microseconds for a list's
    statements. `key` must name everything the statements depend on."""
    found = _built.get(key)
    if found is None:
        if len(_built) >= _BUILT_LIMIT:
            _built.clear()
        found = _built[key] = build()
    return found


def scope_key(model, user) -> tuple:
    """What scoped(stmt, model, user) adds to a statement, as a key: the scope condition's
    SQL and its values. Users with the same key see the same rows of `model`."""
    condition = scope_condition(model, user)
    if condition is None:
        return (model.__name__, None)
    key = condition._generate_cache_key()
    return (model.__name__, key.key, tuple(p.effective_value for p in key.bindparams))


def sort_from(args, sorts: dict, default: str) -> tuple[str, str]:
    """A list's ?sort= (one of `sorts`) and ?dir= (asc/desc), as procure.core.listing's
    apply_sort reads them."""
    key = args.get("sort", default)
    direction = args.get("dir")
    return (
        key if key in sorts else default,
        direction if direction in ("asc", "desc") else "asc",
    )


def page_of(key: tuple, build, page: int, per_page: int, params: dict | None = None) -> Page:
    """One page of a list with its count (two queries, on the session's connection), from
    the statements `build()` makes once per `key`: (ordered rows, the selection to count).
    As procure.core.listing.paginate for a list page: the count reads no more than the
    list's cap + 1 keys, and past the cap one row more than the page says whether rows
    follow. The page, its size and the cap are bound when the statements run, with
    `params`."""

    def statements():
        rows, counted = build()
        counting = _keys_only(counted.order_by(None)).limit(bindparam("count_limit"))
        return (
            rows.limit(bindparam("limit")).offset(bindparam("offset")),
            select(func.count()).select_from(counting.subquery()),
        )

    rows, count = built_once(key, statements)
    params = params or {}
    cap = list_cap()
    connection = db.session.connection()
    total = connection.execute(count, {"count_limit": cap + 1, **params}).scalar_one()
    capped = total > cap
    fetch = per_page + 1 if capped else per_page
    items = connection.execute(
        rows, {"limit": fetch, "offset": (page - 1) * per_page, **params}
    ).all()
    return Page(
        items=items[:per_page],
        page=page,
        per_page=per_page,
        total=min(total, cap) if capped else total,
        capped=capped,
        more=len(items) > per_page,
    )
