"""Contract pages: thin views over operations (changes) and queries (reads)."""

import tempfile
from datetime import date
from functools import cache, lru_cache
from types import SimpleNamespace

from dateutil.relativedelta import relativedelta
from flask import Response, abort, render_template, request, send_file, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload, selectinload

from procure.auth.models import User
from procure.auth.permissions import get_scoped_or_404, role_required, scoped
from procure.auth.roles import CONTRACT_MANAGER, REGION_STAFF
from procure.contracts import forms, policy
from procure.contracts import imports as realisation_imports  # registers the import job
from procure.contracts import operations as ops
from procure.contracts import pickers as _pickers  # noqa: F401 (registers the sources)
from procure.contracts import queries as q
from procure.contracts.charts import budget_chart, utilisation_bar
from procure.contracts.models import (
    Contract,
    ContractedProduct,
    ExtensionOption,
    FinancialAssessment,
    ManagementMeeting,
    MeetingAction,
    Payment,
    ProviderManagement,
)
from procure.contracts.policy import LIVE, MANAGERS
from procure.core import formatting as fmt
from procure.core.blank import BlankForm, blank_fields
from procure.core.errors import ValidationFailed
from procure.core.kept import read
from procure.core.labels import Labels, resolved, url_pattern
from procure.core.listing import apply_sort, list_cap, page_args, paginate, sort_from
from procure.core.pickers import searching
from procure.core.spreadsheets import csv_text
from procure.core.timeutil import today_local
from procure.core.uploads import store_upload
from procure.core.views import (
    policy_blueprint,
    submit,
    submit_on_page,
    values,
    warn_unknown_filters,
)
from procure.extensions import db
from procure.jobs.models import Job
from procure.main.dashboard import dashboard_card
from procure.organisations.models import Municipality, Provider

bp = policy_blueprint("contracts", __name__, "/contracten", policy, "contract_policy")

LABELS = {
    "variant": forms.VARIANT_LABELS,
    "status": forms.STATUS_LABELS,
    "origin": forms.ORIGIN_LABELS,
    "option": forms.OPTION_LABELS,
    "reason": forms.REASON_LABELS,
    "custom_reason": forms.CUSTOM_REASON_LABELS,
    "level": forms.LEVEL_LABELS,
    "kind": forms.KIND_LABELS,
    "outcome": forms.OUTCOME_LABELS,
    "risk": forms.RISK_LABELS,
}


FILTER_LABELS = {
    "variant": _l("Variant"),
    "status": _l("Status"),
    "origin": _l("Herkomst"),
    "provider_id": _l("Aanbieder"),
    "task_area_id": _l("Taakgebied"),
    "ending_months": _l("Loopt af binnen"),
    "ceiling_warning": _l("Budgetplafond boven de signaalgrens"),
}


@bp.app_context_processor
def _labels():
    return {"contract_labels": LABELS}


_LABELS_IN: dict[str, dict] = {}


def _labels_as_text() -> dict:
    """LABELS with every label as text in the request's language (once per language and
    process): the contract page shows several, a lazy label is a lookup each time."""
    language = str(get_locale())
    found = _LABELS_IN.get(language)
    if found is None:
        found = _LABELS_IN[language] = {name: resolved(labels) for name, labels in LABELS.items()}
    return found


# -- list, exports -------------------------------------------------------------------------


@bp.get("/")
@login_required
def index():
    user = current_user._get_current_object()
    filters = q.contract_filters(request.args)
    warn_unknown_filters([FILTER_LABELS[name] for name in filters["invalid"]])
    year = today_local().year
    areas = q.task_area_choices(user)
    provider_name = q.provider_name(filters["provider_id"]) if filters["provider_id"] else None
    without_provider = {k: v for k, v in request.args.items() if k not in ("provider_id", "page")}
    sort, direction = sort_from(request.args, q.SORTS, q.DEFAULT_SORT)
    page = q.contract_list_page(filters, year, user, sort, direction, *page_args())
    return render_template(
        "contracts/index.html",
        page=page,
        sort=sort,
        direction=direction,
        rows=[(c, q.row_utilisation(c)) for c in page.items],
        filters=filters,
        provider_name=provider_name,
        clear_provider_url=url_for("contracts.index", **without_provider),
        areas=areas,
        year=year,
        labels={"variant": resolved(LABELS["variant"]), "status": resolved(LABELS["status"])},
        detail_url=url_pattern("contracts.detail", "contract_id"),
        can_manage=policy.can_manage(user),
    )


