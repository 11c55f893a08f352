"""Finance pages: the framework with its adjustments and steering figures, money per
municipality, the custom-contract monitor, indicators, waiting times and reports. Thin:
changes go through operations.py, figures come from queries.py, and a municipality only
ever gets its own figures (policy.visible_municipality_ids)."""

from datetime import date

from flask import Blueprint, abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from procure.auth.forms import ConfirmForm
from procure.auth.permissions import role_required
from procure.auth.roles import MUNICIPALITY
from procure.contracts.models import Contract, ContractYear
from procure.core.errors import OperationError, ValidationFailed
from procure.core.timeutil import today_local
from procure.core.views import submit, values
from procure.extensions import db
from procure.finance import charts, exports, forms, policy, report_jobs, reports
from procure.finance import operations as ops
from procure.finance import queries as q
from procure.finance.models import BudgetLine, ReportFile
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
    return _index_page(_region(), forms.FrameworkForm() if policy.can_write(current_user) else None)


def _index_page(region, form):
    frameworks = q.frameworks(region.id)
    tables = [q.framework_table(q.framework_for(region.id, f.year)) for f in frameworks]
    return render_template(
        "finance/index.html", region=region, tables=tables, form=form, policy=policy
    )


@bp.post("/kader")
@role_required(*WRITERS)
def framework_create():
    region = _region()
    form = forms.FrameworkForm()
    return submit(
        lambda: ops.create_framework(
            region=region, actor=current_user, **values(form, "year title", stated_total=None)
        ),
        form=form,
        success=_l("Concept-kader aangemaakt."),
        target=lambda framework: url_for("finance.framework", year=framework.year),
        page=lambda: _index_page(region, form),
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
        ctx.update(_line_forms(region, framework, table, forms_in))
    if policy.can_adjust(current_user, framework):
        ctx.update(_money_forms(region, framework, leaves, forms_in))
    if policy.can_acknowledge(current_user, framework) and not any(
        a.municipality_id == current_user.municipality_id for a in framework.acknowledgements
    ):
        ctx["ack_form"] = forms_in.get("ack_form") or forms.AcknowledgeForm()
    return render_template("finance/framework.html", **ctx), status


def _line_forms(region, framework, table, forms_in) -> dict:
    """The forms of a framework still being drawn up: a new line, and adoption."""
    line_form = forms_in.get("line_form") or forms.LineForm()
    line_form.parent_code.choices = [("", "—")] + [
        (r.line.code, r.line.name) for r in table.rows if r.line.amount is None
    ]
    previous = q.framework_for(region.id, framework.year - 1)
    line_form.previous_code.choices = [("", "—")] + (
        [(line.code, line.name) for line in previous.lines] if previous else []
    )
    return {"line_form": line_form, "adopt_form": forms_in.get("adopt_form") or forms.AdoptForm()}


def _money_forms(region, framework, leaves, forms_in) -> dict:
    """The forms of an adopted framework: adjustments, contract assignment, the release of
    a reserved part and payments, each offering the lines it may book on."""
    leaf_choices = [(line.id, line.name) for line in leaves]
    adjustment = forms_in.get("adjustment_form") or forms.AdjustmentForm()
    adjustment.line_id.choices = leaf_choices
    assign = forms_in.get("assign_form") or forms.AssignForm()
    assign.line_id.choices = leaf_choices
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
    pay = forms_in.get("payment_form") or forms.PaymentForm()
    pay.line_id.choices = leaf_choices
    found = {"adjustment_form": adjustment, "assign_form": assign, "payment_form": pay}
    reserved = [(line.id, line.name) for line in leaves if line.kind == "reserved"]
    if reserved:
        release = forms_in.get("release_form") or forms.ReleaseForm()
        release.line_id.choices = reserved
        found["release_form"] = release
    return found


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
    """A form on the framework page: refused, the page comes back with it filled in."""
    region = _region()
    framework = _framework_or_404(region, year)
    return submit(
        lambda: run(region, framework, form),
        form=form,
        success=success,
        target=url_for("finance.framework", year=year),
        page=lambda: _framework_page(region, framework, **{form_name: form}),
    )


def _decision(form) -> dict:
    """An adjustment's or a release's amount with the decision behind it."""
    return values(form, "amount decided_on decision_reference reason")


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
            **values(form, "code name kind incidental"),
            **values(form, amount=None, parent_code=None, previous_code=None),
            actor=current_user,
        )

    return _post_action(year, "line_form", form, run, _l("Post toegevoegd."))


@bp.post("/kader/<int:year>/vaststellen")
@role_required(*WRITERS)
def adopt(year):
    def run(region, framework, form):
        ops.adopt_framework(
            framework, actor=current_user, **values(form, "decided_on reference", stated_total=None)
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
            _line(framework, form.line_id.data), actor=current_user, **_decision(form)
        )

    return _post_action(year, "adjustment_form", form, run, _l("Mutatie vastgelegd."))


@bp.post("/kader/<int:year>/bevestigen")
@role_required(MUNICIPALITY)
def acknowledge(year):
    def run(region, framework, form):
        ops.acknowledge_framework(
            framework, actor=current_user, **values(form, "acknowledged_on decision_reference")
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
            _line(framework, form.line_id.data), actor=current_user, **_decision(form)
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
            actor=current_user,
            **values(form, "amount paid_on reference"),
        )

    return _post_action(year, "payment_form", form, run, _l("Betaling vastgelegd."))


