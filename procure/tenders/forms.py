from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    DecimalField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from procure.core.timeutil import AMSTERDAM, to_local
from procure.tenders.models import PROCEDURE_LABELS, VARIANT_LABELS
from procure.tenders.operations import TENDER_FIELDS

REQUIRED = _l("Dit veld is verplicht.")


def to_aware(naive: datetime | None) -> datetime | None:
    """A wall-clock moment typed in Europe/Amsterdam, made aware. A time that does not exist
    (the hour skipped when summer time starts) is refused."""
    if naive is None:
        return None
    aware = naive.replace(tzinfo=AMSTERDAM)
    from datetime import UTC

    if aware.astimezone(UTC).astimezone(AMSTERDAM).replace(tzinfo=None) != naive:
        raise ValueError(
            str(
                _l(
                    "Dit tijdstip bestaat niet in Nederland (zomertijd begint); "
                    "kies een ander tijdstip."
                )
            )
        )
    return aware


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class TenderForm(FlaskForm):
    reference = StringField(
        _l("Kenmerk"),
        validators=[Optional(), Length(max=40)],
        description=_l("Leeg laten: wordt automatisch toegekend."),
    )
    title = StringField(_l("Titel"), validators=[DataRequired(REQUIRED), Length(max=300)])
    procedure = SelectField(
        _l("Procedure"), choices=[(k, v) for k, v in PROCEDURE_LABELS.items() if k != "open_house"]
    )
    task_area_id = SelectField(_l("Taakgebied (hoofd)"), coerce=int, choices=[])
    task_area_ids = MultiCheckboxField(_l("Ook deze taakgebieden"), coerce=int, choices=[])
    variant = SelectField(_l("Uitvoeringsvariant"), choices=list(VARIANT_LABELS.items()))
    estimated_value = DecimalField(
        _l("Geraamde opdrachtwaarde (EUR)"), places=2, validators=[Optional(), NumberRange(min=0)]
    )
    contract_start = DateField(_l("Ingangsdatum overeenkomst"), validators=[Optional()])
    duration_months = IntegerField(
        _l("Looptijd (maanden)"),
        default=60,
        validators=[InputRequired(REQUIRED), NumberRange(min=1)],
    )
    extension_count = IntegerField(
        _l("Aantal verlengingsopties"),
        default=0,
        validators=[InputRequired(REQUIRED), NumberRange(min=0)],
    )
    extension_months = IntegerField(
        _l("Maanden per verlenging"),
        default=12,
        validators=[InputRequired(REQUIRED), NumberRange(min=1)],
    )
    max_partners = IntegerField(
        _l("Maximaal aantal contractpartners"), validators=[Optional(), NumberRange(min=1)]
    )
    one_partner_per_lot = BooleanField(_l("Eén contractpartner per perceel"))
    without_award_criteria = BooleanField(_l("Gunnen zonder gunningscriteria"))
    score_scale_max = IntegerField(
        _l("Scoreschaal (0 tot en met)"),
        default=10,
        validators=[InputRequired(REQUIRED), NumberRange(min=1)],
    )
    registration_deadline = DateTimeLocalField(
        _l("Deadline aanmelding (Nederlandse tijd)"),
        format="%Y-%m-%dT%H:%M",
        validators=[Optional()],
    )
    dialogue_end = DateTimeLocalField(
        _l("Einde dialoogfase (Nederlandse tijd)"), format="%Y-%m-%dT%H:%M", validators=[Optional()]
    )
    bid_deadline = DateTimeLocalField(
        _l("Deadline inschrijving (Nederlandse tijd)"),
        format="%Y-%m-%dT%H:%M",
        validators=[Optional()],
    )
    standstill_days = IntegerField(
        _l("Standstilltermijn (kalenderdagen)"),
        default=20,
        validators=[InputRequired(REQUIRED), NumberRange(min=0)],
    )
    description = TextAreaField(_l("Omschrijving"), validators=[Optional()])
    change_reason = TextAreaField(
        _l("Reden van de wijziging"),
        description=_l("Verplicht als een deadline verschuift; alle aanmelders krijgen deze."),
        validators=[Optional(), Length(max=2000)],
    )

    def values(self) -> dict:
        """The form's values under the names of tenders.operations.TENDER_FIELDS (the
        deadlines as aware datetimes)."""
        out = {name: self[name].data for name in TENDER_FIELDS if name in self}
        out["task_area_id"] = self.task_area_id.data or None
        for name in ("registration_deadline", "dialogue_end", "bid_deadline"):
            out[name] = to_aware(getattr(self, name).data)
        out["description"] = out["description"] or ""
        return out


