from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, StringField
from wtforms.validators import Length

MODE_CHOICES = [
    ("immediate", _l("Direct een e-mail per herinnering")),
    ("digest", _l("Eén dagelijks overzicht per e-mail")),
]


class PreferenceForm(FlaskForm):
    mode = RadioField(_l("E-mail over herinneringen"), choices=MODE_CHOICES, default="immediate")


class ConfirmForm(FlaskForm):
    """A POST button with a CSRF token."""


class RuleForm(FlaskForm):
    offsets = StringField(_l("Termijnen vooraf"), validators=[Length(max=200)])
    active = BooleanField(_l("Actief"), default=True)
