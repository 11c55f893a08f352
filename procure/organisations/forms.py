from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length, Optional


class RegionForm(FlaskForm):
    name = StringField(
        _l("Naam"), validators=[DataRequired(_l("Vul een naam in.")), Length(max=200)]
    )
    kvk_number = StringField(_l("KvK-nummer"), validators=[Optional(), Length(max=8)])
    address = StringField(_l("Adres"), validators=[Optional(), Length(max=300)])


class MunicipalityForm(FlaskForm):
    name = StringField(
        _l("Naam"), validators=[DataRequired(_l("Vul een naam in.")), Length(max=200)]
    )
    cbs_code = StringField(
        _l("CBS-code"), validators=[DataRequired(_l("Vul de CBS-code in.")), Length(max=4)]
    )


class ProviderForm(FlaskForm):
    short_code = StringField(_l("Korte code"), validators=[DataRequired(_l("Vul een code in."))])
    name = StringField(
        _l("Naam"), validators=[DataRequired(_l("Vul een naam in.")), Length(max=200)]
    )
    kvk_number = StringField(
        _l("KvK-nummer"), validators=[DataRequired(_l("Vul het KvK-nummer in."))]
    )
    agb_code = StringField(_l("AGB-code"), validators=[Optional()])
    address = StringField(_l("Adres"), validators=[Optional(), Length(max=300)])
