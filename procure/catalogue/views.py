"""Catalogue pages: list, product card, forms, translation table, custom-care codes,
indexation and exports. Thin: every change goes through catalogue.operations."""

from collections import namedtuple

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import aliased, joinedload, selectinload

from procure.audit.models import AuditEvent
from procure.auth.forms import ConfirmForm
from procure.auth.permissions import get_scoped_or_404, role_required, scoped
from procure.catalogue import exports, policy
from procure.catalogue import imports as catalogue_imports  # registers the import job
from procure.catalogue import operations as ops
from procure.catalogue.forms import (
    ExpireForm,
    IndexationForm,
    PdcImportForm,
    ProductEditForm,
    ProductForm,
    SegmentEditForm,
    SegmentForm,
    TariffForm,
)
from procure.catalogue.models import (
    STATUS_LABELS,
    VARIANT_LABELS,
    CodeTranslation,
    IndexationRun,
    MaatwerkCode,
    Product,
    Segment,
)
from procure.catalogue.policy import (
    EDITOR_ROLES,
    READER_ROLES,
    can_edit,
    can_see_segments,
    fixed_only,
    sees_all_regions,
)
from procure.catalogue.queries import (
    DEFAULT_SORT,
    LIST_COLUMNS,
    REGION_OPTIONS,
    SORTS,
    Filters,
    account_holder_choices,
    parse_filters,
    product_list_page,
    product_query,
    segment_choices,
    segment_report,
    task_area_choices,
    task_area_names,
    visible,
)
from procure.core import formatting as fmt
from procure.core.errors import OperationError, ValidationFailed
from procure.core.kept import kept, scope_key
from procure.core.labels import Labels, resolved, url_pattern
from procure.core.listing import page_args, paginate, sort_from
from procure.core.timeutil import today_local
from procure.core.views import policy_blueprint, run_action, show_refusal, submit, values
from procure.extensions import db
from procure.main.dashboard import dashboard_card
from procure.organisations.models import Region

bp = policy_blueprint("catalogue", __name__, "/catalogus", policy, "catalogue_policy")

EXPORT_LIMIT = 20_000


def _filters_or_flash() -> Filters:
    try:
        return parse_filters(request.args)
    except OperationError as exc:
        flash(str(exc.message), "error")
        return Filters(q=(request.args.get("q") or "").strip()[:100])


def _list_context(filters: Filters, user) -> dict:
    regions = []
    if sees_all_regions(user):
        regions = db.session.connection().execute(REGION_OPTIONS).all()
    return {
        "filters": filters,
        "task_areas": task_area_names(user),
        "variant_labels": Labels(resolved(VARIANT_LABELS)),
        "status_labels": Labels(resolved(STATUS_LABELS)),
        "regions": regions,
        "region_names": {r.id: r.short_code.upper() for r in regions},
        "show_status_filter": not fixed_only(user),
        "can_edit": can_edit(user),
        "this_year": today_local().year,
    }


# A row of the list: the columns of queries.LIST_COLUMNS with the task area's name and the
# year's price, in their order, and the card's link (built once per page, not per row).
_ListRow = namedtuple(
    "_ListRow", [*(c.key for c in LIST_COLUMNS), "task_area_name", "price", "url"]
)


@bp.get("/")
@role_required(*READER_ROLES)
def index():
    user = current_user._get_current_object()
    filters = _filters_or_flash()
    context = _list_context(filters, user)
    sort, direction = sort_from(request.args, SORTS, DEFAULT_SORT)
    page = product_list_page(filters, user, sort, direction, context["this_year"], *page_args())
    product_url = url_pattern("catalogue.product", "product_id")
    return render_template(
        "catalogue/index.html",
        page=page,
        sort=sort,
        direction=direction,
        rows=[_ListRow(*row, product_url(row[0])) for row in page.items],
        **context,
    )


@bp.get("/export.<fmt>")
@role_required(*READER_ROLES)
def export(fmt):
    if fmt not in ("csv", "xlsx"):
        abort(404)
    filters = _filters_or_flash()
    stmt = product_query(filters, current_user).order_by(Product.code, Product.version)
    products = db.session.execute(stmt.limit(EXPORT_LIMIT)).scalars().unique().all()
    stamp = today_local().strftime("%Y%m%d")
    if fmt == "csv":
        return Response(
            exports.to_csv(products),
            mimetype="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="productcatalogus-{stamp}.csv"'},
        )
    return Response(
        exports.to_xlsx(products),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="productcatalogus-{stamp}.xlsx"'},
    )


