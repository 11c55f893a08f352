"""Tender pages: list, set-up, tender page with timeline, per-phase work pages for officers,
the provider portal per tender and the guarded downloads. Thin: every change goes through
procure.tenders.operations, every lookup through the scope helpers."""

from collections import namedtuple
from decimal import Decimal

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from procure.auth.permissions import get_scoped_or_404, role_required, scoped
from procure.auth.roles import PROVIDER, REGION_STAFF
from procure.catalogue.models import TaskArea
from procure.core.blank import BlankForm
from procure.core.errors import NotAllowed, ValidationFailed
from procure.core.kept import kept, scope_key
from procure.core.labels import Labels, resolved, url_pattern
from procure.core.listing import page_args
from procure.core.timeutil import to_local
from procure.core.views import (
    policy_blueprint,
    posted,
    run_action,
    submit,
    values,
    warn_unknown_filters,
)
from procure.extensions import db
from procure.main.dashboard import dashboard_card
from procure.main.panels import panels_for
from procure.organisations.models import Provider, Region
from procure.tenders import format_end_moment, policy, queries
from procure.tenders import forms as F
from procure.tenders import operations as ops
from procure.tenders.models import (
    DECISION_LABELS,
    PROCEDURE_LABELS,
    AwardCriterion,
    Bid,
    ConsultationQuestion,
    DialogueSession,
    LotAward,
    Objection,
    Registration,
    Tender,
)
from procure.tenders.policy import OFFICERS, PHASE_ORDER, STATUS_LABELS, is_officer, is_published

bp = policy_blueprint("tenders", __name__, "/aanbestedingen", policy, "tender_policy")
# The rectificaties of a tender, for the tender page and the provider portal.
bp.add_app_template_global(ops.rectifications, "tender_rectifications")


# -- helpers ------------------------------------------------------------------------------


def _tender_for_staff(tender_id: int) -> Tender:
    tender = get_scoped_or_404(Tender, tender_id)
    if not tender.is_sas:
        abort(404)
    return tender


def _tender_for_provider(tender_id: int) -> Tender:
    tender = db.session.get(Tender, tender_id)
    if tender is None or not tender.is_sas or not policy.is_published(tender):
        abort(404)
    return tender


def _part(model, row_id: int, tender: Tender, *, scoped_lookup: bool = False):
    """A row of the tender (criterion, registration, bid, objection, question), or 404."""
    row = get_scoped_or_404(model, row_id) if scoped_lookup else db.session.get(model, row_id)
    if row is None or row.tender_id != tender.id:
        abort(404)
    return row


def timeline(tender: Tender) -> dict:
    """Phases as segments (done/current/todo) with their deadline, for the SVG timeline."""
    phases = [p for p in PHASE_ORDER if tender.has_dialogue or p != "dialogue"]
    deadline_of = {
        "published": tender.registration_deadline,
        "dialogue": tender.dialogue_end if tender.has_dialogue else None,
        "award": tender.bid_deadline,
        "standstill": tender.standstill_ends_at,
    }
    current = tender.status_before_cancel if tender.is_cancelled else tender.status
    index = phases.index(current) if current in phases else 0
    width = 120
    labels = resolved(STATUS_LABELS)
    segments = []
    for i, phase in enumerate(phases):
        state = "done" if i < index else ("current" if i == index else "todo")
        if phase == phases[-1] == tender.status:
            state = "done"  # the last phase, once reached, is complete
        moment = deadline_of.get(phase)
        segments.append(
            {
                "x": i * width,
                "w": width - 6,
                "cx": i * width + (width - 6) / 2,
                "label": labels[phase],
                "state": state,
                "deadline": format_end_moment(moment) if moment else "",
            }
        )
    return {
        "segments": segments,
        "width": len(phases) * width,
        "cancelled": tender.is_cancelled,
    }


def _task_area_choices(region_id: int) -> list:
    rows = db.session.execute(
        select(TaskArea).where(TaskArea.region_id == region_id).order_by(TaskArea.name)
    ).scalars()
    return [(0, "—"), *[(t.id, t.name) for t in rows]]


# -- list ---------------------------------------------------------------------------------


