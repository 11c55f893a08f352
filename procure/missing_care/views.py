"""Missing-care pages: a municipality reports and sees its own reports; region staff see
the overview per half-year, and procurement feeds a theme into a market consultation."""

from flask import Blueprint, Response, abort, g, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select

from procure.consultations import policy as consultation_policy
from procure.consultations.models import MarketConsultation
from procure.core.spreadsheets import csv_bytes
from procure.core.views import submit, values
from procure.extensions import db
from procure.missing_care import forms, policy, queries
from procure.missing_care import operations as ops
from procure.missing_care.models import MissingCareEntry

bp = Blueprint("missing_care", __name__, url_prefix="/ontbrekend-aanbod")


def _entry_form():
    form = g.get("entry_form") or forms.EntryForm(prefix="e")
    form.period.choices = forms.period_choices(policy.open_periods())
    return form


def _feed_form(region_id, periods):
    form = g.get("feed_form") or forms.FeedForm(prefix="f")
    form.period.choices = forms.period_choices(periods)
    consultations = db.session.execute(
        select(MarketConsultation.id, MarketConsultation.reference, MarketConsultation.title)
        .where(
            MarketConsultation.region_id == region_id,
            MarketConsultation.status.in_(consultation_policy.UNCLOSED),
        )
        .order_by(MarketConsultation.reference)
    ).all()
    form.consultation_id.choices = [(c.id, f"{c.reference} {c.title}") for c in consultations]
    return form


def _page():
    if not (policy.can_enter(current_user) or policy.can_view_overview(current_user)):
        abort(403)
    periods = queries.periods(current_user)
    chosen = forms.parse_period(request.args.get("periode")) or (periods[0] if periods else None)
    context = {"periods": periods, "chosen": chosen, "policy": policy}
    if policy.can_enter(current_user):
        context.update(entries=queries.entries(current_user), entry_form=_entry_form())
    if policy.can_view_overview(current_user):
        # Without any report yet the overview still shows, empty, instead of a bare page.
        context.update(
            overview=queries.overview(current_user, *chosen) if chosen else [],
            feed_form=_feed_form(current_user.region_id, periods)
            if policy.can_link(current_user, current_user.region_id)
            else None,
        )
    return render_template("missing_care/index.html", **context)


@bp.get("/")
@login_required
def index():
    return _page()


@bp.get("/overzicht-<int:year>-h<int:half>.csv")
@login_required
def overview_csv(year, half):
    """The half-year's overview for the purchasing round: one row per report."""
    if not policy.can_view_overview(current_user):
        abort(403)
    header = [_l("Periode"), _l("Gemeente"), _l("Thema"), _l("Jeugdigen"), _l("Toelichting")]
    header.append(_l("Marktconsultatie"))
    rows = [
        [
            e.period_label,
            e.municipality.name,
            e.theme_label,
            e.youngsters,
            e.description,
            e.consultation.reference if e.consultation else "",
        ]
        for e in queries.entries(current_user, year, half)
    ]
    return Response(
        csv_bytes([str(h) for h in header], rows),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f"attachment; filename=ontbrekend-aanbod-{year}-h{half}.csv"
        },
    )


@bp.post("/")
@login_required
def report():
    form = forms.EntryForm(prefix="e")
    form.period.choices = forms.period_choices(policy.open_periods())
    period = forms.parse_period(form.period.data) or (0, 0)

    def page():
        g.entry_form = form
        return _page()

    return submit(
        lambda: ops.record_entry(
            actor=current_user,
            year=period[0],
            half=period[1],
            **values(form, "theme description youngsters"),
        ),
        form=form,
        success=_l("Melding van ontbrekend aanbod vastgelegd."),
        target=url_for("missing_care.index"),
        page=page,
    )


@bp.post("/<int:entry_id>/intrekken")
@login_required
def withdraw(entry_id):
    from procure.auth.permissions import get_scoped_or_404

    entry = get_scoped_or_404(MissingCareEntry, entry_id)
    return submit(
        lambda: ops.withdraw_entry(entry, actor=current_user),
        success=_l("Melding ingetrokken."),
        target=url_for("missing_care.index"),
    )


@bp.post("/marktconsultatie")
@login_required
def feed():
    if not policy.can_view_overview(current_user):
        abort(403)
    form = _feed_form(current_user.region_id, queries.periods(current_user))
    period = forms.parse_period(form.period.data) or (0, 0)
    consultation = db.session.get(MarketConsultation, form.consultation_id.data or 0)

    def page():
        g.feed_form = form
        return _page()

    def run():
        if consultation is None:
            from procure.core.errors import ValidationFailed

            raise ValidationFailed(_l("Kies een marktconsultatie."), field="consultation_id")
        return ops.feed_consultation(
            region_id=current_user.region_id,
            year=period[0],
            half=period[1],
            theme=form.theme.data,
            consultation=consultation,
            actor=current_user,
        )

    return submit(
        run,
        form=form,
        success=lambda n: _l(
            "%(n)d meldingen meegenomen in marktconsultatie %(ref)s.",
            n=n,
            ref=consultation.reference,
        ),
        target=url_for("missing_care.index", periode=form.period.data),
        page=page,
    )
