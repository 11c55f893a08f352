from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

VARIANT_CHOICES = [
    ("effort", _l("inspanningsgericht")),
    ("output", _l("outputgericht")),
    ("task", _l("taakgericht")),
]
REGIME_CHOICES = [
    ("moments", _l("vaste toetredingsmomenten")),
    ("continuous", _l("doorlopend toetreden")),
]


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class OpenHouseForm(FlaskForm):
    reference = StringField(
        _l("Kenmerk"), validators=[DataRequired(_l("Vul een kenmerk in.")), Length(max=40)]
    )
    title = StringField(
        _l("Titel"), validators=[DataRequired(_l("Vul een titel in.")), Length(max=300)]
    )
    task_area_id = SelectField(_l("Taakgebied"), coerce=int, validators=[Optional()])
    variant = SelectField(_l("Uitvoeringsvariant"), choices=VARIANT_CHOICES, default="effort")
    contract_start = DateField(
        _l("Ingangsdatum overeenkomst"), validators=[DataRequired(_l("Vul een geldige datum in."))]
    )
    duration_months = IntegerField(
        _l("Looptijd (maanden)"),
        default=60,
        validators=[DataRequired(_l("Vul de looptijd in.")), NumberRange(1, 240)],
    )
    extension_count = IntegerField(
        _l("Aantal verlengingsopties"), default=2, validators=[NumberRange(0, 10)]
    )
    extension_months = IntegerField(
        _l("Verlenging per optie (maanden)"), default=12, validators=[NumberRange(0, 60)]
    )
    entry_regime = SelectField(_l("Toetreden"), choices=REGIME_CHOICES, default="moments")
    entry_months = StringField(_l("Maanden van de toetredingsmomenten"), default="1,4,7,10")
    application_weeks = IntegerField(
        _l("Aanvraagtermijn (weken vóór het moment)"), default=8, validators=[NumberRange(1, 52)]
    )
    assessment_weeks = IntegerField(
        _l("Beoordeling gereed (weken vóór het moment)"), default=2, validators=[NumberRange(0, 51)]
    )
    continuous_assessment_weeks = IntegerField(
        _l("Beslistermijn bij doorlopend toetreden (weken)"),
        default=6,
        validators=[NumberRange(1, 26)],
    )
    response_days = IntegerField(
        _l("Reactietermijn bij aanvullende vragen (dagen)"),
        default=14,
        validators=[NumberRange(1, 90)],
    )
    admission_conditions = TextAreaField(_l("Toelatingsvoorwaarden"))
    description = TextAreaField(_l("Omschrijving"))


class CategoryForm(FlaskForm):
    code = StringField(
        _l("Code"), validators=[DataRequired(_l("Vul een code in.")), Length(max=20)]
    )
    name = StringField(
        _l("Naam"), validators=[DataRequired(_l("Vul een naam in.")), Length(max=200)]
    )
    description = TextAreaField(_l("Omschrijving"))
    product_ids = MultiCheckboxField(_l("Producten uit de PDC"), coerce=int)


class RequirementForm(FlaskForm):
    text = TextAreaField(_l("Eis"), validators=[DataRequired(_l("Beschrijf de eis."))])
    requires_document = BooleanField(_l("Document verplicht"))


class MomentForm(FlaskForm):
    entry_date = DateField(
        _l("Toetredingsmoment"), validators=[DataRequired(_l("Vul een geldige datum in."))]
    )


class ApplicationForm(FlaskForm):
    """Fixed fields. Categories (category_ids), municipalities (municipality_ids) and the
    answers per requirement (answer_<id>, file_<id>) are read from the request by the view
    and validated by the operation, which gives the Dutch messages."""

    moment_id = SelectField(_l("Toetredingsmoment"), coerce=int, validators=[Optional()])
    motivation = TextAreaField(_l("Toelichting"))


class InfoRequestForm(FlaskForm):
    note = TextAreaField(
        _l("Welke informatie ontbreekt?"),
        validators=[DataRequired(_l("Beschrijf welke informatie ontbreekt."))],
    )
    response_days = IntegerField(
        _l("Reactietermijn (dagen)"), default=14, validators=[NumberRange(1, 90)]
    )


class ResponseForm(FlaskForm):
    response = TextAreaField(
        _l("Uw aanvulling"), validators=[DataRequired(_l("Geef de gevraagde informatie."))]
    )


class DecisionForm(FlaskForm):
    """Decision per category (decision_<category id>) is read by the view."""

    reason = TextAreaField(_l("Motivering / reden van afwijzing"))


class EndAdmissionForm(FlaskForm):
    reason = TextAreaField(_l("Reden"), validators=[DataRequired(_l("Geef de reden."))])
    end_date = DateField(
        _l("Einddatum"), validators=[DataRequired(_l("Vul een geldige datum in."))]
    )


class ConfirmForm(FlaskForm):
    """A POST button with a CSRF token."""


class RecipientForm(FlaskForm):
    kind = SelectField(
        _l("Soort"),
        choices=[
            ("access_team", _l("Toegangsteam van een gemeente")),
            ("certified_institution", _l("Gecertificeerde instelling")),
        ],
    )
    name = StringField(
        _l("Naam"), validators=[DataRequired(_l("Vul een naam in.")), Length(max=200)]
    )
    email = StringField(
        _l("E-mailadres"),
        validators=[DataRequired(_l("Vul een geldig e-mailadres in.")), Length(max=254)],
    )
    municipality_id = SelectField(_l("Gemeente (toegangsteam)"), coerce=int)
