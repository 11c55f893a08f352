"""Open-house pages: set-up, applications, assessment, admissions. Thin: every change goes
through procure.tenders.open_house.operations; every lookup through the scope helpers."""

from collections import Counter, defaultdict, namedtuple

from flask import abort, flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from procure.auth.permissions import get_scoped_or_404, role_required, scoped
from procure.auth.roles import PROVIDER
from procure.catalogue import policy as catalogue_policy
from procure.catalogue.models import Product, TaskArea
from procure.core.labels import Labels, resolved, url_pattern
from procure.core.listing import Page, page_args, sort_from
from procure.core.timeutil import now_local
from procure.core.views import list_page, policy_blueprint, run_action, submit, values
from procure.extensions import db
from procure.organisations.models import Municipality, Provider
from procure.tenders.models import Tender
from procure.tenders.open_house import dashboard as _dashboard  # noqa: F401 (registers cards)
from procure.tenders.open_house import forms, policy, queries, updates
from procure.tenders.open_house import operations as ops
from procure.tenders.open_house.models import (
    Admission,
    Answer,
    Application,
    ApplicationCategory,
    EntryMoment,
    Notice,
    Requirement,
    UpdateRecipient,
)
from procure.tenders.open_house.policy import (
    ADMISSION,
    APPLICATION,
    ASSESSORS,
    DECISION_LABELS,
    READERS,
    REGIME_LABELS,
    SCORE_LABELS,
    SETUP,
    STAFF,
    UPDATE_SENDERS,
    can_apply_for_products,
    can_manage_recipients,
    can_send_update,
    can_view_recipients,
    is_applicant,
)
from procure.tenders.policy import OPEN_HOUSE, is_published

bp = policy_blueprint("open_house", __name__, "/open-house", policy, "open_house_policy")


@bp.context_processor
def _labels():
    return {
        "APPLICATION": APPLICATION,
        "ADMISSION": ADMISSION,
        "OPEN_HOUSE": OPEN_HOUSE,
        "SCORE_LABELS": SCORE_LABELS,
        "DECISION_LABELS": DECISION_LABELS,
        "REGIME_LABELS": REGIME_LABELS,
        "can_apply_for_products": can_apply_for_products,
        "can_manage_recipients": can_manage_recipients,
        "can_view_recipients": can_view_recipients,
    }


def _tender_or_404(tender_id: int) -> Tender:
    tender = get_scoped_or_404(Tender, tender_id)
    if tender.procedure != ops.PROCEDURE:
        abort(404)
    if current_user.is_provider and not is_published(tender):
        abort(404)
    return tender


def _confirmed() -> None:
    """A button that only confirms: without its token the request is refused (400)."""
    if not forms.ConfirmForm().validate_on_submit():
        abort(400)


def _application_or_404(application_id: int) -> Application:
    return get_scoped_or_404(Application, application_id)


# -- open houses --------------------------------------------------------------------------


@bp.get("/")
@role_required(*READERS)
def index():
    user = current_user._get_current_object()
    q = request.args.get("q", "").strip()
    status = request.args.get("status", "")
    sort, direction = sort_from(
        request.args, queries.OPEN_HOUSE_SORTS, queries.OPEN_HOUSE_DEFAULT_SORT
    )
    page = queries.open_house_list_page(q, status, user, sort, direction, *page_args())
    detail_url = url_pattern("open_house.detail", "tender_id")
    status_labels = Labels(resolved(OPEN_HOUSE.labels))
    return render_template(
        "tenders/open_house/index.html",
        page=page,
        sort=sort,
        direction=direction,
        # What a row shows, worked out once per row (no call per row in the template).
        rows=[
            _ListRow(detail_url(i), reference, title, start, state, status_labels[state])
            for i, reference, title, start, state in page.items
        ],
        status_labels=status_labels,
        q=q,
        status=status,
    )


