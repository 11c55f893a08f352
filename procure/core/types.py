"""Column types: exact money and timezone-aware timestamps on SQLite and PostgreSQL alike."""

from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import BigInteger, DateTime
from sqlalchemy.types import TypeDecorator

CENT = Decimal("0.01")
# Far above any youth-care budget, and inside a signed 64-bit count of cents.
MONEY_LIMIT = Decimal("1e13")


def to_money(value) -> Decimal:
    """Decimal rounded half up to whole cents; floats are refused to keep money exact, and
    NaN, infinity or absurd amounts are refused with a Dutch message."""
    if isinstance(value, float):
        raise TypeError("Geldbedragen worden nooit als float doorgegeven.")
    amount = Decimal(value)
    if not amount.is_finite() or abs(amount) >= MONEY_LIMIT:
        from flask_babel import lazy_gettext as _l

        from procure.core.errors import ValidationFailed

        raise ValidationFailed(_l("Ongeldig bedrag: gebruik een getal onder de 10 biljoen."))
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


class Money(TypeDecorator):
    """Stored as integer cents, read back as a Decimal with two places."""

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        return int(to_money(value) * 100)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return (Decimal(value) / 100).quantize(CENT)


class UTCDateTime(TypeDecorator):
    """Aware datetimes stored as UTC; SQLite would otherwise drop the offset."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("Tijdstippen moeten een tijdzone hebben.")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)
