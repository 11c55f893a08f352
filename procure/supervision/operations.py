"""Every change to signals, measures and heightened supervision (the only place that writes).

Each operation validates first and refuses with a Dutch message; every state change is
written to the signal's transition history and to the audit log. `at` (the moment of the
change, default now) exists for importing a historical signal list (the demo does); the
screens and the API never pass it.
"""

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from sqlalchemy import select

from procure.audit import record, record_new
from procure.auth.models import User
from procure.auth.roles import MUNICIPALITY, SUPERVISOR
from procure.contracts.models import Contract
from procure.core.errors import Conflict, InvalidTransition, NotAllowed, ValidationFailed
from procure.core.operations import operation
from procure.core.references import next_reference
from procure.core.timeutil import to_local
from procure.core.types import to_money, utcnow
from procure.core.uploads import store_upload
from procure.extensions import db
from procure.organisations.models import Municipality, Provider
from procure.supervision import policy
from procure.supervision.models import (
    CATEGORIES,
    CLOSED,
    DECISIONS,
    INVESTIGATING,
    MEASURE_KINDS,
    MEASURE_MACHINE,
    MEASURE_OPEN,
    MEASURES,
    MERGED,
    NOTE_KINDS,
    OPEN_STATES,
    OTHER_PARTY,
    RECEIVED,
    SIGNAL_MACHINE,
    SOURCES,
    TRIAGED,
    URGENCIES,
    HeightenedSupervision,
    Measure,
    Signal,
    SignalAttachment,
    SignalNote,
    SignalTransition,
)
from procure.supervision.privacy import find_bsn
from procure.supervision.workdays import triage_due

MAX_TEXT = 10_000
# Plain Dutch labels for the stored history notes (stored text, not translated UI).
_PLAIN_DECISIONS = {
    "no_action": "Geen actie",
    "monitor": "Monitoren",
    "investigate": "Zelf onderzoeken",
    "hand_over": "Overgedragen",
}
_PLAIN_MEASURES = {
    "improvement_plan": "Verbeterplan",
    "client_stop": "Cliëntenstop",
    "financial_correction": "Financiële correctie",
    "termination_advice": "Advies tot beëindiging",
}


# -- helpers -------------------------------------------------------------------------------


def _moment(at: datetime | None) -> datetime:
    return at or utcnow()


def _day(at: datetime) -> date:
    return to_local(at).date()


def _text(value, field: str, *, required: bool = True, label=None, max_len: int = MAX_TEXT):
    """Stripped text; required check; refuses BSN-shaped numbers (no client data)."""
    value = (value or "").strip()
    if required and not value:
        raise ValidationFailed(label or _l("Vul dit veld in."), field=field)
    if len(value) > max_len:
        raise ValidationFailed(
            _l("De tekst is te lang (maximaal %(n)d tekens).", n=max_len), field=field
        )
    if find_bsn(value):
        raise ValidationFailed(
            _l(
                "De tekst bevat een nummer dat op een BSN lijkt. Leg geen BSN of andere "
                "cliëntgegevens vast; verwijder het nummer."
            ),
            field=field,
        )
    return value or None


def _require_worker(actor) -> None:
    if actor is None or not policy.can_work(actor):
        raise NotAllowed(_l("Alleen toezichthouders kunnen signalen behandelen."))


def _require_same_region(actor, signal: Signal) -> None:
    if actor.region_id is not None and actor.region_id != signal.region_id:
        raise NotAllowed(_l("Dit signaal hoort bij een andere regio."))


def _require_handler(actor, signal: Signal, target: str | None = None) -> None:
    """The actor handles signals of the signal's region; with `target`: the signal may
    move there."""
    _require_worker(actor)
    _require_same_region(actor, signal)
    if target is not None:
        SIGNAL_MACHINE.check(signal.state, target)


def _require_date(value, field: str, label) -> date:
    if not isinstance(value, date):
        raise ValidationFailed(label, field=field)
    return value