# A row of the open-house list (the columns of queries.LIST_COLUMNS, in their order).
_ListRow = namedtuple("_ListRow", "url reference title contract_start status status_label")


def _task_area_choices(form):
    areas = db.session.execute(scoped(select(TaskArea), TaskArea).order_by(TaskArea.name))
    form.task_area_id.choices = [(0, "—")] + [(a.id, a.name) for a in areas.scalars()]


@bp.route("/nieuw", methods=["GET", "POST"])
@role_required(*SETUP)
def create():
    form = forms.OpenHouseForm()
    _task_area_choices(form)
    if request.method == "POST":
        if current_user.region is None:
            abort(403)
        return submit(
            lambda: ops.create_open_house(
                region=current_user.region,
                **values(
                    form,
                    "reference title contract_start duration_months variant entry_regime",
                    "entry_months application_weeks continuous_assessment_weeks response_days",
                    "admission_conditions description",
                    extension_count=0,
                    extension_months=0,
                    task_area_id=None,
                    assessment_weeks=0,
                ),
                officer_id=current_user.id,
                actor=current_user,
            ),
            form=form,
            success=lambda tender: _("Open house %(ref)s aangemaakt.", ref=tender.reference),
            target=lambda tender: url_for("open_house.detail", tender_id=tender.id),
            page=lambda: render_template("tenders/open_house/form.html", form=form),
        )
    return render_template("tenders/open_house/form.html", form=form)


@bp.route("/<int:tender_id>/bewerken", methods=["GET", "POST"])
@role_required(*SETUP)
def edit(tender_id):
    tender = _tender_or_404(tender_id)
    settings = ops.settings_for(tender)
    if request.method == "GET":
        form = forms.OpenHouseForm(obj=tender)
        for name in ops.SETTINGS_FIELDS:
            getattr(form, name).data = getattr(settings, name)
        form.task_area_id.data = tender.task_area_id or 0
    else:
        form = forms.OpenHouseForm()
    form.reference.data = tender.reference
    _task_area_choices(form)
    if request.method == "POST":

        def run():
            fields = ops.TENDER_FIELDS + ops.SETTINGS_FIELDS
            values = {name: getattr(form, name).data for name in fields}
            values["task_area_id"] = values["task_area_id"] or None
            values["description"] = values["description"] or ""
            values["admission_conditions"] = values["admission_conditions"] or ""
            ops.update_open_house(tender, actor=current_user, **values)

        return submit(
            run,
            form=form,
            success=_("De opzet van de open house is bijgewerkt."),
            target=url_for("open_house.detail", tender_id=tender.id),
            page=lambda: render_template("tenders/open_house/form.html", form=form, tender=tender),
        )
    return render_template("tenders/open_house/form.html", form=form, tender=tender)


def _moment_overview(tender: Tender):
    """Per entry moment: counts of applications by status (one grouped query)."""
    moments = ops.moments(tender)
    counts = defaultdict(Counter)
    if policy.can_follow_applications(current_user):
        rows = db.session.execute(
            select(Application.entry_moment_id, Application.status, func.count())
            .where(Application.tender_id == tender.id)
            .group_by(Application.entry_moment_id, Application.status)
        )
        for moment_id, status, n in rows:
            counts[moment_id][status] += n
    return moments, counts


