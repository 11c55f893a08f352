from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select

from procure.auth import operations as ops
from procure.auth.forms import (
    ConfirmForm,
    LoginForm,
    PasswordResetForm,
    RoleForm,
    TokenForm,
    UserCreateForm,
)
from procure.auth.models import ApiToken, User
from procure.auth.permissions import role_required, scoped, users_condition
from procure.auth.roles import ADMIN, ROLE_LABELS
from procure.core.listing import like_pattern
from procure.core.pickers import searching
from procure.core.urls import safe_next
from procure.core.views import list_page, run_action, submit, values
from procure.extensions import db
from procure.organisations.models import Municipality

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    return safe_next(target, url_for("main.dashboard"))


@bp.route("/inloggen", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.dashboard"))
    form = LoginForm()
    if form.validate_on_submit():
        ip = request.remote_addr or "-"
        if ops.login_throttled(form.email.data, ip):
            flash(
                _(
                    "Te veel mislukte inlogpogingen. Probeer het over %(n)d minuten opnieuw.",
                    n=current_app.config["LOGIN_THROTTLE_MINUTES"],
                ),
                "error",
            )
            return render_template("auth/login.html", form=form), 429
        user = ops.authenticate(form.email.data, form.password.data, ip)
        if user is None:
            flash(
                _("Onbekend e-mailadres of onjuist wachtwoord, of het account is niet actief."),
                "error",
            )
            return render_template("auth/login.html", form=form), 401
        login_user(user)
        flash(_("U bent ingelogd."), "success")
        return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form)


@bp.post("/uitloggen")
@login_required
def logout():
    ops.logout(current_user._get_current_object())
    logout_user()
    flash(_("U bent uitgelogd."), "success")
    return redirect(url_for("auth.login"))


@bp.post("/taal/<code>")
def set_language(code):
    from flask import session

    if code in current_app.config["LANGUAGES"]:
        session["locale"] = code
        if current_user.is_authenticated:
            ops.set_locale(current_user, code)
    return redirect(_safe_next(request.form.get("next")))


@bp.route("/profiel", methods=["GET", "POST"])
@login_required
def profile():
    form = TokenForm()
    new_token, status = None, 200
    if form.validate_on_submit():
        _token, new_token = ops.create_token(current_user, form.name.data)
        flash(_("Token aangemaakt. Kopieer het nu: het wordt niet opnieuw getoond."), "success")
    elif request.method == "POST":
        status = 422  # refused: the page again with the errors, as submit() answers
    tokens = db.session.scalars(
        select(ApiToken)
        .where(ApiToken.user_id == current_user.id)
        .order_by(ApiToken.created_at.desc())
    ).all()
    return render_template(
        "auth/profile.html", form=form, tokens=tokens, new_token=new_token, confirm=ConfirmForm()
    ), status


@bp.post("/profiel/tokens/<int:token_id>/intrekken")
@login_required
def revoke_token(token_id):
    if not ConfirmForm().validate_on_submit():
        abort(400)
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != current_user.id:
        abort(404)
    return run_action(
        lambda: ops.revoke_token(token), _("Token ingetrokken."), url_for("auth.profile")
    )


# -- user administration (admin only) -----------------------------------------------------


def _fill_affiliation_choices(form):
    municipalities = db.session.execute(
        scoped(select(Municipality), Municipality).order_by(Municipality.name)
    ).scalars()
    form.municipality_id.choices = [(0, "—")] + [(m.id, m.name) for m in municipalities]
    form.provider_id.configure()


@bp.get("/beheer/gebruikers")
@role_required(ADMIN)
def users():
    stmt = select(User).where(users_condition())
    q = request.args.get("q", "").strip()
    if q:
        pattern = like_pattern(q)
        stmt = stmt.where(
            User.email.ilike(pattern, escape="\\") | User.name.ilike(pattern, escape="\\")
        )
    role = request.args.get("role", "")
    if role:
        stmt = stmt.where(User.role == role)
    return list_page(
        "auth/users.html",
        stmt,
        {"email": User.email, "name": User.name, "role": User.role},
        "email",
        q=q,
        role=role,
        role_labels=ROLE_LABELS,
    )


@bp.route("/beheer/gebruikers/nieuw", methods=["GET", "POST"])
@role_required(ADMIN)
def user_create():
    form = UserCreateForm()
    _fill_affiliation_choices(form)
    if request.method == "POST" and not searching():
        return submit(
            lambda: ops.create_user(
                **values(form, "email name role password", municipality_id=None, provider_id=None),
                region_id=None if form.role.data == "provider" else current_user.region_id,
                actor=current_user,
            ),
            form=form,
            success=lambda user: _("Gebruiker %(email)s aangemaakt.", email=user.email),
            target=url_for("auth.users"),
            page=lambda: render_template("auth/user_form.html", form=form),
        )
    return render_template("auth/user_form.html", form=form)


def _user_or_404(user_id) -> User:
    user = db.session.execute(select(User).where(User.id == user_id, users_condition())).scalar()
    if user is None:
        abort(404)
    return user


@bp.route("/beheer/gebruikers/<int:user_id>", methods=["GET", "POST"])
@role_required(ADMIN)
def user_edit(user_id):
    user = _user_or_404(user_id)
    role_form = RoleForm(prefix="role", obj=user)
    _fill_affiliation_choices(role_form)
    password_form = PasswordResetForm(prefix="pw")

    def page():
        return render_template(
            "auth/user_edit.html",
            user=user,
            role_form=role_form,
            password_form=password_form,
            confirm=ConfirmForm(),
        )

    target = url_for("auth.user_edit", user_id=user.id)
    if "role-role" in request.form and not searching():
        return submit(
            lambda: ops.change_role(
                user,
                role_form.role.data,
                municipality_id=role_form.municipality_id.data or None,
                provider_id=role_form.provider_id.data or None,
                actor=current_user,
            ),
            form=role_form,
            success=_("Rol gewijzigd."),
            target=target,
            page=page,
        )
    if "pw-password" in request.form:
        return submit(
            lambda: ops.reset_password(user, password_form.password.data, actor=current_user),
            form=password_form,
            success=_(
                "Wachtwoord opnieuw ingesteld; de API-tokens van deze gebruiker zijn ingetrokken."
            ),
            target=target,
            page=page,
        )
    return page()


@bp.post("/beheer/gebruikers/<int:user_id>/actief")
@role_required(ADMIN)
def user_set_active(user_id):
    user = _user_or_404(user_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    active = request.form.get("active") == "1"
    return run_action(
        lambda: ops.set_active(user, active, actor=current_user),
        _("Gebruiker geactiveerd.") if active else _("Gebruiker gedeactiveerd."),
        url_for("auth.user_edit", user_id=user.id),
    )
