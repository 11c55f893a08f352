"""Signals: work queue, intake, the signal page with its actions, the provider view,
heightened supervision and reporting. Thin: every change goes through operations.py, every
lookup through policy.py."""

from collections import namedtuple
from datetime import date
from functools import cache

from flask import abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import joinedload, selectinload

from procure.auth.models import User
from procure.auth.permissions import get_scoped_or_404, role_required, scoped
from procure.auth.roles import SUPERVISOR
from procure.contracts.models import Contract
from procure.contracts.queries import visible as visible_contracts
from procure.core import formatting as fmt
from procure.core.kept import read
from procure.core.labels import Labels, resolved, url_pattern
from procure.core.listing import light_rows, page_args
from procure.core.pickers import searching
from procure.core.timeutil import today_local
from procure.core.uploads import StoredFile
from procure.core.urls import safe_next
from procure.core.views import policy_blueprint, submit, values
from procure.extensions import db
from procure.main.dashboard import dashboard_card
from procure.main.panels import panel
from procure.organisations.models import Municipality, Provider
from procure.supervision import operations as ops
from procure.supervision import policy, reports
from procure.supervision.forms import (
    DESCRIPTION_HINT,
    AssignForm,
    BulkAssignForm,
    CloseForm,
    EndHeightenedForm,
    FollowUpForm,
    HandOverForm,
    HeightenedForm,
    InvestigateForm,
    MeasureDoneForm,
    MeasureDropForm,
    MeasureForm,
    MergeForm,
    NoteForm,
    ReopenForm,
    SignalForm,
    TriageForm,
)
from procure.supervision.models import (
    CATEGORIES,
    NOTE_KINDS,
    OPEN_STATES,
    SIGNAL_MACHINE,
    STATE_LABELS,
    URGENCIES,
    HeightenedSupervision,
    Measure,
    MeasureFacts,
    Signal,
    SignalAttachment,
    SignalFacts,
    SignalNote,
    SignalTransition,
)
from procure.supervision.queue import QueueFilters, overdue_condition, work_queue

bp = policy_blueprint("supervision", __name__, "/signalen", policy, "supervision_policy")

VIEW_ROLES = policy.VIEW_ROLES  # signal content
STAFF = policy.STAFF_ROLES
REPORT_ROLES = policy.COUNT_ROLES  # counts and reports


# The region's active supervisors (id and name: what the choices and the filter show).
_SUPERVISORS = (
    select(User.id, User.name)
    .where(User.role == SUPERVISOR, User.region_id == bindparam("region_id"))
    .where(User.active.is_(True))
    .order_by(User.name)
)


def _supervisors(region_id):
    return db.session.execute(_SUPERVISORS, {"region_id": region_id}).all()


def _choices_of(supervisors):
    return [(0, _("— team (niet toegewezen) —"))] + [(u.id, u.name) for u in supervisors]


def _assignee_choices(region_id):
    return _choices_of(_supervisors(region_id))


# -- work queue / list ----------------------------------------------------------------------


@bp.get("/")
@role_required(*VIEW_ROLES)
def index():
    filters = QueueFilters.from_args(request.args)
    if not policy.can_work():
        filters.view = "team"
    today = today_local()
    page = work_queue(current_user, filters, today, *page_args())
    provider_name = None
    if filters.provider_id:
        provider_name = db.session.execute(
            select(Provider.name).where(Provider.id == filters.provider_id)
        ).scalar()
    without_provider = {k: v for k, v in request.args.items() if k not in ("provider", "page")}
    bulk = None
    supervisors = []
    can_work = policy.can_work()
    if can_work and current_user.region_id:
        # one query for the supervisors: the bulk form's choices and the assignee filter
        supervisors = _supervisors(current_user.region_id)
        bulk = BulkAssignForm()
        bulk.assignee.choices = _choices_of(supervisors)
    # the labels as text once per page, not a translation lookup per row
    states = resolved(STATE_LABELS)
    return render_template(
        "supervision/index.html",
        page=page,
        filters=filters,
        today=today,
        provider_name=provider_name,
        signal_url=url_pattern("supervision.show", "signal_id"),
        clear_provider_url=url_for("supervision.index", **without_provider),
        states={s: states[s] for s in OPEN_STATES},
        state_labels=Labels(states),
        categories=Labels(resolved(CATEGORIES)),
        urgencies=Labels(resolved(URGENCIES)),
        # a row's texts once per page: no _() call per row
        select_label=Markup(_("Selecteer %(ref)s")),  # noqa: S704 (a translation, as in Jinja)
        team_label=Markup(_("team")),  # noqa: S704
        late_label=Markup(_("te laat")),  # noqa: S704
        bulk=bulk,
        supervisors=supervisors,
        can_work=can_work,
        can_log=policy.can_log(),
        see_investigation=policy.can_see_investigation(),
    )


