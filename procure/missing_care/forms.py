from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, TextAreaField
from wtforms.validators import InputRequired, NumberRange, Optional

from procure.missing_care.models import THEMES


def period_choices(periods) -> list[tuple[str, str]]:
    return [
        (f"{year}-H{half}", _("%(year)d, halfjaar %(half)d", year=year, half=half))
        for year, half in periods
    ]


def parse_period(value: str | None) -> tuple[int, int] | None:
    try:
        year, half = (value or "").split("-H")
        result = int(year), int(half)
    except ValueError:
        return None
    return result if result[1] in (1, 2) and 2000 <= result[0] <= 2100 else None


class EntryForm(FlaskForm):
    period = SelectField(_l("Periode"))
    theme = SelectField(_l("Thema"), choices=list(THEMES.items()))
    description = TextAreaField(
        _l("Welke zorg vindt de toegang niet?"), [InputRequired(_l("Beschrijf de zorg."))]
    )
    youngsters = IntegerField(_l("Aantal jeugdigen"), [Optional(), NumberRange(min=1, max=10_000)])


class FeedForm(FlaskForm):
    period = SelectField(_l("Periode"))
    theme = SelectField(_l("Thema"), choices=list(THEMES.items()))
    consultation_id = SelectField(
        _l("Marktconsultatie"),
        coerce=int,
        validators=[InputRequired(_l("Kies een marktconsultatie."))],
    )