def _transition(signal: Signal, target: str, *, actor, at: datetime, note: str | None = None):
    old = SIGNAL_MACHINE.apply(signal, target, actor, audit_note=note)
    db.session.add(
        SignalTransition(
            signal=signal,
            region_id=signal.region_id,
            from_state=old,
            to_state=target,
            at=at,
            actor_id=actor.id if actor else None,
            note=note,
        )
    )


def _next_reference(region, year: int) -> str:
    return next_reference(f"{region.short_code.upper()}-S{year}-", Signal.reference)


# -- intake --------------------------------------------------------------------------------


def find_replayed(actor, idempotency_key: str | None) -> Signal | None:
    if not idempotency_key:
        return None
    return db.session.execute(
        select(Signal).where(
            Signal.logged_by_id == actor.id, Signal.idempotency_key == idempotency_key
        )
    ).scalar()


def _idempotency_key(key: str) -> str:
    key = key.strip()
    if not key or len(key) > 100:
        raise ValidationFailed(
            _l("De idempotency-sleutel is leeg of langer dan 100 tekens."),
            field="idempotency_key",
        )
    return key


def _signal_contract(actor, contract_id, provider, errors: list):
    """The contract a signal is about, looked up through the contract scope: a municipality
    must not learn of another municipality's custom contract by attaching it."""
    from procure.contracts.queries import visible as visible_contracts

    contract = db.session.execute(
        visible_contracts(select(Contract).where(Contract.id == contract_id), actor)
    ).scalar()
    if (
        contract is None
        or contract.region_id != actor.region_id
        or provider is None
        or contract.provider_id != provider.id
    ):
        errors.append(
            {
                "field": "contract_id",
                "message": _l("Kies een contract van deze aanbieder in uw regio."),
            }
        )
    return contract


def _signal_municipality(actor, municipality_id, errors: list):
    """A municipality user logs for its own municipality; staff pick one of the region."""
    if actor.role == MUNICIPALITY:
        if municipality_id and municipality_id != actor.municipality_id:
            errors.append(
                {
                    "field": "municipality_id",
                    "message": _l("U kunt alleen uw eigen gemeente kiezen."),
                }
            )
        return actor.municipality_id
    if municipality_id:
        municipality = db.session.get(Municipality, municipality_id)
        if municipality is None or municipality.region_id != actor.region_id:
            errors.append(
                {"field": "municipality_id", "message": _l("Kies een gemeente van uw regio.")}
            )
    return municipality_id


def _signal_choice_errors(source, category, urgency, received_on, today) -> list[dict]:
    errors = []
    if source not in SOURCES:
        errors.append({"field": "source", "message": _l("Kies een bron.")})
    if category not in CATEGORIES:
        errors.append({"field": "category", "message": _l("Kies een categorie.")})
    if urgency not in URGENCIES:
        errors.append({"field": "urgency", "message": _l("Kies een urgentie.")})
    if not isinstance(received_on, date):
        errors.append({"field": "received_on", "message": _l("Vul de datum van ontvangst in.")})
    elif received_on > today:
        errors.append(
            {"field": "received_on", "message": _l("De datum van ontvangst ligt in de toekomst.")}
        )
    return errors