def _export_rows(*, labelled: bool = False):
    filters = q.contract_filters(request.args)
    stmt, _s, _d = apply_sort(q.contracts_stmt(filters), q.SORTS, q.DEFAULT_SORT)
    for c in db.session.execute(stmt.execution_options(yield_per=500)).scalars():
        yield q.contract_row(c, labelled=labelled)


@bp.get("/export.csv")
@login_required
def export_csv():
    return Response(
        q.to_csv(q.CONTRACT_HEADER, _export_rows()),
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=contracten.csv"},
    )


@bp.get("/export.xlsx")
@login_required
def export_xlsx():
    return Response(
        q.to_xlsx(
            str(_l("Contracten")),
            q.CONTRACT_LABELS,
            _export_rows(labelled=True),
            money=q.CONTRACT_MONEY,
        ),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": "attachment; filename=contracten.xlsx"},
    )


@bp.route("/nieuw", methods=["GET", "POST"])
@role_required(*policy.CREATORS)
def new():
    from procure.catalogue.models import TaskArea

    if current_user.region_id is None:
        abort(403)
    form = forms.ContractForm()
    form.provider_id.configure()
    form.task_area_id.choices = [(0, "—")] + [
        (a.id, a.name)
        for a in db.session.execute(
            scoped(select(TaskArea), TaskArea).order_by(TaskArea.name)
        ).scalars()
    ]
    if request.method == "POST" and not searching():
        return submit(
            lambda: ops.create_concept_contract(
                region=current_user.region,
                **values(
                    form,
                    "provider_id origin variant start_date end_date title",
                    "notice_months",
                    task_area_id=None,
                ),
                extension_months=_option_months(form.extension_months),
                manager_id=current_user.id if current_user.role == CONTRACT_MANAGER else None,
            ),
            form=form,
            success=_l("Contract in concept aangemaakt."),
            target=lambda contract: url_for("contracts.detail", contract_id=contract.id),
            page=lambda: render_template("contracts/new.html", form=form),
        )
    return render_template("contracts/new.html", form=form)


def _option_months(field) -> list[int]:
    """'12, 12' -> [12, 12]: the lengths of the extension options, in months."""
    try:
        return [int(x) for x in (field.data or "").replace(";", ",").split(",") if x.strip()]
    except ValueError:
        raise ValidationFailed(
            _l("Geef de opties als getallen, gescheiden door komma's."), field=field.name
        ) from None


@bp.get("/realisatie.csv")
@role_required(*REGION_STAFF)
def realisation_export_all():
    """All realisation of the user's contracts (optionally one year), streamed as CSV."""
    from procure.catalogue.models import Product
    from procure.contracts.models import Realisation

    year = request.args.get("year", type=int)
    if year is not None and not 1900 <= year <= 2200:
        abort(400)
    stmt = (
        q.visible(
            select(
                Contract.reference,
                Realisation.period,
                Product.code,
                Realisation.units,
                Realisation.unit_price,
                Realisation.amount,
                Realisation.override,
                Realisation.source,
            )
        )
        .select_from(Realisation)
        .join(Contract, Contract.id == Realisation.contract_id)
        .join(ContractedProduct, ContractedProduct.id == Realisation.contract_product_id)
        .join(Product, Product.id == ContractedProduct.product_id)
        .order_by(Contract.reference, Realisation.period, Realisation.id)
    )
    if year:
        stmt = stmt.where(
            Realisation.period >= date(year, 1, 1), Realisation.period <= date(year, 12, 31)
        )

    def rows():
        for r in db.session.execute(stmt.execution_options(yield_per=2000)):
            yield [
                r.reference,
                r.period.strftime("%Y-%m"),
                r.code,
                r.units,
                r.unit_price,
                r.amount,
                "ja" if r.override else "",
                r.source,
            ]

    # Written to a spooled temporary file (memory, then disk): bounded memory for a
    # million rows, and no database work left for after the request.
    out = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024, mode="w+b")  # noqa: SIM115 (send_file closes it)
    out.write(q.to_csv(["contract", *q.REALISATION_HEADER], []))
    batch = []
    for row in rows():
        batch.append(row)
        if len(batch) >= 2000:
            out.write(csv_text(None, batch).encode())
            batch = []
    out.write(csv_text(None, batch).encode())
    out.seek(0)
    name = f"realisatie-{year}.csv" if year else "realisatie.csv"
    return send_file(out, mimetype="text/csv", as_attachment=True, download_name=name)


# -- portfolio ----------------------------------------------------------------------------


@bp.get("/portfolio")
@login_required
def portfolio():
    return render_template(
        "contracts/portfolio.html",
        data=q.portfolio(),
        year=today_local().year,
        detail_url=url_pattern("contracts.detail", "contract_id"),
        status_labels=resolved(LABELS["status"]),
    )