# What a row of the tender list shows, worked out once per row (a template's call per row
# costs more than the row's text).
_ListRow = namedtuple(
    "_ListRow",
    "url reference title procedure region task_areas status status_label bid_deadline",
)


def _list_rows(items, procedures: dict, status_labels: dict) -> list:
    """`items` (rows of queries.LIST_COLUMNS with region_code and task_area_name) as the
    list shows them."""
    open_house = (
        url_pattern("open_house.detail", "tender_id")
        if "open_house.detail" in current_app.view_functions
        else None
    )
    own = url_pattern(
        "tenders.portal" if current_user.is_provider else "tenders.detail", "tender_id"
    )
    covered = queries.task_area_names([t[0] for t in items])
    rows = []
    for item in items:
        tender_id, reference, title, procedure, status, bid_deadline, area_id, region, area = item
        if procedure == "open_house":
            url = open_house(tender_id) if open_house else "#"
        else:
            url = own(tender_id)
        if tender_id in covered:
            area = covered[tender_id]
        elif not area_id:
            area = "—"
        rows.append(
            _ListRow(
                url,
                reference,
                title,
                procedures[procedure],
                region.upper(),
                area,
                status,
                status_labels[procedure][status],
                bid_deadline,
            )
        )
    return rows


@bp.get("/")
@login_required
def index():
    user = current_user._get_current_object()
    filters = queries.tender_filters(request.args)
    if filters.pop("unknown_status"):
        warn_unknown_filters([_("Status")])
    regions, areas = queries.filter_options(user)
    sort, direction = queries.list_sort(request.args)
    page = queries.tender_list_page(filters, user, sort, direction, *page_args())
    procedures = Labels(resolved(PROCEDURE_LABELS))
    status_labels = {key: Labels(resolved(m.labels)) for key, m in policy.MACHINES.items()}
    return render_template(
        "tenders/index.html",
        page=page,
        sort=sort,
        direction=direction,
        rows=_list_rows(page.items, procedures, status_labels),
        **filters,
        statuses=resolved(queries.LIST_STATUSES),
        regions=regions,
        areas=areas,
        procedures=procedures,
    )


# -- set-up -------------------------------------------------------------------------------


@bp.route("/nieuw", methods=["GET", "POST"])
@role_required(*OFFICERS)
def new():
    if current_user.region_id is None:
        abort(404)
    region = db.session.get(Region, current_user.region_id)
    form = F.TenderForm()
    form.task_area_id.choices = _task_area_choices(region.id)
    form.task_area_ids.choices = _task_area_choices(region.id)[1:]
    if request.method == "POST":
        return submit(
            lambda: ops.create_tender(
                region=region,
                actor=current_user,
                reference=form.reference.data,
                task_area_ids=form.task_area_ids.data or [],
                **_form_values(form),
            ),
            form=form,
            success=_("Aanbesteding aangemaakt. Voeg percelen en gunningscriteria toe."),
            target=lambda tender: url_for("tenders.detail", tender_id=tender.id),
            page=lambda: render_template("tenders/form.html", form=form, tender=None),
        )
    return render_template("tenders/form.html", form=form, tender=None)


def _form_values(form) -> dict:
    """The tender form's values; a wall-clock time that does not exist in Amsterdam (the
    hour skipped when summer time starts) is a refusal with its message, not a 500."""
    try:
        return form.values()
    except ValueError as exc:
        raise ValidationFailed(str(exc)) from None


