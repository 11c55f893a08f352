from flask import current_app, g, jsonify, request, url_for
from flask_login import current_user

from procure.api import bp
from procure.api.errors import json_error
from procure.api.schemas import MeSchema
from procure.auth.operations import user_for_token
from procure.extensions import csrf

csrf.exempt(bp)

PUBLIC_ENDPOINTS = {"api.openapi_json"}


def public(view):
    """Mark an endpoint as readable without a token (and document it so)."""
    PUBLIC_ENDPOINTS.add(f"api.{view.__name__}")
    view._apidoc = {**getattr(view, "_apidoc", {})}
    view._apidoc.setdefault("manual_doc", {})["security"] = []
    return view


@bp.before_request
def authenticate_bearer():
    """Every API call authenticates with a bearer token; the session cookie is ignored."""
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    header = request.headers.get("Authorization", "")
    scheme, _, raw = header.partition(" ")
    user = user_for_token(raw.strip()) if scheme.lower() == "bearer" and raw else None
    if user is None:
        return json_error(401)
    # Flask-Login keeps the request's user in g._login_user; setting it makes
    # current_user, role checks and scope helpers act for the token's owner.
    g._login_user = user
    return None


@bp.get("/me")
@bp.response(200, MeSchema)
def me():
    """De eigenaar van het token"""
    return current_user


def openapi_document() -> dict:
    """The OpenAPI document, paths relative to the server URL /api/v1."""
    spec = current_app.extensions["procure_api"].document().to_dict()
    prefix = bp.url_prefix
    spec["paths"] = {
        path.removeprefix(prefix): ops
        for path, ops in spec["paths"].items()
        if path != f"{prefix}/openapi.json"  # the document does not describe itself
    }
    spec["servers"] = [{"url": url_for("api.me", _external=True).rsplit("/me", 1)[0]}]
    spec["security"] = [{"bearerAuth": []}]
    spec["info"]["description"] = (
        "Inkoop- en contractbeheer jeugdhulp. Alle antwoorden zijn beperkt tot de rol en "
        "de regio, gemeente of aanbieder van de eigenaar van het token. Elke schrijfactie "
        "neemt een Idempotency-Key."
    )
    return spec


@bp.get("/openapi.json")
@bp.doc(security=[])
def openapi_json():
    """Deze beschrijving (OpenAPI 3)"""
    return jsonify(openapi_document())
