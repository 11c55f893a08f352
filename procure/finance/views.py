"""Finance pages: the framework with its adjustments and steering figures, money per
municipality, the custom-contract monitor, indicators, waiting times and reports. Thin:
changes go through operations.py, figures come from queries.py, and a municipality only
ever gets its own figures (policy.visible_municipality_ids)."""

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from procure.auth.forms import ConfirmForm
from procure.auth.permissions import role_required
from procure.auth.roles import MUNICIPALITY
from procure.contracts.models import Contract, ContractYear
from procure.core.errors import OperationError
from procure.core.timeutil import today_local
from procure.core.views import flash_error, render_refusal, submit
from procure.extensions import db
from procure.finance import charts, exports, forms, policy, report_jobs, reports
from procure.finance import operations as ops
from procure.finance import queries as q
from procure.finance.models import BudgetLine, Indicator, ReportFile
from procure.organisations.models import Municipality, Provider, Region

bp = Blueprint("finance", __name__, url_prefix="/financien")
READERS = policy.FINANCE_READERS
WRITERS = policy.FINANCE_WRITERS


def _region() -> Region:
    region_id = current_user.region_id
    if region_id is None:  # a national admin picks a region
        code = request.args.get("regio", "")
        region = db.session.execute(select(Region).filter_by(short_code=code)).scalar()
        if region is None:
            abort(404)
        return region
    return db.session.get(Region, region_id)


def _visible(region) -> list[int]:
    return policy.visible_municipality_ids(current_user, region)


def _year(default: int | None = None) -> int:
    year = request.args.get("jaar", type=int) or default or today_local().year
    if not 2000 <= year <= 2100:
        abort(400)
    return year


def _framework_or_404(region, year):
    framework = q.framework_for(region.id, year)
    if framework is None:
        abort(404)
    return framework


@bp.get("/")
@role_required(*READERS)
def index():
    region = _region()
    frameworks = q.frameworks(region.id)
    tables = [q.framework_table(q.framework_for(region.id, f.year)) for f in frameworks]
    form = forms.FrameworkForm() if policy.can_write(current_user) else None
    return render_template(
        "finance/index.html", region=region, tables=tables, form=form, policy=policy
    )


@bp.post("/kader")
@role_required(*WRITERS)
def framework_create():
    region = _region()
    form = forms.FrameworkForm()
    if form.validate_on_submit():
        try:
            framework = ops.create_framework(
                region=region,
                year=form.year.data,
                title=form.title.data,
                stated_total=form.stated_total.data or None,
                actor=current_user,
            )
        except OperationError as exc:
            flash_error(exc, form)
        else:
            flash(_("Concept-kader aangemaakt."), "success")
            return redirect(url_for("finance.framework", year=framework.year))
    frameworks = q.frameworks(region.id)
    tables = [q.framework_table(q.framework_for(region.id, f.year)) for f in frameworks]
    return (
        render_template(
            "finance/index.html", region=region, tables=tables, form=form, policy=policy
        ),
        422,
    )


