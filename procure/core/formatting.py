"""Numbers, amounts, percentages and dates as users read them, through Babel.

One place for every page, flash message, operation message, e-mail and document. Pages
and messages follow the active locale (`€ 375.000,00`, `40 %`, `8,5` in Dutch;
`€375,000.00`, `40%`, `8.5` in English); documents pass ``locale="nl"`` so a PDF or DOCX
is Dutch whatever the reader's interface language is.
"""

import copy
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache

from babel import Locale
from babel import dates as babel_dates
from babel import lists as babel_lists
from babel import numbers as babel_numbers

from procure.core.timeutil import AMSTERDAM

DEFAULT_LOCALE = "nl"
MISSING = "—"

# Dates as this region's staff write them: 01-12-2026 (Dutch), 1 Dec 2026 (English).
DATE_FORMATS = {"nl": "dd-MM-yyyy", "en": "d MMM yyyy"}
LONG_DATE_FORMATS = {"nl": "d MMMM yyyy", "en": "d MMMM yyyy"}
TIME_FORMAT = "HH:mm"


def active_locale() -> str:
    """The request's locale (Flask-Babel), or Dutch outside a request or app."""
    try:
        from flask_babel import get_locale

        locale = get_locale()
    except (RuntimeError, KeyError, AttributeError):
        locale = None
    return str(locale.language) if locale is not None else DEFAULT_LOCALE


def _locale(locale: str | None) -> str:
    return locale or active_locale()


# A list page formats hundreds of values; parsing the locale and the pattern once per
# (locale, pattern) instead of per value keeps that cost out of every row.
@lru_cache(maxsize=16)
def _babel_locale(name: str) -> Locale:
    return Locale.parse(name)


@lru_cache(maxsize=64)
def _number_pattern(pattern: str) -> babel_numbers.NumberPattern:
    return babel_numbers.parse_pattern(pattern)


@lru_cache(maxsize=16)
def _currency_pattern(name: str) -> babel_numbers.NumberPattern:
    return _babel_locale(name).currency_formats["standard"]


@lru_cache(maxsize=64)
def _date_pattern(pattern: str) -> babel_dates.DateTimePattern:
    return babel_dates.parse_pattern(pattern)


def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, Decimal):
        return value
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _plain_spaces(text: str) -> str:
    # Babel separates with (narrow) no-break spaces; tests, e-mail and PDFs expect plain
    # spaces, and CSS keeps amounts on one line (`white-space: nowrap` on .num).
    return text.replace("\u00a0", " ").replace("\u202f", " ")


def money(value, locale: str | None = None, cents: bool = True) -> str:
    """€ 375.000,00 (half up to whole cents; None gives an em dash)."""
    amount = _decimal(value)
    if amount is None:
        return MISSING
    places = Decimal("0.01") if cents else Decimal("1")
    amount = amount.quantize(places, rounding=ROUND_HALF_UP)
    name = _locale(locale)
    pattern = _euro_pattern(name) if cents else _number_pattern("¤ #,##0")
    return _plain_spaces(_apply_euro(pattern, amount, name))


CURRENCY = "EUR"


@lru_cache(maxsize=16)
def _euro_pattern(name: str) -> babel_numbers.NumberPattern:
    """The locale's currency pattern with the euro's decimals (what `currency_digits`
    makes Babel use) fixed in it."""
    pattern = copy.copy(_currency_pattern(name))
    digits = babel_numbers.get_currency_precision(CURRENCY)
    pattern.frac_prec = (digits, digits)
    return pattern


@lru_cache(maxsize=16)
def _euro_symbol(name: str) -> str:
    return babel_numbers.get_currency_symbol(CURRENCY, _babel_locale(name))