# The card asked for, beside its versions (built once: an alias proxies every column).
_CARD = aliased(Product)


def _card_versions_or_404(product_id) -> tuple[Product, list[Product]]:
    """The card `product_id` and every version of its code the user may see, newest first:
    one query with their task areas and tariffs (a few per card), built once per scope;
    404 when the user may not see the card."""
    user = current_user._get_current_object()

    def build():
        same_code = (
            select(_CARD.region_id, _CARD.code)
            .where(_CARD.id == bindparam("product_id"))
            .subquery()
        )
        stmt = visible(
            select(Product).join(
                same_code,
                (Product.region_id == same_code.c.region_id) & (Product.code == same_code.c.code),
            ),
            user,
        ).options(joinedload(Product.task_area), joinedload(Product.tariffs))
        return stmt.order_by(Product.version.desc())

    stmt = kept(("product card", scope_key(user), fixed_only(user)), build)
    history = db.session.scalars(stmt, {"product_id": product_id}).unique().all()
    product = next((version for version in history if version.id == product_id), None)
    if product is None:
        abort(404)
    return product, history


def _editable_product_or_404(product_id) -> Product:
    if not can_edit(current_user):
        abort(403)
    return get_scoped_or_404(Product, product_id)


@bp.get("/code/<code>")
@role_required(*READER_ROLES)
def by_code(code):
    """The current version of a code the user may see (the user's own region first)."""
    stmt = visible(
        select(Product).where(Product.code == code.strip().upper(), Product.is_current.is_(True)),
        current_user,
    )
    if current_user.region_id is not None:
        stmt = stmt.order_by((Product.region_id == current_user.region_id).desc())
    product = db.session.execute(stmt.order_by(Product.id).limit(1)).scalar()
    if product is None:
        abort(404)
    return redirect(url_for("catalogue.product", product_id=product.id))


@bp.get("/<int:product_id>")
@role_required(*READER_ROLES)
def product(product_id):
    card, history = _card_versions_or_404(product_id)
    return _render_product(card, history=history)


# What the card shows beside its versions, built once (the card's values bound).
_TRANSLATIONS = (
    select(CodeTranslation)
    .where(
        CodeTranslation.region_id == bindparam("region_id"),
        CodeTranslation.old_code == bindparam("code"),
    )
    .order_by(CodeTranslation.position)
)
_MAATWERK = select(MaatwerkCode).where(
    MaatwerkCode.region_id == bindparam("region_id"), MaatwerkCode.code == bindparam("code")
)
_EVENTS = (
    select(AuditEvent)
    .where(
        AuditEvent.object_type == "Product",
        AuditEvent.object_id.in_(bindparam("object_ids", expanding=True)),
    )
    .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
    .limit(50)
)


def _render_product(product, tariff_form=None, expire_form=None, history=None):
    """The product card; a refused form comes back filled in, with its errors. `history`:
    the versions of its code the user may see, newest first, when already loaded."""
    user = current_user._get_current_object()
    if history is None:
        history = db.session.scalars(
            visible(
                select(Product).where(
                    Product.region_id == product.region_id, Product.code == product.code
                ),
                user,
            ).order_by(Product.version.desc())
        ).all()
    region = product.region_id
    translations = db.session.scalars(
        _TRANSLATIONS, {"region_id": region, "code": product.code}
    ).all()
    maatwerk = db.session.execute(
        _MAATWERK, {"region_id": region, "code": ops.maatwerk_code_for(product.code)}
    ).scalar()
    events = []
    if policy.sees_history(user):
        events = db.session.scalars(_EVENTS, {"object_ids": [str(p.id) for p in history]}).all()
    # The forms are built only when the card shows them.
    if tariff_form is None and product.variant != "task" and policy.can_set_tariffs(user, product):
        tariff_form = TariffForm(formdata=None)
    if expire_form is None and policy.can_expire(user, product):
        expire_form = ExpireForm(formdata=None)
    return render_template(
        "catalogue/product.html",
        product=product,
        history=history,
        translations=translations,
        maatwerk=maatwerk,
        events=events,
        editable=policy.can_edit_product(user, product),
        tariff_form=tariff_form,
        expire_form=expire_form,
        this_year=today_local().year,
    )


def _fill_task_areas(form, region_id=None):
    form.task_area_id.choices = [(0, "—")] + [
        (a.id, a.name) for a in task_area_choices(current_user)
    ]
    if region_id is not None:  # the card's region's segments (optional)
        form.segment_id.choices = [("", "—")] + [
            (s.id, s.label) for s in segment_choices(region_id)
        ]