@bp.post("/toewijzen")
@role_required(*policy.WORK_ROLES)
def bulk_assign():
    form = BulkAssignForm()
    form.assignee.choices = _assignee_choices(current_user.region_id)
    ids = request.form.getlist("signal_ids", type=int)

    def run():
        assignee = db.session.get(User, form.assignee.data) if form.assignee.data else None
        return ops.bulk_assign(ids, actor=current_user, assignee=assignee)

    return submit(
        run,
        form=form,
        success=lambda n: ngettext(
            "%(num)d signaal toegewezen.", "%(num)d signalen toegewezen.", n
        ),
        target=safe_next(request.form.get("next"), url_for("supervision.index")),
    )


# -- intake -----------------------------------------------------------------------------------


def _fill_signal_choices(form: SignalForm):
    form.provider_id.configure(selected=request.args.get("provider_id", type=int))
    form.contract_id.configure(provider=form.provider_id.data or None)
    municipalities = db.session.execute(
        scoped(select(Municipality), Municipality).order_by(Municipality.name)
    ).scalars()
    if current_user.is_municipality:
        form.municipality_id.choices = [
            (m.id, m.name) for m in municipalities if m.id == current_user.municipality_id
        ]
    else:
        form.municipality_id.choices = [(0, _("— regio-breed —"))] + [
            (m.id, m.name) for m in municipalities
        ]


@bp.route("/nieuw", methods=["GET", "POST"])
@role_required(*policy.LOG_ROLES)
def create():
    form = SignalForm()
    if request.method == "GET":
        form.received_on.data = today_local()
        if request.args.get("provider_id", type=int):
            form.provider_id.data = request.args.get("provider_id", type=int)
        if current_user.is_municipality:
            form.source.data = "municipality"
    _fill_signal_choices(form)
    if request.method == "POST" and not searching():
        return submit(
            lambda: ops.log_signal(
                actor=current_user,
                **values(form, provider_id=None, contract_id=None, municipality_id=None),
                **values(form, "source received_on category urgency description"),
                **values(form, "reporter_name reporter_contact reporter_confidential"),
                attachments=request.files.getlist("attachments"),
            ),
            form=form,
            success=lambda signal: _(
                "Signaal %(ref)s vastgelegd. Triage uiterlijk %(day)s.",
                ref=signal.reference,
                day=fmt.day(signal.triage_due_on),
            ),
            target=lambda signal: url_for("supervision.show", signal_id=signal.id),
            page=lambda: render_template(
                "supervision/new.html", form=form, description_hint=DESCRIPTION_HINT
            ),
        )
    return render_template("supervision/new.html", form=form, description_hint=DESCRIPTION_HINT)


# -- the signal page ----------------------------------------------------------------------


def _load(signal_id) -> Signal:
    return policy.get_signal_or_404(
        signal_id,
        options=(
            joinedload(Signal.provider),
            joinedload(Signal.contract),
            joinedload(Signal.municipality),
            joinedload(Signal.assigned_to),
            joinedload(Signal.logged_by),
            joinedload(Signal.merged_into),
            selectinload(Signal.measures),
            selectinload(Signal.attachments).joinedload(SignalAttachment.file),
        ),
    )


_FORMS = {
    "triage": (TriageForm, "triage"),
    "investigate": (InvestigateForm, "inv"),
    "hand_over": (HandOverForm, "ho"),
    "follow_up": (FollowUpForm, "fu"),
    "note": (NoteForm, "note"),
    "measure": (MeasureForm, "measure"),
    "done": (MeasureDoneForm, "done"),
    "drop": (MeasureDropForm, "drop"),
    "close": (CloseForm, "close"),
    "merge": (MergeForm, "merge"),
    "reopen": (ReopenForm, "reopen"),
    "assign": (AssignForm, "assign"),
}