@bp.get("/<int:tender_id>")
@role_required(*READERS)
def detail(tender_id):
    tender = _tender_or_404(tender_id)
    settings = ops.settings_for(tender)
    categories = queries.categories(tender, with_products=True)
    requirements = queries.requirements(tender)
    moments, counts = _moment_overview(tender)
    # Staff see how many providers each category admits; a provider sees its own
    # admissions (its scope would otherwise count only itself: "0 toegelaten").
    admitted, own_admissions = {}, {}
    if current_user.is_provider:
        own_admissions = {
            a.category_id: a
            for a in db.session.execute(
                scoped(select(Admission), Admission).where(Admission.tender_id == tender.id)
            ).scalars()
        }
    else:
        admitted = dict(
            db.session.execute(
                scoped(select(Admission.category_id, func.count()), Admission)
                .where(Admission.tender_id == tender.id, Admission.status == policy.ACTIVE)
                .group_by(Admission.category_id)
            ).all()
        )
    own_applications, notices = [], []
    if current_user.is_provider:
        own_applications = db.session.scalars(
            scoped(select(Application), Application)
            .where(Application.tender_id == tender.id)
            .options(
                selectinload(Application.categories).joinedload(ApplicationCategory.category),
                joinedload(Application.entry_moment),
            )
            .order_by(Application.submitted_at.desc())
        ).all()
        notices = db.session.scalars(
            scoped(select(Notice), Notice)
            .join(Application, Application.id == Notice.application_id)
            .where(Application.tender_id == tender.id)
            .order_by(Notice.created_at.desc())
            .limit(10)
        ).all()
    next_moment = ops.next_open_moment(tender, now_local())
    return render_template(
        "tenders/open_house/detail.html",
        tender=tender,
        settings=settings,
        categories=categories,
        requirements=requirements,
        moments=moments,
        counts=counts,
        admitted=admitted,
        own_admissions=own_admissions,
        sees_own_admissions=current_user.is_provider,
        own_applications=own_applications,
        notices=notices,
        next_moment=next_moment,
        term_end=ops.term_end(tender),
        requirement_form=forms.RequirementForm(),
        moment_form=forms.MomentForm(),
        confirm=forms.ConfirmForm(),
        now=now_local(),
    )


@bp.route("/<int:tender_id>/categorieen/nieuw", methods=["GET", "POST"])
@role_required(*SETUP)
def add_category(tender_id):
    tender = _tender_or_404(tender_id)
    form = forms.CategoryForm()
    stmt = scoped(select(Product), Product).where(
        Product.region_id == tender.region_id, Product.status != catalogue_policy.EXPIRED
    )
    stmt = stmt.where(Product.is_current.is_(True))  # the current version of each card
    products = db.session.execute(stmt.order_by(Product.code, Product.version)).scalars().all()
    form.product_ids.choices = [(p.id, f"{p.code} {p.name} (v{p.version})") for p in products]
    if request.method == "POST":
        return submit(
            lambda: ops.add_category(
                tender, actor=current_user, **values(form, "code name description product_ids")
            ),
            form=form,
            success=_("Categorie toegevoegd."),
            target=url_for("open_house.detail", tender_id=tender.id),
            page=lambda: render_template(
                "tenders/open_house/category_form.html", tender=tender, form=form
            ),
        )
    return render_template("tenders/open_house/category_form.html", tender=tender, form=form)


@bp.post("/<int:tender_id>/eisen")
@role_required(*SETUP)
def add_requirement(tender_id):
    tender = _tender_or_404(tender_id)
    form = forms.RequirementForm()
    return submit(
        lambda: ops.add_requirement(
            tender, actor=current_user, **values(form, "text requires_document")
        ),
        form=form,
        success=_("Eis toegevoegd."),
        target=url_for("open_house.detail", tender_id=tender.id),
    )


@bp.post("/<int:tender_id>/momenten")
@role_required(*SETUP)
def add_moment(tender_id):
    tender = _tender_or_404(tender_id)
    form = forms.MomentForm()
    return submit(
        lambda: ops.add_entry_moment(tender, form.entry_date.data, actor=current_user),
        form=form,
        success=_("Toetredingsmoment toegevoegd."),
        target=url_for("open_house.detail", tender_id=tender.id),
    )


@bp.post("/<int:tender_id>/publiceren")
@role_required(*SETUP)
def publish(tender_id):
    tender = _tender_or_404(tender_id)
    _confirmed()
    return run_action(
        lambda: ops.publish(tender, actor=current_user),
        _("De open house is gepubliceerd: aanbieders kunnen aanvragen indienen."),
        url_for("open_house.detail", tender_id=tender.id),
    )


