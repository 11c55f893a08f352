"""Working days: Monday to Friday, excluding Dutch public holidays (the `holidays` package:
New Year's Day, Good Friday, Easter, King's Day, Liberation Day in lustrum years,
Ascension Day, Whit Monday, Christmas)."""

from datetime import date, timedelta
from functools import lru_cache

from flask import current_app

DEFAULT_TRIAGE_WORKING_DAYS = 5


@lru_cache(maxsize=64)
def _holidays(year: int) -> frozenset[date]:
    import holidays  # loaded at first use: its country tables take ~0.1 s to import

    return frozenset(holidays.country_holidays("NL", years=year).keys())


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _holidays(day.year)


def add_working_days(start: date, days: int) -> date:
    """The date `days` working days after `start` (start itself does not count)."""
    if days < 0:
        raise ValueError("days must be >= 0")
    current = start
    remaining = days
    while remaining:
        current += timedelta(days=1)
        if is_working_day(current):
            remaining -= 1
    return current


def triage_working_days() -> int:
    value = current_app.config.get("SUPERVISION_TRIAGE_WORKING_DAYS", DEFAULT_TRIAGE_WORKING_DAYS)
    return max(int(value), 0)


def triage_due(received_on: date) -> date:
    """Triage is due SUPERVISION_TRIAGE_WORKING_DAYS working days after receipt."""
    return add_working_days(received_on, triage_working_days())