@operation
def log_signal(
    *,
    actor,
    provider_id,
    source,
    received_on,
    category,
    description,
    urgency="normal",
    contract_id=None,
    municipality_id=None,
    reporter_name=None,
    reporter_contact=None,
    reporter_confidential=False,
    attachments: Iterable = (),
    idempotency_key: str | None = None,
    channel: str = "ui",
    at: datetime | None = None,
) -> Signal:
    """Log a signal. With an idempotency key, a retry by the same user returns the signal
    created the first time instead of a duplicate."""
    if actor is None or not policy.can_log(actor):
        raise NotAllowed(_l("U kunt geen signalen melden."))
    if idempotency_key is not None:
        idempotency_key = _idempotency_key(idempotency_key)
        existing = find_replayed(actor, idempotency_key)
        if existing is not None:
            return existing
    at = _moment(at)
    errors = []

    provider = db.session.get(Provider, provider_id) if provider_id else None
    if provider is None or not provider.active:
        errors.append(
            {"field": "provider_id", "message": _l("Kies een aanbieder uit het register.")}
        )
    contract = _signal_contract(actor, contract_id, provider, errors) if contract_id else None
    municipality_id = _signal_municipality(actor, municipality_id, errors)
    errors.extend(_signal_choice_errors(source, category, urgency, received_on, _day(at)))
    if errors:
        first = errors[0]
        raise ValidationFailed(first["message"], field=first["field"], errors=errors)
    description = _text(
        description,
        "description",
        label=_l("Beschrijf het signaal (zonder namen van cliënten of BSN)."),
    )
    if len(description) < 10:
        raise ValidationFailed(
            _l("Beschrijf het signaal in minstens 10 tekens."), field="description"
        )
    reporter_name = _text(reporter_name, "reporter_name", required=False, max_len=200)
    reporter_contact = _text(reporter_contact, "reporter_contact", required=False, max_len=200)
    if source == "anonymous" and (reporter_name or reporter_contact):
        raise ValidationFailed(_l("Een anonieme melding heeft geen melder."), field="reporter_name")

    signal = Signal(
        reference=_next_reference(actor.region, received_on.year),
        region_id=actor.region_id,
        provider_id=provider.id,
        contract_id=contract.id if contract else None,
        municipality_id=municipality_id or None,
        source=source,
        received_on=received_on,
        category=category,
        urgency=urgency,
        description=description,
        reporter_name=reporter_name,
        reporter_contact=reporter_contact,
        reporter_confidential=bool(reporter_confidential),
        state=RECEIVED,
        triage_due_on=triage_due(received_on),
        logged_by_id=actor.id,
        logged_by_municipality_id=actor.municipality_id if actor.role == MUNICIPALITY else None,
        idempotency_key=idempotency_key,
        channel=channel,
        created_at=at,
    )
    db.session.add(signal)
    db.session.flush()
    for upload in attachments:
        if upload is None or not getattr(upload, "filename", ""):
            continue
        stored = store_upload(
            upload, allowed=("pdf", "docx", "xlsx"), uploaded_by=actor, field="attachments"
        )
        db.session.add(SignalAttachment(signal=signal, file=stored))
    db.session.add(
        SignalTransition(
            signal=signal,
            region_id=signal.region_id,
            from_state=None,
            to_state=RECEIVED,
            at=at,
            actor_id=actor.id,
        )
    )
    record(
        "signal.logged",
        signal,
        actor=actor,
        new={
            "reference": signal.reference,
            "provider_id": provider.id,
            "contract_id": signal.contract_id,
            "received_on": received_on,
            "category": category,
            "urgency": urgency,
            "source": source,
            "triage_due_on": signal.triage_due_on,
        },
    )
    return signal


# -- triage and investigation -------------------------------------------------------------


@operation
def triage(
    signal: Signal,
    *,
    actor,
    decision: str,
    motivation: str,
    investigation_due_on: date | None = None,
    other_party: str | None = None,
    follow_up_on: date | None = None,
    at: datetime | None = None,
) -> Signal:
    """Decide on a received signal: no action (closes it), monitor (with a follow-up date),
    investigate ourselves (with the investigation due date) or hand over to another party
    (its name and a follow-up date)."""
    _require_handler(actor, signal, TRIAGED)
    at = _moment(at)
    today = _day(at)
    if decision not in DECISIONS:
        raise ValidationFailed(_l("Kies een besluit."), field="decision")
    motivation = _text(motivation, "motivation", label=_l("Motiveer het besluit."))
    if decision == "investigate":
        _require_date(
            investigation_due_on,
            "investigation_due_on",
            _l("Vul de uiterste datum van het onderzoek in."),
        )
        if investigation_due_on < today:
            raise ValidationFailed(
                _l("De onderzoekstermijn ligt in het verleden."), field="investigation_due_on"
            )
    if decision == "hand_over":
        other_party = _text(
            other_party,
            "other_party",
            max_len=200,
            label=_l("Vul de partij in die het onderzoek overneemt."),
        )
    if decision in ("hand_over", "monitor"):
        _require_date(follow_up_on, "follow_up_on", _l("Vul de datum van de opvolging in."))
        if follow_up_on < today:
            raise ValidationFailed(_l("De opvolgdatum ligt in het verleden."), field="follow_up_on")
    signal.triage_decision = decision
    signal.triage_motivation = motivation
    signal.triaged_on = today
    if signal.assigned_to_id is None:
        signal.assigned_to_id = actor.id
    _transition(
        signal, TRIAGED, actor=actor, at=at, note=f"{_PLAIN_DECISIONS[decision]}: {motivation}"
    )
    record(
        "signal.triaged",
        signal,
        actor=actor,
        new={
            "decision": decision,
            "motivation": motivation,
            "investigation_due_on": investigation_due_on,
            "other_party": other_party,
            "follow_up_on": follow_up_on,
        },
    )
    if decision == "investigate":
        signal.investigation_due_on = investigation_due_on
        _transition(signal, INVESTIGATING, actor=actor, at=at)
    elif decision == "hand_over":
        signal.other_party = other_party
        signal.follow_up_on = follow_up_on
        _transition(signal, OTHER_PARTY, actor=actor, at=at, note=other_party)
    elif decision == "monitor":
        signal.follow_up_on = follow_up_on
    else:  # no action: handled by the triage itself
        signal.outcome = motivation
        signal.closed_on = today
        _transition(signal, CLOSED, actor=actor, at=at, note=motivation)
    return signal