@bp.route("/<int:tender_id>/bewerken", methods=["GET", "POST"])
@role_required(*OFFICERS)
def edit(tender_id):
    tender = _tender_for_staff(tender_id)
    form = F.TenderForm(obj=tender)
    form.task_area_id.choices = _task_area_choices(tender.region_id)
    form.task_area_ids.choices = _task_area_choices(tender.region_id)[1:]
    if request.method == "GET":
        form.task_area_ids.data = [a.id for a in tender.task_areas]
        for name in ("registration_deadline", "dialogue_end", "bid_deadline"):
            value = getattr(tender, name)
            getattr(form, name).data = to_local(value).replace(tzinfo=None) if value else None
        form.task_area_id.data = tender.task_area_id or 0
    if request.method == "POST":

        def run():
            fields = _form_values(form)
            fields.pop("procedure", None)
            ops.update_tender(
                tender,
                actor=current_user,
                **values(form, task_area_ids=[], change_reason=""),
                **fields,
            )

        return submit(
            run,
            form=form,
            success=_("Aanbesteding opgeslagen."),
            target=url_for("tenders.detail", tender_id=tender.id),
            page=lambda: render_template(
                "tenders/form.html",
                form=form,
                tender=tender,
                after_publication=is_published(tender),
            ),
        )
    return render_template(
        "tenders/form.html", form=form, tender=tender, after_publication=is_published(tender)
    )


@bp.get("/<int:tender_id>")
@login_required
def detail(tender_id):
    user = current_user._get_current_object()
    if user.is_provider:
        return redirect(url_for("tenders.portal", tender_id=tender_id))
    if not policy.can_read(user):
        abort(403)
    # The tender page shows the region and the main task area: their names come with it.
    stmt = kept(("tender page", scope_key(user)), lambda: scoped(queries.PAGE_TENDER, Tender, user))
    found = db.session.execute(stmt, {"tender_id": tender_id}).first()
    if found is None or not found[0].is_sas:
        abort(404)
    tender, region_name, task_area_name = found
    return _render_detail(tender, names=(region_name, task_area_name))


def _render_detail(tender: Tender, names: tuple | None = None, **forms):
    """The tender page; a refused form comes back as the user filled it in. `names`: the
    region's and the main task area's name when the caller has them."""
    user = current_user._get_current_object()
    if names is None:
        names = (tender.region.name, tender.task_area.name if tender.task_area else None)
    region_name, task_area_name = names
    lots = queries.tender_lots(tender.id)
    covered = queries.tender_task_area_names(tender.id)
    if covered:
        task_areas = ", ".join(covered)
    else:
        task_areas = task_area_name if tender.task_area_id is not None else "—"
    can_edit_terms = policy.can_edit_terms(user, tender)
    # The page shows the forms for lots and criteria only while the terms may be edited
    # (otherwise none is built), blank ones as rendered before; the lot rule's form only
    # when there are lots to combine.
    if can_edit_terms:
        forms = {
            "lot_form": forms.get("lot_form") or BlankForm(F.LotForm),
            "criterion_form": forms.get("criterion_form") or BlankForm(F.CriterionForm),
            "rule_form": None,
        }
        if len(lots) > 1:
            forms["rule_form"] = F.RuleForm(formdata=None)
            forms["rule_form"].lots.choices = [
                (lot.id, f"{lot.number}. {lot.name}") for lot in lots
            ]
    else:
        forms = dict.fromkeys(("rule_form", "lot_form", "criterion_form"))
    criteria = [] if tender.without_award_criteria else queries.tender_criteria(tender.id)
    can_read_phases = policy.can_read_phases(user)
    return render_template(
        "tenders/detail.html",
        tender=tender,
        user=user,
        region_name=region_name,
        task_areas=task_areas,
        lots=lots,
        # A lot rule needs lots: without any, there is none to look for.
        rules=queries.tender_rules(tender.id) if lots else [],
        criteria=criteria,
        weights_total=sum((c.weight for c in criteria), Decimal("0")),
        timeline=timeline(tender),
        # The page shows the decisions to region staff, the questions of an open procedure.
        decisions=queries.tender_decisions(tender.id) if can_read_phases else [],
        questions=queries.tender_questions(tender.id) if tender.procedure == "sas_open" else [],
        panels=panels_for("tender", tender, user),
        is_officer=is_officer(user, tender),
        can_edit_terms=can_edit_terms,
        can_read_phases=can_read_phases,
        phase_labels=resolved(STATUS_LABELS),
        decision_labels=Labels(resolved(DECISION_LABELS)),
        **forms,
    )


def _is_officer(tender: Tender) -> bool:
    return is_officer(current_user, tender)


