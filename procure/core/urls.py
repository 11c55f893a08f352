"""Redirect targets taken from the request, and the app's public address."""

import os
from urllib.parse import urlsplit

from flask import current_app, has_request_context, request


def safe_next(target: str | None, default: str) -> str:
    """`target` if it is a path on this site, else `default` (no open redirects)."""
    if (
        target
        and target.startswith("/")
        and not target.startswith("//")
        and "\\" not in target
        and not urlsplit(target).netloc
    ):
        return target
    return default


def base_url() -> str:
    """The address links that leave the app start with (e-mail, calendar feed).

    PROCURE_BASE_URL when set (production); otherwise the address this request came in on,
    or, outside a request (the scheduler), the port the development server was started on.
    """
    configured = current_app.config.get("BASE_URL")
    if configured:
        return str(configured).rstrip("/")
    if has_request_context():
        return request.host_url.rstrip("/")
    return f"http://127.0.0.1:{os.environ.get('FLASK_RUN_PORT') or 5000}"


def absolute_url(path: str) -> str:
    """`path` on this site as a full URL (see base_url)."""
    return base_url() + "/" + (path or "").lstrip("/")


# -- url_for in templates ----------------------------------------------------------------------

_built: dict[tuple, str] = {}
_BUILT_LIMIT = 5_000


def template_url_for(endpoint: str, **values) -> str:
    """url_for for templates, remembering the URLs it built: the layout, the filters,
    sort and pagination links ask for the same few dozen URLs on every page, and a
    routing build costs more than the rest of such a link. Only relative URLs of an
    absolute endpoint with plain values are remembered, per application root (what such
    a URL depends on); anything else (`.index`, `_external`, `_anchor`, ...) is built."""
    if (
        endpoint.startswith(".")
        or any(name.startswith("_") for name in values)
        or not has_request_context()  # outside a request url_for builds external URLs
    ):
        return current_app.url_for(endpoint, **values)
    try:
        key = (
            request.script_root,
            endpoint,
            *((name, type(value), value) for name, value in sorted(values.items())),
        )
        found = _built.get(key)
    except TypeError:  # an unhashable value
        return current_app.url_for(endpoint, **values)
    if found is None:
        found = current_app.url_for(endpoint, **values)
        if len(_built) >= _BUILT_LIMIT:
            _built.clear()
        _built[key] = found
    return found