class _SignalForms(dict):
    """The action forms of a signal page, each built when it is first asked for: the page
    shows only those its state and the user allow, so the others are never built (nor the
    assignee choices looked up when the page has no assign form)."""

    def __init__(self, signal: Signal):
        super().__init__()
        self.signal = signal

    def __missing__(self, key):
        form_class, prefix = _FORMS[key]
        form = self[key] = form_class(prefix=prefix)
        if key == "assign":
            form.assignee.choices = _assignee_choices(self.signal.region_id)
            if request.method == "GET":
                form.assignee.data = self.signal.assigned_to_id or 0
        return form


def _forms(signal: Signal) -> dict:
    return _SignalForms(signal)


# The signals merged into a signal, looked up by the merged_into_id index on its own: with
# the region's condition in the same WHERE, SQLite's statistics (nearly every merged_into_id
# is NULL) make it walk all of the region's signals instead, which grows with the region.
# Built once: an aliased select costs more to construct than the query costs to run.
_merged = Signal.__table__.alias("merged")
_MERGED_INTO = select(_merged.c.id).where(_merged.c.merged_into_id == bindparam("merged_into"))
_DUPLICATES = select(Signal.id, Signal.reference).where(Signal.id.in_(_MERGED_INTO))

# -- what the signal page reads: columns, not ORM objects ------------------------------------
# The page shows a signal with the names it links to and short lists; building ORM objects
# (a signal with six joined relations, notes and history with their users) costs several
# times the queries. The statements are built once, with the signal's id as a parameter; the
# signal itself is still read through policy.visible_signals.

_assignee = User.__table__.alias("assignee")
_logger = User.__table__.alias("logger")
_merged_into = Signal.__table__.alias("merged_into")
_SIGNAL_ID = bindparam("signal_id")

_SIGNAL_COLUMNS = (
    "id reference region_id provider_id source received_on category urgency description "
    "reporter_name reporter_contact reporter_confidential state assigned_to_id triage_due_on "
    "triage_decision triage_motivation triaged_on investigation_due_on other_party follow_up_on "
    "outcome closed_on merged_into_id channel"
)
_PAGE_SIGNAL = (
    select(
        *(getattr(Signal, name) for name in _SIGNAL_COLUMNS.split()),
        Provider.name.label("provider_name"),
        Contract.reference.label("contract_reference"),
        Municipality.name.label("municipality_name"),
        _assignee.c.name.label("assignee_name"),
        _logger.c.name.label("logged_by_name"),
        _merged_into.c.reference.label("merged_into_reference"),
    )
    .join(Provider, Provider.id == Signal.provider_id)
    .outerjoin(Contract, Contract.id == Signal.contract_id)
    .outerjoin(Municipality, Municipality.id == Signal.municipality_id)
    .outerjoin(_assignee, _assignee.c.id == Signal.assigned_to_id)
    .outerjoin(_logger, _logger.c.id == Signal.logged_by_id)
    .outerjoin(_merged_into, _merged_into.c.id == Signal.merged_into_id)
    .where(Signal.id == _SIGNAL_ID)
)
_MEASURE_COLUMNS = "id kind description amount due_on follow_up_on status result drop_reason"
_PAGE_MEASURES = (
    select(*(getattr(Measure, name) for name in _MEASURE_COLUMNS.split()))
    .where(Measure.signal_id == _SIGNAL_ID)
    .order_by(Measure.id)
)
_PAGE_ATTACHMENTS = (
    select(SignalAttachment.id, StoredFile.original_name)
    .join(StoredFile, StoredFile.id == SignalAttachment.file_id)
    .where(SignalAttachment.signal_id == _SIGNAL_ID)
    .order_by(SignalAttachment.id)
)
_PAGE_NOTES = (
    select(SignalNote.kind, SignalNote.created_at, SignalNote.text, User.name.label("author_name"))
    .outerjoin(User, User.id == SignalNote.author_id)
    .where(SignalNote.signal_id == _SIGNAL_ID)
    .order_by(SignalNote.id)
)
_PAGE_TRANSITIONS = (
    select(
        SignalTransition.at,
        SignalTransition.from_state,
        SignalTransition.to_state,
        SignalTransition.note,
        User.name.label("actor_name"),
    )
    .outerjoin(User, User.id == SignalTransition.actor_id)
    .where(SignalTransition.signal_id == _SIGNAL_ID)
    .order_by(SignalTransition.id)
)
# The provider's active period in the signal's region (as ops.active_heightened).
_PAGE_HEIGHTENED = select(
    HeightenedSupervision.start_on, HeightenedSupervision.review_on, HeightenedSupervision.reason
).where(
    HeightenedSupervision.region_id == bindparam("region_id"),
    HeightenedSupervision.provider_id == bindparam("provider_id"),
    HeightenedSupervision.ended_on.is_(None),
)