# -- one contract ---------------------------------------------------------------------------


def _contract_or_404(contract_id) -> Contract:
    return q.get_visible_or_404(contract_id)


@bp.get("/<int:contract_id>")
@login_required
def detail(contract_id):
    contract = q.get_visible_or_404(contract_id, options=q.page_contract_options())
    today = today_local()
    if any(
        o.status == policy.OPTION_OPEN and o.decision_deadline < today for o in contract.options
    ):
        ops.lapse_overdue_options(today, contract_id=contract.id)  # lazily, on read
        contract = q.get_visible_or_404(contract_id, options=q.page_contract_options())
    return _render_detail(contract)


# The contract page's own reads, built once per process on first use (when the mappers
# are configured): the page asks them on every request, only the parameters change.
@cache
def _payments():
    return (
        select(Payment)
        .where(Payment.contract_id == bindparam("contract_id"))
        .order_by(Payment.year, Payment.month)
    )


@cache
def _managers():
    return (
        select(User.id, User.name)
        .where(
            User.region_id == bindparam("region_id"), User.role.in_(MANAGERS), User.active.is_(True)
        )
        .order_by(User.name)
    )


@cache
def _municipalities():
    return (
        select(Municipality.cbs_code, Municipality.name)
        .where(Municipality.region_id == bindparam("region_id"))
        .order_by(Municipality.name)
    )


# The contract page's fold-out forms (rarely used, most of the page's work when rendered):
# the page shows each as a link to the page with that fold-out open (?formulier=<name>);
# a form is built and rendered only then, or when it comes back refused. The changes
# panel's fold-outs use the same parameter (procure.contracts.changes.views).
FOLD_OUTS = {
    "budget": ("budget_form",),
    "signaalgrens": ("threshold_form",),
    "betaling": ("payment_form",),
    "onttrekking": ("reserve_form",),
    "product": ("product_form", "price_form"),
    "import": ("import_form",),
    "optie": ("option_form",),
    "opzeggen": ("terminate_form",),
}
FOLD_OF_FORM = {key: name for name, keys in FOLD_OUTS.items() for key in keys}


def _open_folds(form_overrides) -> set:
    """The fold-outs the page shows open: the one asked for and those of refused forms."""
    folds = {FOLD_OF_FORM[key] for key in form_overrides if key in FOLD_OF_FORM}
    asked = request.args.get("formulier")
    if asked in FOLD_OUTS:
        folds.add(asked)
    return folds


@lru_cache(maxsize=4096)
def _shown(format_, value, locale: str) -> str:
    """A value as the app's formatting shows it: a pure function of its arguments, so each
    (month, price, amount) is formatted once per process and language, not per row."""
    return format_(value, locale)


def _shown_realisations(page, codes: dict) -> list[SimpleNamespace]:
    """The page's realisation rows with their values as shown (the app's formatting in
    the user's language)."""
    locale = fmt.active_locale()
    sources = Labels(resolved(q.SOURCE_LABELS))

    def shown(format_, value):
        return _shown(format_, value, locale)

    return [
        SimpleNamespace(
            period=shown(fmt.month, r.period),
            code=codes.get(r.contract_product_id, ""),
            units=shown(fmt.number, r.units),
            unit_price=shown(fmt.money, r.unit_price),
            amount=shown(fmt.money, r.amount),
            override=r.override,
            override_reason=r.override_reason,
            source=sources[r.source],
        )
        for r in page.items
    ]


