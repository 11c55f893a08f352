"""Financial steering and monitoring: budget framework, money per municipality, custom-contract
monitor, indicators, waiting times and the reports councils get."""

from decimal import ROUND_HALF_UP, Decimal

from flask_babel import format_decimal


def format_euro(value) -> str:
    """Whole euros, as the frameworks are written (seed 004); None is PM (pro memorie)."""
    if value is None:
        return "PM"
    rounded = Decimal(value).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return "€ " + format_decimal(rounded, format="#,##0")


def format_measure(value) -> str:
    if value is None:
        return "—"
    number = Decimal(value)
    return format_decimal(number, format="#,##0" if number == number.to_integral() else "#,##0.00")


def init_app(app) -> None:
    app.jinja_env.filters.update(euro=format_euro, measure=format_measure)