# -- money per municipality ------------------------------------------------------------------


@bp.route("/gemeenten", methods=["GET", "POST"])
@role_required(*READERS)
def municipalities():
    region = _region()
    year = _year()
    form = _writer_form(forms.AllocationForm)
    if request.method == "POST":
        shares = {
            m.id: request.form.get(f"share_{m.id}", "").strip() for m in region.municipalities
        }
        return submit(
            lambda: ops.set_allocation_key(
                region=region,
                year=year,
                shares=shares,
                actor=current_user,
                **values(form, "method decided_on basis"),
            ),
            form=form,
            success=_l("Verdeelsleutel vastgelegd (nieuwe versie)."),
            target=url_for("finance.municipalities", jaar=year),
            page=lambda: _municipalities_page(region, year, form),
        )
    return _municipalities_page(region, year, form)


def _writer_form(form_class):
    """A page's form for those who may write; a POST from anyone else is refused (403)."""
    if policy.can_write(current_user):
        return form_class()
    if request.method == "POST":
        abort(403)
    return None


def _municipalities_page(region, year, form):
    visible = _visible(region)
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
    return render_template(
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
    form = _writer_form(forms.IndicatorForm)
    if request.method == "POST":
        return submit(
            lambda: ops.create_indicator(
                region=region,
                actor=current_user,
                **values(form, "code name unit direction definition target_value target_period"),
            ),
            form=form,
            success=_l("Indicator aangemaakt."),
            target=lambda indicator: url_for("finance.indicator", code=indicator.code),
            page=lambda: _indicators_page(region, form),
        )
    return _indicators_page(region, form)


def _indicators_page(region, form):
    csv_form = forms.CsvForm() if policy.can_write(current_user) else None
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
    return render_template(
        "finance/indicators.html", region=region, items=items, form=form, csv_form=csv_form
    )


@bp.post("/indicatoren/import")
@role_required(*WRITERS)
def indicators_import():
    return _csv_import(
        ops.import_indicator_csv, "finance.indicators", _l("%(n)s waarden geïmporteerd.")
    )


def _csv_import(operation, endpoint: str, success):
    """An uploaded CSV booked by `operation`; refused, the messages go back to the page."""
    region = _region()
    form = forms.CsvForm()

    def run():
        if not form.file.data:
            raise ValidationFailed(_l("Kies een CSV-bestand."), field="file")
        return operation(region=region, data=form.file.data.read(), actor=current_user)

    return submit(
        run,
        form=form,
        success=lambda count: str(success) % {"n": count},
        target=url_for(endpoint),
    )


@bp.route("/indicatoren/<code>", methods=["GET", "POST"])
@role_required(*READERS)
def indicator(code):
    region = _region()
    item = q.indicator_or_404(region, code)
    form = _writer_form(forms.ValueForm)
    if form is not None:
        form.municipality.choices = _municipality_choices(region)
    if request.method == "POST":
        return submit(
            lambda: ops.record_indicator_value(
                item, actor=current_user, **values(form, "period value", municipality=None)
            ),
            form=form,
            success=_l("Waarde vastgelegd."),
            target=url_for("finance.indicator", code=code),
            page=lambda: _indicator_page(region, item, form),
        )
    return _indicator_page(region, item, form)


def _indicator_page(region, item, form):
    scope = None if policy.sees_region(current_user) else _visible(region)
    regional, per_municipality = q.indicator_series(item, scope)
    periods = sorted({p for values in per_municipality.values() for p in values})
    chart = charts.trend_line(
        item.name,
        [(v.period, v.value) for v in regional],
        item.target_value if item.unit != "count" or item.target_value else None,
        forms.UNIT_LABELS[item.unit],
    )
    return render_template(
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
    )


@bp.get("/indicatoren/<code>.xlsx")
@role_required(*READERS)
def indicator_xlsx(code):
    region = _region()
    item = q.indicator_or_404(region, code)
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
    form = _writer_form(forms.WaitingForm)
    if form is not None:
        form.provider.choices = [
            (p.short_code, p.name)
            for p in db.session.execute(
                select(Provider).where(Provider.active.is_(True)).order_by(Provider.name)
            ).scalars()
        ]
        form.municipality.choices = _municipality_choices(region)
    if request.method == "POST":
        fields = "provider category period average_days waiting updated_on"
        return submit(
            lambda: ops.record_waiting_time(
                region=region,
                values=values(form, fields, municipality=None),
                actor=current_user,
            ),
            form=form,
            success=_l("Wachttijd vastgelegd."),
            target=lambda _row: url_for("finance.waiting", maand=form.period.data),
            page=lambda: _waiting_page(region, form),
        )
    return _waiting_page(region, form)


def _waiting_page(region, form):
    month = _month()
    return render_template(
        "finance/waiting.html",
        region=region,
        month=month,
        summary=q.waiting_summary(region, month, _custom_scope(region)),
        form=form,
        csv_form=forms.CsvForm() if policy.can_write(current_user) else None,
    )


@bp.post("/wachttijden/import")
@role_required(*WRITERS)
def waiting_import():
    return _csv_import(
        ops.import_waiting_csv, "finance.waiting", _l("%(n)s wachttijden geïmporteerd.")
    )


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
