from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from procure.core.pickers import PickerField

DATE = _l("Geef een datum.")


class TransitionForm(FlaskForm):
    until = DateField(_l("Lopende zorg blijft bij deze aanbieder tot en met"), [Optional()])
    note = TextAreaField(_l("Voor welke lopende zorg"), [Optional(), Length(max=2000)])


class AddendumForm(FlaskForm):
    subject = StringField(
        _l("Onderwerp"), [InputRequired(_l("Geef het onderwerp.")), Length(max=300)]
    )
    agreed_on = DateField(_l("Overeengekomen op"), [InputRequired(DATE)])
    effective_on = DateField(_l("Van kracht vanaf"), [InputRequired(DATE)])
    body = TextAreaField(_l("Tekst"), [InputRequired(_l("Geef de tekst.")), Length(max=20000)])


class SubcontractorForm(FlaskForm):
    provider_id = PickerField(_l("Aanbieder uit het register"), [Optional()], kind="provider_all")
    name = StringField(_l("Of: naam (niet in het register)"), [Optional(), Length(max=200)])
    kvk_number = StringField(_l("KvK-nummer"), [Optional(), Length(max=8)])
    work = StringField(_l("Welk deel van de zorg"), [Optional(), Length(max=300)])