def _render_detail(contract: Contract, **form_overrides):
    rows = ops.utilisation(contract)
    # Products, prices and realisation are the effort and output contracts'.
    products = [] if contract.is_lumpsum or contract.is_custom else q.page_products(contract)
    realisations = q.realisation_page(contract, *page_args(20))
    codes = {cp.id: cp.code for cp in products}
    header = q.page_header(contract)
    # The payment schedule and the reserve are the lumpsum's (the page shows them only there).
    payments, draws = [], []
    if contract.is_lumpsum:
        payments = db.session.scalars(_payments(), {"contract_id": contract.id}).all()
        draws = q.reserve_drawdowns(contract)
        paid = {}
        for p in payments:
            if p.amount_paid:
                paid[p.year] = paid.get(p.year, 0) + p.amount_paid
        chart_rows = [
            {**r, "realised": paid.get(r["year"], r["realised"] * 0), "pct": None} for r in rows
        ]
    else:
        chart_rows = rows
    folds = _open_folds(form_overrides)
    locale = fmt.active_locale()
    forms_ = _detail_forms(contract, payments, folds, products, header)
    forms_.update(form_overrides)
    if "realisation_form" in form_overrides:
        forms_["realisation_fields"] = None  # refused: rendered with the input and errors
    user = current_user._get_current_object()
    may_manage = policy.can_manage(user)
    managers = read(_managers(), {"region_id": contract.region_id}).all() if may_manage else []
    return render_template(
        "contracts/detail.html",
        contract=contract,
        header=header,
        rows=rows,
        by_year={r["year"]: r for r in rows},
        chart=budget_chart(contract, chart_rows),
        bars={r["year"]: utilisation_bar(r, locale) for r in rows},
        realisations=realisations,
        realisation_rows=_shown_realisations(realisations, codes),
        products=products,
        payments=payments,
        open_terms=any(p.paid_on is None for p in payments),
        decisions=q.budget_decisions(contract),
        draws=draws,
        can_manage=may_manage and policy.can_manage(user, contract),
        today=today_local(),
        managers=managers,
        contract_labels=_labels_as_text(),
        folds=folds,
        fold_url=url_for("contracts.detail", contract_id=contract.id) + "?formulier=",
        **forms_,
    )


def _detail_forms(contract, payments=(), folds=(), products=(), header=None):
    """The forms the page shows for this contract: of its fold-outs (the budget, options
    and notice for every contract; payments and the reserve for a lumpsum; products and
    prices for the other contracts) only the open ones, and the realisation form of a
    contract with products to whom may record it (a custom contract has none)."""
    found = {}
    if "budget" in folds:
        found["budget_form"] = forms.BudgetForm(prefix="b")
    if "signaalgrens" in folds:
        found["threshold_form"] = forms.ThresholdForm(prefix="th", obj=contract)
    if "opzeggen" in folds:
        found["terminate_form"] = forms.TerminateForm(prefix="t")
    if "optie" in folds:
        found["option_form"] = forms.OptionForm(prefix="o")
    if contract.is_lumpsum:
        if "onttrekking" in folds:
            found["reserve_form"] = forms.ReserveForm(prefix="v")
        if "betaling" in folds:
            found["payment_form"] = _payment_form(contract, payments=payments)
    elif not contract.is_custom:
        found.update(_effort_forms(contract, folds, products, header))
    return found


def _effort_forms(contract, folds=(), products=(), header=None) -> dict:
    """The realisation form and the open product fold-out's forms; `products` and
    `header` as procure.contracts.queries.page_products and page_header give them."""
    found = {}
    user = current_user._get_current_object()
    if policy.can_record_realisation(user, contract):
        # blank: the fields' HTML rendered once per language and choices
        found["realisation_form"] = BlankForm(forms.RealisationForm, prefix="r")
        found["realisation_fields"] = blank_fields(
            "contracts/_realisation_fields.html",
            forms.RealisationForm,
            prefix="r",
            choices={
                "product": [(cp.code, cp.label) for cp in products],
                "municipality": _municipality_choices(contract, header),
            },
        )
        if "import" in folds:
            found["import_form"] = forms.ImportForm(prefix="i")
    if "product" in folds:
        product_form = forms.ProductForm(prefix="p")
        if policy.can_manage(user):
            product_form.product_id.configure(contract=contract.id)
        price_form = forms.PriceForm(prefix="pr")
        price_form.contracted_product_id.choices = [(cp.id, cp.label) for cp in products]
        found["product_form"] = product_form
        found["price_form"] = price_form
    return found


def _payment_form(contract, formdata=None, payments=None):
    """The one payment form of the schedule: its choices are the terms still open (of
    `payments`, the contract's schedule in order, when the caller has read it)."""
    from procure.core.formatting import money, month

    form = forms.PaymentRegisterForm(prefix="pay", formdata=formdata)
    if payments is None:
        payments = db.session.execute(
            select(Payment)
            .where(Payment.contract_id == contract.id, Payment.paid_on.is_(None))
            .order_by(Payment.year, Payment.month)
        ).scalars()
    form.payment_id.choices = [
        (p.id, f"{month(date(p.year, p.month, 1))} · {money(p.amount_due)}")
        for p in payments
        if p.paid_on is None
    ]
    return form


def _managed_contract(contract_id) -> Contract:
    contract = _contract_or_404(contract_id)
    if contract.region_id != current_user.region_id:
        abort(403)
    return contract


