"""Dutch formatting for documents: independent of the UI locale, so a PDF is always Dutch
and byte-for-byte reproducible."""

from datetime import date

from procure.core import formatting as fmt
from procure.core.timeutil import period_end, to_local

# Documents are Dutch whatever the reader's interface language (see core.formatting).
DOCUMENT_LOCALE = "nl"

VARIANT_WORDS = {
    "effort": "inspanningsgericht",
    "output": "outputgericht",
    "task": "taakgericht (lumpsum)",
}
PROCEDURE_WORDS = {
    "open_house": "toelatingsprocedure (open house)",
    "sas_dialogue": "aanbesteding met dialoog (SAS-procedure)",
    "sas_open": "openbare aanbesteding (SAS-procedure)",
}


def euro(value) -> str:
    """€ 1.234.567,89 (exact; None gives an em dash)."""
    return fmt.money(value, DOCUMENT_LOCALE)


def number(value) -> str:
    return fmt.number(value, DOCUMENT_LOCALE)


def percent(value) -> str:
    return fmt.percent(value, DOCUMENT_LOCALE)


def long_date(value) -> str:
    """1 januari 2026."""
    return fmt.long_date(value, DOCUMENT_LOCALE)


def short_date(value) -> str:
    return fmt.day(value, DOCUMENT_LOCALE)


def month_name(month: int) -> str:
    """januari ... december."""
    return fmt.month_name(month, DOCUMENT_LOCALE)


def moment(value) -> str:
    """1 januari 2026 om 12:00 uur (Europe/Amsterdam)."""
    if value is None:
        return fmt.MISSING
    local = to_local(value) if value.tzinfo else value
    return f"{long_date(local.date())} om {local:%H:%M} uur"


def end_moment(value) -> str:
    """The end of a period: 27 juni 2027 om 24:00 uur for a period ending at midnight,
    as the tender pages show it."""
    if value is None:
        return "—"
    day, clock = period_end(value)
    return f"{long_date(day)} om {clock} uur"


def months_between(start: date, end: date) -> int:
    return (
        (end.year - start.year) * 12 + end.month - start.month + (1 if end.day >= start.day else 0)
    )


FILTERS = {
    "euro": euro,
    "number": number,
    "percent": percent,
    "long_date": long_date,
    "short_date": short_date,
    "moment_nl": moment,
}