@bp.post("/<int:tender_id>/percelen")
@role_required(*OFFICERS)
def add_lot(tender_id):
    tender = _tender_for_staff(tender_id)
    form = F.LotForm()
    return submit(
        lambda: ops.add_lot(
            tender, actor=current_user, **values(form, "number name max_partners", areas="")
        ),
        form=form,
        success=_("Perceel toegevoegd."),
        target=url_for("tenders.detail", tender_id=tender.id),
        page=lambda: _render_detail(tender, lot_form=form),
    )


@bp.post("/<int:tender_id>/criteria")
@role_required(*OFFICERS)
def add_criterion(tender_id):
    tender = _tender_for_staff(tender_id)
    form = F.CriterionForm()
    return submit(
        lambda: ops.add_criterion(
            tender, actor=current_user, **values(form, "name weight is_price")
        ),
        form=form,
        success=_("Gunningscriterium toegevoegd."),
        target=url_for("tenders.detail", tender_id=tender.id),
        page=lambda: _render_detail(tender, criterion_form=form),
    )


@bp.post("/<int:tender_id>/criteria/<int:criterion_id>/verwijderen")
@role_required(*OFFICERS)
def remove_criterion(tender_id, criterion_id):
    tender = _tender_for_staff(tender_id)
    criterion = _part(AwardCriterion, criterion_id, tender)
    return run_action(
        lambda: ops.remove_criterion(criterion, actor=current_user),
        _("Criterium verwijderd."),
        url_for("tenders.detail", tender_id=tender.id),
    )


@bp.post("/<int:tender_id>/perceelregels")
@role_required(*OFFICERS)
def add_rule(tender_id):
    tender = _tender_for_staff(tender_id)
    lot_ids = {int(v) for v in request.form.getlist("lots") if v.isdigit()}
    numbers = [lot.number for lot in tender.lots if lot.id in lot_ids]
    return run_action(
        lambda: ops.add_lot_rule(tender, actor=current_user, lot_numbers=numbers),
        _("Perceelregel toegevoegd."),
        url_for("tenders.detail", tender_id=tender.id),
    )


# The buttons that take the tender and at most a text: URL -> the operation (its name is the
# endpoint's), the posted fields it takes and the page the officer returns to.
_ACTIONS = {
    "publiceren": (ops.publish, (), "detail"),
    "selectie/starten": (ops.start_selection, (), "selection"),
    "dialoog/starten": (ops.start_dialogue, (), "dialogue"),
    "gunning/starten": (ops.start_award, (), "award"),
    "gecontracteerd": (ops.mark_contracted, (), "award"),
    "intrekken": (ops.cancel, ("reason",), "detail"),
    "selectie/besluit": (ops.decide_selection, ("motivation",), "selection"),
    "dialoog/afspraken": (ops.add_agreement, ("text",), "dialogue"),
    "gunning/herzien": (ops.revise_award, ("motivation",), "award"),
    "gunning/definitief": (ops.finalize_award, ("motivation",), "award"),
}
_DONE = {
    ops.publish: _l("Aanbesteding gepubliceerd; aanmelden is geopend."),
    ops.start_selection: _l("Selectiefase gestart."),
    ops.start_dialogue: _l("Dialoogfase gestart."),
    ops.start_award: _l("Gunningsfase gestart; de inschrijving is geopend."),
    ops.mark_contracted: _l("Aanbesteding afgerond: gecontracteerd."),
    ops.cancel: _l("Aanbesteding ingetrokken."),
    ops.decide_selection: _l("Definitieve selectie vastgelegd."),
    ops.add_agreement: _l("Afspraak toegevoegd."),
    ops.revise_award: _l("Voorlopige gunningsbeslissing ingetrokken."),
    ops.finalize_award: _l("Definitief gegund; de overeenkomsten staan in concept klaar."),
}


def _action_view(operation, fields: tuple, page: str):
    def view(tender_id):
        tender = _tender_for_staff(tender_id)
        return run_action(
            lambda: operation(tender, actor=current_user, **posted(*fields)),
            _DONE[operation],
            url_for(f"tenders.{page}", tender_id=tender.id),
        )

    view.__name__ = operation.__name__
    return role_required(*OFFICERS)(view)


