from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    MultipleFileField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional

from procure.core.labels import resolved
from procure.core.pickers import PickerField
from procure.supervision.models import (
    CATEGORIES,
    DECISIONS,
    MEASURE_KINDS,
    NOTE_KINDS,
    SOURCES,
    URGENCIES,
)


def _choices(mapping):
    # the labels as text once per locale (core.labels.resolved), not a translation per choice
    return lambda: list(resolved(mapping).items())


REQUIRED_DATE = _l("Vul een geldige datum in (dd-mm-jjjj).")
DESCRIPTION_HINT = _l(
    "Noem geen namen van cliënten en geen BSN: een tekst met een nummer dat "
    "op een BSN lijkt, wordt geweigerd."
)


class SignalForm(FlaskForm):
    # The operation checks these (a contract of the chosen provider in the region, the
    # user's own municipality) with Dutch messages; no generic "not a valid choice" here.
    provider_id = PickerField(
        _l("Aanbieder"),
        [DataRequired(_l("Kies een aanbieder."))],
        kind="provider",
        empty=_l("— kies een aanbieder —"),
    )
    contract_id = PickerField(
        _l("Contract (optioneel)"),
        [Optional()],
        kind="contract",
        empty=_l("— geen contract —"),
        narrowing=("provider",),
    )
    municipality_id = SelectField(
        _l("Gemeente"), coerce=int, validate_choice=False, validators=[Optional()]
    )
    source = SelectField(_l("Bron"), choices=_choices(SOURCES))
    received_on = DateField(_l("Datum ontvangen"), validators=[DataRequired(REQUIRED_DATE)])
    category = SelectField(_l("Categorie"), choices=_choices(CATEGORIES))
    urgency = SelectField(_l("Urgentie"), choices=_choices(URGENCIES))
    description = TextAreaField(
        _l("Beschrijving"),
        validators=[DataRequired(_l("Beschrijf het signaal.")), Length(max=10_000)],
    )
    reporter_name = StringField(_l("Melder (naam)"), validators=[Optional(), Length(max=200)])
    reporter_contact = StringField(
        _l("Melder (telefoon of e-mail)"), validators=[Optional(), Length(max=200)]
    )
    reporter_confidential = BooleanField(
        _l("Melder vertrouwelijk (alleen zichtbaar voor toezichthouders)")
    )
    attachments = MultipleFileField(_l("Bijlagen (PDF, Word, Excel)"))


class TriageForm(FlaskForm):
    decision = SelectField(_l("Besluit"), choices=_choices(DECISIONS))
    motivation = TextAreaField(
        _l("Motivering"), validators=[DataRequired(_l("Motiveer het besluit."))]
    )
    investigation_due_on = DateField(
        _l("Onderzoek uiterlijk af (bij zelf onderzoeken)"), validators=[Optional()]
    )
    other_party = StringField(
        _l("Andere partij (bij overdragen)"), validators=[Optional(), Length(max=200)]
    )
    follow_up_on = DateField(
        _l("Opvolgen op (bij monitoren of overdragen)"), validators=[Optional()]
    )


class InvestigateForm(FlaskForm):
    due_on = DateField(_l("Onderzoek uiterlijk af"), validators=[DataRequired(REQUIRED_DATE)])
    motivation = TextAreaField(
        _l("Motivering"), validators=[DataRequired(_l("Motiveer het besluit."))]
    )


class HandOverForm(FlaskForm):
    other_party = StringField(
        _l("Andere partij"), validators=[DataRequired(_l("Vul de partij in.")), Length(max=200)]
    )
    follow_up_on = DateField(_l("Opvolgen op"), validators=[DataRequired(REQUIRED_DATE)])
    motivation = TextAreaField(
        _l("Motivering"), validators=[DataRequired(_l("Motiveer de overdracht."))]
    )


class FollowUpForm(FlaskForm):
    follow_up_on = DateField(_l("Nieuwe opvolgdatum"), validators=[DataRequired(REQUIRED_DATE)])
    note = StringField(_l("Toelichting"), validators=[DataRequired(_l("Licht toe."))])


class NoteForm(FlaskForm):
    kind = SelectField(_l("Soort"), choices=_choices(NOTE_KINDS))
    text = TextAreaField(_l("Tekst"), validators=[DataRequired(_l("Schrijf de aantekening."))])


class MeasureForm(FlaskForm):
    kind = SelectField(_l("Maatregel"), choices=_choices(MEASURE_KINDS))
    description = TextAreaField(
        _l("Omschrijving"), validators=[DataRequired(_l("Beschrijf de maatregel."))]
    )
    due_on = DateField(_l("Termijn"), validators=[DataRequired(REQUIRED_DATE)])
    follow_up_on = DateField(_l("Controle op (optioneel)"), validators=[Optional()])
    amount = StringField(_l("Bedrag (alleen financiële correctie)"), validators=[Optional()])


class MeasureDoneForm(FlaskForm):
    result = StringField(
        _l("Uitkomst van de controle"), validators=[DataRequired(_l("Beschrijf de uitkomst."))]
    )


class MeasureDropForm(FlaskForm):
    reason = StringField(
        _l("Reden van vervallen"), validators=[DataRequired(_l("Geef een reden."))]
    )


class CloseForm(FlaskForm):
    outcome = TextAreaField(_l("Uitkomst"), validators=[DataRequired(_l("Beschrijf de uitkomst."))])


class MergeForm(FlaskForm):
    into = StringField(
        _l("Samenvoegen met signaal (kenmerk)"),
        validators=[DataRequired(_l("Vul het kenmerk in."))],
    )
    reason = StringField(_l("Reden"), validators=[DataRequired(_l("Geef een reden."))])


class ReopenForm(FlaskForm):
    reason = StringField(
        _l("Reden van heropenen"), validators=[DataRequired(_l("Geef een reden."))]
    )


class AssignForm(FlaskForm):
    assignee = SelectField(_l("Toewijzen aan"), coerce=int)


class BulkAssignForm(FlaskForm):
    assignee = SelectField(_l("Toewijzen aan"), coerce=int)
    signal_ids = SelectMultipleField(_l("Signalen"), coerce=int, validate_choice=False)


class HeightenedForm(FlaskForm):
    reason = TextAreaField(_l("Reden"), validators=[DataRequired(_l("Geef de reden."))])
    start_on = DateField(_l("Ingangsdatum"), validators=[DataRequired(REQUIRED_DATE)])
    review_on = DateField(_l("Evaluatiedatum"), validators=[DataRequired(REQUIRED_DATE)])


class EndHeightenedForm(FlaskForm):
    reason = StringField(
        _l("Reden van beëindigen"), validators=[DataRequired(_l("Geef de reden."))]
    )
    ended_on = DateField(_l("Einddatum"), validators=[DataRequired(REQUIRED_DATE)])