def _framework_page(region, framework, status=200, **forms_in):
    table = q.framework_table(framework)
    leaves = [r.line for r in table.rows if not r.children]
    as_of = today_local()
    municipality_id = None if policy.sees_region(current_user) else current_user.municipality_id
    steering = _steering(region, framework, as_of, municipality_id)
    ctx = {
        "region": region,
        "framework": framework,
        "table": table,
        "previous": q.previous_adjusted(framework),
        "adjustments": q.adjustments(framework),
        "steering": steering,
        "as_of": as_of,
        "chart": charts.paired_bars(
            _("Kader en realisatie per post %(year)s", year=framework.year),
            [(s.line.name, s.framework, s.realised) for s in steering if s.depth == 0],
            (_("Kader"), _("Gerealiseerd")),
            "framework-vs-realised",
        ),
        "policy": policy,
        "own_only": municipality_id is not None,
    }
    if policy.can_edit_lines(current_user, framework):
        line_form = forms_in.get("line_form") or forms.LineForm()
        line_form.parent_code.choices = [("", "—")] + [
            (r.line.code, r.line.name) for r in table.rows if r.line.amount is None
        ]
        previous = q.framework_for(region.id, framework.year - 1)
        line_form.previous_code.choices = [("", "—")] + (
            [(line.code, line.name) for line in previous.lines] if previous else []
        )
        ctx["line_form"] = line_form
        ctx["adopt_form"] = forms_in.get("adopt_form") or forms.AdoptForm()
    if policy.can_adjust(current_user, framework):
        adj = forms_in.get("adjustment_form") or forms.AdjustmentForm()
        adj.line_id.choices = [(line.id, line.name) for line in leaves]
        ctx["adjustment_form"] = adj
        assign = forms_in.get("assign_form") or forms.AssignForm()
        assign.line_id.choices = [(line.id, line.name) for line in leaves]
        assign.contract_year_id.choices = [
            (cy.id, f"{c.reference} {c.title} ({c.provider.name})")
            for cy, c in db.session.execute(
                select(ContractYear, Contract)
                .join(Contract, Contract.id == ContractYear.contract_id)
                .where(Contract.region_id == region.id, ContractYear.year == framework.year)
                .options(joinedload(Contract.provider))  # one query, however many providers
                .order_by(Contract.reference)
            ).all()
        ]
        ctx["assign_form"] = assign
        reserved = [line for line in leaves if line.kind == "reserved"]
        if reserved:
            release = forms_in.get("release_form") or forms.ReleaseForm()
            release.line_id.choices = [(line.id, line.name) for line in reserved]
            ctx["release_form"] = release
        pay = forms_in.get("payment_form") or forms.PaymentForm()
        pay.line_id.choices = [(line.id, line.name) for line in leaves]
        ctx["payment_form"] = pay
    if policy.can_acknowledge(current_user, framework) and not any(
        a.municipality_id == current_user.municipality_id for a in framework.acknowledgements
    ):
        ctx["ack_form"] = forms_in.get("ack_form") or forms.AcknowledgeForm()
    return render_template("finance/framework.html", **ctx), status


def _steering(region, framework, as_of, municipality_id):
    return q.steering_for(framework, as_of, municipality_id)


@bp.get("/kader/<int:year>")
@role_required(*READERS)
def framework(year):
    region = _region()
    return _framework_page(region, _framework_or_404(region, year))


@bp.get("/kader/<int:year>.xlsx")
@role_required(*READERS)
def framework_xlsx(year):
    region = _region()
    framework = _framework_or_404(region, year)
    municipality_id = None if policy.sees_region(current_user) else current_user.municipality_id
    data = reports.framework_workbook(
        region, framework, _steering(region, framework, today_local(), municipality_id)
    )
    return exports.xlsx_response(data, f"kader-{region.short_code}-{year}.xlsx")


def _post_action(year, form_name, form, run, success):
    region = _region()
    framework = _framework_or_404(region, year)
    page_form = {form_name: form}
    if form.validate_on_submit():
        try:
            run(region, framework, form)
        except OperationError as exc:
            flash_error(exc, form)
            return _framework_page(region, framework, exc.status_code, **page_form)
        flash(str(success), "success")
        return redirect(url_for("finance.framework", year=year))
    # A form the page no longer shows (the framework acknowledged since) has its errors
    # at the top.
    return render_refusal(lambda: _framework_page(region, framework, 422, **page_form), form, 422)


def _line(framework, line_id) -> BudgetLine:
    line = db.session.get(BudgetLine, line_id)
    if line is None or line.framework_id != framework.id:
        abort(404)
    return line


@bp.post("/kader/<int:year>/posten")
@role_required(*WRITERS)
def line_add(year):
    form = forms.LineForm()
    region = _region()
    _framework_or_404(region, year)
    # Choices are dynamic: accept any code; the operation checks it exists.
    form.parent_code.choices = [(form.parent_code.data, "")]
    form.previous_code.choices = [(form.previous_code.data, "")]

    def run(region, framework, form):
        ops.add_line(
            framework,
            code=form.code.data,
            name=form.name.data,
            amount=form.amount.data or None,
            parent_code=form.parent_code.data or None,
            previous_code=form.previous_code.data or None,
            kind=form.kind.data,
            incidental=form.incidental.data,
            actor=current_user,
        )

    return _post_action(year, "line_form", form, run, _l("Post toegevoegd."))