@operation
def start_investigation(
    signal: Signal, *, actor, due_on: date, motivation: str, at: datetime | None = None
) -> Signal:
    """Investigate ourselves: after monitoring, or taking it back from another party."""
    _require_handler(actor, signal, INVESTIGATING)
    at = _moment(at)
    _require_date(due_on, "due_on", _l("Vul de uiterste datum van het onderzoek in."))
    if due_on < _day(at):
        raise ValidationFailed(_l("De onderzoekstermijn ligt in het verleden."), field="due_on")
    motivation = _text(motivation, "motivation", label=_l("Motiveer het besluit."))
    record(
        "signal.investigation_due",
        signal,
        actor=actor,
        old={"investigation_due_on": signal.investigation_due_on},
        new={"investigation_due_on": due_on},
    )
    signal.investigation_due_on = due_on
    _transition(signal, INVESTIGATING, actor=actor, at=at, note=motivation)
    return signal


@operation
def hand_over(
    signal: Signal,
    *,
    actor,
    other_party: str,
    follow_up_on: date,
    motivation: str,
    at: datetime | None = None,
) -> Signal:
    """Hand the investigation over to another party (inspectorate, fraud team, ...)."""
    _require_handler(actor, signal, OTHER_PARTY)
    at = _moment(at)
    other_party = _text(
        other_party,
        "other_party",
        max_len=200,
        label=_l("Vul de partij in die het onderzoek overneemt."),
    )
    _require_date(follow_up_on, "follow_up_on", _l("Vul de datum van de opvolging in."))
    if follow_up_on < _day(at):
        raise ValidationFailed(_l("De opvolgdatum ligt in het verleden."), field="follow_up_on")
    motivation = _text(motivation, "motivation", label=_l("Motiveer de overdracht."))
    record(
        "signal.handed_over",
        signal,
        actor=actor,
        old={"other_party": signal.other_party, "follow_up_on": signal.follow_up_on},
        new={"other_party": other_party, "follow_up_on": follow_up_on},
    )
    signal.other_party = other_party
    signal.follow_up_on = follow_up_on
    _transition(signal, OTHER_PARTY, actor=actor, at=at, note=f"{other_party}: {motivation}")
    return signal


@operation
def set_follow_up(signal: Signal, *, actor, follow_up_on: date, note: str) -> Signal:
    """Move the next check of a monitored or handed-over signal (audited date change)."""
    _require_handler(actor, signal)
    if signal.state not in (TRIAGED, OTHER_PARTY):
        raise InvalidTransition(
            _l("Alleen een gemonitord of overgedragen signaal heeft een opvolgdatum.")
        )
    _require_date(follow_up_on, "follow_up_on", _l("Vul de datum van de opvolging in."))
    note = _text(note, "note", label=_l("Licht de nieuwe opvolgdatum toe."))
    record(
        "signal.follow_up",
        signal,
        actor=actor,
        old={"follow_up_on": signal.follow_up_on},
        new={"follow_up_on": follow_up_on},
        note=note,
    )
    signal.follow_up_on = follow_up_on
    return signal


