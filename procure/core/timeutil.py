"""Dates and deadlines in the region's timezone (Europe/Amsterdam)."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def now_local() -> datetime:
    return datetime.now(AMSTERDAM)


def local_deadline(day: date, at: time = time(12, 0)) -> datetime:
    """A deadline on a calendar day at a wall-clock time in Amsterdam (DST handled by zoneinfo)."""
    return datetime.combine(day, at, tzinfo=AMSTERDAM)


def end_of_day(day: date) -> datetime:
    """24:00 on `day` in Amsterdam, i.e. the first instant of the next day."""
    return datetime.combine(day + timedelta(days=1), time(0, 0), tzinfo=AMSTERDAM)


def to_local(moment: datetime | None) -> datetime | None:
    return moment.astimezone(AMSTERDAM) if moment else None


def today_local() -> date:
    return now_local().date()


def period_end(moment: datetime) -> tuple[date, str]:
    """The last day and wall-clock time of a period ending at `moment`: a period that ends
    at midnight ends at 24:00 of the previous day (as a standstill does)."""
    local = to_local(moment)
    if (local.hour, local.minute, local.second) == (0, 0, 0):
        return (local - timedelta(days=1)).date(), "24:00"
    return local.date(), f"{local:%H:%M}"
