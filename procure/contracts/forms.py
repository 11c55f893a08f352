from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from procure.contracts.models import (
    ASSESSMENT_KINDS,
    ASSESSMENT_OUTCOMES,
    CUSTOM_REASONS,
    MANAGEMENT_LEVELS,
    TERMINATION_REASONS,
)
from procure.contracts.tiers import MEETING_TOPICS, RISK_LABELS, TIERS
from procure.core.pickers import PickerField

VARIANT_LABELS = {
    "task": _l("Taakgericht (lumpsum)"),
    "effort": _l("Inspanningsgericht"),
    "output": _l("Outputgericht"),
}
STATUS_LABELS = {
    "concept": _l("Concept"),
    "active": _l("Actief"),
    "extended": _l("Verlengd"),
    "ended": _l("Beëindigd"),
    "terminated": _l("Opgezegd"),
}
ORIGIN_LABELS = {
    "lot_award": _l("Gunning perceel"),
    "open_house": _l("Toelating open house"),
    "custom": _l("Maatwerk"),
}
OPTION_LABELS = {
    "open": _l("Open"),
    "exercised": _l("Gelicht"),
    "declined": _l("Niet gelicht"),
    "lapsed": _l("Vervallen"),
}
REASON_LABELS = {
    "bankruptcy": _l("Faillissement"),
    "mutual": _l("Met wederzijds goedvinden"),
    "insufficient_effort": _l("Onvoldoende inspanning"),
    "breach": _l("Tekortkoming (wanprestatie)"),
    "other": _l("Anders"),
}
CUSTOM_REASON_LABELS = {
    "out_of_region": _l("Plaatsing buiten de regio"),
    "specific_need": _l("Zeer specifieke zorgvraag"),
    "waiting_time": _l("Wachttijd bij gecontracteerde aanbieders"),
    "other": _l("Anders (toelichting)"),
}
LEVEL_LABELS = {key: tier.label for key, tier in TIERS.items()}
KIND_LABELS = {"entry": _l("Bij toetreding"), "yearly": _l("Jaarlijks")}
OUTCOME_LABELS = {"sound": _l("Gezond"), "attention": _l("Aandacht"), "risk": _l("Risico")}

REQUIRED = _l("Dit veld is verplicht.")


class BudgetForm(FlaskForm):
    year = IntegerField(_l("Jaar"), validators=[InputRequired(REQUIRED)])
    budget = DecimalField(
        _l("Budget / plafond (euro)"), places=2, validators=[InputRequired(REQUIRED)]
    )
    indexation_pct = DecimalField(_l("Indexatie (%)"), places=3, validators=[Optional()])
    efficiency_pct = DecimalField(_l("Efficiencykorting (%)"), places=3, validators=[Optional()])
    reserve = DecimalField(_l("Ventiel (euro)"), places=2, validators=[Optional()])
    guaranteed_pct = DecimalField(_l("Gegarandeerd deel (%)"), places=2, validators=[Optional()])
    clients_min = IntegerField(_l("Bandbreedte cliënten: minimum"), validators=[Optional()])
    clients_max = IntegerField(_l("Bandbreedte cliënten: maximum"), validators=[Optional()])
    decided_on = DateField(_l("Besluitdatum"), validators=[Optional()])
    decision_reference = StringField(_l("Kenmerk besluit"), validators=[Optional()])
    reason = TextAreaField(_l("Motivering (verplicht bij wijziging)"), validators=[Optional()])


class RealisationForm(FlaskForm):
    product = SelectField(_l("Product"), validators=[DataRequired(REQUIRED)])
    period = StringField(_l("Periode (JJJJ-MM)"), validators=[DataRequired(REQUIRED)])
    units = DecimalField(_l("Eenheden"), places=2, validators=[InputRequired(REQUIRED)])
    municipality = SelectField(_l("Gemeente"), validators=[Optional()])
    override = BooleanField(_l("Plafond bewust overschrijden"))
    override_reason = TextAreaField(_l("Motivering overschrijding"), validators=[Optional()])


class ImportForm(FlaskForm):
    file = FileField(_l("CSV-bestand (periode;productcode;eenheden)"))
    override = BooleanField(_l("Plafond bewust overschrijden"))
    override_reason = TextAreaField(_l("Motivering overschrijding"), validators=[Optional()])


class ReserveForm(FlaskForm):
    year = IntegerField(_l("Jaar"), validators=[InputRequired(REQUIRED)])
    amount = DecimalField(_l("Bedrag (euro)"), places=2, validators=[InputRequired(REQUIRED)])
    drawn_on = DateField(_l("Datum"), validators=[InputRequired(REQUIRED)])
    motivation = TextAreaField(_l("Motivering"), validators=[DataRequired(REQUIRED)])


class PaymentForm(FlaskForm):
    paid_on = DateField(_l("Betaald op"), validators=[InputRequired(REQUIRED)])
    amount = DecimalField(_l("Bedrag (leeg = termijnbedrag)"), places=2, validators=[Optional()])
    reference = StringField(_l("Betalingskenmerk"), validators=[Optional()])


class PaymentRegisterForm(PaymentForm):
    """One form under the schedule: which term was paid, when, how much, with what reference."""

    payment_id = SelectField(_l("Termijn"), coerce=int, validators=[InputRequired(REQUIRED)])


class TerminateForm(FlaskForm):
    reason = SelectField(_l("Reden"), choices=[(r, REASON_LABELS[r]) for r in TERMINATION_REASONS])
    note = TextAreaField(_l("Toelichting"), validators=[DataRequired(REQUIRED)])
    notice_given_on = DateField(_l("Opgezegd op"), validators=[InputRequired(REQUIRED)])
    effective_on = DateField(_l("Einddatum"), validators=[InputRequired(REQUIRED)])