def _run(contract, *action, **keywords):
    """One contract action through the shared request helper: a refused form comes back
    on the contract page, filled in, its fold-out open and the errors at its fields."""
    return submit_on_page(
        *action,
        **keywords,
        url=url_for("contracts.detail", contract_id=contract.id),
        render=lambda given: _render_detail(_contract_or_404(contract.id), **given),
    )


@bp.post("/<int:contract_id>/status/<target>")
@role_required(*MANAGERS)
def transition(contract_id, target):
    contract = _managed_contract(contract_id)
    if target == "active":
        return _run(contract, lambda: ops.activate_contract(contract), _l("Contract actief."))
    if target == "ended":
        return _run(
            contract,
            lambda: ops.end_contract(contract, today=today_local()),
            _l("Contract beëindigd."),
        )
    abort(404)


@bp.post("/<int:contract_id>/opties/<int:option_id>/<decision>")
@role_required(*MANAGERS)
def option_decision(contract_id, option_id, decision):
    contract = _managed_contract(contract_id)
    option = db.session.get(ExtensionOption, option_id)
    if (
        option is None
        or option.contract_id != contract.id
        or decision not in ("lichten", "afwijzen")
    ):
        abort(404)
    fn = ops.exercise_option if decision == "lichten" else ops.decline_option
    return _run(
        contract,
        lambda: fn(option, today=today_local(), actor=current_user),
        _l("Besluit over de optie vastgelegd."),
        "#opties",
    )


@bp.post("/<int:contract_id>/opties")
@role_required(*MANAGERS)
def option_add(contract_id):
    contract = _managed_contract(contract_id)
    form = forms.OptionForm(prefix="o")
    return _run(
        contract,
        lambda: ops.add_extension_option(contract, **values(form, "months decision_deadline")),
        _l("Optie toegevoegd."),
        "#opties",
        "option_form",
        form,
    )


@bp.post("/<int:contract_id>/opzeggen")
@role_required(*MANAGERS)
def terminate(contract_id):
    contract = _managed_contract(contract_id)
    form = forms.TerminateForm(prefix="t")
    return _run(
        contract,
        lambda: ops.terminate_contract(
            contract, **values(form, "reason note notice_given_on effective_on")
        ),
        _l("Contract opgezegd."),
        "",
        "terminate_form",
        form,
    )


@bp.post("/<int:contract_id>/manager")
@role_required(*MANAGERS)
def manager(contract_id):
    contract = _managed_contract(contract_id)
    chosen = (request.form.get("manager_id") or "").strip()

    def assign():
        if chosen and not (chosen.isdigit() and len(chosen) <= 9):
            raise ValidationFailed(_l("Kies een contractmanager uit de lijst."), field="manager_id")
        return ops.assign_manager(
            contract, manager_id=int(chosen) if chosen else None, actor=current_user
        )

    return _run(contract, assign, _l("Contractmanager vastgelegd."))


@bp.post("/<int:contract_id>/budget")
@role_required(*MANAGERS)
def budget(contract_id):
    contract = _managed_contract(contract_id)
    form = forms.BudgetForm(prefix="b")
    return _run(
        contract,
        lambda: ops.set_year_budget(
            contract,
            **values(
                form,
                "year budget guaranteed_pct clients_min clients_max",
                indexation_pct=0,
                efficiency_pct=0,
                reserve=0,
                decided_on=today_local(),
                reason="",
                decision_reference="",
            ),
        ),
        _l("Budget vastgelegd."),
        "#budget",
        "budget_form",
        form,
    )


@bp.post("/<int:contract_id>/grenzen")
@role_required(*MANAGERS)
def thresholds(contract_id):
    contract = _managed_contract(contract_id)
    form = forms.ThresholdForm(prefix="th")
    return _run(
        contract,
        lambda: ops.set_thresholds(contract, **values(form, "warn_pct alert_pct")),
        _l("Grenzen vastgelegd."),
        "#budget",
        "threshold_form",
        form,
    )


@bp.post("/<int:contract_id>/ventiel")
@role_required(*MANAGERS)
def reserve(contract_id):
    contract = _managed_contract(contract_id)
    form = forms.ReserveForm(prefix="v")
    return _run(
        contract,
        lambda: ops.draw_reserve(contract, **values(form, "year amount motivation drawn_on")),
        _l("Onttrekking vastgelegd."),
        "#ventiel",
        "reserve_form",
        form,
    )


@bp.post("/<int:contract_id>/betalingen")
@role_required(*MANAGERS)
def payment_register(contract_id):
    """The schedule's single form: the term is chosen in the form, not by a form per row."""
    contract = _managed_contract(contract_id)
    form = _payment_form(contract, formdata=request.form)

    def run():
        row = db.session.get(Payment, form.payment_id.data)
        if row is None or row.contract_id != contract.id:
            raise ValidationFailed(_l("Kies een open termijn."), field="payment_id")
        return ops.register_payment(row, **values(form, "paid_on amount", reference=""))

    return _run(contract, run, _l("Betaling geregistreerd."), "#betalingen", "payment_form", form)