class MeasureRow(MeasureFacts, namedtuple("MeasureRow", _MEASURE_COLUMNS)):
    """A measure as the signal page shows it (its labels from the model's MeasureFacts)."""

    __slots__ = ()


class SignalPage(SignalFacts):
    """A signal as its page shows it: its columns, the names it links to (provider_name,
    contract_reference, municipality_name, assignee_name, logged_by_name,
    merged_into_reference: None where there is none) and its measures, with the model's
    labels and due dates (SignalFacts). Read-only: actions load the Signal itself."""

    def __init__(self, row, measures: list):
        self.__dict__.update(row._mapping)
        self.measures = measures


def _page_signal(signal_id: int, see_investigation: bool) -> SignalPage:
    """The signal the current user may see, else 404; its measures only for those who see
    the investigation (nobody else is shown them)."""
    params = {"signal_id": signal_id}
    row = db.session.execute(policy.prepared_visible(_PAGE_SIGNAL), params).first()
    if row is None:
        abort(404)
    measures = []
    if see_investigation:
        measures = [MeasureRow._make(m) for m in db.session.execute(_PAGE_MEASURES, params)]
    return SignalPage(row, measures)


def _render(signal_id: int, forms: dict | None = None, status: int = 200):
    see_investigation = policy.can_see_investigation()
    signal = _page_signal(signal_id, see_investigation)
    forms = _forms(signal) if forms is None else forms
    params = {"signal_id": signal.id}
    notes = transitions = duplicates = []
    if see_investigation:
        notes = light_rows(db.session.execute(_PAGE_NOTES, params).all())
        transitions = light_rows(db.session.execute(_PAGE_TRANSITIONS, params).all())
        duplicates = db.session.execute(
            policy.prepared_visible(_DUPLICATES), {"merged_into": signal.id}
        ).all()
    heightened = None
    if policy.can_see_heightened():
        heightened = db.session.execute(
            _PAGE_HEIGHTENED, {"region_id": signal.region_id, "provider_id": signal.provider_id}
        ).first()
    return render_template(
        "supervision/signal.html",
        signal=signal,
        attachments=db.session.execute(_PAGE_ATTACHMENTS, params).all(),
        forms=forms,
        notes=notes,
        transitions=transitions,
        duplicates=duplicates,
        heightened=heightened,
        reporter=policy.reporter_view(signal),
        see_investigation=see_investigation,
        can_work=policy.can_work() and current_user.region_id == signal.region_id,
        targets=SIGNAL_MACHINE.targets(signal.state),
        today=today_local(),
        state_label=SIGNAL_MACHINE.label,
        note_kinds=Labels(resolved(NOTE_KINDS)),
    ), status


@bp.get("/<int:signal_id>")
@role_required(*VIEW_ROLES)
def show(signal_id):
    return _render(signal_id)


def _action(signal_id, form_key, run, success):
    """POST handler shared by the signal actions: validate, run the operation, redirect;
    on refusal flash the Dutch message and show the page again with the user's input."""
    signal = _load(signal_id)
    forms = _forms(signal)
    form = forms[form_key]
    return submit(
        lambda: run(signal, form),
        form=form,
        success=success,
        target=url_for("supervision.show", signal_id=signal.id),
        page=lambda: _render(signal_id, forms, 422)[0],
    )


@bp.post("/<int:signal_id>/triage")
@role_required(*policy.WORK_ROLES)
def triage(signal_id):
    def run(signal, form):
        fields = "decision motivation investigation_due_on other_party follow_up_on"
        ops.triage(signal, actor=current_user, **values(form, fields))

    return _action(signal_id, "triage", run, _l("Triage vastgelegd."))


@bp.post("/<int:signal_id>/onderzoek")
@role_required(*policy.WORK_ROLES)
def investigate(signal_id):
    def run(signal, form):
        ops.start_investigation(signal, actor=current_user, **values(form, "due_on motivation"))

    return _action(signal_id, "investigate", run, _l("Onderzoek gestart."))


