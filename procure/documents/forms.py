from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    DateField,
    DecimalField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from procure.core.pickers import PickerField
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


class CustomFormatForm(FlaskForm):
    provider_id = PickerField(
        _l("Aanbieder"), [DataRequired(_l("Kies een aanbieder."))], kind="provider"
    )
    code_id = SelectField(
        _l("Maatwerkcode"), coerce=int, validators=[InputRequired(_l("Kies een maatwerkcode."))]
    )
    unit_price = DecimalField(
        _l("Prijs per eenheid (€)"),
        places=2,
        validators=[
            InputRequired(_l("Vul de prijs per eenheid in.")),
            NumberRange(min=0, message=_l("De prijs kan niet negatief zijn.")),
        ],
    )
    units = DecimalField(
        _l("Aantal eenheden"),
        places=2,
        validators=[
            InputRequired(_l("Vul het aantal eenheden in.")),
            NumberRange(min=0, message=_l("Het aantal kan niet negatief zijn.")),
        ],
    )
    start = DateField(_l("Ingangsdatum"), validators=[InputRequired(_l("Vul de ingangsdatum in."))])
    end = DateField(_l("Einddatum"), validators=[InputRequired(_l("Vul de einddatum in."))])
    justification = TextAreaField(_l("Motivering"), validators=[Length(max=4000)])
    output = SelectField(_l("Bestand"), choices=[("pdf", "PDF"), ("docx", "Word (DOCX)")])

    def validate_end(self, field):
        from wtforms.validators import ValidationError

        if self.start.data and field.data and field.data <= self.start.data:
            raise ValidationError(_l("De einddatum moet na de ingangsdatum liggen."))
