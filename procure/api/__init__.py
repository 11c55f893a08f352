"""JSON API under /api/v1: bearer tokens, JSON errors, pagination, OpenAPI description.

Domain packages add their endpoints in their own api.py with `from procure.api import bp`
and describe them with `openapi.add_path(...)`.
"""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from procure.api import views  # noqa: E402,F401