@bp.post("/<int:contract_id>/producten")
@role_required(*MANAGERS)
def product_add(contract_id):
    contract = _managed_contract(contract_id)
    form = forms.ProductForm(prefix="p")
    form.product_id.configure(contract=contract.id)
    if searching():
        return _render_detail(contract, product_form=form)
    return _run(
        contract,
        lambda: ops.add_contract_product(contract, product_id=form.product_id.data),
        _l("Product gecontracteerd."),
        "#producten",
        "product_form",
        form,
    )


@bp.post("/<int:contract_id>/prijzen")
@role_required(*MANAGERS)
def price(contract_id):
    contract = _managed_contract(contract_id)
    form = forms.PriceForm(prefix="pr")
    form.contracted_product_id.choices = [(cp.id, "") for cp in contract.products]
    return _run(
        contract,
        lambda: ops.set_unit_price(
            db.session.get(ContractedProduct, form.contracted_product_id.data),
            **values(form, "year price"),
        ),
        _l("Prijs vastgelegd."),
        "#producten",
        "price_form",
        form,
    )


@bp.post("/<int:contract_id>/realisatie")
@role_required(*MANAGERS)
def realisation(contract_id):
    contract = _managed_contract(contract_id)
    form = forms.RealisationForm(prefix="r")
    form.product.choices = [(cp.product.code, str(cp.product)) for cp in contract.products]
    form.municipality.choices = _municipality_choices(contract)
    return _run(
        contract,
        lambda: ops.record_realisation(
            contract,
            **values(form, "product period units override override_reason"),
            municipality=form.municipality.data or None,
        ),
        _l("Realisatie vastgelegd."),
        "#realisatie",
        "realisation_form",
        form,
    )


def _municipality_choices(contract, header=None) -> list[tuple[str, str]]:
    """Realisation is booked for a municipality (its CBS code); a custom contract's is fixed.
    `header`: the page's names of the contract (procure.contracts.queries.page_header)."""
    if header is not None and header.municipality_code is not None:
        return [(header.municipality_code, header.municipality)]
    if header is None and contract.municipality is not None:
        return [(contract.municipality.cbs_code, contract.municipality.name)]
    return [("", _l("Onbekend"))] + [
        (m.cbs_code, m.name) for m in read(_municipalities(), {"region_id": contract.region_id})
    ]


@bp.post("/<int:contract_id>/realisatie/import")
@role_required(*MANAGERS)
def realisation_import(contract_id):
    """The file is checked here, all errors at once; a large file is booked in the
    background (the user goes to its progress page), a small one at once."""
    contract = _managed_contract(contract_id)
    form = forms.ImportForm(prefix="i")

    def run():
        if not form.file.data:
            raise ValidationFailed(_l("Kies een CSV-bestand."), field="file")
        return realisation_imports.import_file(
            contract,
            form.file.data.read(),
            override=form.override.data,
            override_reason=form.override_reason.data,
            actor=current_user,
        )

    def page():
        return _render_detail(_contract_or_404(contract.id), import_form=form)

    def success(result):
        if isinstance(result, Job):
            return _("Het bestand is goedgekeurd; de realisatie wordt op de achtergrond geboekt.")
        return _("Realisatie geïmporteerd.")

    def target(result):
        if isinstance(result, Job):
            return url_for("jobs.detail", job_id=result.id)
        return url_for("contracts.detail", contract_id=contract.id) + "#realisatie"

    return submit(run, form=form, success=success, target=target, page=page)


def _realisation_rows(contract, *, labelled: bool = False):
    codes = {cp.id: cp.product.code for cp in contract.products}
    stmt = q.realisations_stmt(contract).execution_options(yield_per=1000)
    for r in db.session.execute(stmt).scalars():
        yield q.realisation_row(r, codes, labelled=labelled)


@bp.get("/<int:contract_id>/realisatie.csv")
@login_required
def realisation_csv(contract_id):
    contract = _contract_or_404(contract_id)
    return Response(
        q.to_csv(q.REALISATION_HEADER, _realisation_rows(contract)),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f"attachment; filename=realisatie-{contract.reference}.csv"
        },
    )


