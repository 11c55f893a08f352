"""Helpers for the deadline sources the domains register (see rules.py).

Each domain keeps its own sources in `procure/<domain>/reminders.py`; they run a bounded
number of queries with a range condition on an indexed column and name the recipients from
ownership and roles, never outside the record's scope. This module knows no domain: it
offers what every source needs (links, moments, role-based recipients, a per-sweep cache).
"""

from collections import defaultdict
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime, time

from flask import current_app
from sqlalchemy import select
from werkzeug.routing import BuildError

from procure.auth.models import User
from procure.core.timeutil import AMSTERDAM, local_deadline
from procure.extensions import db


def path_for(endpoint: str, **values) -> str:
    """A URL path for an endpoint, also outside a request (the scheduler); '' if unknown."""
    adapter = cached(
        ("url_adapter",), lambda: current_app.url_map.bind("localhost", script_name="/")
    )
    try:
        return adapter.build(endpoint, values)
    except BuildError:
        return ""


def users_by_role(roles: tuple[str, ...], region_ids=None, user=None) -> dict[int, list[int]]:
    """Active users with one of `roles`, grouped by region id (one query)."""
    stmt = select(User.id, User.region_id).where(
        User.role.in_(roles), User.active.is_(True), User.region_id.is_not(None)
    )
    if region_ids is not None:
        stmt = stmt.where(User.region_id.in_(list(region_ids)))
    if user is not None:
        stmt = stmt.where(User.id == user.id)
    grouped: dict[int, list[int]] = defaultdict(list)
    for uid, region_id in db.session.execute(stmt.order_by(User.id)):
        grouped[region_id].append(uid)
    return grouped


def users_by(column, role: str, user=None) -> dict[int, list[int]]:
    """Active users of `role` grouped by one of their columns (a provider's or a
    municipality's own users), in one query."""
    stmt = select(User.id, column).where(User.role == role, User.active.is_(True))
    if user is not None:
        stmt = stmt.where(User.id == user.id)
    grouped: dict[int, list[int]] = defaultdict(list)
    for uid, key in db.session.execute(stmt):
        grouped[key].append(uid)
    return grouped


def day_moment(day: date, at: time = time(9, 0)) -> datetime:
    """A calendar date as a moment: `at` o'clock in Amsterdam."""
    return local_deadline(day, at)


def in_window(moment: datetime, start: datetime, end: datetime) -> bool:
    return start <= moment < end


def window_days(start: datetime, end: datetime) -> tuple[date, date]:
    """Calendar days (Amsterdam) whose 09:00 moment may fall in [start, end)."""
    return start.astimezone(AMSTERDAM).date(), end.astimezone(AMSTERDAM).date()


def short_day(day: date) -> str:
    # Plain Dutch notation: reminder texts are composed outside any request (no locale).
    return day.strftime("%d-%m-%Y")


_cache: ContextVar[dict | None] = ContextVar("reminder_source_cache", default=None)


@contextmanager
def source_cache():
    """Within one sweep, sources that share a domain query reuse its result per window."""
    token = _cache.set({})
    try:
        yield
    finally:
        _cache.reset(token)


def cached(key, compute):
    store = _cache.get()
    if store is None:
        return compute()
    if key not in store:
        store[key] = compute()
    return store[key]


class Fallback:
    """Role-based recipients per region when a record has no owner (one query per role)."""

    def __init__(self, role: str, user=None):
        self.role, self.user, self._by_region = role, user, None

    def __call__(self, region_id) -> tuple[int, ...]:
        if self._by_region is None:
            self._by_region = users_by_role((self.role,), user=self.user)
        return tuple(self._by_region.get(region_id, ()))


def owner_or(owner_id, fallback: Fallback, region_id) -> tuple[int, ...]:
    return (owner_id,) if owner_id else fallback(region_id)