@bp.post("/kader/<int:year>/vaststellen")
@role_required(*WRITERS)
def adopt(year):
    def run(region, framework, form):
        ops.adopt_framework(
            framework,
            decided_on=form.decided_on.data,
            reference=form.reference.data,
            stated_total=form.stated_total.data or None,
            actor=current_user,
        )

    return _post_action(
        year, "adopt_form", forms.AdoptForm(), run, _l("Kader vastgesteld door het RBO.")
    )


@bp.post("/kader/<int:year>/mutaties")
@role_required(*WRITERS)
def adjustment_add(year):
    form = forms.AdjustmentForm()
    form.line_id.choices = [(form.line_id.data, "")] if form.line_id.data else []

    def run(region, framework, form):
        ops.add_adjustment(
            _line(framework, form.line_id.data),
            amount=form.amount.data,
            decided_on=form.decided_on.data,
            decision_reference=form.decision_reference.data,
            reason=form.reason.data,
            actor=current_user,
        )

    return _post_action(year, "adjustment_form", form, run, _l("Mutatie vastgelegd."))


@bp.post("/kader/<int:year>/bevestigen")
@role_required(MUNICIPALITY)
def acknowledge(year):
    def run(region, framework, form):
        ops.acknowledge_framework(
            framework,
            acknowledged_on=form.acknowledged_on.data,
            decision_reference=form.decision_reference.data,
            actor=current_user,
        )

    return _post_action(
        year,
        "ack_form",
        forms.AcknowledgeForm(),
        run,
        _l("Vaststelling door uw college vastgelegd."),
    )


@bp.post("/kader/<int:year>/toewijzen")
@role_required(*WRITERS)
def assign(year):
    form = forms.AssignForm()
    form.line_id.choices = [(form.line_id.data, "")] if form.line_id.data else []
    form.contract_year_id.choices = (
        [(form.contract_year_id.data, "")] if form.contract_year_id.data else []
    )

    def run(region, framework, form):
        contract_year = db.session.get(ContractYear, form.contract_year_id.data)
        if contract_year is None or contract_year.contract.region_id != region.id:
            abort(404)
        ops.assign_contract_year(
            _line(framework, form.line_id.data), contract_year=contract_year, actor=current_user
        )

    return _post_action(year, "assign_form", form, run, _l("Contractjaar toegewezen."))


@bp.post("/kader/<int:year>/vrijgeven")
@role_required(*WRITERS)
def release(year):
    form = forms.ReleaseForm()
    form.line_id.choices = [(form.line_id.data, "")] if form.line_id.data else []

    def run(region, framework, form):
        ops.release_reserved(
            _line(framework, form.line_id.data),
            amount=form.amount.data,
            decided_on=form.decided_on.data,
            decision_reference=form.decision_reference.data,
            reason=form.reason.data,
            actor=current_user,
        )

    return _post_action(year, "release_form", form, run, _l("Vrijgave vastgelegd."))


@bp.post("/kader/<int:year>/betalingen")
@role_required(*WRITERS)
def payment(year):
    form = forms.PaymentForm()
    form.line_id.choices = [(form.line_id.data, "")] if form.line_id.data else []

    def run(region, framework, form):
        ops.pay(
            _line(framework, form.line_id.data),
            amount=form.amount.data,
            paid_on=form.paid_on.data,
            reference=form.reference.data,
            actor=current_user,
        )

    return _post_action(year, "payment_form", form, run, _l("Betaling vastgelegd."))


# -- money per municipality ------------------------------------------------------------------


def _allocation_form(region, formdata=None):
    form = forms.AllocationForm(formdata=formdata)
    return form