@bp.post("/<int:signal_id>/overdragen")
@role_required(*policy.WORK_ROLES)
def hand_over(signal_id):
    def run(signal, form):
        ops.hand_over(
            signal, actor=current_user, **values(form, "other_party follow_up_on motivation")
        )

    return _action(signal_id, "hand_over", run, _l("Signaal overgedragen."))


@bp.post("/<int:signal_id>/opvolging")
@role_required(*policy.WORK_ROLES)
def follow_up(signal_id):
    def run(signal, form):
        ops.set_follow_up(signal, actor=current_user, **values(form, "follow_up_on note"))

    return _action(signal_id, "follow_up", run, _l("Opvolgdatum gewijzigd."))


@bp.post("/<int:signal_id>/aantekening")
@role_required(*policy.WORK_ROLES)
def note(signal_id):
    def run(signal, form):
        ops.add_note(signal, actor=current_user, **values(form, "kind text"))

    return _action(signal_id, "note", run, _l("Aantekening toegevoegd."))


@bp.post("/<int:signal_id>/maatregel")
@role_required(*policy.WORK_ROLES)
def measure(signal_id):
    def run(signal, form):
        ops.impose_measure(
            signal,
            actor=current_user,
            **values(form, "kind description due_on follow_up_on"),
            amount=(form.amount.data or "").replace(",", ".").strip() or None,
        )

    return _action(signal_id, "measure", run, _l("Maatregel opgelegd."))


def _measure_of(signal, measure_id) -> Measure:
    measure = next((m for m in signal.measures if m.id == measure_id), None)
    if measure is None:
        abort(404)
    return measure


@bp.post("/<int:signal_id>/maatregel/<int:measure_id>/afgerond")
@role_required(*policy.WORK_ROLES)
def measure_done(signal_id, measure_id):
    def run(signal, form):
        ops.complete_measure(
            _measure_of(signal, measure_id), actor=current_user, result=form.result.data
        )

    return _action(signal_id, "done", run, _l("Maatregel afgerond."))


@bp.post("/<int:signal_id>/maatregel/<int:measure_id>/vervallen")
@role_required(*policy.WORK_ROLES)
def measure_drop(signal_id, measure_id):
    def run(signal, form):
        ops.drop_measure(
            _measure_of(signal, measure_id), actor=current_user, reason=form.reason.data
        )

    return _action(signal_id, "drop", run, _l("Maatregel vervallen."))


@bp.post("/<int:signal_id>/afsluiten")
@role_required(*policy.WORK_ROLES)
def close(signal_id):
    def run(signal, form):
        ops.close(signal, actor=current_user, outcome=form.outcome.data)

    return _action(signal_id, "close", run, _l("Signaal afgehandeld."))


@bp.post("/<int:signal_id>/samenvoegen")
@role_required(*policy.WORK_ROLES)
def merge(signal_id):
    def run(signal, form):
        into = db.session.execute(
            policy.visible_signals(select(Signal)).where(
                Signal.reference == form.into.data.strip().upper()
            )
        ).scalar()
        if into is None:
            from procure.core.errors import ValidationFailed

            raise ValidationFailed(_l("Geen signaal met dit kenmerk gevonden."), field="into")
        ops.merge(signal, into=into, actor=current_user, reason=form.reason.data)

    return _action(signal_id, "merge", run, _l("Signaal samengevoegd."))


@bp.post("/<int:signal_id>/heropenen")
@role_required(*policy.WORK_ROLES)
def reopen(signal_id):
    def run(signal, form):
        ops.reopen(signal, actor=current_user, reason=form.reason.data)

    return _action(signal_id, "reopen", run, _l("Signaal heropend en terug op de werkvoorraad."))


@bp.post("/<int:signal_id>/toewijzen")
@role_required(*policy.WORK_ROLES)
def assign(signal_id):
    def run(signal, form):
        assignee = db.session.get(User, form.assignee.data) if form.assignee.data else None
        ops.assign(signal, actor=current_user, assignee=assignee)

    return _action(signal_id, "assign", run, _l("Toewijzing opgeslagen."))


@bp.get("/<int:signal_id>/bijlagen/<int:attachment_id>")
@role_required(*VIEW_ROLES)
def attachment(signal_id, attachment_id):
    signal = _load(signal_id)
    item = next((a for a in signal.attachments if a.id == attachment_id), None)
    if item is None:
        abort(404)
    return item.file.send()


