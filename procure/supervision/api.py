"""Signals API: intake for a municipality's own case system (with an Idempotency-Key),
lists and counts scoped exactly as the pages are (policy.py)."""

from flask import abort
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import extract, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from procure.api import bp
from procure.api.idempotency import idempotent, request_key
from procure.api.schemas import page_numbers, page_of
from procure.auth.models import User
from procure.contracts.models import Contract
from procure.contracts.queries import visible as visible_contracts
from procure.core.converters import INT_MAX
from procure.core.errors import NotAllowed, ValidationFailed
from procure.core.listing import order_by_key, paginate
from procure.core.timeutil import today_local
from procure.extensions import db
from procure.organisations.models import Municipality, Provider
from procure.supervision import operations as ops
from procure.supervision import policy
from procure.supervision.models import MERGED, OPEN_STATES, Measure, Signal
from procure.supervision.queue import SORTS, QueueFilters, filtered
from procure.supervision.schemas import (
    AssignInput,
    CloseInput,
    CountsQuery,
    CountsSchema,
    FollowUpInput,
    HandOverInput,
    InvestigationInput,
    MeasureCompletionInput,
    MeasureInput,
    MeasureSchema,
    MergeInput,
    NoteInput,
    NoteSchema,
    ReasonInput,
    SignalInput,
    SignalQuery,
    SignalSchema,
    TriageInput,
)


def _options():
    return (
        joinedload(Signal.provider),
        joinedload(Signal.contract),
        joinedload(Signal.municipality),
        joinedload(Signal.assigned_to),
        joinedload(Signal.merged_into),
    )


def _resolve(model, value, *columns, base=None):
    """The row whose id or code is `value` (None: not given, False: not found). `base` is
    the scoped select to look in, so a hidden row reads as not found."""
    if value in (None, ""):
        return None
    base = select(model) if base is None else base
    for column in columns:
        if column.type.python_type is int:
            if isinstance(value, int) or (isinstance(value, str) and value.isdigit()):
                if int(value) > INT_MAX:
                    continue
                row = db.session.execute(base.where(column == int(value))).scalar()
            else:
                continue
        else:
            row = db.session.execute(base.where(column == str(value))).scalar()
        if row is not None:
            return row
    return False


@bp.post("/signals")
@bp.arguments(SignalInput)
@bp.response(201, SignalSchema, description="Signaal vastgelegd")
@bp.alt_response(200, schema=SignalSchema, description="Herhaald verzoek: het eerdere signaal")
def signals_create(payload):
    """Een signaal melden (gemeente, contractmanager, toezichthouder)"""
    if not policy.can_log():
        raise NotAllowed(_l("U kunt geen signalen melden."))
    key = request_key()
    replay = ops.find_replayed(current_user, key) if key else None
    if replay is not None:
        return replay, 200, {"Idempotent-Replayed": "true"}
    errors = []
    provider = _resolve(Provider, payload.get("provider"), Provider.id, Provider.short_code)
    if not provider:
        errors.append({"field": "provider", "message": str(_l("Onbekende aanbieder."))})
    contract = _resolve(
        Contract,
        payload.get("contract"),
        Contract.id,
        Contract.reference,
        base=visible_contracts(select(Contract), current_user),
    )
    if contract is False:
        errors.append({"field": "contract", "message": str(_l("Onbekend contract."))})
    municipality = _resolve(
        Municipality, payload.get("municipality"), Municipality.cbs_code, Municipality.name
    )
    if municipality is False:
        errors.append({"field": "municipality", "message": str(_l("Onbekende gemeente."))})
    if errors:
        raise ValidationFailed(errors[0]["message"], field=errors[0]["field"], errors=errors)
    try:
        signal = ops.log_signal(
            actor=current_user,
            provider_id=provider.id,
            contract_id=contract.id if contract else None,
            municipality_id=municipality.id if municipality else None,
            source=payload["source"],
            received_on=payload["received_on"],
            category=payload["category"],
            urgency=payload["urgency"],
            description=payload["description"],
            reporter_name=payload.get("reporter_name"),
            reporter_contact=payload.get("reporter_contact"),
            reporter_confidential=payload["reporter_confidential"],
            idempotency_key=key,
            channel="api",
        )
    except IntegrityError:
        # A concurrent retry with the same key won the race: answer with its signal.
        db.session.rollback()
        replay = ops.find_replayed(current_user, key) if key else None
        if replay is None:
            raise
        return replay, 200, {"Idempotent-Replayed": "true"}
    return signal, 201


@bp.get("/signals")
@bp.arguments(SignalQuery, location="query")
@bp.response(200, page_of(SignalSchema))
def signals_list(args):
    """Signalen, beperkt zoals op de pagina's (gemeente: eigen meldingen)"""
    if not policy.can_read_api(current_user):
        abort(403)
    filters = QueueFilters(
        view=args["view"] if policy.can_work() else "team",  # as the page does
        state=args.get("state", ""),
        category=args.get("category", ""),
        urgency=args.get("urgency", ""),
        provider_id=args.get("provider_id"),
        provider_q=args.get("provider_q", ""),
        overdue=args["overdue"],
        assignee=args.get("assignee", ""),
    )
    stmt = policy.visible_signals(select(Signal)).options(*_options())
    if args["open"]:
        stmt = stmt.where(Signal.state.in_(OPEN_STATES))
    stmt = filtered(stmt, current_user, filters, today_local())
    if args.get("provider"):
        stmt = stmt.join(Provider, Provider.id == Signal.provider_id).where(
            Provider.short_code == args["provider"]
        )
    if args.get("year"):
        stmt = stmt.where(extract("year", Signal.received_on) == args["year"])
    stmt = order_by_key(stmt, SORTS, args["sort"], args["direction"])
    return paginate(stmt, *page_numbers(args))