@bp.post("/<int:tender_id>/sluiten")
@role_required(*SETUP)
def close(tender_id):
    tender = _tender_or_404(tender_id)
    _confirmed()
    return run_action(
        lambda: ops.close(tender, actor=current_user),
        _("De open house is gesloten."),
        url_for("open_house.detail", tender_id=tender.id),
    )


# -- applications -------------------------------------------------------------------------


def _answers_from_request(requirement_ids):
    answers = {rid: request.form.get(f"answer_{rid}", "") for rid in requirement_ids}
    files = {
        rid: request.files.get(f"file_{rid}")
        for rid in requirement_ids
        if request.files.get(f"file_{rid}") and request.files[f"file_{rid}"].filename
    }
    return answers, files


@bp.route("/<int:tender_id>/aanvragen", methods=["GET", "POST"])
@role_required(PROVIDER)
def apply(tender_id):
    tender = _tender_or_404(tender_id)
    categories = queries.categories(tender)
    requirements = queries.requirements(tender)
    municipalities = queries.region_municipalities(tender)
    moments = [m for m in ops.moments(tender) if m.entry_date > now_local().date()]
    form = forms.ApplicationForm()
    form.moment_id.choices = [(0, _("eerstvolgende toetredingsmoment"))] + [
        (m.id, m.entry_date.strftime("%d-%m-%Y")) for m in moments
    ]
    covered = {
        c.id: products
        for c in categories
        for admission, products in [ops.admitted_products(current_user.provider_id, c.id)]
        if admission is not None
    }
    preset = request.args.get("categorie", type=int)
    answers = {}
    chosen = {
        "categories": {preset} if preset else set(),
        "municipalities": set(),
        "products": set(),
    }
    if request.method == "POST":
        answers, files = _answers_from_request([r.id for r in requirements])
        chosen = {
            "categories": set(_int_list("category_ids")),
            "municipalities": set(_int_list("municipality_ids")),
            "products": set(_int_list("product_ids")),
        }

    def page():
        return render_template(
            "tenders/open_house/apply.html",
            tender=tender,
            form=form,
            categories=categories,
            municipalities=municipalities,
            requirements=requirements,
            answers=answers,
            chosen=chosen,
            covered=covered,
        )

    if request.method == "POST":
        return submit(
            lambda: ops.submit_application(
                tender,
                provider=current_user.provider,
                user=current_user,
                category_ids=sorted(chosen["categories"]),
                municipality_ids=sorted(chosen["municipalities"]),
                motivation=form.motivation.data,
                answers=answers,
                files=files,
                moment_id=form.moment_id.data or None,
                product_ids=sorted(chosen["products"]),
            ),
            form=form,
            success=_submitted,
            target=lambda a: url_for("open_house.application", application_id=a.id),
            page=page,
        )
    return page()


def _submitted(application) -> str:
    """The success message, after the queue notice when the application has to wait."""
    message = ops.queue_message(application)
    if message:
        flash(message, "warning")
    return _("Uw aanvraag %(ref)s is ingediend.", ref=application.reference)


def _int_list(name: str) -> list[int]:
    result = []
    for value in request.form.getlist(name):
        try:
            result.append(int(value))
        except ValueError:
            abort(400)
    return result


@bp.get("/aanvragen-overzicht")
@bp.get("/<int:tender_id>/aanvragen-overzicht")
@role_required(*STAFF, PROVIDER)
def applications(tender_id=None):
    """The applications of one open house, or (without a tender, from the dashboard) of
    every open house the user sees."""
    tender = _tender_or_404(tender_id) if tender_id else None
    filters = queries.application_filters(request.args)
    return list_page(
        "tenders/open_house/applications.html",
        queries.applications_stmt(tender, filters),
        queries.APPLICATION_SORTS,
        queries.APPLICATION_DEFAULT_SORT,
        tender=tender,
        **filters,
        moments=ops.moments(tender) if tender is not None else [],
        categories=queries.categories(tender) if tender is not None else [],
    )


