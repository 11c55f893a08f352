"""The API documentation page: Swagger UI from vendored files on /api/v1/openapi.json."""

from flask import Blueprint, render_template

from procure.security import CSP

bp = Blueprint("api_docs", __name__)

# Swagger UI sets style attributes on its elements; scripts stay 'self' only.
DOCS_CSP = CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")


@bp.get("/api/docs")
def docs():
    response = render_template("api/docs.html")
    return response, 200, {"Content-Security-Policy": DOCS_CSP}
