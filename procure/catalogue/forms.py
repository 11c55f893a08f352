from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from procure.catalogue.models import UNITS, VARIANT_LABELS


def _variant_choices():
    return [(code, str(label)) for code, label in VARIANT_LABELS.items()]


def _unit_choices():
    return [("", "—")] + [(u, u) for u in UNITS]


class ProductForm(FlaskForm):
    code = StringField(
        _l("Productcode"), validators=[DataRequired(_l("Vul een productcode in.")), Length(max=10)]
    )
    name = StringField(
        _l("Naam"), validators=[DataRequired(_l("Vul een naam in.")), Length(max=200)]
    )
    task_area_id = SelectField(_l("Taakgebied"), coerce=int)
    variant = SelectField(_l("Uitvoeringsvariant"), choices=_variant_choices)
    unit = SelectField(_l("Eenheid"), choices=_unit_choices, validators=[Optional()])
    price = StringField(
        _l("Tarief (prijs per eenheid) in het eerste jaar"), validators=[Optional(), Length(max=20)]
    )
    valid_from = DateField(
        _l("Geldig vanaf"), validators=[DataRequired(_l("Vul een geldige ingangsdatum in."))]
    )
    valid_to = DateField(_l("Geldig tot en met"), validators=[Optional()])
    description = TextAreaField(_l("Omschrijving"), validators=[Optional()])
    criteria = TextAreaField(_l("Criteria"), validators=[Optional()])
    target_group = TextAreaField(_l("Doelgroep"), validators=[Optional()])


class ProductEditForm(FlaskForm):
    name = StringField(
        _l("Naam"), validators=[DataRequired(_l("Vul een naam in.")), Length(max=200)]
    )
    task_area_id = SelectField(_l("Taakgebied"), coerce=int)
    variant = SelectField(_l("Uitvoeringsvariant"), choices=_variant_choices)
    unit = SelectField(_l("Eenheid"), choices=_unit_choices, validators=[Optional()])
    valid_from = DateField(_l("Geldig vanaf"), validators=[Optional()])
    description = TextAreaField(_l("Omschrijving"), validators=[Optional()])
    criteria = TextAreaField(_l("Criteria"), validators=[Optional()])
    target_group = TextAreaField(_l("Doelgroep"), validators=[Optional()])
    change_note = StringField(
        _l("Toelichting op de wijziging"), validators=[Optional(), Length(max=500)]
    )


class TariffForm(FlaskForm):
    year = StringField(_l("Jaar"), validators=[DataRequired(_l("Vul een jaar in.")), Length(max=4)])
    price = StringField(
        _l("Prijs per eenheid (€)"),
        validators=[DataRequired(_l("Vul een bedrag in.")), Length(max=20)],
    )


class ExpireForm(FlaskForm):
    valid_to = DateField(_l("Vervalt per (laatste geldige dag)"), validators=[Optional()])


class IndexationForm(FlaskForm):
    from_year = StringField(
        _l("Van jaar"), validators=[DataRequired(_l("Vul een jaar in.")), Length(max=4)]
    )
    percentage = StringField(
        _l("Indexatiepercentage"),
        validators=[DataRequired(_l("Vul een percentage in.")), Length(max=10)],
    )


class PdcImportForm(FlaskForm):
    file = FileField(
        _l("ZIP-bestand met de productkaarten (YAML, zoals flask pdc export ze schrijft)")
    )
    with_translations = BooleanField(_l("Ook de vertaaltabel uit de bestanden overnemen"))