@operation
def add_note(
    signal: Signal, *, actor, text: str, kind: str = "note", at: datetime | None = None
) -> SignalNote:
    """Append a note or finding to the investigation log (never edited afterwards)."""
    _require_handler(actor, signal)
    if signal.state == MERGED:
        raise InvalidTransition(_l("Een samengevoegd signaal krijgt geen aantekeningen meer."))
    if kind not in NOTE_KINDS:
        raise ValidationFailed(_l("Kies aantekening of bevinding."), field="kind")
    text = _text(text, "text", label=_l("Schrijf de aantekening."))
    note = SignalNote(
        signal=signal, kind=kind, text=text, author_id=actor.id, created_at=_moment(at)
    )
    db.session.add(note)
    db.session.flush()
    record("signal.note_added", signal, actor=actor, new={"note_id": note.id, "kind": kind})
    return note


# -- measures ------------------------------------------------------------------------------


@operation
def impose_measure(
    signal: Signal,
    *,
    actor,
    kind: str,
    description: str,
    due_on: date,
    follow_up_on: date | None = None,
    amount=None,
    at: datetime | None = None,
) -> Measure:
    """Impose a measure on the provider; the signal moves to 'measures'."""
    _require_handler(actor, signal)
    if signal.state != MEASURES:
        SIGNAL_MACHINE.check(signal.state, MEASURES)
    at = _moment(at)
    today = _day(at)
    if kind not in MEASURE_KINDS:
        raise ValidationFailed(_l("Kies een soort maatregel."), field="kind")
    description = _text(description, "description", label=_l("Beschrijf de maatregel."))
    _require_date(due_on, "due_on", _l("Vul de termijn van de maatregel in."))
    if due_on < today:
        raise ValidationFailed(
            _l("De termijn van de maatregel ligt in het verleden."), field="due_on"
        )
    if follow_up_on is not None and follow_up_on < today:
        raise ValidationFailed(_l("De controledatum ligt in het verleden."), field="follow_up_on")
    money = None
    if kind == "financial_correction":
        try:
            money = to_money(str(amount)) if amount not in (None, "") else None
        except (InvalidOperation, TypeError, ValueError):
            money = None
        if money is None or money <= Decimal("0"):
            raise ValidationFailed(
                _l("Vul het bedrag van de financiële correctie in."), field="amount"
            )
    elif amount not in (None, ""):
        raise ValidationFailed(
            _l("Alleen een financiële correctie heeft een bedrag."), field="amount"
        )
    measure = Measure(
        signal=signal,
        region_id=signal.region_id,
        provider_id=signal.provider_id,
        kind=kind,
        description=description,
        amount=money,
        imposed_on=today,
        due_on=due_on,
        follow_up_on=follow_up_on or due_on,
        created_by_id=actor.id,
    )
    record_new(
        measure,
        "measure.imposed",
        actor=actor,
        new={
            "signal": signal.reference,
            "kind": kind,
            "due_on": due_on,
            "amount": money,
            "follow_up_on": measure.follow_up_on,
        },
    )
    if signal.state != MEASURES:
        _transition(signal, MEASURES, actor=actor, at=at, note=_PLAIN_MEASURES[kind])
    return measure


def _open_measure(measure: Measure, actor) -> None:
    _require_handler(actor, measure.signal)
    if measure.status != MEASURE_OPEN:
        raise InvalidTransition(_l("Deze maatregel is al afgerond of vervallen."))


@operation
def complete_measure(
    measure: Measure, *, actor, result: str, at: datetime | None = None
) -> Measure:
    """The follow-up check found the measure carried out."""
    _open_measure(measure, actor)
    result = _text(result, "result", label=_l("Beschrijf de uitkomst van de controle."))
    MEASURE_MACHINE.apply(measure, "completed", actor)
    measure.result = result
    measure.completed_on = _day(_moment(at))
    record(
        "measure.completed",
        measure,
        actor=actor,
        old={"status": "open"},
        new={"status": "completed", "completed_on": measure.completed_on},
    )
    return measure