@bp.get("/toegelaten-aanbieders")
@role_required(*READERS)
def admitted_providers():
    """Every provider with an admission in force in an open house the user sees, once, with
    its categories: the list behind the dashboard card."""
    admissions = (
        db.session.execute(
            scoped(select(Admission), Admission)
            .where(Admission.status == policy.ACTIVE)
            .join(Provider, Provider.id == Admission.provider_id)
            .options(
                joinedload(Admission.provider),
                joinedload(Admission.category),
                joinedload(Admission.tender),
            )
            .order_by(Provider.name, Admission.id)
        )
        .unique()
        .scalars()
        .all()
    )
    by_provider = defaultdict(list)
    for admission in admissions:
        by_provider[admission.provider].append(admission)
    rows = list(by_provider.items())
    page = Page(items=rows, page=1, per_page=max(1, len(rows)), total=len(rows))
    return render_template("tenders/open_house/admitted_providers.html", page=page)


@bp.get("/aanvragen/<int:application_id>")
@role_required(*STAFF, PROVIDER)
def application(application_id):
    return _render_application(_application_or_404(application_id))


def _render_application(app_row, info_form=None, response_form=None):
    """The application page; a refused form comes back as the user filled it in."""
    answers = db.session.scalars(
        select(Answer)
        .where(Answer.application_id == app_row.id)
        .options(
            joinedload(Answer.requirement),
            joinedload(Answer.file),
            joinedload(Answer.scored_by),
        )
        .join(Requirement, Requirement.id == Answer.requirement_id)
        .order_by(Requirement.number)
    ).all()
    admissions = db.session.scalars(
        select(Admission)
        .where(Admission.application_id == app_row.id)
        .options(joinedload(Admission.category))
    ).all()
    if info_form is None:
        info_form = forms.InfoRequestForm(formdata=None, response_days=14)
    return render_template(
        "tenders/open_house/application.html",
        application=app_row,
        answers=answers,
        admissions=admissions,
        info_form=info_form,
        response_form=response_form or forms.ResponseForm(formdata=None),
        decision_form=forms.DecisionForm(),
        confirm=forms.ConfirmForm(),
        queue_message=ops.queue_message(app_row) if is_applicant(current_user, app_row) else None,
    )


@bp.get("/aanvragen/<int:application_id>/bestanden/<int:answer_id>")
@role_required(*STAFF, PROVIDER)
def answer_file(application_id, answer_id):
    app_row = _application_or_404(application_id)
    answer = db.session.get(Answer, answer_id)
    if answer is None or answer.application_id != app_row.id or answer.file is None:
        abort(404)
    return answer.file.send()


@bp.post("/aanvragen/<int:application_id>/beoordeling")
@role_required(*ASSESSORS)
def assess(application_id):
    app_row = _application_or_404(application_id)
    _confirmed()
    scores = {
        a.requirement_id: (
            request.form.get(f"score_{a.requirement_id}") or None,
            request.form.get(f"remark_{a.requirement_id}", ""),
        )
        for a in app_row.answers
    }
    return run_action(
        lambda: ops.score(app_row, scores, actor=current_user),
        _("Beoordeling opgeslagen."),
        url_for("open_house.application", application_id=app_row.id),
    )


@bp.post("/aanvragen/<int:application_id>/meer-informatie")
@role_required(*ASSESSORS)
def request_info(application_id):
    app_row = _application_or_404(application_id)
    form = forms.InfoRequestForm()
    return submit(
        lambda: ops.request_more_info(
            app_row, actor=current_user, **values(form, "note response_days")
        ),
        form=form,
        success=_("De aanvraag is teruggelegd bij de aanbieder."),
        target=url_for("open_house.application", application_id=app_row.id),
        page=lambda: _render_application(app_row, info_form=form),
    )


