"""The one path from a request to an operation (procure/core/views.py): the keywords an
operation gets from a form or a small action form, and a change without a message."""

from flask import get_flashed_messages
from flask_wtf import FlaskForm
from wtforms import IntegerField, StringField

from procure.core.errors import ValidationFailed
from procure.core.views import posted, submit, values


class Form(FlaskForm):
    year = IntegerField()
    reason = StringField()
    note = StringField()


def test_values_gives_the_fields_by_name_and_a_fallback_for_an_empty_one(app):
    with app.test_request_context(method="POST", data={"year": "2026", "reason": "Indexatie"}):
        form = Form(meta={"csrf": False})
        assert values(form, "year reason") == {"year": 2026, "reason": "Indexatie"}
        assert values(form, "year", note="") == {"year": 2026, "note": ""}


def test_posted_reads_an_action_form_and_an_absent_field_is_empty(app):
    with app.test_request_context(method="POST", data={"motivation": "Zie verslag"}):
        assert posted("motivation status") == {"motivation": "Zie verslag", "status": ""}
        assert posted(status="open") == {"status": "open"}


def test_submit_without_a_message_redirects_and_flashes_nothing(app):
    with app.test_request_context(method="POST"):
        response = submit(lambda: "/verder", success=None, target=lambda url: url)
        assert response.status_code == 302 and response.location == "/verder"
        assert get_flashed_messages() == []


def test_a_refused_button_goes_back_with_the_message(app):
    def refuse():
        raise ValidationFailed("Dit kan nu niet.")

    with app.test_request_context(method="POST"):
        response = submit(refuse, success="Gelukt.", target="/pagina")
        assert response.status_code == 302 and response.location == "/pagina"
        assert get_flashed_messages() == ["Dit kan nu niet."]
