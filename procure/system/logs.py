"""Logging: a request id on every request (taken from X-Request-ID when the proxy sends a
sane one, else new), returned in the response header and added to every log record; in
production one JSON object per line (python-json-logger), including gunicorn's access log.
"""

import logging
import re
import sys
import uuid

from flask import g, has_request_context, request
from pythonjsonlogger.json import JsonFormatter

REQUEST_ID_HEADER = "X-Request-ID"
_SANE_ID = re.compile(r"^[A-Za-z0-9._:-]{8,64}$")
# gunicorn's access-log atoms (see gunicorn.glogging.Logger.atoms) and their JSON names.
ACCESS_FIELDS = {
    "h": "remote_addr",
    "m": "method",
    "U": "path",
    "s": "status",
    "B": "bytes",
    "M": "duration_ms",
    "{x-request-id}o": "request_id",
    "a": "user_agent",
}


def current_request_id() -> str | None:
    return g.get("request_id") if has_request_context() else None


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = current_request_id()
        return True


class ProcureJsonFormatter(JsonFormatter):
    """JSON lines: time, level, logger, message, request id; access records field by field."""

    def __init__(self):
        super().__init__(
            "%(levelname)s %(name)s %(message)s %(request_id)s",
            rename_fields={"levelname": "level", "name": "logger"},
            timestamp="time",
        )

    def add_fields(self, log_record, record, message_dict):
        super().add_fields(log_record, record, message_dict)
        if record.name == "gunicorn.access" and isinstance(record.args, dict):
            atoms = record.args
            for atom, field in ACCESS_FIELDS.items():
                try:
                    value = atoms[atom]
                except (KeyError, TypeError):
                    continue
                if value not in (None, "-"):
                    log_record[field] = int(value) if atom in "sBM" else value


def configure(level: str = "INFO", json_lines: bool = True) -> None:
    """The root logger writes to stderr, JSON or text, with the request id."""
    handler = logging.StreamHandler(sys.stderr)
    if json_lines:
        handler.setFormatter(ProcureJsonFormatter())
    else:
        handler.setFormatter(
            logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")
        )
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "procure", False)]:
        root.removeHandler(old)
    handler.procure = True
    root.addHandler(handler)
    root.setLevel(level)


def init_app(app) -> None:
    production = app.config["PROCURE_ENV"] == "production"
    log_format = app.config["LOG_FORMAT"] or ("json" if production else None)
    if log_format and not app.config.get("TESTING"):
        configure(app.config["LOG_LEVEL"], json_lines=log_format == "json")
        # Flask's own handler would print every app.logger record a second time.
        from flask.logging import default_handler

        app.logger.removeHandler(default_handler)

    @app.before_request
    def _request_id():
        given = request.headers.get(REQUEST_ID_HEADER, "")
        g.request_id = given if _SANE_ID.match(given) else uuid.uuid4().hex

    @app.after_request
    def _echo_request_id(response):
        response.headers.setdefault(REQUEST_ID_HEADER, g.get("request_id", ""))
        return response