def _apply_euro(pattern: babel_numbers.NumberPattern, amount: Decimal, name: str) -> str:
    """`pattern.apply(amount, locale, currency="EUR", currency_digits=False)`: the same
    text, with the symbol looked up once per locale. Babel's apply looks up the currency's
    plural display name for every amount, even when the pattern does not show it (¤¤¤),
    which costs more than the rest of the formatting."""
    text = _apply(pattern, amount, name)
    if "¤¤¤" in text:  # the display name: leave it to Babel
        return pattern.apply(amount, _babel_locale(name), currency=CURRENCY, currency_digits=False)
    return text.replace("¤¤", CURRENCY).replace("¤", _euro_symbol(name))


@lru_cache(maxsize=16)
def _separators(name: str) -> dict:
    """Python's `,` grouping and `.` decimal point as the locale writes them."""
    locale = _babel_locale(name)
    return str.maketrans(
        {
            ",": babel_numbers.get_group_symbol(locale),
            ".": babel_numbers.get_decimal_symbol(locale),
        }
    )


def _plain_grouping(pattern: babel_numbers.NumberPattern) -> bool:
    """A pattern of the #,##0.00 kind (groups of three, no scale, exponent or padding):
    what every pattern of this module is, in the locales the app offers."""
    return (
        pattern.grouping == (3, 3)
        and pattern.int_prec[0] == 1
        and not pattern.scale
        and pattern.exp_prec is None
        and "*" not in "".join(pattern.prefix + pattern.suffix)
    )


def _apply(pattern: babel_numbers.NumberPattern, amount: Decimal, name: str) -> str:
    """`pattern.apply(amount, locale)` for an amount already rounded to the decimals the
    text shows (money, number and count round first): the digits from Python's own
    grouping, the locale's signs and the pattern's prefix and suffix. A list page formats
    hundreds of values, and Babel's general apply costs about ten times as much."""
    places = max(0, -amount.as_tuple().exponent)
    low, high = pattern.frac_prec
    if not (_plain_grouping(pattern) and low <= places <= high):
        return pattern.apply(amount, _babel_locale(name))
    negative = int(amount.is_signed())
    digits = format(abs(amount), f",.{max(places, low)}f").translate(_separators(name))
    return f"{pattern.prefix[negative]}{digits}{pattern.suffix[negative]}"


def number(value, locale: str | None = None, places: int | None = None) -> str:
    """8,5 · 1.234 · 1.234,125: trailing zeros dropped unless `places` fixes them."""
    amount = _decimal(value)
    if amount is None:
        return MISSING
    if places is not None:
        amount = amount.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
        pattern = "#,##0" + ("." + "0" * places if places else "")
    else:
        amount = amount.normalize()  # 8.50 -> 8.5; 6E+1 stays a number, never "6E+1"
        digits = max(0, -amount.as_tuple().exponent)
        pattern = "#,##0" + ("." + "#" * digits if digits else "")
    return _plain_spaces(_apply(_number_pattern(pattern), amount, _locale(locale)))


def percent(value, locale: str | None = None, places: int | None = None) -> str:
    """A percentage stored as a number of percents: 40 → `40 %`, 8.50 → `8,5 %`."""
    if _decimal(value) is None:
        return MISSING
    loc = _locale(locale)
    sep = " " if loc == "nl" else ""
    return f"{number(value, loc, places)}{sep}%"


def _as_local(value):
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(AMSTERDAM)
    return value


def _calendar_day(value, formats: dict, default: str, locale: str | None) -> str:
    """`value` (a datetime as its Amsterdam calendar day) in the locale's date format."""
    if value is None:
        return MISSING
    value = _as_local(value)
    if isinstance(value, datetime):
        value = value.date()
    loc = _locale(locale)
    pattern = formats.get(loc)
    if pattern is None:
        return babel_dates.format_date(value, default, locale=loc)
    if fast := _FAST_PATTERNS.get(pattern):
        return fast(value, loc)
    return _date_pattern(pattern).apply(value, _babel_locale(loc))


@lru_cache(maxsize=16)
def _month_abbreviations(name: str) -> dict:
    return dict(_babel_locale(name).months["format"]["abbreviated"])


