"""Dutch formatting for documents: independent of the UI locale, so a PDF is always Dutch
and byte-for-byte reproducible."""

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from procure.core.timeutil import period_end, to_local

MONTHS = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)

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
    if value is None or value == "":
        return "—"
    amount = Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    sign = "-" if amount < 0 else ""
    whole, cents = f"{abs(amount):.2f}".split(".")
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    return f"€ {sign}{'.'.join(groups)},{cents}"


def number(value) -> str:
    if value is None:
        return "—"
    amount = Decimal(value).normalize()
    text = f"{amount:f}"
    if "." in text:
        whole, frac = text.split(".")
        return f"{int(whole):,}".replace(",", ".") + "," + frac
    return f"{int(amount):,}".replace(",", ".")


def long_date(value) -> str:
    """1 januari 2026."""
    if value is None:
        return "—"
    if isinstance(value, datetime):
        value = to_local(value) if value.tzinfo else value
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def short_date(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, datetime):
        value = to_local(value) if value.tzinfo else value
    return value.strftime("%d-%m-%Y")


def moment(value) -> str:
    """1 januari 2026 om 12:00 uur (Europe/Amsterdam)."""
    if value is None:
        return "—"
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
    "long_date": long_date,
    "short_date": short_date,
    "moment_nl": moment,
}