@bp.route("/gemeenten", methods=["GET", "POST"])
@role_required(*READERS)
def municipalities():
    region = _region()
    year = _year()
    visible = _visible(region)
    form = forms.AllocationForm() if policy.can_write(current_user) else None
    status = 200
    if request.method == "POST":
        if form is None:
            abort(403)
        if form.validate_on_submit():
            shares = {
                m.id: request.form.get(f"share_{m.id}", "").strip() for m in region.municipalities
            }
            try:
                ops.set_allocation_key(
                    region=region,
                    year=year,
                    method=form.method.data,
                    shares=shares,
                    decided_on=form.decided_on.data,
                    basis=form.basis.data,
                    actor=current_user,
                )
            except OperationError as exc:
                flash_error(exc, form)
                status = exc.status_code
            else:
                flash(_("Verdeelsleutel vastgelegd (nieuwe versie)."), "success")
                return redirect(url_for("finance.municipalities", jaar=year))
        else:
            status = 422
    rows = q.municipality_overview(
        region, year, visible, include_unknown=policy.sees_region(current_user)
    )
    per_1000 = [(r.name, r.realised_per_1000) for r in rows if r.realised_per_1000 is not None]
    chart = charts.paired_bars(
        _("Budget en gerealiseerd per gemeente %(year)s", year=year),
        [(r.name, r.budget or q.ZERO, r.realised) for r in rows],
        (_("Budget (aandeel)"), _("Gerealiseerd")),
        "per-municipality",
    )
    chart_1000 = charts.single_bars(
        _("Gerealiseerd per 1.000 jeugdige inwoners %(year)s", year=year),
        per_1000,
        _("euro per 1.000 jeugdige inwoners"),
        "per-1000",
    )
    return (
        render_template(
            "finance/municipalities.html",
            region=region,
            year=year,
            rows=rows,
            chart=chart,
            chart_1000=chart_1000,
            form=form,
            key=q.current_key(region.id, year),
            versions=q.key_versions(region.id, year) if policy.sees_region(current_user) else [],
            posted=request.form if request.method == "POST" else {},
        ),
        status,
    )


@bp.get("/gemeenten.xlsx")
@role_required(*READERS)
def municipalities_xlsx():
    region = _region()
    year = _year()
    rows = q.municipality_overview(
        region, year, _visible(region), include_unknown=policy.sees_region(current_user)
    )
    return exports.xlsx_response(
        reports.municipality_workbook(region, year, rows),
        f"gemeenten-{region.short_code}-{year}.xlsx",
    )


# -- custom-contract monitor -----------------------------------------------------------------


def _custom_scope(region):
    return None if policy.sees_region(current_user) else _visible(region)


@bp.get("/maatwerk")
@role_required(*READERS)
def custom():
    region = _region()
    year = _year()
    monitor = q.custom_monitor(region, year, _custom_scope(region))
    return render_template("finance/custom.html", region=region, year=year, monitor=monitor)


@bp.get("/maatwerk.xlsx")
@role_required(*READERS)
def custom_xlsx():
    region = _region()
    year = _year()
    monitor = q.custom_monitor(region, year, _custom_scope(region))
    return exports.xlsx_response(
        reports.custom_workbook(monitor, year), f"maatwerk-{region.short_code}-{year}.xlsx"
    )


# -- indicators ------------------------------------------------------------------------------


def _municipality_choices(region):
    if policy.sees_region(current_user):
        return [("", _("Hele regio"))] + [(m.name, m.name) for m in region.municipalities]
    return [("", _("Hele regio"))]


@bp.route("/indicatoren", methods=["GET", "POST"])
@role_required(*READERS)
def indicators():
    region = _region()
    form = forms.IndicatorForm() if policy.can_write(current_user) else None
    csv_form = forms.CsvForm() if policy.can_write(current_user) else None
    status = 200
    if request.method == "POST":
        if form is None:
            abort(403)
        if form.validate_on_submit():
            try:
                indicator = ops.create_indicator(
                    region=region,
                    code=form.code.data,
                    name=form.name.data,
                    unit=form.unit.data,
                    direction=form.direction.data,
                    definition=form.definition.data,
                    target_value=form.target_value.data,
                    target_period=form.target_period.data,
                    actor=current_user,
                )
            except OperationError as exc:
                flash_error(exc, form)
                status = exc.status_code
            else:
                flash(_("Indicator aangemaakt."), "success")
                return redirect(url_for("finance.indicator", code=indicator.code))
        else:
            status = 422
    scope = None if policy.sees_region(current_user) else _visible(region)
    items = []
    for indicator in q.indicators(region.id):
        regional, _per = q.indicator_series(indicator, scope)
        last = regional[-1] if regional else None
        items.append(
            (
                indicator,
                last,
                q.trend(regional),
                q.on_track(indicator, last.value if last else None),
            )
        )
    return (
        render_template(
            "finance/indicators.html", region=region, items=items, form=form, csv_form=csv_form
        ),
        status,
    )


