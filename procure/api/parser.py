"""The API's one JSON input layer: a size and depth guard before parsing, numbers parsed
exactly (no float, no infinity), then the endpoint's marshmallow schema.

Python's json module recurses per nesting level and turns 1e999999 into infinity; both
used to reach the operations as a 500. Here they are refused before any code sees them.
"""

import json
import re
from decimal import Decimal

from flask import current_app
from flask_babel import lazy_gettext as _l
from marshmallow import EXCLUDE
from webargs import core
from webargs.flaskparser import FlaskParser, is_json_request
from werkzeug.datastructures import CombinedMultiDict

from procure.api.fields import flatten_errors
from procure.core.errors import ValidationFailed

_STRINGS = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKETS = re.compile(rb"[\[\]{}]")


class BadJson(ValidationFailed):
    status_code = 400
    code = "bad_json"


class UnsupportedMediaType(ValidationFailed):
    status_code = 415
    code = "unsupported_media_type"


class TooLarge(ValidationFailed):
    status_code = 413
    code = "too_large"


def nesting_depth(raw: bytes) -> int:
    """Deepest bracket nesting outside string literals (linear, no recursion)."""
    depth = deepest = 0
    for match in _BRACKETS.finditer(_STRINGS.sub(b'""', raw)):
        if match.group() in (b"[", b"{"):
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def _refuse_constant(name):
    raise ValueError(name)


def load_json_body(raw: bytes):
    """Parse a request body after the guards; raises a Dutch 4xx on anything else."""
    cfg = current_app.config
    if len(raw) > cfg["API_MAX_JSON_BYTES"]:
        raise TooLarge(_l("Het JSON-bericht is te groot."))
    if nesting_depth(raw) > cfg["API_MAX_JSON_DEPTH"]:
        raise BadJson(_l("Het JSON-bericht is te diep genest."))
    try:
        return json.loads(raw.decode("utf-8"), parse_float=Decimal, parse_constant=_refuse_constant)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise BadJson(_l("Het bericht is geen geldige JSON (UTF-8).")) from exc


class ApiParser(FlaskParser):
    DEFAULT_VALIDATION_STATUS = 422
    # "multipart": form fields and files of one multipart/form-data body, read by one
    # schema (a PDF upload with its metadata is one request body in OpenAPI too).
    __location_map__ = {**FlaskParser.__location_map__, "multipart": "load_multipart"}
    DEFAULT_UNKNOWN_BY_LOCATION = {
        **FlaskParser.DEFAULT_UNKNOWN_BY_LOCATION,
        "multipart": EXCLUDE,
    }

    def load_multipart(self, req, schema):
        return self._makeproxy(CombinedMultiDict([req.files, req.form]), schema)

    def _raw_load_json(self, req):
        if not is_json_request(req):
            if req.get_data(cache=True):
                raise UnsupportedMediaType(_l("Stuur JSON (Content-Type: application/json)."))
            return core.missing
        raw = req.get_data(cache=True)
        if not raw:
            return core.missing
        return load_json_body(raw)

    def handle_error(self, error, req, schema, *, error_status_code, error_headers):
        details = flatten_errors(error.messages)
        first = details[0] if details else {"field": None, "message": _l("Ongeldige gegevens.")}
        message = first["message"]
        if first["field"]:
            message = f"{first['field']}: {message}"
        raise ValidationFailed(message, field=first["field"], errors=details)
