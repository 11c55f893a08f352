from flask import Blueprint, render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from procure.auth.models import User
from procure.auth.permissions import get_scoped_or_404, scoped, users_condition
from procure.auth.roles import ADMIN
from procure.core.listing import apply_sort, like_pattern, page_args, paginate
from procure.extensions import db
from procure.main.dashboard import dashboard_card
from procure.organisations.models import ConsortiumMember, Provider, Region

bp = Blueprint("organisations", __name__, url_prefix="/organisaties")


@bp.get("/regio")
@login_required
def regions():
    rows = db.session.execute(
        scoped(select(Region), Region).options(selectinload(Region.municipalities))
        .order_by(Region.name)
    ).scalars().all()
    return render_template("organisations/regions.html", regions=rows)


@bp.get("/aanbieders")
@login_required
def providers():
    stmt = scoped(select(Provider), Provider)
    q = request.args.get("q", "").strip()
    if q:
        pattern = like_pattern(q)
        stmt = stmt.where(Provider.name.ilike(pattern) | Provider.kvk_number.ilike(pattern)
                          | Provider.short_code.ilike(pattern))
    stmt, sort, direction = apply_sort(
        stmt, {"name": Provider.name, "kvk": Provider.kvk_number}, "name")
    page = paginate(stmt, *page_args())
    return render_template("organisations/providers.html", page=page, q=q, sort=sort,
                           direction=direction)


@bp.get("/aanbieders/<int:provider_id>")
@login_required
def provider(provider_id):
    row = get_scoped_or_404(Provider, provider_id)
    member_of = db.session.execute(
        select(Provider).join(ConsortiumMember, ConsortiumMember.consortium_id == Provider.id)
        .where(ConsortiumMember.member_id == row.id)
    ).scalars().all()
    return render_template("organisations/provider.html", provider=row, member_of=member_of)


@dashboard_card
def _organisation_cards(user):
    if user.role == "provider":
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