@bp.get("/<int:contract_id>/realisatie.xlsx")
@login_required
def realisation_xlsx(contract_id):
    contract = _contract_or_404(contract_id)
    return Response(
        q.to_xlsx(
            str(_l("Realisatie")),
            q.REALISATION_LABELS,
            _realisation_rows(contract, labelled=True),
            money=q.REALISATION_MONEY,
            months=(0,),
        ),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={
            "Content-Disposition": f"attachment; filename=realisatie-{contract.reference}.xlsx"
        },
    )


# -- custom contracts -------------------------------------------------------------------------


@bp.get("/maatwerk")
@login_required
def custom_index():
    if not policy.can_read_custom(current_user):
        abort(403)
    stmt = (
        q.visible(select(Contract))
        .where(Contract.origin == "custom")
        .options(
            joinedload(Contract.provider),
            joinedload(Contract.municipality),
            joinedload(Contract.maatwerk_code),
        )
        .order_by(Contract.start_date.desc(), Contract.id)
    )
    page = paginate(stmt, *page_args(), cap=list_cap())
    totals = q.custom_totals(current_user) if policy.sees_custom_totals(current_user) else None
    return render_template("contracts/custom_index.html", page=page, totals=totals)


def _custom_form():
    from procure.catalogue.models import MaatwerkCode

    form = forms.CustomContractForm()
    form.provider_id.configure()
    form.maatwerk_code_id.choices = [
        (m.id, str(m))
        for m in db.session.execute(
            select(MaatwerkCode)
            .where(MaatwerkCode.region_id == current_user.region_id, MaatwerkCode.active.is_(True))
            .order_by(MaatwerkCode.code)
        ).scalars()
    ]
    form.municipality_id.choices = [
        (m.id, m.name)
        for m in db.session.execute(
            select(Municipality)
            .where(Municipality.region_id == current_user.region_id)
            .order_by(Municipality.name)
        ).scalars()
    ]
    return form


@bp.route("/maatwerk/nieuw", methods=["GET", "POST"])
@role_required(*policy.CUSTOM_RECORDERS)
def custom_new():
    form = _custom_form()
    if request.method == "POST" and not searching():
        return submit(
            lambda: ops.create_custom_contract(
                user=current_user,
                **values(
                    form,
                    "provider_id maatwerk_code_id unit_price units start_date",
                    "end_date justification municipality_id",
                ),
                reason=form.custom_reason.data,
                reason_text=form.custom_reason_text.data,
            ),
            form=form,
            success=_l("Maatwerkovereenkomst vastgelegd."),
            target=lambda contract: url_for("contracts.detail", contract_id=contract.id),
            page=lambda: render_template("contracts/custom_new.html", form=form),
        )
    return render_template("contracts/custom_new.html", form=form)


# -- contract management --------------------------------------------------------------------


@bp.get("/beheer")
@role_required(*REGION_STAFF)
def management():
    """The tier overview: counts per tier, the meetings against each tier's norm, and the
    tier that risk and turnover point to (seed 001)."""
    from procure.contracts.tiers import TIERS, suggest_tier

    rows = db.session.execute(
        scoped(
            select(Provider.id, Provider.name).join(Contract, Contract.provider_id == Provider.id),
            Contract,
        )
        .where(Contract.status.in_(LIVE))
        .distinct()
        .order_by(Provider.name)
    ).all()
    region_id = current_user.region_id
    today = today_local()
    tiered = {r.provider_id: r for r in q.management_rows(region_id=region_id, year=today.year)}
    turnover = q.turnover_by_provider(region_id, today.year) if region_id else {}
    counts = {key: 0 for key in TIERS}
    for provider_id, _name in rows:
        row = tiered.get(provider_id)
        counts[row.level if row else "reactive"] += 1
    suggested = {
        pid: suggest_tier(turnover.get(pid, 0), tiered[pid].risk if pid in tiered else "low")
        for pid, _name in rows
    }
    return render_template(
        "contracts/management.html",
        rows=rows,
        tiered=tiered,
        counts=counts,
        tiers=TIERS,
        turnover=turnover,
        suggested=suggested,
        today=today,
    )


@bp.route("/beheer/<int:provider_id>", methods=["GET", "POST"])
@role_required(*REGION_STAFF)
def management_provider(provider_id):
    provider = db.session.get(Provider, provider_id) or abort(404)
    region_id = current_user.region_id
    if region_id is None:
        abort(404)
    level = db.session.execute(
        scoped(select(ProviderManagement), ProviderManagement).where(
            ProviderManagement.provider_id == provider_id
        )
    ).scalar()
    level_form = forms.LevelForm(prefix="l", obj=level)
    meeting_form = forms.MeetingForm(prefix="m")
    assessment_form = forms.AssessmentForm(prefix="a")
    can_edit = policy.can_edit_management(current_user)
    if request.method == "POST":
        if not can_edit:
            abort(403)
        forms_by_action = {
            "level": level_form,
            "meeting": meeting_form,
            "assessment": assessment_form,
        }
        return _management_action(provider, level, forms_by_action)
    return _render_management(provider, level, level_form, meeting_form, assessment_form, can_edit)