@bp.post("/aanvragen/<int:application_id>/aanvulling")
@role_required(PROVIDER)
def respond(application_id):
    app_row = _application_or_404(application_id)
    form = forms.ResponseForm()
    answers, files = _answers_from_request([a.requirement_id for a in app_row.answers])
    return submit(
        lambda: ops.respond_to_info_request(
            app_row,
            user=current_user,
            response=form.response.data,
            answers={k: v for k, v in answers.items() if v},
            files=files,
        ),
        form=form,
        success=_("Uw aanvulling is verstuurd."),
        target=url_for("open_house.application", application_id=app_row.id),
        page=lambda: _render_application(app_row, response_form=form),
    )


@bp.post("/aanvragen/<int:application_id>/besluit")
@role_required(*ASSESSORS)
def decide(application_id):
    app_row = _application_or_404(application_id)
    form = forms.DecisionForm()
    if not form.validate_on_submit():
        abort(400)
    decisions = {
        link.category_id: request.form.get(f"decision_{link.category_id}", "")
        for link in app_row.categories
    }
    return run_action(
        lambda: ops.decide(
            app_row, decisions=decisions, reason=form.reason.data, actor=current_user
        ),
        _("Besluit vastgelegd en de aanbieder is geïnformeerd."),
        url_for("open_house.application", application_id=app_row.id),
    )


@bp.post("/aanvragen/<int:application_id>/intrekken")
@role_required(PROVIDER)
def withdraw(application_id):
    app_row = _application_or_404(application_id)
    _confirmed()
    return run_action(
        lambda: ops.withdraw_application(app_row, user=current_user),
        _("Uw aanvraag is ingetrokken."),
        url_for("open_house.application", application_id=app_row.id),
    )


# -- admissions ---------------------------------------------------------------------------


@bp.get("/<int:tender_id>/toegelaten")
@role_required(*READERS)
def admissions(tender_id):
    """Admitted providers per category with the municipalities they serve."""
    tender = _tender_or_404(tender_id)
    categories = queries.categories(tender)
    show_ended = request.args.get("beeindigd") == "1"
    stmt = scoped(select(Admission), Admission).where(Admission.tender_id == tender.id)
    all_rows = (
        db.session.execute(
            stmt.options(
                joinedload(Admission.provider),
                joinedload(Admission.category),
                joinedload(Admission.application).selectinload(Application.municipalities),
            )
            .join(Provider, Provider.id == Admission.provider_id)
            .order_by(Provider.name)
        )
        .unique()
        .scalars()
        .all()
    )
    rows = [a for a in all_rows if show_ended or a.is_active]
    by_category = defaultdict(list)
    for admission in rows:
        by_category[admission.category_id].append(admission)
    region_municipalities = queries.region_municipalities(tender)
    coverage = {}
    for category in categories:
        served = {
            m.id
            for a in by_category[category.id]
            if a.is_active
            for m in a.application.municipalities
        }
        coverage[category.id] = {
            "served": [m for m in region_municipalities if m.id in served],
            "gaps": [m for m in region_municipalities if m.id not in served],
        }
    return render_template(
        "tenders/open_house/admissions.html",
        tender=tender,
        categories=categories,
        by_category=by_category,
        coverage=coverage,
        show_ended=show_ended,
        changes=_changes_per_moment(tender),
        confirm=forms.ConfirmForm(),
    )


