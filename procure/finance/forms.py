from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from procure.finance.models import ALLOCATION_METHODS, DIRECTIONS, INDICATOR_UNITS, LINE_KINDS

REQUIRED = _l("Dit veld is verplicht.")

KIND_LABELS = {
    "regular": _l("Regulier"),
    "guaranteed": _l("Gegarandeerd deel (voorschotten)"),
    "reserved": _l("Gereserveerd deel (na besluit tot vrijgave)"),
}
METHOD_LABELS = {
    "fixed": _l("Vaste aandelen (procenten)"),
    "young_inhabitants": _l("Naar rato van jeugdige inwoners"),
}
UNIT_LABELS = {
    "count": _l("aantal"),
    "percent": _l("procent"),
    "days": _l("dagen"),
    "euro": _l("euro"),
}
DIRECTION_LABELS = {"down": _l("lager is beter"), "up": _l("hoger is beter")}


class FrameworkForm(FlaskForm):
    year = IntegerField(_l("Jaar"), validators=[InputRequired(REQUIRED)])
    title = StringField(_l("Titel"), validators=[Optional(), Length(max=200)])
    stated_total = StringField(_l("Totaal volgens het voorstel (euro)"), validators=[Optional()])


class LineForm(FlaskForm):
    code = StringField(_l("Code"), validators=[DataRequired(REQUIRED), Length(max=40)])
    name = StringField(_l("Post"), validators=[DataRequired(REQUIRED), Length(max=200)])
    amount = StringField(_l("Kader (euro; leeg = PM)"), validators=[Optional()])
    parent_code = SelectField(_l("Onderdeel van"), validators=[Optional()])
    previous_code = SelectField(_l("Vervolg van post (vorig jaar)"), validators=[Optional()])
    kind = SelectField(_l("Soort"), choices=[(k, KIND_LABELS[k]) for k in LINE_KINDS])
    incidental = BooleanField(_l("Incidenteel (buiten het structurele totaal)"))


class AdoptForm(FlaskForm):
    decided_on = DateField(_l("Datum RBO-besluit"), validators=[InputRequired(REQUIRED)])
    reference = StringField(_l("Kenmerk besluit"), validators=[DataRequired(REQUIRED)])
    stated_total = StringField(_l("Totaal volgens het besluit (euro)"), validators=[Optional()])


class AdjustmentForm(FlaskForm):
    line_id = SelectField(_l("Post"), coerce=int)
    amount = StringField(
        _l("Mutatie (euro, negatief = verlaging)"), validators=[DataRequired(REQUIRED)]
    )
    decided_on = DateField(_l("Datum besluit"), validators=[InputRequired(REQUIRED)])
    decision_reference = StringField(_l("Kenmerk besluit"), validators=[Optional()])
    reason = TextAreaField(_l("Reden"), validators=[Optional()])


class AcknowledgeForm(FlaskForm):
    acknowledged_on = DateField(_l("Datum collegebesluit"), validators=[InputRequired(REQUIRED)])
    decision_reference = StringField(_l("Kenmerk besluit"), validators=[DataRequired(REQUIRED)])


class AssignForm(FlaskForm):
    line_id = SelectField(_l("Post"), coerce=int)
    contract_year_id = SelectField(_l("Contract (jaar)"), coerce=int)


class ReleaseForm(FlaskForm):
    line_id = SelectField(_l("Gereserveerde post"), coerce=int)
    amount = StringField(_l("Bedrag (euro)"), validators=[DataRequired(REQUIRED)])
    decided_on = DateField(_l("Datum besluit"), validators=[InputRequired(REQUIRED)])
    decision_reference = StringField(_l("Kenmerk besluit"), validators=[Optional()])
    reason = TextAreaField(_l("Reden"), validators=[Optional()])


class PaymentForm(FlaskForm):
    line_id = SelectField(_l("Post"), coerce=int)
    amount = StringField(_l("Bedrag (euro)"), validators=[DataRequired(REQUIRED)])
    paid_on = DateField(_l("Betaaldatum"), validators=[InputRequired(REQUIRED)])
    reference = StringField(_l("Kenmerk betaling"), validators=[Optional(), Length(max=100)])


class AllocationForm(FlaskForm):
    """One share field per municipality is added by the view (share_<id>)."""

    method = SelectField(_l("Methode"), choices=[(m, METHOD_LABELS[m]) for m in ALLOCATION_METHODS])
    decided_on = DateField(_l("Datum besluit"), validators=[InputRequired(REQUIRED)])
    basis = StringField(_l("Grondslag (bron van de cijfers)"), validators=[Optional()])


class IndicatorForm(FlaskForm):
    code = StringField(_l("Code"), validators=[DataRequired(REQUIRED), Length(max=40)])
    name = StringField(_l("Naam"), validators=[DataRequired(REQUIRED), Length(max=200)])
    definition = TextAreaField(_l("Definitie"), validators=[Optional()])
    unit = SelectField(_l("Eenheid"), choices=[(u, UNIT_LABELS[u]) for u in INDICATOR_UNITS])
    direction = SelectField(_l("Richting"), choices=[(d, DIRECTION_LABELS[d]) for d in DIRECTIONS])
    target_value = StringField(_l("Doel"), validators=[Optional()])
    target_period = StringField(_l("Doelperiode (bijv. 2028)"), validators=[Optional()])


class ValueForm(FlaskForm):
    period = StringField(
        _l("Periode (JJJJ, JJJJ-Qn, JJJJ-MM of JJJJ-MM-DD)"), validators=[DataRequired(REQUIRED)]
    )
    value = StringField(_l("Waarde"), validators=[DataRequired(REQUIRED)])
    municipality = SelectField(_l("Gemeente"), validators=[Optional()])


class CsvForm(FlaskForm):
    file = FileField(_l("CSV-bestand"))


class WaitingForm(FlaskForm):
    provider = SelectField(_l("Aanbieder"))
    category = StringField(_l("Productcategorie"), validators=[DataRequired(REQUIRED)])
    period = StringField(_l("Maand (JJJJ-MM)"), validators=[DataRequired(REQUIRED)])
    average_days = StringField(
        _l("Gemiddelde wachttijd (dagen)"), validators=[DataRequired(REQUIRED)]
    )
    waiting = StringField(_l("Aantal wachtenden"), validators=[Optional()])
    updated_on = DateField(_l("Bijgewerkt op"), validators=[InputRequired(REQUIRED)])
    municipality = SelectField(_l("Gemeente"), validators=[Optional()])