def _management_action(provider, level, forms_by_action):
    """One of the provider-management forms (level, meeting, assessment, action done)."""
    region_id = current_user.region_id
    provider_id = provider.id
    where = {"region_id": region_id, "provider_id": provider_id, "actor": current_user}
    action = request.form.get("action")
    if action == "action_done":
        row = db.session.get(MeetingAction, request.form.get("action_id", type=int))
        if row is None or row.meeting.region_id != region_id:
            abort(404)
        run, form = (lambda: ops.complete_action(row, actor=current_user)), None
    elif action == "level":
        form = forms_by_action["level"]

        def run():
            return ops.set_management_level(
                **where,
                **values(form, "level risk reason next_meeting_on"),
            )
    elif action == "meeting":
        form = forms_by_action["meeting"]

        def run():
            minutes = None
            if form.minutes.data:
                minutes = store_upload(
                    form.minutes.data,
                    allowed=("pdf", "docx"),
                    uploaded_by=current_user,
                    field="minutes",
                )
            actions = [
                {
                    "description": form.action_description.data,
                    "owner": form.action_owner.data,
                    "due_on": form.action_due_on.data,
                }
            ]
            return ops.record_meeting(
                **where,
                **values(form, "held_on attendees topics next_meeting_on", topic_keys=[]),
                actions=actions,
                minutes_file=minutes,
            )
    elif action == "assessment":
        form = forms_by_action["assessment"]

        def run():
            return ops.record_assessment(
                **where, **values(form, "kind year assessed_on outcome notes")
            )
    else:
        abort(400)
    return submit(
        run,
        form=form,
        success=_l("Vastgelegd."),
        target=url_for("contracts.management_provider", provider_id=provider_id),
        page=lambda: _render_management(provider, level, *forms_by_action.values(), True),
    )


def _render_management(provider, level, level_form, meeting_form, assessment_form, can_edit):
    meetings = db.session.scalars(
        scoped(select(ManagementMeeting), ManagementMeeting)
        .where(ManagementMeeting.provider_id == provider.id)
        .options(selectinload(ManagementMeeting.actions))
        .order_by(ManagementMeeting.held_on.desc())
    ).all()
    assessments = db.session.scalars(
        scoped(select(FinancialAssessment), FinancialAssessment)
        .where(FinancialAssessment.provider_id == provider.id)
        .order_by(FinancialAssessment.year.desc())
    ).all()
    contracts = db.session.scalars(
        q.visible(select(Contract))
        .where(Contract.provider_id == provider.id)
        .order_by(Contract.reference)
    ).all()
    return render_template(
        "contracts/management_provider.html",
        provider=provider,
        level=level,
        level_form=level_form,
        meeting_form=meeting_form,
        assessment_form=assessment_form,
        meetings=meetings,
        assessments=assessments,
        contracts=contracts,
        can_edit=can_edit,
    )


@bp.get("/beheer/verslag/<int:meeting_id>")
@role_required(*REGION_STAFF)
def meeting_minutes(meeting_id):
    meeting = get_scoped_or_404(ManagementMeeting, meeting_id)
    if meeting.minutes_file is None:
        abort(404)
    return meeting.minutes_file.send()


# -- dashboard cards -------------------------------------------------------------------------


@dashboard_card
def _contract_cards(user):
    if user.is_provider:  # providers follow their contracts on the portfolio page
        return []
    today = today_local()
    ceilings = q.count_ceilings(user, today.year)
    ending = db.session.execute(
        q.visible(select(db.func.count(Contract.id)), user).where(
            Contract.status.in_(LIVE),
            Contract.end_date >= today,
            Contract.end_date <= today + relativedelta(months=12),
        )
    ).scalar_one()
    return [
        {
            "title": _l("Budgetplafonds boven 80 %"),
            "value": ceilings,
            "endpoint": "contracts.index",
            "args": {"ceiling_warning": 1},
            "level": "warn" if ceilings else "ok",
        },
        {
            "title": _l("Contracten die binnen 12 maanden aflopen"),
            "value": ending,
            "endpoint": "contracts.index",
            "args": {"ending_months": 12},
            "level": "warn" if ending else "ok",
        },
    ]
