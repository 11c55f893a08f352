"""Who may report, read and act on missing care, and for which period."""

from flask_babel import lazy_gettext as _l

from procure.auth.roles import ADMIN, MUNICIPALITY, PROCUREMENT, REGION_STAFF
from procure.core.timeutil import today_local

# Who sees the missing-care menu: the region's staff (overview) and municipalities (reports).
READERS = (*REGION_STAFF, MUNICIPALITY)


def current_period(today=None) -> tuple[int, int]:
    today = today or today_local()
    return today.year, 1 if today.month <= 6 else 2


def previous_period(period: tuple[int, int]) -> tuple[int, int]:
    year, half = period
    return (year, 1) if half == 2 else (year - 1, 2)


def open_periods(today=None) -> list[tuple[int, int]]:
    """The survey runs twice a year: a municipality reports on the running half-year or,
    while the survey of the previous one is still being gathered, on that one."""
    now = current_period(today)
    return [now, previous_period(now)]


def entry_refusal(user, year: int, half: int, today=None):
    if not user.is_authenticated or user.role != MUNICIPALITY or user.municipality_id is None:
        return _l("Alleen gemeenten (de toegang) melden ontbrekend zorgaanbod.")
    if (year, half) not in open_periods(today):
        return _l("Meld ontbrekend aanbod voor het lopende of het vorige halfjaar.")
    return None


def can_enter(user) -> bool:
    return user.is_authenticated and user.role == MUNICIPALITY and user.municipality_id is not None


def can_withdraw(user, entry) -> bool:
    return (
        can_enter(user)
        and entry.municipality_id == user.municipality_id
        and entry.consultation_id is None
    )


def can_view_overview(user) -> bool:
    return user.is_authenticated and user.role in REGION_STAFF and user.region_id is not None


def can_link(user, region_id: int) -> bool:
    return (
        user.is_authenticated and user.role in (ADMIN, PROCUREMENT) and user.region_id == region_id
    )