@bp.route("/nieuw", methods=["GET", "POST"])
@role_required(*EDITOR_ROLES)
def create():
    if not can_edit(current_user):
        abort(403)
    form = ProductForm()
    _fill_task_areas(form, current_user.region_id)
    if request.method == "GET":
        form.valid_from.data = ops.next_entry_moment()
    if request.method == "POST":
        return submit(
            lambda: ops.create_product(
                current_user.region_id,
                **values(
                    form,
                    "code name variant valid_from valid_to",
                    unit=None,
                    description="",
                    task_area_id=None,
                    segment_id=None,
                    parental_contribution=False,
                    criteria="",
                    target_group="",
                    price=None,
                ),
            ),
            form=form,
            success=lambda p: _("Productkaart %(code)s aangemaakt (concept).", code=p.code),
            target=lambda p: url_for("catalogue.product", product_id=p.id),
            page=lambda: render_template("catalogue/form.html", form=form, product=None),
        )
    return render_template("catalogue/form.html", form=form, product=None)


@bp.route("/<int:product_id>/bewerken", methods=["GET", "POST"])
@role_required(*EDITOR_ROLES)
def edit(product_id):
    product = _editable_product_or_404(product_id)
    form = ProductEditForm(obj=product)
    _fill_task_areas(form, product.region_id)
    if request.method == "GET":
        form.task_area_id.data = product.task_area_id or 0
        form.unit.data = product.unit or ""
        form.valid_from.data = (
            product.valid_from if product.status == policy.CONCEPT else ops.next_entry_moment()
        )
        form.change_note.data = ""
    if request.method == "POST":
        values = {
            "name": form.name.data,
            "task_area_id": form.task_area_id.data or None,
            "segment_id": form.segment_id.data,
            "parental_contribution": bool(form.parental_contribution.data),
            "variant": form.variant.data,
            "unit": form.unit.data or None,
            "description": form.description.data or "",
            "criteria": form.criteria.data or "",
            "target_group": form.target_group.data or "",
        }
        return submit(
            lambda: ops.update_product(
                product,
                values,
                valid_from=form.valid_from.data,
                change_note=form.change_note.data or "",
            ),
            form=form,
            success=lambda result: _edit_outcome(product, result),
            target=lambda result: url_for("catalogue.product", product_id=result.id),
            page=lambda: render_template("catalogue/form.html", form=form, product=product),
        )
    return render_template("catalogue/form.html", form=form, product=product)


def _edit_outcome(product, result) -> str:
    if result.id == product.id:
        return _("Productkaart bijgewerkt.")
    return _(
        "Nieuwe versie %(v)d van %(code)s aangemaakt, geldig vanaf %(d)s; "
        "de vorige versie blijft leesbaar.",
        v=result.version,
        code=result.code,
        d=fmt.day(result.valid_from),
    )


def _post_action(product_id, action, success, form=None, form_key=None):
    product = _editable_product_or_404(product_id)
    page = None
    if form_key is not None:
        page = lambda: _render_product(product, **{form_key: form})  # noqa: E731
    return submit(
        lambda: action(product),
        form=form,
        success=success,
        target=url_for("catalogue.product", product_id=product.id),
        page=page,
    )


@bp.post("/<int:product_id>/vaststellen")
@role_required(*EDITOR_ROLES)
def fix(product_id):
    if not ConfirmForm().validate_on_submit():
        abort(400)
    return _post_action(
        product_id,
        lambda p: ops.fix_product(p, actor=current_user),
        _l("Productkaart vastgesteld."),
    )


@bp.post("/<int:product_id>/laten-vervallen")
@role_required(*EDITOR_ROLES)
def expire(product_id):
    form = ExpireForm()
    return _post_action(
        product_id,
        lambda p: ops.expire_product(p, form.valid_to.data, actor=current_user),
        _l("Productkaart vervallen verklaard."),
        form,
        "expire_form",
    )


@bp.post("/<int:product_id>/tarieven")
@role_required(*EDITOR_ROLES)
def tariff(product_id):
    form = TariffForm()
    return _post_action(
        product_id,
        lambda p: ops.set_tariff(p, form.year.data, form.price.data),
        _l("Tarief opgeslagen."),
        form,
        "tariff_form",
    )


