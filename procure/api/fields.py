"""marshmallow building blocks for every domain's schemas.py: a Dutch base schema and
strict field types, so the OpenAPI document says exactly what the API accepts.

Strict means: a JSON boolean only for booleans (``"false"`` is refused, not read as
true), integers only as JSON integers, decimals only as text (exact, never a float),
text without control characters or lone surrogates and with a maximum length.
"""

import re
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from marshmallow import RAISE, Schema, ValidationError, fields, validate

from procure.core.converters import INT_MAX

DECIMAL_PATTERN = r"^-?[0-9]{1,12}(\.[0-9]{1,4})?$"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_LINE_BREAKS = re.compile(r"[\r\n\t]")

_FIELD_MESSAGES = {
    "required": _l("Dit veld is verplicht."),
    "null": _l("Dit veld mag niet leeg (null) zijn."),
    "validator_failed": _l("Ongeldige waarde."),
}


class DutchSchema(Schema):
    """Base schema: unknown fields refused, messages in Dutch."""

    class Meta:
        unknown = RAISE

    error_messages = {
        "unknown": _l("Onbekend veld."),
        "type": _l("Geef een JSON-object."),
    }


class Line(fields.String):
    """One line of text: no line breaks or control characters, at most `max_length`."""

    default_error_messages = {
        **_FIELD_MESSAGES,
        "invalid": _l("Geef tekst."),
        "invalid_utf8": _l("De tekst bevat ongeldige tekens."),
        "control": _l("De tekst bevat stuurtekens; die zijn niet toegestaan."),
        "too_long": _l("De tekst is te lang."),
    }
    multiline = False

    def __init__(self, *, max_length: int = 200, **kwargs):
        self.max_length = max_length
        validators = list(kwargs.pop("validate", None) or [])
        validators.append(validate.Length(max=max_length, error=_l("Hoogstens {max} tekens.")))
        super().__init__(validate=validators, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str):
            raise self.make_error("invalid")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise self.make_error("invalid_utf8") from exc
        if _CONTROL.search(value) or (not self.multiline and _LINE_BREAKS.search(value)):
            raise self.make_error("control")
        return value.strip()


class Text(Line):
    """Free text over several lines (line breaks and tabs allowed)."""

    multiline = True

    def __init__(self, *, max_length: int = 10_000, **kwargs):
        super().__init__(max_length=max_length, **kwargs)


class DecimalText(fields.String):
    """An exact amount or quantity as text ("12.5"), between `minimum` and `maximum`."""

    default_error_messages = {
        **_FIELD_MESSAGES,
        "invalid": _l('Geef een getal als tekst, bijvoorbeeld "12.50".'),
        "range": _l("Het getal ligt buiten het toegestane bereik."),
    }

    def __init__(self, *, minimum=None, maximum=Decimal("999999999999"), places: int = 4, **kw):
        self.minimum = None if minimum is None else Decimal(minimum)
        self.maximum = Decimal(maximum)
        pattern = rf"^-?[0-9]{{1,12}}(\.[0-9]{{1,{places}}})?$"
        if self.minimum is not None and self.minimum >= 0:
            pattern = pattern.replace("^-?", "^")
        self.pattern = re.compile(pattern)
        metadata = {"pattern": pattern, "example": "12.50", **kw.pop("metadata", {})}
        super().__init__(metadata=metadata, **kw)

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else str(value)

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str) or not self.pattern.match(value):
            raise self.make_error("invalid")
        try:
            number = Decimal(value)
        except InvalidOperation as exc:  # pragma: no cover - the pattern already refuses
            raise self.make_error("invalid") from exc
        if number > self.maximum or (self.minimum is not None and number < self.minimum):
            raise self.make_error("range")
        return number


class Money(DecimalText):
    """Euro amount with at most two decimals."""

    def __init__(self, **kw):
        kw.setdefault("places", 2)
        kw.setdefault("minimum", 0)
        super().__init__(**kw)


class Integer(fields.Integer):
    """A JSON integer (not "5", not 5.0, not true) within the database's range."""

    default_error_messages = {
        **_FIELD_MESSAGES,
        "invalid": _l("Geef een geheel getal."),
        "too_large": _l("Het getal is te groot."),
    }

    def __init__(self, *, minimum: int = 0, maximum: int = INT_MAX, strict: bool = True, **kw):
        validators = list(kw.pop("validate", None) or [])
        validators.append(
            validate.Range(
                min=minimum, max=maximum, error=_l("Geef een getal van {min} tot {max}.")
            )
        )
        super().__init__(strict=strict, validate=validators, **kw)

    def _validated(self, value):
        if isinstance(value, bool):
            raise self.make_error("invalid")
        if isinstance(value, str) and len(value) > 12:
            raise self.make_error("too_large")
        return super()._validated(value)


class QueryInt(Integer):
    """An integer from the query string (text there by nature)."""

    def __init__(self, **kw):
        super().__init__(strict=False, **kw)