for _rule, (_operation, _fields, _page) in _ACTIONS.items():
    bp.add_url_rule(
        f"/<int:tender_id>/{_rule}",
        view_func=_action_view(_operation, _fields, _page),
        methods=["POST"],
    )


@bp.route("/<int:tender_id>/rectificatie", methods=["GET", "POST"])
@role_required(*OFFICERS)
def rectify(tender_id):
    """Rectificatie publiceren: correct the published core terms, with a reason that every
    registered party receives (the operation checks phase, deadline and weights)."""
    tender = _tender_for_staff(tender_id)
    if request.method == "GET" and not policy.can_rectify(current_user, tender):
        flash(str(policy.rectification_refusal(tender) or _("Geen toegang.")), "error")
        return redirect(url_for("tenders.detail", tender_id=tender.id))
    form = F.RectificationForm.for_tender(tender)

    def page():
        return render_template("tenders/rectify.html", form=form, tender=tender)

    if request.method == "POST":

        def run():
            try:
                changes = form.changes()
            except ValueError as exc:  # a wall-clock time that does not exist
                raise ValidationFailed(str(exc), field="bid_deadline") from None
            return ops.rectify_tender(
                tender, actor=current_user, changes=changes, reason=form.reason.data
            )

        return submit(
            run,
            form=form,
            success=lambda r: _(
                "Rectificatie %(n)s gepubliceerd; de aanmelders zijn op de hoogte gebracht.",
                n=r.number,
            ),
            target=url_for("tenders.detail", tender_id=tender.id, _anchor="rectificaties"),
            page=page,
        )
    return page()


@bp.post("/<int:tender_id>/go")
@role_required(*OFFICERS)
def go_decision(tender_id):
    tender = _tender_for_staff(tender_id)
    endpoint = "tenders.dialogue" if tender.in_dialogue else "tenders.selection"
    choice = request.form.get("go")
    if choice not in ("go", "no_go"):
        flash(_("Kies go of no-go."), "error")
        return redirect(url_for(endpoint, tender_id=tender.id))
    return run_action(
        lambda: ops.record_go(
            tender, actor=current_user, go=choice == "go", **posted("motivation")
        ),
        _("Besluit vastgelegd."),
        url_for(endpoint, tender_id=tender.id),
    )


@bp.post("/<int:tender_id>/vragen/<int:question_id>/antwoord")
@role_required(*OFFICERS)
def answer(tender_id, question_id):
    tender = _tender_for_staff(tender_id)
    row = _part(ConsultationQuestion, question_id, tender)
    return run_action(
        lambda: ops.answer_question(row, actor=current_user, **posted("answer")),
        _("Antwoord gepubliceerd aan alle belangstellenden."),
        url_for("tenders.detail", tender_id=tender.id),
    )


# -- selection ----------------------------------------------------------------------------


@bp.get("/<int:tender_id>/selectie")
@role_required(*REGION_STAFF)
def selection(tender_id):
    tender = _tender_for_staff(tender_id)
    rows = ops.registrations(tender)
    return render_template(
        "tenders/selection.html",
        tender=tender,
        registrations=rows,
        assess_form=F.AssessForm(),
        go_form=F.GoForm(),
        motivation_form=F.MotivationForm(),
        selection_decision=ops.latest_decision(tender, "selection", ("selection",)),
        go=ops.latest_decision(tender, "selection", ("go", "no_go")),
        is_officer=_is_officer(tender),
        deadline_passed=ops.deadline_passed(tender.registration_deadline),
    )


@bp.post("/<int:tender_id>/aanmeldingen/<int:registration_id>/beoordelen")
@role_required(*OFFICERS)
def assess(tender_id, registration_id):
    tender = _tender_for_staff(tender_id)
    registration = _part(Registration, registration_id, tender, scoped_lookup=True)
    return run_action(
        lambda: ops.assess_registration(
            registration, actor=current_user, **posted("status reason")
        ),
        _("Beoordeling vastgelegd."),
        url_for("tenders.selection", tender_id=tender.id),
    )