@bp.post("/indicatoren/import")
@role_required(*WRITERS)
def indicators_import():
    region = _region()
    form = forms.CsvForm()
    if form.validate_on_submit() and form.file.data:
        try:
            count = ops.import_indicator_csv(
                region=region, data=form.file.data.read(), actor=current_user
            )
        except OperationError as exc:
            flash_error(exc)
            return redirect(url_for("finance.indicators")), 303
        flash(_("%(n)s waarden geïmporteerd.", n=count), "success")
    else:
        flash(_("Kies een CSV-bestand."), "error")
    return redirect(url_for("finance.indicators"))


def _indicator_or_404(region, code) -> Indicator:
    indicator = db.session.execute(
        select(Indicator).where(Indicator.region_id == region.id, Indicator.code == code)
    ).scalar()
    if indicator is None:
        abort(404)
    return indicator


@bp.route("/indicatoren/<code>", methods=["GET", "POST"])
@role_required(*READERS)
def indicator(code):
    region = _region()
    item = _indicator_or_404(region, code)
    form = forms.ValueForm() if policy.can_write(current_user) else None
    if form is not None:
        form.municipality.choices = _municipality_choices(region)
    status = 200
    if request.method == "POST":
        if form is None:
            abort(403)
        if form.validate_on_submit():
            try:
                ops.record_indicator_value(
                    item,
                    period=form.period.data,
                    value=form.value.data,
                    municipality=form.municipality.data or None,
                    actor=current_user,
                )
            except OperationError as exc:
                flash_error(exc, form)
                status = exc.status_code
            else:
                flash(_("Waarde vastgelegd."), "success")
                return redirect(url_for("finance.indicator", code=code))
        else:
            status = 422
    scope = None if policy.sees_region(current_user) else _visible(region)
    regional, per_municipality = q.indicator_series(item, scope)
    periods = sorted({p for values in per_municipality.values() for p in values})
    chart = charts.trend_line(
        item.name,
        [(v.period, v.value) for v in regional],
        item.target_value if item.unit != "count" or item.target_value else None,
        forms.UNIT_LABELS[item.unit],
    )
    return (
        render_template(
            "finance/indicator.html",
            region=region,
            indicator=item,
            regional=regional,
            per_municipality=per_municipality,
            periods=periods,
            chart=chart,
            trend=q.trend(regional),
            on_track=q.on_track(item, regional[-1].value if regional else None),
            form=form,
        ),
        status,
    )


@bp.get("/indicatoren/<code>.xlsx")
@role_required(*READERS)
def indicator_xlsx(code):
    region = _region()
    item = _indicator_or_404(region, code)
    scope = None if policy.sees_region(current_user) else _visible(region)
    regional, per_municipality = q.indicator_series(item, scope)
    return exports.xlsx_response(
        reports.indicator_workbook(item, regional, per_municipality),
        f"indicator-{item.code}.xlsx",
    )


# -- waiting times ---------------------------------------------------------------------------


def _month() -> date:
    value = request.args.get("maand", "")
    try:
        _label, start = ops.parse_period(value) if value else (None, None)
    except OperationError:
        abort(400)
    if start is None:
        today = today_local()
        return date(today.year, today.month, 1)
    return date(start.year, start.month, 1)


