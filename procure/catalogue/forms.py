from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from procure.catalogue.models import UNITS, VARIANT_LABELS
from procure.core.converters import INT_MAX


def _variant_choices():
    return [(code, str(label)) for code, label in VARIANT_LABELS.items()]


def optional_id(value) -> int | None:
    """A select's id: empty or 0 is none; a value that is no id becomes -1, which the
    operation refuses with its own Dutch message (never a 500)."""
    if value in (None, "", "0", 0):
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return value if 0 < value <= INT_MAX else -1
    text = str(value).strip()
    if not text.isdigit() or not 0 < int(text) <= INT_MAX:
        return -1
    return int(text)


def id_select(label):
    """A select of ids, checked by the operation (so the refusal is its Dutch message)."""
    return SelectField(label, coerce=optional_id, validate_choice=False, validators=[Optional()])


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
    segment_id = id_select(_l("Segment"))
    parental_contribution = BooleanField(_l("Ouderbijdrage"))
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
    segment_id = id_select(_l("Segment"))
    parental_contribution = BooleanField(_l("Ouderbijdrage"))
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


class SegmentForm(FlaskForm):
    code = StringField(
        _l("Code"), validators=[DataRequired(_l("Vul een code in.")), Length(max=10)]
    )
    name = StringField(
        _l("Naam"), validators=[DataRequired(_l("Vul een naam in.")), Length(max=200)]
    )
    description = TextAreaField(_l("Omschrijving"), validators=[Optional(), Length(max=2000)])


class SegmentEditForm(FlaskForm):
    name = StringField(
        _l("Naam"), validators=[DataRequired(_l("Vul een naam in.")), Length(max=200)]
    )
    description = TextAreaField(_l("Omschrijving"), validators=[Optional(), Length(max=2000)])
    account_holder_id = id_select(_l("Accounthouder"))