@bp.get("/<int:tender_id>/aanmeldingen/<int:registration_id>/document")
@login_required
def registration_document(tender_id, registration_id):
    registration = get_scoped_or_404(Registration, registration_id)
    if registration.tender_id != tender_id or registration.document is None:
        abort(404)
    if not policy.can_read_documents(current_user):
        abort(403)
    return registration.document.send()


# -- dialogue -----------------------------------------------------------------------------


@bp.get("/<int:tender_id>/dialoog")
@role_required(*REGION_STAFF)
def dialogue(tender_id):
    tender = _tender_for_staff(tender_id)
    if not tender.has_dialogue:
        abort(404)
    session_form = F.SessionForm()
    session_form.lots.choices = [(lot.id, f"{lot.number}. {lot.name}") for lot in tender.lots]
    selected = [r for r in ops.registrations(tender) if r.is_selected]
    return render_template(
        "tenders/dialogue.html",
        tender=tender,
        session_form=session_form,
        agreement_form=F.AgreementForm(),
        go_form=F.GoForm(),
        selected=selected,
        go=ops.latest_decision(tender, "dialogue", ("go", "no_go")),
        is_officer=_is_officer(tender),
    )


@bp.post("/<int:tender_id>/dialoog/sessies")
@role_required(*OFFICERS)
def add_session(tender_id):
    tender = _tender_for_staff(tender_id)
    form = F.SessionForm()
    form.lots.choices = [(lot.id, lot.name) for lot in tender.lots]
    return submit(
        lambda: ops.add_session(
            tender,
            actor=current_user,
            lot_ids=form.lots.data,
            minutes=request.files.get("minutes"),
            **values(form, "held_on topic participants"),
        ),
        form=form,
        success=_("Dialoogsessie vastgelegd."),
        target=url_for("tenders.dialogue", tender_id=tender.id),
    )


@bp.get("/<int:tender_id>/dialoog/sessies/<int:session_id>/verslag")
@role_required(*REGION_STAFF)
def session_minutes(tender_id, session_id):
    tender = _tender_for_staff(tender_id)
    row = db.session.get(DialogueSession, session_id)
    if row is None or row.tender_id != tender.id or row.minutes is None:
        abort(404)
    return row.minutes.send()


# -- award --------------------------------------------------------------------------------


@bp.get("/<int:tender_id>/gunning")
@role_required(*REGION_STAFF)
def award(tender_id):
    tender = _tender_for_staff(tender_id)
    sealed = not ops.bids_are_open(tender)
    bids = ops.tender_bids(tender)
    bid_count = len(bids)
    results = options = None
    can_read_bids = ops.can_read_bids(current_user, tender)
    if sealed or not can_read_bids:
        bids = []  # nothing of a sealed bid reaches the template, only the count
    else:
        bids = [ops.open_bid(b, current_user) for b in bids]
        results = ops.lot_results(tender)
        options = ops.award_options(tender, results)
    awards = db.session.scalars(
        select(LotAward)
        .where(LotAward.tender_id == tender.id)
        .options(
            selectinload(LotAward.provider),
            selectinload(LotAward.lot),
            selectinload(LotAward.contract),
        )
        .order_by(LotAward.lot_id)
    ).all()
    objections = db.session.scalars(
        select(Objection)
        .where(Objection.tender_id == tender.id)
        .options(selectinload(Objection.provider))
        .order_by(Objection.id)
    ).all()
    providers = {
        p.id: p
        for p in db.session.execute(
            select(Provider).where(
                Provider.id.in_({b.provider_id for b in bids} | {a.provider_id for a in awards})
            )
        ).scalars()
    }
    objection_form = F.ObjectionForm()
    objection_form.provider_id.choices = [(p.id, p.name) for p in providers.values()]
    return render_template(
        "tenders/award.html",
        tender=tender,
        sealed=sealed,
        can_read_bids=can_read_bids,
        bids=bids,
        bid_count=bid_count,
        results=results,
        options=options,
        awards=awards,
        objections=objections,
        providers=providers,
        objection_form=objection_form,
        resolve_form=F.ResolveForm(),
        motivation_form=F.MotivationForm(),
        is_officer=_is_officer(tender),
        open_objections=ops.open_objections(tender),
        standstill_over=ops.deadline_passed(tender.standstill_ends_at),
        lots={lot.id: lot for lot in tender.lots},
    )