# -- provider view and heightened supervision ---------------------------------------------


@bp.get("/aanbieder/<int:provider_id>")
@role_required(*STAFF)
def provider(provider_id):
    return _provider_page(get_scoped_or_404(Provider, provider_id))


def _provider_page(row, start_form=None, end_form=None):
    signals = db.session.scalars(
        policy.visible_signals(select(Signal))
        .where(Signal.provider_id == row.id)
        .options(joinedload(Signal.contract), joinedload(Signal.assigned_to))
        .order_by(Signal.received_on.desc(), Signal.id.desc())
    ).all()
    measures = db.session.scalars(
        select(Measure)
        .join(Signal, Signal.id == Measure.signal_id)
        .where(
            Measure.provider_id == row.id,
            Signal.id.in_(policy.visible_signals(select(Signal.id)).scalar_subquery()),
        )
        .options(joinedload(Measure.signal))
        .order_by(Measure.imposed_on.desc())
    ).all()
    periods = db.session.scalars(
        policy.visible_heightened()
        .where(HeightenedSupervision.provider_id == row.id)
        .order_by(HeightenedSupervision.start_on.desc())
    ).all()
    contracts = db.session.scalars(
        visible_contracts(select(Contract))
        .where(Contract.provider_id == row.id)
        .order_by(Contract.reference)
    ).all()
    active = next((p for p in periods if p.ended_on is None), None)
    if start_form is None:
        start_form = HeightenedForm(prefix="hs", formdata=None, start_on=today_local())
    if end_form is None:
        end_form = EndHeightenedForm(prefix="end", formdata=None, ended_on=today_local())
    return render_template(
        "supervision/provider.html",
        provider=row,
        signals=signals,
        measures=measures,
        periods=periods,
        active=active,
        contracts=contracts,
        start_form=start_form,
        end_form=end_form,
        can_work=policy.can_work(),
        today=today_local(),
    )


@bp.post("/aanbieder/<int:provider_id>/verhoogd-toezicht")
@role_required(*policy.WORK_ROLES)
def heightened_start(provider_id):
    row = get_scoped_or_404(Provider, provider_id)
    form = HeightenedForm(prefix="hs")
    return submit(
        lambda: ops.start_heightened(
            row, actor=current_user, **values(form, "reason start_on review_on")
        ),
        form=form,
        success=_("%(name)s staat onder verhoogd toezicht.", name=row.name),
        target=url_for("supervision.provider", provider_id=row.id),
        page=lambda: _provider_page(row, start_form=form),
    )


@bp.post("/verhoogd-toezicht/<int:period_id>/beeindigen")
@role_required(*policy.WORK_ROLES)
def heightened_end(period_id):
    period = get_scoped_or_404(HeightenedSupervision, period_id)
    form = EndHeightenedForm(prefix="end")
    return submit(
        lambda: ops.end_heightened(period, actor=current_user, **values(form, "reason ended_on")),
        form=form,
        success=_("Verhoogd toezicht beëindigd."),
        target=url_for("supervision.provider", provider_id=period.provider_id),
        page=lambda: _provider_page(get_scoped_or_404(Provider, period.provider_id), end_form=form),
    )


# -- reporting ------------------------------------------------------------------------------


def _report_region():
    if current_user.region_id is None:
        abort(404)
    return current_user.region_id


def _year() -> int:
    year = request.args.get("year", type=int) or reports.default_year()
    return year if 2000 <= year <= 2100 else reports.default_year()


@bp.get("/rapportage")
@role_required(*REPORT_ROLES)
def report():
    region_id = _report_region()
    year = _year()
    today = today_local()
    last = min(date(year, 12, 31), today) if year <= today.year else date(year, 12, 31)
    series = reports.open_over_time(region_id, reports.month_ends(last))
    heightened = db.session.scalars(
        policy.visible_heightened()
        .where(HeightenedSupervision.ended_on.is_(None))
        .options(joinedload(HeightenedSupervision.provider))
        .order_by(HeightenedSupervision.start_on)
    ).all()
    return render_template(
        "supervision/report.html",
        year=year,
        overview=reports.year_overview(region_id, year),
        counts=reports.counts(region_id, year),
        flow=reports.throughput(region_id, year),
        chart=reports.open_chart_svg(series, _("Open signalen per maand")),
        series=series,
        heightened=heightened,
    )


