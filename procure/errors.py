"""Dutch error pages for the UI, JSON errors for the API."""

from flask import render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DataError
from werkzeug.exceptions import HTTPException, InternalServerError

from procure.api.errors import from_http_exception, from_operation_error, json_error
from procure.core.errors import OperationError
from procure.extensions import db


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def init_app(app) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(exc):
        if _wants_json():
            return json_error(400, _("Ongeldig of ontbrekend CSRF-token."))
        return render_template(
            "errors/error.html",
            code=400,
            title=_("Formulier verlopen"),
            message=_(
                "Het formulier is verlopen of ongeldig. Laad de pagina "
                "opnieuw en probeer het nog eens."
            ),
        ), 400

    @app.errorhandler(OperationError)
    def operation_error(exc):
        db.session.rollback()
        if _wants_json():
            return from_operation_error(exc)
        return render_template(
            "errors/error.html",
            code=exc.status_code,
            title=_("Niet uitgevoerd"),
            message=str(exc.message),
        ), exc.status_code

    @app.errorhandler(HTTPException)
    def http_error(exc):
        if _wants_json():
            return from_http_exception(exc)
        titles = {
            400: _("Ongeldig verzoek"),
            401: _("Niet ingelogd"),
            403: _("Geen toegang"),
            404: _("Pagina niet gevonden"),
            405: _("Methode niet toegestaan"),
            413: _("Bestand te groot"),
            429: _("Te veel verzoeken"),
        }
        messages = {
            403: _("U heeft geen toegang tot deze pagina."),
            404: _("Deze pagina bestaat niet, of u heeft er geen toegang toe."),
            413: _("Het bestand is groter dan toegestaan."),
        }
        code = exc.code or 500
        return render_template(
            "errors/error.html",
            code=code,
            title=titles.get(code, _("Fout")),
            message=messages.get(code, _("Er ging iets mis.")),
        ), code

    @app.errorhandler(OverflowError)
    def overflow_error(exc):
        # A number from the request too large for the database: the record cannot exist.
        db.session.rollback()
        if _wants_json():
            return json_error(400, _("Een getal in het verzoek is te groot."))
        return render_template(
            "errors/error.html",
            code=400,
            title=_("Ongeldig verzoek"),
            message=_("Een getal in het verzoek is te groot."),
        ), 400

    @app.errorhandler(DataError)
    def data_error(exc):
        # A value the database refuses for its column (a number out of range, a text
        # with a NUL byte on PostgreSQL): the transaction rolls back, nothing is written.
        db.session.rollback()
        message = _("Een waarde in het verzoek is te groot of bevat ongeldige tekens.")
        if _wants_json():
            return json_error(400, message)
        return render_template(
            "errors/error.html", code=400, title=_("Ongeldig verzoek"), message=message
        ), 400

    @app.before_request
    def refuse_nul_in_forms():
        # NUL is in no text a person types; PostgreSQL cannot store it. Refused before any
        # view runs, so no form has to check for it.
        posted = request.method in ("POST", "PUT", "PATCH") and request.mimetype in (
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        )
        if posted and any("\x00" in value for _name, value in request.form.items(multi=True)):
            return render_template(
                "errors/error.html",
                code=400,
                title=_("Ongeldig verzoek"),
                message=_("Het formulier bevat een ongeldig teken (NUL)."),
            ), 400
        return None

    @app.errorhandler(InternalServerError)
    def server_error(exc):
        db.session.rollback()
        if _wants_json():
            return json_error(500)
        return render_template(
            "errors/error.html",
            code=500,
            title=_("Er ging iets mis"),
            message=_(
                "Er is een interne fout opgetreden. Er is niets "
                "half opgeslagen; probeer het later opnieuw."
            ),
        ), 500