class LotForm(FlaskForm):
    number = IntegerField(_l("Nummer"), validators=[InputRequired(REQUIRED), NumberRange(min=1)])
    name = StringField(_l("Naam"), validators=[DataRequired(REQUIRED), Length(max=200)])
    areas = StringField(_l("Gemeenten / gebieden"), validators=[Optional()])
    max_partners = IntegerField(_l("Max. partners"), validators=[Optional(), NumberRange(min=1)])


class CriterionForm(FlaskForm):
    name = StringField(_l("Criterium"), validators=[DataRequired(REQUIRED), Length(max=200)])
    weight = DecimalField(_l("Gewicht (%)"), places=2, validators=[InputRequired(REQUIRED)])
    is_price = BooleanField(_l("Prijs"))


class RuleForm(FlaskForm):
    lots = MultiCheckboxField(
        _l("Deze percelen gaan naar verschillende partijen"), coerce=int, choices=[]
    )


class ReasonForm(FlaskForm):
    reason = TextAreaField(_l("Reden"), validators=[DataRequired(REQUIRED)])


class MotivationForm(FlaskForm):
    motivation = TextAreaField(_l("Motivering"), validators=[DataRequired(REQUIRED)])


class GoForm(FlaskForm):
    go = RadioField(
        _l("Besluit"),
        choices=[("go", _l("Go")), ("no_go", _l("No-go"))],
        validators=[DataRequired(REQUIRED)],
    )
    motivation = TextAreaField(_l("Motivering"), validators=[DataRequired(REQUIRED)])


class AssessForm(FlaskForm):
    status = SelectField(
        _l("Beoordeling"),
        choices=[
            ("admissible", _l("Ontvankelijk")),
            ("selected", _l("Geselecteerd")),
            ("rejected", _l("Afgewezen")),
        ],
    )
    reason = TextAreaField(_l("Toelichting / reden van afwijzing"), validators=[Optional()])


class RegistrationForm(FlaskForm):
    lots = MultiCheckboxField(_l("Percelen"), coerce=int, choices=[])
    no_exclusion_grounds = BooleanField(
        _l("Ik verklaar dat geen van de uitsluitingsgronden op onze organisatie van toepassing is.")
    )
    suitability_answer = TextAreaField(_l("Geschiktheidseisen: uw toelichting en referenties"))
    document = FileField(_l("Gevraagde documenten (PDF)"))


class SessionForm(FlaskForm):
    held_on = DateField(_l("Datum"), validators=[InputRequired(REQUIRED)])
    topic = StringField(_l("Onderwerp"), validators=[Optional(), Length(max=300)])
    participants = TextAreaField(_l("Deelnemers"), validators=[DataRequired(REQUIRED)])
    lots = MultiCheckboxField(_l("Percelen"), coerce=int, choices=[])
    minutes = FileField(_l("Verslag (PDF)"))


class AgreementForm(FlaskForm):
    text = TextAreaField(_l("Afspraak"), validators=[DataRequired(REQUIRED)])


class BidForm(FlaskForm):
    lot_id = SelectField(_l("Perceel"), coerce=int, choices=[])
    plan = FileField(_l("Kwalitatief plan van aanpak (PDF)"))
    price = DecimalField(_l("Prijs (EUR)"), places=2, validators=[Optional()])
    accepts_agreements = BooleanField(_l("Ik aanvaard de definitieve set met afspraken."))


class ScoreForm(FlaskForm):
    criterion_id = IntegerField(validators=[InputRequired()])
    score = StringField(_l("Score"), validators=[DataRequired(REQUIRED)])
    note = StringField(_l("Toelichting"), validators=[Optional()])


class ObjectionForm(FlaskForm):
    provider_id = SelectField(_l("Aanbieder"), coerce=int, choices=[])
    description = TextAreaField(_l("Bezwaar"), validators=[DataRequired(REQUIRED)])


class ResolveForm(FlaskForm):
    status = SelectField(
        _l("Afhandeling"),
        choices=[
            ("rejected", _l("Ongegrond")),
            ("withdrawn", _l("Ingetrokken")),
            ("upheld", _l("Gegrond")),
        ],
    )
    resolution = TextAreaField(_l("Motivering"), validators=[DataRequired(REQUIRED)])


class QuestionForm(FlaskForm):
    question = TextAreaField(_l("Uw vraag"), validators=[DataRequired(REQUIRED)])


