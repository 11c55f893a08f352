"""procure.core.widgets.html_params writes exactly what WTForms' own does."""

import random
from decimal import Decimal

from markupsafe import Markup
from wtforms import Form, widgets
from wtforms.fields import (
    BooleanField,
    DateField,
    DecimalField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from procure.core import widgets as fast

VALUES = (True, False, None, 0, 7, 2.5, Decimal("1.10"), "", "a", 'x"y', "<b>&'</b>", "é €")
KEYS = ("id", "class_", "for_", "data_picker_url", "aria_controls", "name", "value", "required")


def test_html_params_equals_wtforms_on_random_attribute_sets():
    rng = random.Random(2026)
    values = (*VALUES, Markup("<i>kort</i>"))
    for _ in range(5_000):
        keys = rng.sample(KEYS, rng.randint(0, len(KEYS)))
        attrs = {key: rng.choice(values) for key in keys}
        ours, theirs = fast.html_params(**attrs), fast.WTFORMS_HTML_PARAMS(**attrs)
        assert ours == theirs and type(ours) is type(theirs), attrs


class Sample(Form):
    name = StringField("Naam <b>", validators=[InputRequired(), Length(max=200)])
    choice = SelectField("Keuze", choices=[("1", "Eén & twee"), ("2", 'Drie "vier"')])
    many = SelectMultipleField("Meer", choices=[("a", "A"), ("b", "B")])
    on = DateField("Datum", validators=[Optional()])
    amount = DecimalField("Bedrag", places=2, validators=[NumberRange(min=0)])
    note = TextAreaField("Toelichting", validators=[Length(min=2, max=2000)])
    agree = BooleanField("Akkoord")


def _rendered(form) -> list[str]:
    return [str(field.label) + str(field(class_="x", data_hint='a"b')) for field in form]


def test_every_widget_renders_the_same_as_with_wtforms_own_writer(app):
    assert widgets.core.html_params is fast.html_params  # create_app installed it
    assert widgets.core.Input.html_params is fast.html_params
    form = Sample(
        data={"name": "Kompas <& Co>", "choice": "2", "many": ["b"], "amount": Decimal("3.5")}
    )
    installed = _rendered(form)
    try:  # the same form with WTForms' writer put back in every place install() set
        widgets.core.html_params = widgets.html_params = fast.WTFORMS_HTML_PARAMS
        widgets.core.Input.html_params = staticmethod(fast.WTFORMS_HTML_PARAMS)
        widgets.core.Button.html_params = staticmethod(fast.WTFORMS_HTML_PARAMS)
        original = _rendered(form)
    finally:
        fast.install()
    assert installed == original


def test_options_are_the_filter_selects_jinja_loop(app):
    """procure.core.widgets.options writes what the filter selects' Jinja loop wrote:
    values and labels escaped, the chosen one selected, for pairs and for mappings."""
    from flask import render_template_string
    from flask_babel import lazy_gettext

    from procure.core.widgets import options

    loop = (
        '{% for value, label in pairs %}<option value="{{ value }}"{% if value == chosen %}'
        " selected{% endif %}>{{ label }}</option>{% endfor %}"
    )
    areas = [
        (3, "Jeugd & Gezin <Breda>"),
        (12, 'Wonen "met" begeleiding'),
        (40, lazy_gettext("alle")),
    ]
    with app.test_request_context("/"):
        for chosen in (None, 12, "12", 40):
            expected = render_template_string(loop, pairs=areas, chosen=chosen)
            assert str(options(areas, chosen)) == expected
            assert str(options(dict(areas), chosen)) == expected
        assert 'value="12" selected' in options(areas, 12)
        assert "&lt;Breda&gt;" in options(areas) and "&#34;met&#34;" in options(areas)
