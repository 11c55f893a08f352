from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Optional

from procure.auth.roles import ROLE_LABELS
from procure.core.pickers import PickerField


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mailadres"), validators=[DataRequired(_l("Vul uw e-mailadres in."))])
    password = PasswordField(
        _l("Wachtwoord"), validators=[DataRequired(_l("Vul uw wachtwoord in."))]
    )


class ConfirmForm(FlaskForm):
    """An empty form: a POST button with a CSRF token (deactivate, revoke, ...)."""


def _role_choices():
    return [(code, str(label)) for code, label in ROLE_LABELS.items()]


class UserCreateForm(FlaskForm):
    email = EmailField(_l("E-mailadres"), validators=[DataRequired(_l("Vul een e-mailadres in."))])
    name = StringField(
        _l("Naam"), validators=[DataRequired(_l("Vul een naam in.")), Length(max=200)]
    )
    role = SelectField(_l("Rol"), choices=_role_choices)
    municipality_id = SelectField(_l("Gemeente"), coerce=int, validators=[Optional()])
    provider_id = PickerField(_l("Aanbieder"), [Optional()], kind="provider_all", empty="—")
    password = PasswordField(
        _l("Wachtwoord"),
        validators=[
            DataRequired(_l("Vul een wachtwoord in.")),
            Length(min=10, message=_l("Minstens 10 tekens.")),
        ],
    )


class RoleForm(FlaskForm):
    role = SelectField(_l("Rol"), choices=_role_choices)
    municipality_id = SelectField(_l("Gemeente"), coerce=int, validators=[Optional()])
    provider_id = PickerField(_l("Aanbieder"), [Optional()], kind="provider_all", empty="—")


class PasswordResetForm(FlaskForm):
    password = PasswordField(
        _l("Nieuw wachtwoord"),
        validators=[
            DataRequired(_l("Vul een wachtwoord in.")),
            Length(min=10, message=_l("Minstens 10 tekens.")),
        ],
    )
    confirm = PasswordField(
        _l("Herhaal wachtwoord"),
        validators=[EqualTo("password", message=_l("De wachtwoorden zijn niet gelijk."))],
    )


class TokenForm(FlaskForm):
    name = StringField(
        _l("Naam van het token"),
        validators=[DataRequired(_l("Geef het token een naam.")), Length(max=100)],
    )