class OptionForm(FlaskForm):
    months = IntegerField(
        _l("Lengte (maanden)"), validators=[InputRequired(REQUIRED), NumberRange(min=1, max=60)]
    )
    decision_deadline = DateField(
        _l("Beslisdatum (leeg = 6 maanden voor einde)"), validators=[Optional()]
    )


class ProductForm(FlaskForm):
    product_id = PickerField(
        _l("Product"),
        [DataRequired(_l("Kies een product."))],
        kind="contract_product",
        empty=_l("— kies een product —"),
    )


class PriceForm(FlaskForm):
    contracted_product_id = SelectField(_l("Product"), coerce=int)
    year = IntegerField(_l("Jaar"), validators=[InputRequired(REQUIRED)])
    price = DecimalField(_l("Eenheidsprijs (euro)"), places=2, validators=[InputRequired(REQUIRED)])


class CustomContractForm(FlaskForm):
    municipality_id = SelectField(_l("Gemeente"), coerce=int, validators=[Optional()])
    provider_id = PickerField(
        _l("Aanbieder (niet gecontracteerd)"),
        [DataRequired(_l("Kies een aanbieder."))],
        kind="provider_uncontracted",
    )
    maatwerk_code_id = SelectField(_l("Maatwerkcode"), coerce=int)
    unit_price = DecimalField(
        _l("Prijs per eenheid (euro)"), places=2, validators=[InputRequired(REQUIRED)]
    )
    units = DecimalField(_l("Aantal eenheden"), places=2, validators=[InputRequired(REQUIRED)])
    start_date = DateField(_l("Ingangsdatum"), validators=[InputRequired(REQUIRED)])
    end_date = DateField(_l("Einddatum"), validators=[InputRequired(REQUIRED)])
    justification = TextAreaField(_l("Motivering"), validators=[DataRequired(REQUIRED)])
    custom_reason = SelectField(
        _l("Reden voor maatwerk"), choices=[(x, CUSTOM_REASON_LABELS[x]) for x in CUSTOM_REASONS]
    )
    custom_reason_text = StringField(_l("Toelichting bij 'anders'"), validators=[Optional()])


class LevelForm(FlaskForm):
    level = SelectField(_l("Niveau"), choices=[(x, LEVEL_LABELS[x]) for x in MANAGEMENT_LEVELS])
    risk = SelectField(_l("Contractrisico"), choices=list(RISK_LABELS.items()), default="low")
    reason = TextAreaField(_l("Reden"), validators=[DataRequired(REQUIRED)])
    next_meeting_on = DateField(_l("Volgend overleg"), validators=[Optional()])


class MeetingForm(FlaskForm):
    held_on = DateField(_l("Datum"), validators=[InputRequired(REQUIRED)])
    attendees = TextAreaField(_l("Aanwezigen"), validators=[DataRequired(REQUIRED)])
    topic_keys = SelectMultipleField(
        _l("Vaste onderwerpen"),
        choices=list(MEETING_TOPICS.items()),
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )
    topics = TextAreaField(_l("Onderwerpen en toelichting"), validators=[Optional()])
    minutes = FileField(_l("Verslag (pdf/docx)"))
    action_description = StringField(_l("Actie"), validators=[Optional()])
    action_owner = StringField(_l("Eigenaar"), validators=[Optional()])
    action_due_on = DateField(_l("Uiterlijk"), validators=[Optional()])
    next_meeting_on = DateField(_l("Volgend overleg"), validators=[Optional()])


class AssessmentForm(FlaskForm):
    kind = SelectField(_l("Soort"), choices=[(x, KIND_LABELS[x]) for x in ASSESSMENT_KINDS])
    year = IntegerField(_l("Jaar"), validators=[InputRequired(REQUIRED)])
    assessed_on = DateField(_l("Datum"), validators=[InputRequired(REQUIRED)])
    outcome = SelectField(
        _l("Oordeel"), choices=[(x, OUTCOME_LABELS[x]) for x in ASSESSMENT_OUTCOMES]
    )
    notes = TextAreaField(_l("Toelichting"), validators=[Optional()])


class ThresholdForm(FlaskForm):
    warn_pct = IntegerField(_l("Signaalgrens (%)"), validators=[InputRequired(REQUIRED)])
    alert_pct = IntegerField(_l("Alarmgrens (%)"), validators=[InputRequired(REQUIRED)])


class ContractForm(FlaskForm):
    title = StringField(_l("Titel"), validators=[DataRequired(REQUIRED)])
    provider_id = PickerField(
        _l("Aanbieder (opdrachtnemer)"), [DataRequired(_l("Kies een aanbieder."))], kind="provider"
    )
    origin = SelectField(
        _l("Herkomst"),
        choices=[("lot_award", _l("Gunning perceel")), ("open_house", _l("Toelating open house"))],
    )
    variant = SelectField(_l("Uitvoeringsvariant"), choices=list(VARIANT_LABELS.items()))
    task_area_id = SelectField(_l("Taakgebied"), coerce=int, validators=[Optional()])
    start_date = DateField(_l("Ingangsdatum"), validators=[InputRequired(REQUIRED)])
    end_date = DateField(_l("Einddatum"), validators=[InputRequired(REQUIRED)])
    notice_months = IntegerField(
        _l("Opzegtermijn (maanden)"),
        default=3,
        validators=[InputRequired(REQUIRED), NumberRange(0, 36)],
    )
    extension_months = StringField(
        _l("Verlengingsopties in maanden (bijv. 12, 12)"), validators=[Optional()]
    )