# The app's own date and time patterns put together directly (Babel's apply parses the
# pattern's fields for every value): the same text, checked against Babel in the tests.
_FAST_PATTERNS = {
    "dd-MM-yyyy": lambda d, loc: f"{d.day:02d}-{d.month:02d}-{d.year:04d}",
    "d MMM yyyy": lambda d, loc: f"{d.day} {_month_abbreviations(loc)[d.month]} {d.year:04d}",
    "HH:mm": lambda t, loc: f"{t.hour:02d}:{t.minute:02d}",
    "HH:mm:ss": lambda t, loc: f"{t.hour:02d}:{t.minute:02d}:{t.second:02d}",
}


def day(value, locale: str | None = None) -> str:
    """01-12-2026 (a datetime is shown as its Amsterdam calendar day)."""
    return _calendar_day(value, DATE_FORMATS, "medium", locale)


def long_date(value, locale: str | None = None) -> str:
    """1 december 2026."""
    return _calendar_day(value, LONG_DATE_FORMATS, "long", locale)


def moment(value, locale: str | None = None, seconds: bool = False) -> str:
    """01-12-2026 14:30 in Amsterdam time (naive datetimes are taken as Amsterdam's)."""
    if value is None:
        return MISSING
    value = _as_local(value)
    if not isinstance(value, datetime):
        return day(value, locale)
    clock = _FAST_PATTERNS["HH:mm:ss" if seconds else TIME_FORMAT](value, None)
    return f"{day(value, locale)} {clock}"


def month(value, locale: str | None = None) -> str:
    """december 2026 (a realisation period)."""
    if value is None:
        return MISSING
    loc = _locale(locale)
    return babel_dates.format_date(value, "LLLL yyyy", locale=loc)


def month_name(number: int, locale: str | None = None) -> str:
    """januari (the month's name on its own, as in "in januari en juli")."""
    return babel_dates.get_month_names("wide", "stand-alone", locale=_locale(locale))[number]


def and_list(items, locale: str | None = None) -> str:
    """2, 3 en 4 (Dutch) / 2, 3, and 4 (English)."""
    return babel_lists.format_list([str(i) for i in items], locale=_locale(locale))


def count(value, locale: str | None = None) -> str:
    """An integer count with grouping: 1.234."""
    return number(value, locale, places=0) if value is not None else MISSING


def value(value, locale: str | None = None) -> str:
    """Whatever a message interpolates: Decimal and float as numbers, dates as dates."""
    if isinstance(value, bool) or value is None:
        return str(value) if value is not None else MISSING
    if isinstance(value, (Decimal, float)):
        return number(value, locale)
    if isinstance(value, int):
        return count(value, locale)
    if isinstance(value, datetime):
        return moment(value, locale)
    if isinstance(value, date):
        return day(value, locale)
    return str(value)


FILTERS = {
    "money": money,
    "number": number,
    "pct": percent,
    "day": day,
    "long_date": long_date,
    "moment": moment,
    "month": month,
    "count": count,
    "and_list": and_list,
}


def _in_template_locale(fn):
    """`fn` as a template filter taking the locale from the template context (put there
    once per render by the context processor in procure.core.labels) instead of asking
    Flask-Babel for it at every value; an explicit locale argument still wins."""
    from jinja2 import pass_context

    @pass_context
    def template_filter(context, value, *args, **kwargs):
        if not args and "locale" not in kwargs:
            kwargs["locale"] = context.get("_template_language")
        return fn(value, *args, **kwargs)

    template_filter.__name__ = template_filter.__qualname__ = fn.__name__
    template_filter.__doc__ = fn.__doc__
    return template_filter


def init_app(app) -> None:
    app.jinja_env.filters.update({name: _in_template_locale(fn) for name, fn in FILTERS.items()})
    app.jinja_env.globals.update(format_money=_in_template_locale(money))