@bp.get("/rapportage/export.xlsx")
@role_required(*REPORT_ROLES)
def export():
    region_id = _report_region()
    year = _year()
    rows = db.session.scalars(
        policy.visible_signals(select(Signal))
        .where(Signal.received_on >= date(year, 1, 1), Signal.received_on <= date(year, 12, 31))
        .options(
            joinedload(Signal.provider),
            joinedload(Signal.contract),
            joinedload(Signal.municipality),
            joinedload(Signal.assigned_to),
        )
        .order_by(Signal.received_on, Signal.id)
    ).all()
    data = reports.excel_export(
        region_id, year, rows, show_reporter=policy.can_see_confidential_reporters(current_user)
    )
    return (
        data,
        200,
        {
            "Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "Content-Disposition": f'attachment; filename="signalen-{year}.xlsx"',
        },
    )


# -- panels and dashboard ---------------------------------------------------------------------


def _fragment(template: str, **context) -> Markup:
    """A rendered (autoescaped) template as a panel fragment."""
    return Markup(render_template(template, **context))  # noqa: S704


@panel("provider")
def _provider_panel(provider, user):
    if not policy.can_see_heightened(user) or user.region_id is None:
        return None
    open_count = db.session.execute(
        policy.visible_signals(select(func.count(Signal.id)), user).where(
            Signal.provider_id == provider.id, Signal.state.in_(OPEN_STATES)
        )
    ).scalar_one()
    total = db.session.execute(
        policy.visible_signals(select(func.count(Signal.id)), user).where(
            Signal.provider_id == provider.id
        )
    ).scalar_one()
    return _fragment(
        "supervision/_provider_panel.html",
        provider=provider,
        open_count=open_count,
        total=total,
        heightened=ops.active_heightened(user.region_id, provider.id),
    )


@cache
def _contract_panel_counts():
    """The contract panel's one read: the open signals on the contract and on its provider
    and the review date of the provider's heightened supervision in the contract's region
    (None: not under it). Built once per process; the policy scopes it per request."""
    heightened = (
        select(HeightenedSupervision.review_on)
        .where(
            HeightenedSupervision.region_id == bindparam("region_id"),
            HeightenedSupervision.provider_id == bindparam("provider_id"),
            HeightenedSupervision.ended_on.is_(None),
        )
        .limit(1)
        .scalar_subquery()
    )
    return select(
        func.count(Signal.id).filter(Signal.contract_id == bindparam("contract_id")),
        func.count(Signal.id),
        heightened,
    ).where(Signal.provider_id == bindparam("provider_id"), Signal.state.in_(OPEN_STATES))


@panel("contract")
def _contract_panel(contract, user):
    if not policy.can_count(user) or user.region_id != contract.region_id:
        return None
    open_on_contract, open_on_provider, review_on = read(
        policy.prepared_visible(_contract_panel_counts(), user),
        {
            "contract_id": contract.id,
            "provider_id": contract.provider_id,
            "region_id": contract.region_id,
        },
    ).one()
    return _fragment(
        "supervision/_contract_panel.html",
        contract=contract,
        open_on_contract=open_on_contract,
        open_on_provider=open_on_provider,
        heightened_review_on=review_on,
    )


@dashboard_card
def _signal_cards(user):
    if not policy.can_log(user):
        return []
    base = policy.visible_signals(select(func.count(Signal.id)), user).where(
        Signal.state.in_(OPEN_STATES)
    )
    open_count = db.session.execute(base).scalar_one()
    cards = [{"title": _l("Open signalen"), "value": open_count, "endpoint": "supervision.index"}]
    if policy.can_work(user):
        overdue = db.session.execute(base.where(overdue_condition(today_local()))).scalar_one()
        mine = db.session.execute(base.where(Signal.assigned_to_id == user.id)).scalar_one()
        cards.append(
            {
                "title": _l("Mijn signalen"),
                "value": mine,
                "endpoint": "supervision.index",
                "args": {"view": "mine"},
            }
        )
        cards.append(
            {
                "title": _l("Signalen over de termijn"),
                "value": overdue,
                "endpoint": "supervision.index",
                "args": {"overdue": "1"},
                "level": "alert" if overdue else "ok",
            }
        )
    return cards
