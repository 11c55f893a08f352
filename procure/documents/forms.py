from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from procure.documents.clauses import OPTIONAL_ARTICLES, OPTIONAL_LABELS


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class GenerateForm(FlaskForm):
    kind = HiddenField()


class BatchForm(FlaskForm):
    """Start a document batch; the year is optional for contracts, required for letters."""

    year = IntegerField(_l("Jaar"), validators=[Optional(), NumberRange(min=2000, max=2100)])


class SignedUploadForm(FlaskForm):
    file = FileField(_l("Ondertekende PDF"))


class ChoicesForm(FlaskForm):
    optional_articles = MultiCheckboxField(
        _l("Facultatieve artikelen (niet gekozen = n.v.t.)"),
        choices=[(k, OPTIONAL_LABELS[k]) for k in OPTIONAL_ARTICLES],
    )
    tender_selection = SelectField(
        _l("Selectiefase"),
        choices=[
            ("", _l("volgens de aanbesteding")),
            ("1", _l("met selectiefase")),
            ("0", _l("zonder selectiefase")),
        ],
    )
    award_basis = SelectField(
        _l("Gunning"),
        choices=[
            ("", _l("volgens de aanbesteding")),
            ("emvi", _l("op EMVI (beste prijs-kwaliteit)")),
            ("no_emvi", _l("zonder EMVI")),
        ],
    )
    notice_months = IntegerField(
        _l("Opzegtermijn (maanden)"),
        validators=[Optional(), NumberRange(1, 24, _l("Tussen 1 en 24 maanden."))],
    )


class ClauseForm(FlaskForm):
    title = StringField(
        _l("Titel"), validators=[DataRequired(_l("Geef een titel.")), Length(max=200)]
    )
    body = TextAreaField(
        _l("Tekst"), validators=[DataRequired(_l("De tekst is leeg.")), Length(max=20000)]
    )
    note = StringField(_l("Toelichting bij deze wijziging"), validators=[Length(max=500)])