@operation
def drop_measure(measure: Measure, *, actor, reason: str) -> Measure:
    """Drop a measure explicitly, with a reason."""
    _open_measure(measure, actor)
    reason = _text(reason, "reason", label=_l("Geef de reden waarom de maatregel vervalt."))
    MEASURE_MACHINE.apply(measure, "dropped", actor)
    measure.drop_reason = reason
    record(
        "measure.dropped",
        measure,
        actor=actor,
        old={"status": "open"},
        new={"status": "dropped"},
        note=reason,
    )
    return measure


# -- closing, merging, reopening ---------------------------------------------------------


@operation
def close(signal: Signal, *, actor, outcome: str, at: datetime | None = None) -> Signal:
    """Close with an outcome; every measure must be completed or explicitly dropped."""
    _require_handler(actor, signal, CLOSED)
    outcome = _text(outcome, "outcome", label=_l("Beschrijf de uitkomst."))
    open_measures = [m for m in signal.measures if m.status == MEASURE_OPEN]
    if open_measures:
        raise Conflict(
            lazy_ngettext(
                "Er staat nog %(num)d maatregel open: rond die af of laat die met een "
                "reden vervallen.",
                "Er staan nog %(num)d maatregelen open: rond ze af of laat ze met een "
                "reden vervallen.",
                len(open_measures),
            )
        )
    at = _moment(at)
    signal.outcome = outcome
    signal.closed_on = _day(at)
    _transition(signal, CLOSED, actor=actor, at=at, note=outcome)
    return signal


@operation
def merge(
    signal: Signal, *, into: Signal, actor, reason: str, at: datetime | None = None
) -> Signal:
    """Merge a duplicate (same provider, same event) into another signal."""
    _require_handler(actor, signal, MERGED)
    if into is None or into.id == signal.id:
        raise ValidationFailed(_l("Kies een ander signaal om mee samen te voegen."), field="into")
    if into.region_id != signal.region_id or into.provider_id != signal.provider_id:
        raise ValidationFailed(
            _l(
                "Alleen signalen over dezelfde aanbieder in dezelfde regio "
                "kunnen worden samengevoegd."
            ),
            field="into",
        )
    if into.state == MERGED:
        raise ValidationFailed(
            _l("Dat signaal is zelf al samengevoegd; kies het signaal waarin het is opgegaan."),
            field="into",
        )
    reason = _text(reason, "reason", label=_l("Geef de reden van het samenvoegen."))
    signal.merged_into_id = into.id
    _transition(signal, MERGED, actor=actor, at=_moment(at), note=f"{into.reference}: {reason}")
    return signal


@operation
def reopen(signal: Signal, *, actor, reason: str, at: datetime | None = None) -> Signal:
    """Reopen a closed signal: back on the work queue with a new triage due date."""
    _require_handler(actor, signal, RECEIVED)
    reason = _text(reason, "reason", label=_l("Geef de reden van het heropenen."))
    at = _moment(at)
    record(
        "signal.reopened",
        signal,
        actor=actor,
        old={
            "outcome": signal.outcome,
            "closed_on": signal.closed_on,
            "triage_decision": signal.triage_decision,
        },
        new={"triage_due_on": triage_due(_day(at))},
        note=reason,
    )
    signal.reopen_count += 1
    signal.closed_on = None
    signal.outcome = None
    signal.triage_decision = None
    signal.triage_motivation = None
    signal.triaged_on = None
    signal.triage_due_on = triage_due(_day(at))
    _transition(signal, RECEIVED, actor=actor, at=at, note=reason)
    return signal


# -- assignment ------------------------------------------------------------------------------


def _check_assignee(assignee: User | None, region_id: int):
    if assignee is None:
        return
    if assignee.role != SUPERVISOR or not assignee.active or assignee.region_id != region_id:
        raise ValidationFailed(
            _l("Wijs toe aan een actieve toezichthouder van de regio."), field="assignee"
        )