@bp.post("/<int:tender_id>/inschrijvingen/<int:bid_id>/scores")
@role_required(*OFFICERS)
def score(tender_id, bid_id):
    tender = _tender_for_staff(tender_id)
    bid = _part(Bid, bid_id, tender, scoped_lookup=True)
    scores = {
        c.id: (request.form[f"score-{c.id}"].strip(), request.form.get(f"note-{c.id}", ""))
        for c in tender.criteria
        if not c.is_price and request.form.get(f"score-{c.id}", "").strip()
    }
    return run_action(
        lambda: ops.score_bid_criteria(bid, actor=current_user, scores=scores),
        _("Scores opgeslagen."),
        url_for("tenders.award", tender_id=tender.id),
    )


@bp.post("/<int:tender_id>/gunning/voorlopig")
@role_required(*OFFICERS)
def provisional_award(tender_id):
    tender = _tender_for_staff(tender_id)
    key = request.form.get("option", "")
    winners = {}
    for part in key.split(","):
        lot, _sep, providers = part.partition(":")
        ids = [int(p) for p in providers.split("+") if p.isdigit()]
        if lot.isdigit():
            winners[int(lot)] = tuple(i for i in ids if i)
    return run_action(
        lambda: ops.record_provisional_award(
            tender, actor=current_user, winners=winners, **posted("motivation")
        ),
        _("Voorlopige gunningsbeslissing vastgelegd; de standstilltermijn loopt."),
        url_for("tenders.award", tender_id=tender.id),
    )


@bp.post("/<int:tender_id>/bezwaren")
@role_required(*OFFICERS)
def add_objection(tender_id):
    tender = _tender_for_staff(tender_id)
    provider_id = request.form.get("provider_id", type=int)
    return run_action(
        lambda: ops.record_objection(
            tender, actor=current_user, provider_id=provider_id, **posted("description")
        ),
        _("Bezwaar vastgelegd; de definitieve gunning is opgeschort."),
        url_for("tenders.award", tender_id=tender.id),
    )


@bp.post("/<int:tender_id>/bezwaren/<int:objection_id>")
@role_required(*OFFICERS)
def resolve_objection(tender_id, objection_id):
    tender = _tender_for_staff(tender_id)
    objection = _part(Objection, objection_id, tender, scoped_lookup=True)
    return run_action(
        lambda: ops.resolve_objection(objection, actor=current_user, **posted("status resolution")),
        _("Bezwaar afgehandeld."),
        url_for("tenders.award", tender_id=tender.id),
    )


@bp.get("/<int:tender_id>/inschrijvingen/<int:bid_id>/plan")
@login_required
def bid_plan(tender_id, bid_id):
    bid = get_scoped_or_404(Bid, bid_id)
    if bid.tender_id != tender_id:
        abort(404)
    if not policy.can_read_documents(current_user):
        abort(403)
    try:
        ops.open_bid(bid, current_user)
    except NotAllowed as exc:
        abort(403, description=str(exc.message))
    return bid.plan.send()


# -- provider portal ----------------------------------------------------------------------