@bp.route("/wachttijden", methods=["GET", "POST"])
@role_required(*READERS)
def waiting():
    region = _region()
    month = _month()
    form = forms.WaitingForm() if policy.can_write(current_user) else None
    csv_form = forms.CsvForm() if policy.can_write(current_user) else None
    if form is not None:
        form.provider.choices = [
            (p.short_code, p.name)
            for p in db.session.execute(
                select(Provider).where(Provider.active.is_(True)).order_by(Provider.name)
            ).scalars()
        ]
        form.municipality.choices = _municipality_choices(region)
    status = 200
    if request.method == "POST":
        if form is None:
            abort(403)
        if form.validate_on_submit():
            try:
                ops.record_waiting_time(
                    region=region,
                    values={
                        "provider": form.provider.data,
                        "category": form.category.data,
                        "period": form.period.data,
                        "average_days": form.average_days.data,
                        "waiting": form.waiting.data,
                        "updated_on": form.updated_on.data,
                        "municipality": form.municipality.data or None,
                    },
                    actor=current_user,
                )
            except OperationError as exc:
                flash_error(exc, form)
                status = exc.status_code
            else:
                flash(_("Wachttijd vastgelegd."), "success")
                return redirect(url_for("finance.waiting", maand=form.period.data))
        else:
            status = 422
    summary = q.waiting_summary(region, month, _custom_scope(region))
    return (
        render_template(
            "finance/waiting.html",
            region=region,
            month=month,
            summary=summary,
            form=form,
            csv_form=csv_form,
        ),
        status,
    )


@bp.post("/wachttijden/import")
@role_required(*WRITERS)
def waiting_import():
    region = _region()
    form = forms.CsvForm()
    if form.validate_on_submit() and form.file.data:
        try:
            count = ops.import_waiting_csv(
                region=region, data=form.file.data.read(), actor=current_user
            )
        except OperationError as exc:
            flash_error(exc)
            return redirect(url_for("finance.waiting"), 303)
        flash(_("%(n)s wachttijden geïmporteerd.", n=count), "success")
    else:
        flash(_("Kies een CSV-bestand."), "error")
    return redirect(url_for("finance.waiting"))


@bp.get("/wachttijden.xlsx")
@role_required(*READERS)
def waiting_xlsx():
    region = _region()
    month = _month()
    summary = q.waiting_summary(region, month, _custom_scope(region))
    return exports.xlsx_response(
        reports.waiting_workbook(summary), f"wachttijden-{region.short_code}-{month:%Y-%m}.xlsx"
    )


# -- reports ---------------------------------------------------------------------------------


def _report_municipality(region) -> Municipality | None:
    """Region staff choose a municipality (or none: the region); a municipality always gets
    its own report."""
    if not policy.sees_region(current_user):
        return db.session.get(Municipality, current_user.municipality_id)
    value = request.args.get("gemeente", type=int)
    if not value:
        return None
    municipality = db.session.get(Municipality, value)
    if municipality is None or municipality.region_id != region.id:
        abort(404)
    return municipality


@bp.get("/rapportages")
@role_required(*READERS)
def report_index():
    region = _region()
    return render_template(
        "finance/reports.html",
        region=region,
        periods=reports.recent_periods(today_local()),
        municipalities=region.municipalities if policy.sees_region(current_user) else [],
        made=q.report_files(current_user, region),
        batch_form=ConfirmForm(),
    )


@bp.post("/rapportages/<kind>/<period>/maken")
@role_required(*READERS)
def report_batch(kind, period):
    """Every report of the period the user may have, made in the background."""
    region = _region()
    return submit(
        lambda: report_jobs.start_report_batch(current_user, region, kind, period),
        form=ConfirmForm(),
        success=_l("De rapportages worden op de achtergrond gemaakt."),
        target=lambda job: url_for("jobs.detail", job_id=job.id),
        back=url_for("finance.report_index"),
    )


@bp.get("/rapportages/bestanden/<int:report_id>")
@role_required(*READERS)
def report_file(report_id):
    made = db.session.get(ReportFile, report_id)
    if made is None or not policy.can_read_report(current_user, made):
        abort(404)
    return made.file.send()


@bp.get("/rapportages/<kind>/<period>.<fmt>")
@role_required(*READERS)
def report(kind, period, fmt):
    region = _region()
    if kind not in reports.KINDS or fmt not in ("pdf", "xlsx"):
        abort(404)
    try:
        start, end = reports.period_bounds(kind, period)
    except ValueError:
        abort(404)
    municipality = _report_municipality(region)
    data = reports.build(region, kind, period, start, end, municipality)
    name = reports.filename(region, kind, period, municipality, fmt)
    if fmt == "xlsx":
        return exports.xlsx_response(reports.report_workbook(data), name)
    rendered = reports.report_pdf(data)
    from flask import Response

    return Response(
        rendered.pdf,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "X-Content-SHA256": rendered.sha256,
        },
    )
