"""JSON API under /api/v1: bearer tokens, one JSON input layer, schemas per domain, the
OpenAPI document generated from those same schemas (flask-smorest on marshmallow).

Domain packages add endpoints in their own api.py with `from procure.api import bp`,
declare request and response schemas in their schemas.py and use them through
`@bp.arguments(...)` and `@bp.response(...)`; every write is wrapped in `@idempotent`
(`@bp.write(...)` stacks the three for a write).
"""

import threading

import flask_smorest
from apispec import BasePlugin

from procure.api.parser import ApiParser

WRITE_METHODS = ("post", "put", "patch", "delete")


class Blueprint(flask_smorest.Blueprint):
    ARGUMENTS_PARSER = ApiParser()
    DEFAULT_LOCATION_CONTENT_TYPE_MAPPING = {
        **flask_smorest.Blueprint.DEFAULT_LOCATION_CONTENT_TYPE_MAPPING,
        "multipart": "multipart/form-data",
    }

    def write(self, rule, status, response, *, arguments=None, location="json", method="post"):
        """An idempotent write endpoint: the same as `@bp.<method>(rule)`, `@idempotent`,
        `@bp.arguments(arguments, location=location)` (when given) and
        `@bp.response(status, response)` stacked in that order."""
        from procure.api.idempotency import idempotent

        route = getattr(self, method)(rule)

        def decorate(view):
            view = self.response(status, response)(view)
            if arguments is not None:
                view = self.arguments(arguments, location=location)(view)
            return route(idempotent(view))

        return decorate


bp = Blueprint("api", __name__, url_prefix="/api/v1", description="procure API")


class IdempotencyKeyPlugin(BasePlugin):
    """Documents the Idempotency-Key header on every write operation."""

    def operation_helper(self, path=None, operations=None, **kwargs):
        for method, operation in (operations or {}).items():
            if method not in WRITE_METHODS:
                continue
            required = bool(operation.pop("x-idempotency-required", False))
            operation.setdefault("parameters", []).append(
                {
                    "name": "Idempotency-Key",
                    "in": "header",
                    "required": required,
                    "schema": {"type": "string", "maxLength": 100, "pattern": r"^[ -~]+$"},
                    "description": "Dezelfde sleutel van dezelfde gebruiker voert het "
                    "verzoek één keer uit; een herhaling krijgt hetzelfde antwoord.",
                }
            )


class Api(flask_smorest.Api):
    """flask-smorest's Api, describing the views in the OpenAPI document only when the
    document is first asked for: that costs more than the rest of create_app()."""

    def init_app(self, app, *, spec_kwargs=None):
        self._undocumented = []
        self._documenting = threading.Lock()
        super().init_app(app, spec_kwargs=spec_kwargs)

    def register_blueprint(self, blp, *, parameters=None, **options):
        name = options.get("name", blp.name)
        self._app.extensions["flask-smorest"]["blp_name_to_api"][name] = self
        self._app.register_blueprint(blp, **options)
        self._undocumented.append((blp, name, parameters))

    def document(self):
        """The apispec document with every registered view described."""
        with self._documenting:
            while self._undocumented:
                blp, name, parameters = self._undocumented.pop(0)
                blp.register_views_in_doc(
                    self, self._app, self.spec, name=name, parameters=parameters
                )
                self.spec.tag({"name": name, "description": blp.description})
        return self.spec

    def _register_error_handlers(self):
        """procure.errors renders every error, API or page, in its own shape."""

    def _register_doc_blueprint(self):
        """The document is served by procure.api.views (at /api/v1/openapi.json)."""


def init_app(app) -> Api:
    from procure.api.schemas import ErrorSchema

    app.config.setdefault("API_TITLE", "procure API")
    app.config.setdefault("API_VERSION", "1")
    app.config.setdefault("OPENAPI_VERSION", "3.0.3")
    api = Api(spec_kwargs={"extra_plugins": [IdempotencyKeyPlugin()]})
    api.ERROR_SCHEMA = ErrorSchema
    api.init_app(app)
    api.spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer"})
    api.register_blueprint(bp)
    from procure.api.docs import bp as docs_bp

    app.register_blueprint(docs_bp)
    app.extensions["procure_api"] = api
    return api


from procure.api import views  # noqa: E402,F401
