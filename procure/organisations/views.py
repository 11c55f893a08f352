from flask import abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from procure.auth.models import User
from procure.auth.permissions import get_scoped_or_404, role_required, scoped, users_condition
from procure.auth.roles import ADMIN
from procure.core.views import list_page, policy_blueprint, submit, values
from procure.extensions import db
from procure.main.dashboard import dashboard_card
from procure.organisations import operations as ops
from procure.organisations import pickers as _pickers  # noqa: F401 (registers the sources)
from procure.organisations import policy, queries
from procure.organisations.forms import MunicipalityForm, ProviderForm, RegionForm
from procure.organisations.models import ConsortiumMember, Provider, Region
from procure.organisations.policy import PROVIDER_REGISTRARS, REGION_ADMINS

bp = policy_blueprint("organisations", __name__, "/organisaties", policy, "organisation_policy")


@bp.get("/regio")
@login_required
def regions():
    rows = db.session.scalars(
        scoped(select(Region), Region)
        .options(selectinload(Region.municipalities))
        .order_by(Region.name)
    ).all()
    return render_template("organisations/regions.html", regions=rows)


@bp.get("/aanbieders")
@login_required
def providers():
    q = request.args.get("q", "").strip()
    return list_page(
        "organisations/providers.html",
        queries.providers_stmt(q),
        queries.PROVIDER_SORTS,
        queries.PROVIDER_DEFAULT_SORT,
        q=q,
    )


@bp.get("/aanbieders/<int:provider_id>")
@login_required
def provider(provider_id):
    row = get_scoped_or_404(Provider, provider_id)
    member_of = db.session.scalars(
        select(Provider)
        .join(ConsortiumMember, ConsortiumMember.consortium_id == Provider.id)
        .where(ConsortiumMember.member_id == row.id)
    ).all()
    return render_template("organisations/provider.html", provider=row, member_of=member_of)


@bp.route("/regio/beheer", methods=["GET", "POST"])
@role_required(*REGION_ADMINS)
def region_admin():
    if current_user.region_id is None:
        abort(404)
    region = get_scoped_or_404(Region, current_user.region_id)
    region_form = RegionForm(prefix="region", obj=region)
    municipality_form = MunicipalityForm(prefix="mun")

    def page():
        return render_template(
            "organisations/region_admin.html",
            region=region,
            region_form=region_form,
            municipality_form=municipality_form,
        )

    target = url_for("organisations.region_admin")
    if "region-name" in request.form:
        return submit(
            lambda: ops.update_region(
                region,
                name=region_form.name.data,
                kvk_number=region_form.kvk_number.data,
                address=region_form.address.data,
            ),
            form=region_form,
            success=_("Regiogegevens opgeslagen."),
            target=target,
            page=page,
        )
    if "mun-name" in request.form:
        return submit(
            lambda: ops.add_municipality(
                region, name=municipality_form.name.data, cbs_code=municipality_form.cbs_code.data
            ),
            form=municipality_form,
            success=_("Gemeente toegevoegd."),
            target=target,
            page=page,
        )
    return page()


@bp.route("/aanbieders/nieuw", methods=["GET", "POST"])
@role_required(*PROVIDER_REGISTRARS)
def provider_create():
    form = ProviderForm()
    if request.method == "POST":
        return submit(
            lambda: ops.create_provider(
                **values(form, "short_code name address"),
                kvk_number=(form.kvk_number.data or "").strip(),
                agb_code=(form.agb_code.data or "").strip() or None,
            ),
            form=form,
            success=lambda provider: _("Aanbieder %(name)s toegevoegd.", name=provider.name),
            target=lambda provider: url_for("organisations.provider", provider_id=provider.id),
            page=lambda: render_template("organisations/provider_form.html", form=form),
        )
    return render_template("organisations/provider_form.html", form=form)


@dashboard_card
def _organisation_cards(user):
    if user.is_provider:
        return []
    providers = db.session.execute(
        select(func.count(Provider.id)).where(Provider.active.is_(True))
    ).scalar_one()
    cards = [{"title": _l("Aanbieders"), "value": providers, "endpoint": "organisations.providers"}]
    if user.role == ADMIN:
        users = db.session.execute(
            select(func.count(User.id)).where(users_condition(user))
        ).scalar_one()
        cards.append({"title": _l("Gebruikers"), "value": users, "endpoint": "auth.users"})
    return cards