@operation
def assign(signal: Signal, *, actor, assignee: User | None) -> Signal:
    """Assign (or re-assign, or with None: release to the team) an open signal."""
    _require_handler(actor, signal)
    if signal.state not in OPEN_STATES:
        raise InvalidTransition(_l("Alleen open signalen kunnen worden toegewezen."))
    _check_assignee(assignee, signal.region_id)
    new_id = assignee.id if assignee else None
    if signal.assigned_to_id != new_id:
        record(
            "signal.assigned",
            signal,
            actor=actor,
            old={"assigned_to_id": signal.assigned_to_id},
            new={"assigned_to_id": new_id},
        )
        signal.assigned_to_id = new_id
    return signal


@operation
def bulk_assign(signal_ids: Iterable[int], *, actor, assignee: User | None) -> int:
    """Assign several signals at once: all of them or, on any refusal, none."""
    _require_worker(actor)
    ids = sorted({int(i) for i in signal_ids})
    if not ids:
        raise ValidationFailed(_l("Selecteer minstens één signaal."), field="signal_ids")
    signals = (
        db.session.execute(policy.visible_signals(select(Signal).where(Signal.id.in_(ids)), actor))
        .scalars()
        .all()
    )
    if len(signals) != len(ids):
        raise ValidationFailed(
            _l("Een of meer geselecteerde signalen bestaan niet of zijn niet zichtbaar."),
            field="signal_ids",
        )
    for signal in signals:
        assign(signal, actor=actor, assignee=assignee)
    return len(signals)


# -- heightened supervision ---------------------------------------------------------------------


def active_heightened(region_id: int, provider_id: int) -> HeightenedSupervision | None:
    return db.session.execute(
        select(HeightenedSupervision).where(
            HeightenedSupervision.region_id == region_id,
            HeightenedSupervision.provider_id == provider_id,
            HeightenedSupervision.ended_on.is_(None),
        )
    ).scalar()


@operation
def start_heightened(
    provider: Provider, *, actor, reason: str, start_on: date, review_on: date
) -> HeightenedSupervision:
    """Put a provider under heightened supervision (verhoogd toezicht) in the region."""
    _require_worker(actor)
    reason = _text(reason, "reason", label=_l("Geef de reden voor verhoogd toezicht."))
    _require_date(start_on, "start_on", _l("Vul de ingangsdatum in."))
    _require_date(review_on, "review_on", _l("Vul de evaluatiedatum in."))
    if review_on <= start_on:
        raise ValidationFailed(_l("De evaluatiedatum ligt na de ingangsdatum."), field="review_on")
    if active_heightened(actor.region_id, provider.id):
        raise Conflict(_l("Deze aanbieder staat al onder verhoogd toezicht."))
    row = HeightenedSupervision(
        region_id=actor.region_id,
        provider_id=provider.id,
        reason=reason,
        start_on=start_on,
        review_on=review_on,
        started_by_id=actor.id,
    )
    return record_new(
        row,
        "provider.heightened_supervision_started",
        actor=actor,
        new={
            "provider_id": provider.id,
            "start_on": start_on,
            "review_on": review_on,
            "reason": reason,
        },
    )


@operation
def end_heightened(
    row: HeightenedSupervision, *, actor, reason: str, ended_on: date
) -> HeightenedSupervision:
    """Take the provider off heightened supervision."""
    _require_worker(actor)
    if actor.region_id != row.region_id:
        raise NotAllowed(_l("Dit toezicht hoort bij een andere regio."))
    if row.ended_on is not None:
        raise InvalidTransition(_l("Het verhoogd toezicht is al beëindigd."))
    reason = _text(reason, "reason", label=_l("Geef de reden voor het beëindigen."))
    _require_date(ended_on, "ended_on", _l("Vul de einddatum in."))
    if ended_on < row.start_on:
        raise ValidationFailed(_l("De einddatum ligt voor de ingangsdatum."), field="ended_on")
    row.ended_on = ended_on
    row.end_reason = reason
    row.ended_by_id = actor.id
    record(
        "provider.heightened_supervision_ended",
        row,
        actor=actor,
        old={"ended_on": None},
        new={"ended_on": ended_on, "reason": reason},
    )
    return row