def _portal_context(tender: Tender, registration_form=None, bid_form=None):
    registration = db.session.execute(
        select(Registration)
        .where(
            Registration.tender_id == tender.id,
            Registration.provider_id == current_user.provider_id,
        )
        .options(selectinload(Registration.lots))
    ).scalar()
    bids = db.session.scalars(
        select(Bid)
        .where(Bid.tender_id == tender.id, Bid.provider_id == current_user.provider_id)
        .options(selectinload(Bid.lot))
    ).all()
    bids = [ops.open_bid(b, current_user) for b in bids]
    selected = ops.selected_lot_ids(tender, current_user.provider_id)
    if registration_form is None:
        registration_form = F.RegistrationForm()
    registration_form.lots.choices = [(lot.id, f"{lot.number}. {lot.name}") for lot in tender.lots]
    if bid_form is None:
        bid_form = F.BidForm()
    bid_form.lot_id.choices = [
        (lot.id, f"{lot.number}. {lot.name}") for lot in tender.lots if lot.id in selected
    ]
    questions = db.session.scalars(
        select(ConsultationQuestion)
        .where(
            ConsultationQuestion.tender_id == tender.id,
            ConsultationQuestion.answer.is_not(None),
        )
        .order_by(ConsultationQuestion.number)
    ).all()
    awards = db.session.scalars(
        select(LotAward)
        .where(LotAward.tender_id == tender.id, LotAward.provider_id == current_user.provider_id)
        .options(selectinload(LotAward.lot))
    ).all()
    return dict(
        tender=tender,
        registration=registration,
        bids=bids,
        selected=selected,
        registration_form=registration_form,
        bid_form=bid_form,
        question_form=F.QuestionForm(),
        questions=questions,
        awards=awards,
        timeline=timeline(tender),
        can_register=policy.accepts_registrations(tender)
        and not ops.deadline_passed(tender.registration_deadline),
        can_bid=policy.accepts_bids(tender)
        and not ops.deadline_passed(tender.bid_deadline)
        and bool(selected),
    )


@bp.get("/<int:tender_id>/portaal")
@role_required(PROVIDER)
def portal(tender_id):
    tender = _tender_for_provider(tender_id)
    return render_template("tenders/portal.html", **_portal_context(tender))


@bp.post("/<int:tender_id>/portaal/aanmelden")
@role_required(PROVIDER)
def register(tender_id):
    tender = _tender_for_provider(tender_id)
    form = F.RegistrationForm()
    form.lots.choices = [(lot.id, lot.name) for lot in tender.lots]
    return submit(
        lambda: ops.register(
            tender,
            actor=current_user,
            lot_ids=form.lots.data or [],
            document=request.files.get("document"),
            **values(form, "no_exclusion_grounds", suitability_answer=""),
        ),
        form=form,
        success=_("Uw aanmelding is ontvangen."),
        target=url_for("tenders.portal", tender_id=tender.id),
        page=lambda: render_template(
            "tenders/portal.html", **_portal_context(tender, registration_form=form)
        ),
    )


@bp.post("/<int:tender_id>/portaal/inschrijven")
@role_required(PROVIDER)
def submit_bid(tender_id):
    tender = _tender_for_provider(tender_id)
    form = F.BidForm()
    form.lot_id.choices = [(lot.id, lot.name) for lot in tender.lots]
    return submit(
        lambda: ops.submit_bid(
            tender,
            actor=current_user,
            plan=request.files.get("plan"),
            **values(form, "lot_id price accepts_agreements"),
        ),
        form=form,
        success=_("Uw inschrijving is ontvangen. U kunt haar tot de deadline vervangen."),
        target=url_for("tenders.portal", tender_id=tender.id),
        page=lambda: render_template(
            "tenders/portal.html", **_portal_context(tender, bid_form=form)
        ),
    )


@bp.post("/<int:tender_id>/portaal/vragen")
@role_required(PROVIDER)
def ask(tender_id):
    tender = _tender_for_provider(tender_id)
    return run_action(
        lambda: ops.ask_question(tender, actor=current_user, **posted("question")),
        _("Uw vraag is ontvangen; het antwoord verschijnt voor alle belangstellenden."),
        url_for("tenders.portal", tender_id=tender.id),
    )


@dashboard_card
def tender_cards(user):
    """Running SAS tenders for region staff; tenders open for registration for providers."""
    if user.is_provider:
        count = db.session.execute(
            policy.visible_tenders(select(func.count(Tender.id)), user).where(
                queries.open_for_registration(ops.now())
            )
        ).scalar_one()
        return [
            {
                "title": _("Aanbestedingen open voor aanmelding"),
                "value": count,
                "url": url_for("tenders.index", status="aanmelding"),
            }
        ]
    if not user.is_region_staff:
        return []
    stmt = scoped(select(func.count(Tender.id)), Tender, user).where(queries.running_sas())
    count = db.session.execute(stmt).scalar_one()
    return [
        {
            "title": _("Lopende SAS-aanbestedingen"),
            "value": count,
            "url": url_for("tenders.index", status="lopend"),
        }
    ]