@bp.get("/signals/<int:signal_id>")
@bp.response(200, SignalSchema)
def signals_get(signal_id):
    """Eén signaal"""
    return policy.get_signal_or_404(signal_id, options=_options())


@bp.get("/signals/counts")
@bp.arguments(CountsQuery, location="query")
@bp.response(200, CountsSchema)
def signals_counts(args):
    """Aantallen signalen per status, categorie, aanbieder en maand

    Over de signalen die de gebruiker mag zien (optioneel ontvangen in ?year=)."""
    if not policy.can_read_api(current_user):
        abort(403)
    year = args.get("year")

    def grouped(*columns):
        stmt = policy.countable_signals(select(*columns, func.count(Signal.id))).where(
            Signal.state != MERGED
        )
        if year:
            stmt = stmt.where(extract("year", Signal.received_on) == year)
        return db.session.execute(stmt.group_by(*columns).order_by(*columns)).all()

    stmt = (
        policy.visible_signals(select(Provider.short_code, func.count(Signal.id)))
        .join(Provider, Provider.id == Signal.provider_id)
        .where(Signal.state != MERGED)
    )
    if year:
        stmt = stmt.where(extract("year", Signal.received_on) == year)
    by_provider = db.session.execute(
        stmt.group_by(Provider.short_code).order_by(Provider.short_code)
    ).all()
    y, m = extract("year", Signal.received_on), extract("month", Signal.received_on)
    return {
        "year": year,
        "state": {s: n for s, n in grouped(Signal.state)},
        "category": {c: n for c, n in grouped(Signal.category)},
        "provider": {p: n for p, n in by_provider},
        "month": {f"{int(a):04d}-{int(b):02d}": n for a, b, n in grouped(y, m)},
    }


# -- the life cycle: the same operations as the work queue's pages ------------------------


def _signal(signal_id: int) -> Signal:
    return policy.get_signal_or_404(signal_id, options=_options())


def _step(operation_name: str, summary: str, input_schema, *, arg_map=None):
    """Register POST /signals/<id>/<step>: one life-cycle operation on one signal."""

    def view(body, signal_id):
        signal = _signal(signal_id)
        getattr(ops, operation_name)(signal, actor=current_user, **(arg_map or dict)(body))
        return _signal(signal_id)

    view.__name__ = f"signal_{operation_name}"
    view.__doc__ = summary
    path = operation_name.replace("_", "-")
    decorated = bp.response(200, SignalSchema)(view)
    decorated = bp.arguments(input_schema)(decorated)
    decorated = idempotent(decorated)
    bp.post(f"/signals/<int:signal_id>/{path}")(decorated)


_step("triage", "Triage: geen actie, monitoren, zelf onderzoeken of overdragen", TriageInput)
_step("start_investigation", "Het onderzoek starten (na monitoren)", InvestigationInput)
_step("hand_over", "Overdragen aan een andere partij met opvolgdatum", HandOverInput)
_step("set_follow_up", "De opvolgdatum verplaatsen", FollowUpInput)
_step("close", "Afsluiten met uitkomst (alle maatregelen afgerond of vervallen)", CloseInput)
_step("reopen", "Een afgesloten signaal heropenen", ReasonInput)
_step(
    "merge",
    "Samenvoegen met een ander signaal",
    MergeInput,
    arg_map=lambda body: {"into": _signal(body["into"]), "reason": body["reason"]},
)


@bp.write("/signals/<int:signal_id>/notes", 201, NoteSchema, arguments=NoteInput)
def signal_note(body, signal_id):
    """Een aantekening of bevinding toevoegen"""
    return ops.add_note(_signal(signal_id), actor=current_user, **body)


@bp.write("/signals/<int:signal_id>/assignment", 200, SignalSchema, arguments=AssignInput)
def signal_assign(body, signal_id):
    """Toewijzen aan een collega van de regio (null: terug naar het team)"""
    assignee = db.session.get(User, body["assignee"]) if body["assignee"] else None
    if body["assignee"] and assignee is None:
        raise ValidationFailed(_l("Onbekende collega."), field="assignee")
    ops.assign(_signal(signal_id), actor=current_user, assignee=assignee)
    return _signal(signal_id)


@bp.write("/signals/<int:signal_id>/measures", 201, MeasureSchema, arguments=MeasureInput)
def signal_measure(body, signal_id):
    """Een maatregel opleggen (verbeterplan, cliëntenstop, financiële correctie, advies)"""
    return ops.impose_measure(_signal(signal_id), actor=current_user, **body)


def _measure(signal_id: int, measure_id: int) -> Measure:
    signal = _signal(signal_id)
    measure = db.session.get(Measure, measure_id)
    if measure is None or measure.signal_id != signal.id:
        abort(404)
    return measure


@bp.write(
    "/signals/<int:signal_id>/measures/<int:measure_id>/completion",
    200,
    MeasureSchema,
    arguments=MeasureCompletionInput,
)
def measure_complete(body, signal_id, measure_id):
    """Een maatregel afronden met resultaat"""
    return ops.complete_measure(_measure(signal_id, measure_id), actor=current_user, **body)


@bp.write(
    "/signals/<int:signal_id>/measures/<int:measure_id>/drop",
    200,
    MeasureSchema,
    arguments=ReasonInput,
)
def measure_drop(body, signal_id, measure_id):
    """Een maatregel met reden laten vervallen"""
    return ops.drop_measure(_measure(signal_id, measure_id), actor=current_user, **body)