class AnswerForm(FlaskForm):
    answer = TextAreaField(_l("Antwoord"), validators=[DataRequired(REQUIRED)])


# -- rectificatie ---------------------------------------------------------------------------


class _SubForm(Form):
    """A row of a FieldList: plain WTForms, with Flask-WTF's translated messages (a
    FlaskForm row would want a CSRF token of its own)."""

    class Meta:
        def get_translations(self, form):
            from flask_wtf.i18n import translations

            return translations


class LotCorrectionForm(_SubForm):
    number = HiddenField()
    name = StringField(_l("Naam"), validators=[DataRequired(REQUIRED), Length(max=200)])
    areas = StringField(_l("Gemeenten / gebieden"), validators=[Optional(), Length(max=2000)])
    max_partners = IntegerField(
        _l("Max. partners"), validators=[Optional(), NumberRange(min=1, max=999)]
    )


class CriterionCorrectionForm(_SubForm):
    criterion_id = HiddenField()
    name = StringField(_l("Criterium"), validators=[DataRequired(REQUIRED), Length(max=200)])
    weight = DecimalField(
        _l("Gewicht (%)"), places=2, validators=[InputRequired(REQUIRED), NumberRange(0, 100)]
    )


class RectificationForm(FlaskForm):
    """The core terms as published, to correct; only what differs becomes the rectificatie."""

    title = StringField(_l("Titel"), validators=[DataRequired(REQUIRED), Length(max=300)])
    estimated_value = DecimalField(
        _l("Geraamde opdrachtwaarde (EUR)"), places=2, validators=[Optional(), NumberRange(min=0)]
    )
    contract_start = DateField(_l("Ingangsdatum overeenkomst"), validators=[Optional()])
    duration_months = IntegerField(
        _l("Looptijd (maanden)"), validators=[InputRequired(REQUIRED), NumberRange(1, 240)]
    )
    extension_count = IntegerField(
        _l("Aantal verlengingsopties"), validators=[InputRequired(REQUIRED), NumberRange(0, 20)]
    )
    extension_months = IntegerField(
        _l("Maanden per verlenging"), validators=[InputRequired(REQUIRED), NumberRange(1, 120)]
    )
    bid_deadline = DateTimeLocalField(
        _l("Deadline inschrijving (Nederlandse tijd)"),
        format="%Y-%m-%dT%H:%M",
        validators=[Optional()],
    )
    lot_rows = FieldList(FormField(LotCorrectionForm), label=_l("Percelen"))
    criterion_rows = FieldList(FormField(CriterionCorrectionForm), label=_l("Gunningscriteria"))
    reason = TextAreaField(
        _l("Reden van de rectificatie"),
        description=_l("Verplicht; alle aanmelders krijgen de rectificatie met deze reden."),
        validators=[DataRequired(REQUIRED), Length(max=5000)],
    )

    @classmethod
    def for_tender(cls, tender, **kwargs):
        """The form over the tender's current terms (a POST's own input takes precedence)."""
        deadline = tender.bid_deadline
        data = {
            "title": tender.title,
            "estimated_value": tender.estimated_value,
            "contract_start": tender.contract_start,
            "duration_months": tender.duration_months,
            "extension_count": tender.extension_count,
            "extension_months": tender.extension_months,
            "bid_deadline": to_local(deadline).replace(tzinfo=None) if deadline else None,
            "lot_rows": [
                {
                    "number": lot.number,
                    "name": lot.name,
                    "areas": lot.areas,
                    "max_partners": lot.max_partners,
                }
                for lot in tender.lots
            ],
            "criterion_rows": [
                {"criterion_id": c.id, "name": c.name, "weight": c.weight} for c in tender.criteria
            ],
        }
        return cls(data=data, **kwargs)

    def changes(self) -> dict:
        """The corrected terms for operations.rectify_tender (unchanged ones are ignored)."""
        out = {
            name: getattr(self, name).data
            for name in (
                "title",
                "estimated_value",
                "contract_start",
                "duration_months",
                "extension_count",
                "extension_months",
            )
        }
        out["bid_deadline"] = to_aware(self.bid_deadline.data)
        out["lots"] = {
            row.form.number.data: {
                "name": row.form.name.data,
                "areas": row.form.areas.data or "",
                "max_partners": row.form.max_partners.data,
            }
            for row in self.lot_rows
        }
        out["criteria"] = {
            row.form.criterion_id.data: {
                "name": row.form.name.data,
                "weight": row.form.weight.data,
            }
            for row in self.criterion_rows
        }
        return out