@bp.post("/<int:product_id>/tarieven/<int:year>/verwijderen")
@role_required(*EDITOR_ROLES)
def tariff_remove(product_id, year):
    if not ConfirmForm().validate_on_submit():
        abort(400)
    return _post_action(product_id, lambda p: ops.remove_tariff(p, year), _l("Tarief verwijderd."))


@bp.get("/vertaaltabel")
@role_required(*READER_ROLES)
def translations():
    region_code = request.args.get("region", "")
    stmt = scoped(select(CodeTranslation), CodeTranslation)
    if region_code:
        stmt = stmt.where(
            CodeTranslation.region_id
            == select(Region.id).where(Region.short_code == region_code).scalar_subquery()
        )
    rows = db.session.scalars(
        stmt.order_by(CodeTranslation.region_id, CodeTranslation.position).limit(2000)
    ).all()
    cards = {}
    if rows:
        codes = {r.old_code for r in rows}
        for p in db.session.execute(
            visible(
                select(Product).where(Product.code.in_(codes), Product.is_current.is_(True)),
                current_user,
            )
        ).scalars():
            cards[(p.region_id, p.code)] = p
    regions = []
    if sees_all_regions(current_user):
        regions = db.session.execute(select(Region).order_by(Region.name)).scalars().all()
    return render_template(
        "catalogue/translations.html",
        rows=rows,
        cards=cards,
        regions=regions,
        region_code=region_code,
    )


@bp.get("/segmenten")
@role_required(*READER_ROLES)
def segments():
    """The region's segments with their account holder and figures per segment."""
    if not can_see_segments(current_user):
        abort(403)
    return render_template(
        "catalogue/segments.html",
        rows=segment_report(current_user),
        region_names=_region_names(),
    )


@bp.route("/segmenten/nieuw", methods=["GET", "POST"])
@role_required(*EDITOR_ROLES)
def segment_create():
    if not policy.can_manage_segments(current_user):
        abort(403)
    form = SegmentForm()

    def page():
        return render_template("catalogue/segment_form.html", form=form, segment=None)

    if request.method == "GET":
        return page()
    return submit(
        lambda: ops.create_segment(
            current_user.region_id,
            **values(form, "code name", description=""),
            actor=current_user,
        ),
        form=form,
        success=lambda s: _(
            "Segment %(label)s aangemaakt; kies hier de accounthouder.", label=s.label
        ),
        target=lambda s: url_for("catalogue.segment_edit", segment_id=s.id),
        page=page,
    )


@bp.route("/segmenten/<int:segment_id>/bewerken", methods=["GET", "POST"])
@role_required(*EDITOR_ROLES)
def segment_edit(segment_id):
    segment = get_scoped_or_404(Segment, segment_id)
    if not policy.can_edit_segment(current_user, segment):
        abort(403)
    form = SegmentEditForm(obj=segment)
    form.account_holder_id.choices = [("", "—")] + [
        (u.id, u.name) for u in account_holder_choices(segment.region_id)
    ]
    if segment.account_holder_id and all(
        ident != segment.account_holder_id for ident, _label in form.account_holder_id.choices
    ):  # a holder who left the region's staff stays visible until replaced
        holder = segment.account_holder
        form.account_holder_id.choices.append((holder.id, holder.name))

    def page():
        return render_template("catalogue/segment_form.html", form=form, segment=segment)

    if request.method == "GET":
        return page()
    return submit(
        lambda: ops.update_segment(
            segment,
            **values(form, "name account_holder_id", description=""),
            actor=current_user,
        ),
        form=form,
        success=lambda s: _("Segment %(label)s bijgewerkt.", label=s.label),
        target=url_for("catalogue.segments"),
        page=page,
    )


