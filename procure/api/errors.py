"""JSON error bodies: {"error": {"code": ..., "message": ... (Dutch), "details": ...}}."""

from flask import jsonify
from werkzeug.exceptions import HTTPException

from procure.core.errors import OperationError

_MESSAGES = {
    400: ("bad_request", "Ongeldig verzoek."),
    401: (
        "unauthorized",
        "Niet geauthenticeerd: geef een geldig API-token mee (Authorization: Bearer ...).",
    ),
    403: ("forbidden", "U heeft geen toegang tot deze gegevens."),
    404: ("not_found", "Niet gevonden."),
    405: ("method_not_allowed", "Deze methode is hier niet toegestaan."),
    409: ("conflict", "Conflict met de huidige toestand."),
    413: ("too_large", "Het verzoek is te groot."),
    415: ("unsupported_media_type", "Stuur JSON (Content-Type: application/json)."),
    422: ("invalid", "De gegevens zijn ongeldig."),
    429: ("too_many_requests", "Te veel verzoeken."),
    500: ("server_error", "Interne fout. Probeer het later opnieuw."),
}


def json_error(status: int, message: str | None = None, *, code: str | None = None, details=None):
    default_code, default_message = _MESSAGES.get(status, ("error", "Fout."))
    body = {"error": {"code": code or default_code, "message": message or default_message}}
    if details:
        body["error"]["details"] = details
    response = jsonify(body)
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="procure"'
    return response


def from_http_exception(exc: HTTPException):
    status = exc.code or 500
    return json_error(status, getattr(exc, "api_message", None))


def from_operation_error(exc: OperationError):
    details = [
        {"field": e.get("field"), "message": str(e.get("message"))}
        if isinstance(e, dict)
        else str(e)
        for e in exc.errors
    ] or None
    if exc.field and not details:
        details = [{"field": exc.field, "message": str(exc.message)}]
    return json_error(exc.status_code, str(exc.message), code=exc.code, details=details)