class Boolean(fields.Boolean):
    """A JSON true or false only."""

    default_error_messages = {**_FIELD_MESSAGES, "invalid": _l("Geef true of false.")}

    def __init__(self, **kw):
        super().__init__(truthy={True}, falsy={False}, **kw)

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):  # 0 == False and 1 == True for a set lookup
            raise self.make_error("invalid")
        return value


class QueryBool(fields.Boolean):
    default_error_messages = {**_FIELD_MESSAGES, "invalid": _l("Geef true of false.")}

    def __init__(self, **kw):
        super().__init__(truthy={"true", "1"}, falsy={"false", "0"}, **kw)


class Date(fields.Date):
    default_error_messages = {
        **_FIELD_MESSAGES,
        "invalid": _l("Geef een datum als JJJJ-MM-DD."),
        "format": _l("Geef een datum als JJJJ-MM-DD."),
    }

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str) or len(value) != 10:
            raise self.make_error("invalid")
        return super()._deserialize(value, attr, data, **kwargs)


class DateTime(fields.AwareDateTime):
    """A moment with its offset (ISO 8601); naive moments are read as Amsterdam time."""

    default_error_messages = {
        **_FIELD_MESSAGES,
        "invalid": _l("Geef een tijdstip als JJJJ-MM-DDTuu:mm:ss+01:00."),
        "invalid_awareness": _l("Geef een tijdstip met tijdzone."),
        "format": _l("Geef een tijdstip als JJJJ-MM-DDTuu:mm:ss+01:00."),
    }

    def __init__(self, **kw):
        from zoneinfo import ZoneInfo

        kw.setdefault("default_timezone", ZoneInfo("Europe/Amsterdam"))
        super().__init__(**kw)

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str) or len(value) > 40:
            raise self.make_error("invalid")
        return super()._deserialize(value, attr, data, **kwargs)


class Choice(fields.String):
    """One of a fixed set of codes (documented as an enum)."""

    default_error_messages = {
        **_FIELD_MESSAGES,
        "invalid": _l("Geef een van de toegestane waarden."),
        "choice": _l("Onbekende waarde; kies uit de toegestane waarden."),
    }

    def __init__(self, choices, **kw):
        self.choices = tuple(choices)
        metadata = {"enum": list(self.choices), **kw.pop("metadata", {})}
        super().__init__(metadata=metadata, **kw)

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str):
            raise self.make_error("invalid")
        if value not in self.choices:
            raise self.make_error("choice")
        return value


class List(fields.List):
    default_error_messages = {
        **_FIELD_MESSAGES,
        "invalid": _l("Geef een lijst."),
        "too_long": _l("De lijst is te lang."),
    }

    def __init__(self, inner, *, max_items: int = 100, **kw):
        self.max_items = max_items
        metadata = {"maxItems": max_items, **kw.pop("metadata", {})}
        super().__init__(inner, metadata=metadata, **kw)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, list) and len(value) > self.max_items:
            raise self.make_error("too_long")
        return super()._deserialize(value, attr, data, **kwargs)


class Nested(fields.Nested):
    default_error_messages = {**_FIELD_MESSAGES, "type": _l("Geef een JSON-object.")}


def flatten_errors(messages, prefix: str = "") -> list[dict]:
    """marshmallow's nested error dict as [{"field": "lots.0.name", "message": ...}]."""
    if isinstance(messages, dict):
        out = []
        for key, value in messages.items():
            if key in ("json", "query", "form", "files", "headers", "path") and not prefix:
                out.extend(flatten_errors(value, ""))
            else:
                name = f"{prefix}.{key}" if prefix else str(key)
                out.extend(flatten_errors(value, "" if key == "_schema" else name))
        return out
    if isinstance(messages, (list, tuple)):
        if all(not isinstance(m, (dict, list, tuple)) for m in messages):
            return [{"field": prefix or None, "message": str(m)} for m in messages]
        out = []
        for m in messages:
            out.extend(flatten_errors(m, prefix))
        return out
    return [{"field": prefix or None, "message": str(messages)}]


__all__ = [
    "Boolean",
    "Choice",
    "Date",
    "DateTime",
    "DecimalText",
    "DutchSchema",
    "Integer",
    "Line",
    "List",
    "Money",
    "Nested",
    "QueryBool",
    "QueryInt",
    "Ref",
    "Text",
    "ValidationError",
    "derived",
    "fields",
    "flatten_errors",
]


class Ref(fields.String):
    """Text found by a dotted path ("provider.short_code"), null when a link is empty."""

    def __init__(self, path: str, **kw):
        self.path = path.split(".")
        kw.setdefault("allow_none", True)
        super().__init__(dump_only=True, **kw)

    def get_value(self, obj, attr, accessor=None, default=None):
        for part in self.path:
            obj = getattr(obj, part, None)
            if obj is None:
                return None
        return obj


def derived(field: fields.Field, getter) -> fields.Field:
    """A dump-only `field` whose value is getter(obj); documented as `field` is."""
    field.get_value = lambda obj, attr, accessor=None, default=None: getter(obj)
    field.dump_only = True
    return field