@bp.get("/segmenten.<fmt>")
@role_required(*READER_ROLES)
def segments_export(fmt):
    if fmt not in ("csv", "xlsx") or not can_see_segments(current_user):
        abort(404 if fmt not in ("csv", "xlsx") else 403)
    rows = segment_report(current_user)
    data = exports.segments_to_csv(rows) if fmt == "csv" else exports.segments_to_xlsx(rows)
    stamp = today_local().strftime("%Y%m%d")
    mimetype = (
        "text/csv; charset=utf-8"
        if fmt == "csv"
        else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    return Response(
        data,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="segmenten-{stamp}.{fmt}"'},
    )


def _region_names() -> dict:
    if not sees_all_regions(current_user):
        return {}
    return {r.id: r.name for r in db.session.execute(select(Region)).scalars()}


@bp.route("/maatwerkcodes", methods=["GET", "POST"])
@role_required(*READER_ROLES)
def maatwerk():
    if request.method == "POST":
        if not can_edit(current_user) or not ConfirmForm().validate_on_submit():
            abort(403)
        return run_action(
            lambda: ops.derive_maatwerk_codes(current_user.region_id),
            lambda counts: _(
                "Maatwerkcodes bijgewerkt: %(c)d nieuw, %(u)d bijgewerkt, %(d)d gedeactiveerd.",
                c=counts["created"],
                u=counts["updated"],
                d=counts["deactivated"],
            ),
            url_for("catalogue.maatwerk"),
        )
    stmt = scoped(select(MaatwerkCode), MaatwerkCode).options(selectinload(MaatwerkCode.product))
    if fixed_only(current_user):
        stmt = stmt.where(MaatwerkCode.active.is_(True))
    page = paginate(stmt.order_by(MaatwerkCode.code), *page_args())
    return render_template(
        "catalogue/maatwerk.html", page=page, confirm=ConfirmForm(), can_edit=can_edit(current_user)
    )


@bp.route("/import", methods=["GET", "POST"])
@role_required(*EDITOR_ROLES)
def pdc_import():
    """Upload a ZIP of pdc files: checked here (every error listed, nothing queued), then
    written in the background (the user goes to the job's progress page)."""
    if not can_edit(current_user):
        abort(403)
    form = PdcImportForm()

    def page():
        return render_template("catalogue/import.html", form=form)

    if request.method == "GET":
        return page()

    def run():
        if not form.file.data:
            raise ValidationFailed(_l("Kies een ZIP-bestand."), field="file")
        return catalogue_imports.start_import(
            form.file.data.read(), current_user, with_translations=form.with_translations.data
        )

    return submit(
        run,
        form=form,
        success=_l(
            "De bestanden zijn goedgekeurd; de catalogus wordt op de achtergrond bijgewerkt."
        ),
        target=lambda job: url_for("jobs.detail", job_id=job.id),
        page=page,
    )


@bp.route("/indexatie", methods=["GET", "POST"])
@role_required(*EDITOR_ROLES)
def indexation():
    if not can_edit(current_user):
        abort(403)
    form = IndexationForm()
    if request.method == "GET":
        form.from_year.data = str(today_local().year)
    region_id = current_user.region_id

    def page(preview=None):
        runs = db.session.scalars(
            scoped(select(IndexationRun), IndexationRun)
            .order_by(IndexationRun.to_year.desc())
            .limit(20)
        ).all()
        return render_template("catalogue/indexation.html", form=form, preview=preview, runs=runs)

    if request.method == "POST" and request.form.get("apply") == "1":
        return submit(
            lambda: ops.apply_indexation(
                region_id, _year(form.from_year), form.percentage.data, actor=current_user
            ),
            form=form,
            success=lambda run: _(
                "Indexatie toegepast: %(n)d tarieven voor %(y)d aangemaakt (%(p)s).",
                n=run.tariff_count,
                y=run.to_year,
                p=fmt.percent(run.percentage),
            ),
            target=url_for("catalogue.indexation"),
            page=page,
        )
    if not form.validate_on_submit():
        return page(), 422 if form.errors else 200
    try:  # a preview changes nothing: it is a read with the form's figures
        preview = ops.indexation_preview(region_id, _year(form.from_year), form.percentage.data)
    except OperationError as exc:
        show_refusal(exc, form)
        return page(), exc.status_code
    return page(preview)


def _year(field) -> int:
    try:
        return int(field.data)
    except (TypeError, ValueError):
        raise ValidationFailed(_l("Vul een geldig jaar in."), field=field.name) from None


@dashboard_card
def catalogue_cards(user):
    if not user.is_authenticated or user.role not in READER_ROLES:
        return []
    stmt = visible(select(func.count(Product.id)).where(Product.is_current.is_(True)), user)
    fixed = db.session.execute(stmt.where(Product.status == policy.FIXED)).scalar_one()
    cards = [
        {
            "title": _l("Vastgestelde productkaarten"),
            "value": fixed,
            "endpoint": "catalogue.index",
            "args": {"status": "vastgesteld"},
        }
    ]
    if user.role in EDITOR_ROLES:
        concept = db.session.execute(stmt.where(Product.status == policy.CONCEPT)).scalar_one()
        cards.append(
            {
                "title": _l("Conceptkaarten"),
                "value": concept,
                "endpoint": "catalogue.index",
                "args": {"status": "concept"},
                "level": "warn" if concept else None,
            }
        )
    return cards