def _changes_per_moment(tender):
    """Who joined, added products and left per entry moment up to the next one (the update
    access teams and certified institutions get, seed 001), with whether it was sent."""
    today = now_local().date()
    moments = ops.moments(tender)
    shown = [m for m in moments if m.entry_date <= today]
    shown += [m for m in moments if m.entry_date > today][:1]
    result = []
    for moment in shown:
        changes = updates.moment_changes(moment)
        sent = updates.sent_update(moment)
        if changes.empty and sent is None:
            continue
        result.append(
            {
                "moment": moment,
                "day": moment.entry_date,
                "joined": changes.joined,
                "extended": changes.extended,
                "left": changes.left,
                "upcoming": moment.entry_date > today,
                "sent": sent,
                "can_send": can_send_update(current_user, moment),
            }
        )
    return list(reversed(result))


@bp.post("/momenten/<int:moment_id>/update-versturen")
@role_required(*UPDATE_SENDERS)
def send_update(moment_id):
    moment = get_scoped_or_404(EntryMoment, moment_id)
    _confirmed()
    return run_action(
        lambda: ops.send_moment_update(moment, actor=current_user),
        lambda sent: _(
            "De update is verstuurd aan %(n)d ontvangers.", n=len(sent.recipients.split(", "))
        ),
        url_for("open_house.admissions", tender_id=moment.tender_id),
    )


@bp.route("/ontvangers", methods=["GET", "POST"])
@role_required(*STAFF)
def recipients():
    """The register of who receives the update after each entry moment."""
    region = current_user.region
    if region is None:
        abort(403)
    form = forms.RecipientForm()
    places = db.session.scalars(
        select(Municipality).where(Municipality.region_id == region.id).order_by(Municipality.name)
    ).all()
    form.municipality_id.choices = [(0, "—"), *((m.id, m.name) for m in places)]

    def page():
        return render_template(
            "tenders/open_house/recipients.html",
            form=form,
            recipients=updates.active_recipients(region.id),
            can_manage=can_manage_recipients(current_user),
            confirm=forms.ConfirmForm(),
        )

    if request.method == "POST":
        if not can_manage_recipients(current_user):
            abort(403)
        return submit(
            lambda: ops.add_recipient(
                region,
                actor=current_user,
                **values(form, "kind name email", municipality_id=None),
            ),
            form=form,
            success=lambda r: _("%(name)s staat in het register.", name=r.name),
            target=url_for("open_house.recipients"),
            page=page,
        )
    return page()


@bp.post("/ontvangers/<int:recipient_id>/verwijderen")
@role_required(*UPDATE_SENDERS)
def remove_recipient(recipient_id):
    recipient = get_scoped_or_404(UpdateRecipient, recipient_id)
    _confirmed()
    return run_action(
        lambda: ops.remove_recipient(recipient, actor=current_user),
        _("De ontvanger is uit het register gehaald."),
        url_for("open_house.recipients"),
    )


@bp.route("/toelatingen/<int:admission_id>/beeindigen", methods=["GET", "POST"])
@role_required(*SETUP, PROVIDER)
def end_admission(admission_id):
    admission = get_scoped_or_404(Admission, admission_id)
    form = forms.EndAdmissionForm()

    def page():
        return render_template(
            "tenders/open_house/end_admission.html", admission=admission, form=form
        )

    if request.method == "POST":
        return submit(
            lambda: ops.end_admission(
                admission, user=current_user, **values(form, "reason end_date")
            ),
            form=form,
            success=lambda _result: _admission_ended(admission),
            target=url_for("open_house.admissions", tender_id=admission.tender_id),
            page=page,
        )
    return page()


def _admission_ended(admission) -> str:
    """The success message, after a warning when the contract has no admissions left."""
    remaining = db.session.execute(
        select(func.count(Admission.id)).where(
            Admission.contract_id == admission.contract_id, Admission.status == policy.ACTIVE
        )
    ).scalar_one()
    if admission.contract_id and not remaining:
        flash(
            _(
                "Er zijn geen actieve toelatingen meer onder dit contract; beëindig of "
                "zeg het contract op via de contractpagina."
            ),
            "warning",
        )
    return _("De toelating is beëindigd.")
