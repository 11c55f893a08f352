from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

PROCEDURE_LABELS = {
    "open_house": _l("Open house (toelatingsprocedure)"),
    "sas_dialogue": _l("SAS-procedure met dialoog"),
    "sas_open": _l("Openbare SAS-procedure"),
}
STATUS_LABELS = {"draft": _l("Concept"), "open": _l("Open"), "closed": _l("Gesloten")}


def _optional_int(value):
    return int(value) if value not in (None, "", "None") else None


class ConsultationForm(FlaskForm):
    title = StringField(_l("Titel"), [InputRequired(_l("Geef de titel.")), Length(max=300)])
    segment = StringField(
        _l("Segment of onderwerp"),
        [InputRequired(_l("Geef het segment of onderwerp.")), Length(max=200)],
    )
    task_area_id = SelectField(_l("Taakgebied"), coerce=_optional_int, validators=[Optional()])
    planned_procedure = SelectField(
        _l("Procedure die volgt"), choices=list(PROCEDURE_LABELS.items())
    )
    closes_on = DateField(_l("Antwoorden uiterlijk op"), [InputRequired(_l("Geef een datum."))])
    description = TextAreaField(_l("Toelichting"), [Optional(), Length(max=10000)])


class QuestionForm(FlaskForm):
    text = TextAreaField(_l("Vraag aan de markt"), [InputRequired(_l("Geef de vraag."))])


class DocumentForm(FlaskForm):
    title = StringField(_l("Titel"), [InputRequired(_l("Geef de titel.")), Length(max=200)])
    file = FileField(_l("Bestand (PDF, Word of Excel)"))


class AnswerForm(FlaskForm):
    question_id = HiddenField()
    body = TextAreaField(_l("Uw antwoord"), [InputRequired(_l("Geef uw antwoord."))])


class OutcomeForm(FlaskForm):
    outcome = TextAreaField(_l("Uitkomst"), [InputRequired(_l("Beschrijf de uitkomst."))])
    tender_id = SelectField(
        _l("Aanbesteding die volgt"), coerce=_optional_int, validators=[Optional()]
    )
