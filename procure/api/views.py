from flask import g, jsonify, request, url_for
from flask_login import current_user

from procure.api import bp, openapi
from procure.api.errors import json_error
from procure.auth.operations import user_for_token
from procure.core.listing import Page, page_args
from procure.extensions import csrf

csrf.exempt(bp)

PUBLIC_ENDPOINTS = {"api.openapi_json"}


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


def api_page_args():
    from flask import current_app

    return page_args(
        current_app.config["API_DEFAULT_PER_PAGE"], current_app.config["API_MAX_PER_PAGE"]
    )


def page_response(page: Page, serialize):
    return jsonify({"items": [serialize(item) for item in page.items], "meta": page.as_meta()})


@bp.get("/me")
def me():
    user = current_user
    return jsonify(
        {
            "id": user.id,
            "email": user.email,
            "name": user.name,
            "role": user.role,
            "region": user.region.short_code if user.region else None,
            "municipality": user.municipality.name if user.municipality else None,
            "provider": user.provider.short_code if user.provider else None,
        }
    )


@bp.get("/openapi.json")
def openapi_json():
    return jsonify(openapi.document(url_for("api.me", _external=True).rsplit("/me", 1)[0]))


openapi.add_schema(
    "Me",
    {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "email": {"type": "string"},
            "name": {"type": "string"},
            "role": {
                "type": "string",
                "enum": [
                    "admin",
                    "procurement",
                    "contract_manager",
                    "supervisor",
                    "municipality",
                    "provider",
                ],
            },
            "region": {"type": "string", "nullable": True},
            "municipality": {"type": "string", "nullable": True},
            "provider": {"type": "string", "nullable": True},
        },
    },
)
openapi.add_path(
    "/me",
    "get",
    {
        "summary": "De eigenaar van het token",
        "responses": openapi.object_response("Me", "Identiteit en rol"),
    },
)
