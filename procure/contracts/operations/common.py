"""Helpers shared by the contract operation modules: parsing, actors, dates."""

from datetime import date
from decimal import Decimal, InvalidOperation

from dateutil.relativedelta import relativedelta
from flask import has_request_context
from flask_login import current_user

from procure.core.errors import ValidationFailed


def parse_decimal(value, field: str, message) -> Decimal:
    if isinstance(value, float):
        raise TypeError("Geen floats voor bedragen.")
    try:
        result = (
            Decimal(str(value).strip().replace(",", "."))
            if isinstance(value, str)
            else Decimal(value)
        )
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationFailed(message, field=field) from None
    if not result.is_finite():
        raise ValidationFailed(message, field=field)
    return result


def current_actor(actor=None):
    if actor is not None:
        return actor
    if has_request_context() and current_user and current_user.is_authenticated:
        return current_user
    return None


def actor_id_of(actor=None):
    a = current_actor(actor)
    return a.id if a is not None else None


def add_months(day: date, months: int) -> date:
    return day + relativedelta(months=months)


def as_text(message) -> str:
    """A lazy Dutch message as text, also outside a request (scheduler, CLI, tests)."""
    try:
        return str(message)
    except RuntimeError:
        template = message._args[0] if getattr(message, "_args", None) else str(message)
        return template % message._kwargs if getattr(message, "_kwargs", None) else template


def require_text(value, field, message) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationFailed(message, field=field)
    return value
