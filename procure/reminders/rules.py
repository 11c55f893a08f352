"""The registry of reminder rules.

A rule watches one kind of deadline. Its source is a function
``source(start, end, user=None) -> iterable of Deadline`` returning the deadlines whose due
moment lies in [start, end) (aware datetimes), with an indexed range query on the column
that holds (or determines) the moment. With ``user`` given, a source may narrow its query
to that user's records (the iCalendar feed); the registry filters recipients anyway.

Each rule has default offsets ("9m,6m,3m": months, weeks, days in Amsterdam wall-clock
time, or hours of real time); a region can override them with a ReminderRule row.

Each domain registers the sources of its own deadlines in `procure/<domain>/reminders.py`
(imported by the domain's init_app, like the page panels); this registry only runs them.
"""

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from dateutil.relativedelta import relativedelta

from procure.core.timeutil import AMSTERDAM

OFFSET_RE = re.compile(r"^(\d{1,3})([mwdh])$")
# Plain Dutch: also used in e-mail texts, composed outside any request (no locale).
OFFSET_UNITS = {
    "m": ("maand", "maanden"),
    "w": ("week", "weken"),
    "d": ("dag", "dagen"),
    "h": ("uur", "uur"),
}


@dataclass(frozen=True)
class Deadline:
    """One deadline of one record, as a source reports it."""

    subject_type: str  # e.g. "contract", "tender", "signal", "region"
    subject_id: int
    due_at: datetime  # aware
    region_id: int | None
    recipients: tuple[int, ...]  # user ids (sources may pass User objects; normalised)
    title: str  # Dutch, shown in the bell, the e-mail and the calendar
    url: str = ""  # path inside the app, e.g. /contracten/12
    municipality_id: int | None = None  # set for records owned by one municipality
    provider_id: int | None = None  # set for deadlines a provider must meet itself
    description: str = ""

    def __post_init__(self):
        if self.due_at.tzinfo is None:
            raise ValueError("Deadline.due_at moet een tijdzone hebben.")
        ids = tuple(sorted({getattr(r, "id", r) for r in self.recipients if r is not None}))
        object.__setattr__(self, "recipients", ids)


@dataclass(frozen=True)
class Rule:
    key: str
    label: str  # Dutch
    default_offsets: tuple[str, ...]
    source: Callable[..., Iterable[Deadline]]
    description: str = ""


_registry: dict[str, Rule] = {}


def register(key: str, label, offsets: str | Iterable[str], description: str = ""):
    """Decorator registering a source function as a rule."""
    parsed = parse_offsets(offsets)

    def decorator(fn):
        _registry[key] = Rule(
            key=key, label=label, default_offsets=parsed, source=fn, description=description
        )
        return fn

    return decorator


def unregister(key: str) -> None:
    _registry.pop(key, None)


def all_rules() -> list[Rule]:
    return list(_registry.values())


def get_rule(key: str) -> Rule | None:
    return _registry.get(key)


# -- offsets ---------------------------------------------------------------------------------


def parse_offsets(value: str | Iterable[str]) -> tuple[str, ...]:
    """'9m, 6m,3m' -> ('9m', '6m', '3m'); '0' means at the deadline itself. Raises ValueError."""
    items = value.split(",") if isinstance(value, str) else list(value)
    result = []
    for raw in items:
        text = raw.strip().lower()
        if not text:
            continue
        if text in {"0", "0d", "0h"}:
            text = "0"
        elif not OFFSET_RE.match(text):
            raise ValueError(raw.strip())
        if text not in result:
            result.append(text)
    return tuple(sorted(result, key=_offset_sort_key, reverse=True))


def _offset_sort_key(offset: str) -> timedelta:
    return _rough(offset)


def _rough(offset: str) -> timedelta:
    """An upper bound of the offset as a timedelta (months count as 31 days)."""
    if offset == "0":
        return timedelta(0)
    number, unit = int(offset[:-1]), offset[-1]
    return {
        "m": timedelta(days=31 * number),
        "w": timedelta(weeks=number),
        "d": timedelta(days=number),
        "h": timedelta(hours=number),
    }[unit]


def _rough_min(offset: str) -> timedelta:
    if offset == "0":
        return timedelta(0)
    number, unit = int(offset[:-1]), offset[-1]
    if unit == "m":
        return timedelta(days=28 * number)
    return _rough(offset)


def remind_moment(due_at: datetime, offset: str) -> datetime:
    """The moment a reminder fires: the deadline minus the offset.

    Days, weeks and months are counted on the Amsterdam wall clock, so "1 day before
    12:00" is 12:00 the day before even across a DST change; hours are real hours.
    """
    if offset == "0":
        return due_at.astimezone(UTC)
    number, unit = int(offset[:-1]), offset[-1]
    if unit == "h":
        return due_at.astimezone(UTC) - timedelta(hours=number)
    local = due_at.astimezone(AMSTERDAM).replace(tzinfo=None)
    if unit == "m":
        local -= relativedelta(months=number)
    else:  # naive wall-clock arithmetic: a day is a calendar day, whatever its length
        local -= timedelta(days=number * (7 if unit == "w" else 1))
    return local.replace(tzinfo=AMSTERDAM).astimezone(UTC)


def due_window(offset: str, fire_start: datetime, fire_end: datetime) -> tuple[datetime, datetime]:
    """A window of due moments that contains every deadline whose reminder with `offset`
    fires in [fire_start, fire_end); callers filter exactly with remind_moment()."""
    slack = timedelta(days=1) if offset != "0" else timedelta(0)
    return fire_start + _rough_min(offset) - slack, fire_end + _rough(offset) + slack


def describe_offset(offset: str) -> str:
    """'9m' -> '9 maanden vooraf'; '0' -> 'op de deadline' (Dutch, for texts and the UI)."""
    if offset == "0":
        return "op de deadline"
    number, unit = int(offset[:-1]), offset[-1]
    singular, plural = OFFSET_UNITS[unit]
    return f"{number} {singular if number == 1 else plural} vooraf"
