"""SAS tender operations: the only place that changes tenders, registrations, bids, scores and
awards. Each checks its preconditions first and writes the audit log; a refused operation
changes nothing (the @operation unit of work rolls back)."""

import itertools
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from procure.audit import record, record_new
from procure.auth.roles import PROCUREMENT, PROVIDER, REGION_STAFF
from procure.core.errors import Conflict, InvalidTransition, NotAllowed, ValidationFailed
from procure.core.operations import operation
from procure.core.references import next_reference as numbered
from procure.core.timeutil import end_of_day, to_local
from procure.core.types import to_money, utcnow
from procure.core.uploads import store_upload
from procure.extensions import db
from procure.tenders import sas
from procure.tenders.models import (
    PROCEDURES,
    RECTIFIABLE_CRITERION_FIELDS,
    RECTIFIABLE_FIELDS,
    RECTIFIABLE_LOT_FIELDS,
    Agreement,
    AwardCriterion,
    Bid,
    ConsultationQuestion,
    Decision,
    DialogueSession,
    Lot,
    LotAward,
    LotRule,
    Objection,
    Registration,
    Score,
    Tender,
    TenderRectification,
)
from procure.tenders.policy import (
    ASSESSMENTS,
    DEADLINES,
    EDITABLE_AFTER_PUBLICATION,
    LOT_AWARD,
    OBJECTION,
    OBJECTION_OPEN,
    OBJECTION_OUTCOMES,
    OFFICERS,
    OPEN_STATES,
    REGISTRATION,
    REJECTED,
    SELECTED,
    SELECTION,
    STANDSTILL,
    UNDECIDED_REGISTRATIONS,
    accepts_bids,
    accepts_registrations,
    deadline_move_refusal,
    deadline_order_refusal,
    is_published,
    machine_for,
    rectification_refusal,
)

VARIANTS = ("task", "effort", "output")


# -- helpers ------------------------------------------------------------------------------

_clock: ContextVar = ContextVar("tender_clock", default=None)


def _now() -> datetime:
    moment = _clock.get()
    return moment if moment is not None else utcnow()


@contextmanager
def clock(moment: datetime):
    """Run operations as if it were `moment` (demo data with a history). Never used by
    views: pages and the API always run on the real clock."""
    token = _clock.set(moment)
    try:
        yield
    finally:
        _clock.reset(token)


def _require_officer(actor, tender: Tender | None = None) -> None:
    if actor is None or actor.role not in OFFICERS:
        raise NotAllowed(_l("Alleen een inkoper van de regio mag de aanbesteding wijzigen."))
    if tender is not None and actor.region_id is not None and actor.region_id != tender.region_id:
        raise NotAllowed(_l("Deze aanbesteding hoort niet bij uw regio."))


def _require_provider(actor, provider_id: int) -> None:
    if actor is None or actor.role != PROVIDER or actor.provider_id != provider_id:
        raise NotAllowed(_l("Alleen de aanbieder zelf kan dit indienen."))


def _require_status(tender: Tender, *statuses: str) -> None:
    if tender.status not in statuses:
        raise InvalidTransition(
            _l("Dit kan niet in de huidige fase (%(status)s).", status=tender.status_label)
        )


def _require_sas(tender: Tender) -> None:
    if not tender.is_sas:
        raise ValidationFailed(_l("Dit hoort bij de SAS-procedure, niet bij het open house."))


def _decide(tender: Tender, phase: str, kind: str, motivation: str, actor) -> Decision:
    motivation = (motivation or "").strip()
    if not motivation:
        raise ValidationFailed(_l("Leg de motivering van het besluit vast."), field="motivation")
    decision = Decision(
        tender_id=tender.id,
        region_id=tender.region_id,
        phase=phase,
        kind=kind,
        motivation=motivation,
        decided_by_id=actor.id if actor else None,
        decided_at=_now(),
    )
    return record_new(
        decision,
        "tender.decision",
        actor=actor,
        new={"phase": phase, "kind": kind, "motivation": motivation},
        subject=tender,
    )


def latest_decision(tender: Tender, phase: str, kinds: tuple[str, ...]) -> Decision | None:
    return db.session.execute(
        select(Decision)
        .where(Decision.tender_id == tender.id, Decision.phase == phase, Decision.kind.in_(kinds))
        .order_by(Decision.id.desc())
        .limit(1)
    ).scalar()


def _require_go(tender: Tender, phase: str) -> None:
    last = latest_decision(tender, phase, ("go", "no_go"))
    if last is None or last.kind != "go":
        raise InvalidTransition(_l("Er is nog geen go-besluit voor deze fase vastgelegd."))


def _deadline_passed(moment: datetime | None) -> bool:
    return moment is not None and _now() >= moment


# The tender clock for the pages: what time it is, and whether a deadline has passed.
now = _now
deadline_passed = _deadline_passed


def _decimal(value, field: str) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValidationFailed(_l("Vul een getal in."), field=field) from None
    if not number.is_finite():  # NaN cannot be compared: a weight of "NaN" was a 500
        raise ValidationFailed(_l("Vul een getal in."), field=field)
    return number


def _flush_unique(message) -> None:
    """Flush; a unique-constraint race (two submissions at once) becomes a Conflict, and
    the operation's unit of work rolls everything back."""
    try:
        db.session.flush()
    except IntegrityError:
        raise Conflict(message) from None


def next_reference(region_code: str, year: int) -> str:
    return numbered(f"{region_code.upper()}-A{year}-", Tender.reference, width=3)


# -- set-up ------------------------------------------------------------------------------

TENDER_FIELDS = [
    "title",
    "procedure",
    "variant",
    "task_area_id",
    "estimated_value",
    "contract_start",
    "duration_months",
    "extension_count",
    "extension_months",
    "max_partners",
    "one_partner_per_lot",
    "without_award_criteria",
    "score_scale_max",
    "registration_deadline",
    "dialogue_end",
    "bid_deadline",
    "standstill_days",
    "description",
    "officer_id",
]


def _validate_fields(values: dict) -> None:
    if "procedure" in values and values["procedure"] not in PROCEDURES[1:]:
        raise ValidationFailed(
            _l("Kies de SAS-procedure met dialoog of de openbare SAS-procedure."), field="procedure"
        )
    if "variant" in values and values["variant"] not in VARIANTS:
        raise ValidationFailed(_l("Kies een uitvoeringsvariant."), field="variant")
    if not (values.get("title") or "").strip() and "title" in values:
        raise ValidationFailed(_l("Vul een titel in."), field="title")
    for name in (
        "duration_months",
        "extension_count",
        "extension_months",
        "standstill_days",
        "score_scale_max",
        "max_partners",
    ):
        value = values.get(name)
        if value is not None and value < 0:
            raise ValidationFailed(_l("Vul een positief getal in."), field=name)
    if values.get("duration_months") == 0:
        raise ValidationFailed(
            _l("De looptijd moet minstens één maand zijn."), field="duration_months"
        )
    if values.get("score_scale_max") == 0:
        raise ValidationFailed(_l("De schaal moet minstens 1 zijn."), field="score_scale_max")
    for name in ("registration_deadline", "dialogue_end", "bid_deadline"):
        value = values.get(name)
        if value is not None and value.tzinfo is None:
            raise ValidationFailed(_l("Een deadline heeft een tijdzone nodig."), field=name)
    if values.get("estimated_value") is not None:
        values["estimated_value"] = to_money(values["estimated_value"])


def _set_task_areas(tender: Tender, ids, actor) -> None:
    from procure.catalogue.models import TaskArea

    wanted = set(ids or [])
    if tender.task_area_id:
        wanted.add(tender.task_area_id)
    areas = list(
        db.session.execute(
            select(TaskArea).where(TaskArea.id.in_(wanted), TaskArea.region_id == tender.region_id)
        ).scalars()
    )
    if len(areas) != len(wanted):
        raise ValidationFailed(_l("Kies taakgebieden van de eigen regio."), field="task_areas")
    old = sorted(a.id for a in tender.task_areas)
    if old != sorted(wanted):
        tender.task_areas = areas
        if tender.task_area_id is None and areas:
            tender.task_area_id = sorted(areas, key=lambda a: a.name)[0].id
        record(
            "tender.task_areas",
            tender,
            actor=actor,
            old={"task_areas": old},
            new={"task_areas": sorted(wanted)},
        )


@operation
def create_tender(
    *,
    region,
    actor,
    title: str,
    procedure: str = "sas_dialogue",
    variant: str = "task",
    reference: str | None = None,
    task_area_ids=None,
    **values,
) -> Tender:
    _require_officer(actor)
    if actor.region_id is not None and actor.region_id != region.id:
        raise NotAllowed(_l("U kunt alleen aanbestedingen van uw eigen regio aanmaken."))
    values.update(title=title, procedure=procedure, variant=variant)
    _validate_fields(values)
    refusal = deadline_order_refusal(values)
    if refusal:
        raise ValidationFailed(refusal[1], field=refusal[0])
    year = (values.get("contract_start") or _now().date()).year
    reference = (reference or "").strip() or next_reference(region.short_code, year)
    if db.session.execute(select(Tender.id).where(Tender.reference == reference)).first():
        raise Conflict(_l("Het kenmerk %(ref)s bestaat al.", ref=reference), field="reference")
    values.setdefault("officer_id", actor.id)
    tender = Tender(
        reference=reference,
        region_id=region.id,
        status="concept",
        **{k: v for k, v in values.items() if k in TENDER_FIELDS},
    )
    record_new(
        tender,
        "tender.created",
        actor=actor,
        new={
            "reference": reference,
            **{k: values.get(k) for k in TENDER_FIELDS if values.get(k) is not None},
        },
    )
    _set_task_areas(tender, task_area_ids, actor)
    return tender


@operation
def update_tender(
    tender: Tender, *, actor, task_area_ids=None, change_reason: str = "", **values
) -> Tender:
    """Edit the set-up. In concept everything; once published the core terms are frozen and
    a deadline only moves later, with a reason that every registered party is sent."""
    _require_officer(actor, tender)
    _require_sas(tender)
    _require_status(tender, *OPEN_STATES)
    _validate_fields(values)
    moved = []
    if is_published(tender):
        changed = {k for k, v in values.items() if getattr(tender, k) != v}
        if changed - set(EDITABLE_AFTER_PUBLICATION):
            raise InvalidTransition(
                _l("Na publicatie kunnen alleen deadlines en de omschrijving nog wijzigen.")
            )
        moved = [name for name in DEADLINES if name in changed]
        for name in moved:
            refusal = deadline_move_refusal(getattr(tender, name), values[name], _now())
            if refusal:
                raise InvalidTransition(refusal, field=name)
        change_reason = (change_reason or "").strip()
        if moved and not change_reason:
            raise ValidationFailed(
                _l("Geef de reden waarom de deadline verschuift; alle aanmelders krijgen die."),
                field="change_reason",
            )
    refusal = deadline_order_refusal(values, tender)
    if refusal:
        raise ValidationFailed(refusal[1], field=refusal[0])
    if values.get("without_award_criteria") and tender.criteria:
        raise ValidationFailed(
            _l("Verwijder eerst de gunningscriteria; zonder gunningscriteria horen er geen."),
            field="without_award_criteria",
        )
    from procure.audit.operations import changes

    old, new = changes(tender, [f for f in TENDER_FIELDS if f != "procedure"], values)
    if new:
        record("tender.updated", tender, actor=actor, old=old, new=new, note=change_reason or None)
    if moved:
        _notify_registrants(tender, moved, change_reason)
    if task_area_ids is not None:
        if is_published(tender) and set(task_area_ids) | {tender.task_area_id} != {
            a.id for a in tender.task_areas
        } | {tender.task_area_id}:
            raise InvalidTransition(
                _l("Na publicatie kunnen alleen deadlines en de omschrijving nog wijzigen.")
            )
        _set_task_areas(tender, task_area_ids, actor)
    return tender


def _notify_registrants(tender: Tender, moved: list[str], reason: str) -> None:
    from procure.reminders.operations import notify_provider_users
    from procure.tenders import format_end_moment

    labels = {
        "registration_deadline": _l("aanmelden"),
        "dialogue_end": _l("einde dialoog"),
        "bid_deadline": _l("inschrijven"),
    }
    lines = [f"{labels[name]}: {format_end_moment(getattr(tender, name))}" for name in moved]
    provider_ids = db.session.execute(
        select(Registration.provider_id).where(Registration.tender_id == tender.id)
    ).scalars()
    notify_provider_users(
        provider_ids,
        title=str(_l("Deadline verschoven: %(ref)s", ref=tender.reference)),
        body="\n".join([*lines, str(_l("Reden: %(reason)s", reason=reason))]),
        url=current_app.url_map.bind("localhost").build("tenders.portal", {"tender_id": tender.id}),
    )


# -- rectificatie: a recorded correction of the published core terms ----------------------


def _as_text(value) -> str | None:
    """A term's value as the JSON text a rectificatie keeps (moments in UTC)."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _rectified_terms(tender: Tender, changes: dict) -> tuple[dict, list[dict]]:
    """The tender's own terms that `changes` really changes: (values, recorded changes)."""
    unknown = set(changes) - set(RECTIFIABLE_FIELDS)
    if unknown:
        raise ValidationFailed(
            _l(
                "Een rectificatie corrigeert alleen de kernvoorwaarden, niet: %(fields)s.",
                fields=", ".join(sorted(unknown)),
            )
        )
    values = {k: v for k, v in changes.items() if v is not None}  # None: unchanged
    if isinstance(values.get("title"), str):
        values["title"] = values["title"].strip()
    _validate_fields(values)
    if values.get("estimated_value") is not None and values["estimated_value"] < 0:
        raise ValidationFailed(_l("Vul een positief bedrag in."), field="estimated_value")
    changed = {k: v for k, v in values.items() if getattr(tender, k) != v}
    if "bid_deadline" in changed:
        refusal = deadline_move_refusal(tender.bid_deadline, changed["bid_deadline"], _now())
        if refusal:
            raise InvalidTransition(refusal, field="bid_deadline")
    refusal = deadline_order_refusal(changed, tender)
    if refusal:
        raise ValidationFailed(refusal[1], field=refusal[0])
    recorded = [
        {"field": name, "old": _as_text(getattr(tender, name)), "new": _as_text(changed[name])}
        for name in RECTIFIABLE_FIELDS
        if name in changed
    ]
    return changed, recorded


def _number(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _rectified_lots(tender: Tender, lots: dict) -> list[tuple[Lot, str, object, dict]]:
    """lot number -> {name, areas, max_partners}: (lot, field, new value, recorded change)."""
    out = []
    for number, fields in lots.items():
        lot = tender.lot(_number(number))
        if lot is None:
            raise ValidationFailed(_l("Onbekend perceel %(n)s.", n=number), field="lots")
        unknown = set(fields) - set(RECTIFIABLE_LOT_FIELDS)
        if unknown:
            raise ValidationFailed(
                _l("Van een perceel kunnen naam, gebieden en maximum wijzigen."), field="lots"
            )
        for name, value in fields.items():
            if name in ("name", "areas"):
                value = (value or "").strip()
            if name == "name" and not value:
                raise ValidationFailed(_l("Vul de naam van het perceel in."), field="lots")
            if name == "max_partners" and value is not None:
                if value < 1:
                    raise ValidationFailed(_l("Vul een positief getal in."), field="lots")
                if tender.without_award_criteria:
                    raise ValidationFailed(
                        _l(
                            "Zonder gunningscriteria wordt iedere partij gecontracteerd die aan "
                            "de eisen voldoet; een maximum aantal partners past daar niet bij."
                        ),
                        field="lots",
                    )
            if getattr(lot, name) != value:
                change = {
                    "field": name,
                    "lot": lot.number,
                    "old": _as_text(getattr(lot, name)),
                    "new": _as_text(value),
                }
                out.append((lot, name, value, change))
    return out


def _rectified_criteria(tender: Tender, criteria: dict) -> list[tuple]:
    """criterion id -> {name, weight}: (criterion, field, new value, recorded change); the
    weights must still add up to 100 % (a tender without award criteria has none)."""
    by_id = {c.id: c for c in tender.criteria}
    out = []
    weights = {c.id: c.weight for c in tender.criteria}
    for criterion_id, fields in criteria.items():
        criterion = by_id.get(_number(criterion_id))
        if criterion is None:
            raise ValidationFailed(_l("Onbekend criterium."), field="criteria")
        if set(fields) - set(RECTIFIABLE_CRITERION_FIELDS):
            raise ValidationFailed(
                _l("Van een criterium kunnen naam en gewicht wijzigen."), field="criteria"
            )
        for name, value in fields.items():
            if name == "name":
                value = (value or "").strip()
                if not value:
                    raise ValidationFailed(
                        _l("Vul de naam van het criterium in."), field="criteria"
                    )
            else:
                value = _decimal(value, "criteria")
                if value <= 0 or value > 100:
                    raise ValidationFailed(
                        _l("Het gewicht moet groter dan 0 en hoogstens 100 procent zijn."),
                        field="criteria",
                    )
                weights[criterion.id] = value
            if getattr(criterion, name) != value:
                change = {
                    "field": name,
                    "criterion": criterion.name,
                    "old": _as_text(getattr(criterion, name)),
                    "new": _as_text(value),
                }
                out.append((criterion, name, value, change))
    if out and not tender.without_award_criteria:
        try:
            sas.check_weights(list(weights.values()))
        except ValidationFailed as exc:
            raise ValidationFailed(exc.message, field="criteria") from None
    return out


@operation
def rectify_tender(tender: Tender, *, actor, changes: dict, reason: str) -> TenderRectification:
    """Publish a rectificatie: correct the core terms of a published tender (title, value,
    term, extension options, contract start, bid deadline, lots' name/areas/maximum,
    criteria's name/weight), numbered, with its reason, in the audit log, and sent to every
    registered party in the app and by e-mail.

    Only after publication and before the bid deadline (policy.rectification_refusal).
    The bid deadline only moves later, so no bid becomes readable earlier. Once bids are
    in, a correction of what they answer (anything but the title) must extend the bid
    deadline in the same rectificatie: every bidder may then replace its bid on the
    corrected terms, and all bids stay sealed until the new deadline.

    `changes`: the tender's fields (absent or None: unchanged), "lots" (lot number ->
    {name, areas, max_partners}) and "criteria" (criterion id -> {name, weight})."""
    _require_officer(actor, tender)
    refusal = rectification_refusal(tender, _now())
    if refusal:
        raise InvalidTransition(refusal)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(
            _l("Geef de reden van de rectificatie; alle aanmelders krijgen die."), field="reason"
        )
    changes = dict(changes or {})
    lots = _rectified_lots(tender, changes.pop("lots", None) or {})
    criteria = _rectified_criteria(tender, changes.pop("criteria", None) or {})
    values, recorded = _rectified_terms(tender, changes)
    recorded += [change for *_rest, change in lots + criteria]
    if not recorded:
        raise ValidationFailed(
            _l("Er is niets gewijzigd; een rectificatie corrigeert ten minste één voorwaarde.")
        )
    bids = db.session.execute(
        select(func.count(Bid.id)).where(Bid.tender_id == tender.id)
    ).scalar_one()
    # What a bid answers: everything but the title (and the deadline itself).
    touches_bids = any(c["field"] not in ("title", "bid_deadline") for c in recorded)
    if bids and touches_bids and "bid_deadline" not in values:
        raise InvalidTransition(
            _l(
                "Er zijn al inschrijvingen ontvangen. Verleng in deze rectificatie ook de "
                "inschrijvingsdeadline, zodat iedere inschrijver haar inschrijving op de "
                "gecorrigeerde voorwaarden kan vervangen."
            ),
            field="bid_deadline",
        )
    for name, value in values.items():
        setattr(tender, name, value)
    for obj, name, value, _change in lots + criteria:
        setattr(obj, name, value)
    number = (
        db.session.execute(
            select(func.max(TenderRectification.number)).where(
                TenderRectification.tender_id == tender.id
            )
        ).scalar()
        or 0
    ) + 1
    rectification = TenderRectification(
        tender_id=tender.id,
        region_id=tender.region_id,
        number=number,
        reason=reason,
        changes=recorded,
        published_by_id=actor.id,
        published_at=_now(),
    )
    db.session.add(rectification)
    _flush_unique(_l("Er is tegelijk een andere rectificatie gepubliceerd; probeer het opnieuw."))
    record(
        "tender.rectified",
        tender,
        actor=actor,
        old={_change_key(c): c["old"] for c in recorded},
        new={"number": number, **{_change_key(c): c["new"] for c in recorded}},
        note=reason,
    )
    _notify_rectification(tender, rectification, bids_to_replace=bool(bids and touches_bids))
    return rectification


def _change_key(change: dict) -> str:
    if "lot" in change:
        return f"lot_{change['lot']}_{change['field']}"
    if "criterion" in change:
        return f"criterion_{change['criterion']}_{change['field']}"
    return change["field"]


_RECTIFICATIONS = (
    select(TenderRectification)
    .where(TenderRectification.tender_id == bindparam("tender_id"))
    .order_by(TenderRectification.number)
)


def rectifications(tender: Tender) -> list[TenderRectification]:
    """The tender's rectificaties, oldest first (public to everyone who sees the tender).
    A concept has none: a rectificatie corrects published terms, and a tender never goes
    back to concept."""
    if not is_published(tender):
        return []
    return list(db.session.execute(_RECTIFICATIONS, {"tender_id": tender.id}).scalars())


def _notify_rectification(tender: Tender, rectification, *, bids_to_replace: bool) -> None:
    """Every active user of every registered provider: a notification (the bell) and an
    e-mail in the outbox, which the reminder sweep sends with its retries."""
    from procure.auth.models import User
    from procure.core.urls import absolute_url
    from procure.reminders.models import EmailDelivery
    from procure.reminders.operations import notify_provider_users
    from procure.reminders.policy import PENDING

    provider_ids = set(
        db.session.execute(
            select(Registration.provider_id).where(Registration.tender_id == tender.id)
        ).scalars()
    )
    if not provider_ids:
        return
    url = current_app.url_map.bind("localhost").build("tenders.portal", {"tender_id": tender.id})
    title = str(_l("Rectificatie %(n)s: %(ref)s", n=rectification.number, ref=tender.reference))
    lines = [rectification.summary, str(_l("Reden: %(reason)s", reason=rectification.reason))]
    if bids_to_replace:
        lines.append(
            str(
                _l(
                    "U kunt uw inschrijving tot de nieuwe deadline vervangen; tot dan blijven "
                    "alle inschrijvingen verzegeld."
                )
            )
        )
    notify_provider_users(provider_ids, title=title, body="\n".join(lines), url=url)
    users = db.session.execute(
        select(User).where(
            User.role == PROVIDER, User.provider_id.in_(provider_ids), User.active.is_(True)
        )
    ).scalars()
    now = _now()
    for user in users:
        body = "\n".join(
            [
                str(_l("Beste %(name)s,", name=user.name)),
                "",
                str(
                    _l(
                        "%(region)s heeft een rectificatie gepubliceerd bij de aanbesteding "
                        "“%(title)s” (%(ref)s), waarvoor u zich heeft aangemeld:",
                        region=tender.region.name,
                        title=tender.title,
                        ref=tender.reference,
                    )
                ),
                "",
                *lines,
                "",
                str(_l("Bekijken: %(url)s", url=absolute_url(url))),
            ]
        )
        db.session.add(
            EmailDelivery(
                user_id=user.id,
                region_id=tender.region_id,
                kind="immediate",
                to_address=user.email,
                subject=title[:300],
                body=body,
                status=PENDING,
                attempts=0,
                next_attempt_at=now,
                created_at=now,
            )
        )


@operation
def add_lot(
    tender: Tender,
    *,
    actor,
    number: int,
    name: str,
    areas: str = "",
    max_partners: int | None = None,
) -> Lot:
    _require_officer(actor, tender)
    _require_status(tender, "concept")
    if not (name or "").strip():
        raise ValidationFailed(_l("Vul de naam van het perceel in."), field="name")
    if number is None or number < 1:
        raise ValidationFailed(_l("Het perceelnummer moet 1 of hoger zijn."), field="number")
    if tender.lot(number) is not None:
        raise Conflict(_l("Perceel %(n)s bestaat al.", n=number), field="number")
    lot = Lot(
        tender_id=tender.id,
        number=number,
        name=name.strip(),
        areas=areas.strip(),
        max_partners=max_partners,
    )
    db.session.add(lot)
    tender.lots.append(lot)
    db.session.flush()
    record(
        "tender.lot_added",
        tender,
        actor=actor,
        new={"lot": number, "name": lot.name, "areas": lot.areas, "max_partners": max_partners},
    )
    return lot


@operation
def add_criterion(
    tender: Tender, *, actor, name: str, weight, is_price: bool = False
) -> AwardCriterion:
    _require_officer(actor, tender)
    _require_status(tender, "concept")
    if tender.without_award_criteria:
        raise ValidationFailed(
            _l("Deze aanbesteding wordt gegund zonder gunningscriteria."), field="name"
        )
    weight = _decimal(weight, "weight")
    if weight <= 0 or weight > 100:
        raise ValidationFailed(_l("Het gewicht moet liggen tussen 0 en 100 %."), field="weight")
    if not (name or "").strip():
        raise ValidationFailed(_l("Vul de naam van het criterium in."), field="name")
    if is_price and tender.has_price:
        raise Conflict(_l("Er is al een prijscriterium."), field="is_price")
    if is_price and tender.variant == "task":
        raise ValidationFailed(
            _l("Een taakgerichte opdracht (lumpsum) heeft geen prijs als gunningscriterium."),
            field="is_price",
        )
    if tender.weights_total + weight > 100:
        raise ValidationFailed(
            _l("De gewichten zouden samen meer dan 100 % worden."), field="weight"
        )
    criterion = AwardCriterion(
        tender_id=tender.id,
        name=name.strip(),
        weight=weight,
        is_price=is_price,
        position=len(tender.criteria) + 1,
    )
    tender.criteria.append(criterion)
    db.session.flush()
    record(
        "tender.criterion_added",
        tender,
        actor=actor,
        new={"name": criterion.name, "weight": weight, "is_price": is_price},
    )
    return criterion


@operation
def remove_criterion(criterion: AwardCriterion, *, actor) -> None:
    tender = criterion.tender
    _require_officer(actor, tender)
    _require_status(tender, "concept")
    record(
        "tender.criterion_removed",
        tender,
        actor=actor,
        old={"name": criterion.name, "weight": criterion.weight},
    )
    tender.criteria.remove(criterion)
    db.session.delete(criterion)


@operation
def add_lot_rule(tender: Tender, *, actor, lot_numbers: list[int]) -> LotRule:
    """ "These lots must be awarded to different parties"."""
    _require_officer(actor, tender)
    _require_status(tender, "concept")
    numbers = sorted(set(lot_numbers))
    lots = [tender.lot(n) for n in numbers]
    if len(numbers) < 2 or any(lot is None for lot in lots):
        raise ValidationFailed(_l("Kies ten minste twee bestaande percelen."), field="lots")
    rule = LotRule(tender_id=tender.id, kind="different_parties", lots=lots)
    tender.lot_rules.append(rule)
    db.session.flush()
    record(
        "tender.lot_rule_added",
        tender,
        actor=actor,
        new={"kind": "different_parties", "lots": numbers},
    )
    return rule


# -- phases ------------------------------------------------------------------------------


def _criteria_less_problems(tender: Tender) -> list:
    """Without award criteria every qualifying party is contracted (seed 004, 4.1): rules
    that limit the number of winners contradict that."""
    problems = []
    if tender.criteria:
        problems.append(_l("Zonder gunningscriteria horen er geen gunningscriteria bij."))
    limits = [tender.max_partners, *(lot.max_partners for lot in tender.lots)]
    if tender.lot_rules or tender.one_partner_per_lot or any(limits):
        problems.append(
            _l(
                "Zonder gunningscriteria wordt iedere partij gecontracteerd die aan de eisen "
                "voldoet; een maximum aantal partners of perceelregels passen daar niet bij."
            )
        )
    return problems


@operation
def publish(tender: Tender, *, actor) -> Tender:
    _require_officer(actor, tender)
    _require_sas(tender)
    machine_for(tender).check(tender.status, "published")
    problems = []
    if not tender.lots:
        problems.append(_l("Voeg ten minste één perceel toe."))
    if tender.without_award_criteria:
        problems.extend(_criteria_less_problems(tender))
    else:
        try:
            sas.check_weights([c.weight for c in tender.criteria])
        except ValidationFailed as exc:
            problems.append(exc.message)
    if tender.contract_start is None:
        problems.append(_l("Vul de ingangsdatum van de overeenkomst in."))
    deadlines = [tender.registration_deadline, tender.bid_deadline]
    if tender.has_dialogue:
        deadlines.insert(1, tender.dialogue_end)
    if any(d is None for d in deadlines):
        problems.append(_l("Vul alle fasedeadlines in."))
    elif any(a >= b for a, b in itertools.pairwise(deadlines)):
        problems.append(
            _l("De deadlines moeten in volgorde liggen: aanmelding, einde dialoog, inschrijving.")
        )
    elif deadlines[0] <= _now():
        problems.append(_l("De aanmeldingsdeadline ligt in het verleden."))
    if problems:
        raise ValidationFailed(problems[0], errors=[str(p) for p in problems[1:]])
    tender.published_at = _now()
    machine_for(tender).apply(tender, "published", actor)
    return tender


@operation
def register(
    tender: Tender,
    *,
    actor,
    lot_ids: list[int],
    document=None,
    no_exclusion_grounds: bool = False,
    suitability_answer: str = "",
) -> Registration:
    """A provider's aanmelding for one or more lots, before the registration deadline."""
    _require_provider(actor, actor.provider_id if actor else -1)
    _require_sas(tender)
    if not accepts_registrations(tender) or _deadline_passed(tender.registration_deadline):
        raise InvalidTransition(_l("De aanmeldingstermijn is verstreken; aanmelden kan niet meer."))
    existing = db.session.execute(
        select(Registration.id).where(
            Registration.tender_id == tender.id, Registration.provider_id == actor.provider_id
        )
    ).first()
    if existing:
        raise Conflict(_l("U heeft zich al aangemeld voor deze aanbesteding."))
    lots = [lot for lot in tender.lots if lot.id in set(lot_ids or [])]
    if not lots or len(lots) != len(set(lot_ids)):
        raise ValidationFailed(_l("Kies ten minste één perceel."), field="lots")
    if not no_exclusion_grounds:
        raise ValidationFailed(
            _l("Verklaar dat er geen uitsluitingsgronden op u van toepassing zijn."),
            field="no_exclusion_grounds",
        )
    if not (suitability_answer or "").strip():
        raise ValidationFailed(_l("Beantwoord de geschiktheidseisen."), field="suitability_answer")
    stored = store_upload(document, allowed=("pdf",), uploaded_by=actor, field="document")
    registration = Registration(
        tender_id=tender.id,
        region_id=tender.region_id,
        provider_id=actor.provider_id,
        submitted_at=_now(),
        submitted_by_id=actor.id,
        document=stored,
        lots=lots,
        no_exclusion_grounds=True,
        suitability_answer=suitability_answer.strip(),
    )
    db.session.add(registration)
    _flush_unique(_l("U heeft zich al aangemeld voor deze aanbesteding."))
    record(
        "tender.registered",
        registration,
        actor=actor,
        new={"tender": tender.reference, "lots": [lot.number for lot in lots]},
    )
    return registration


@operation
def start_selection(tender: Tender, *, actor) -> Tender:
    _require_officer(actor, tender)
    machine_for(tender).check(tender.status, "selection")
    if not _deadline_passed(tender.registration_deadline):
        raise InvalidTransition(
            _l("De aanmeldingstermijn loopt nog; de selectiefase begint na de deadline.")
        )
    machine_for(tender).apply(tender, "selection", actor)
    return tender


@operation
def assess_registration(
    registration: Registration, *, actor, status: str, reason: str = ""
) -> Registration:
    tender = registration.tender
    _require_officer(actor, tender)
    _require_status(tender, "selection")
    if latest_decision(tender, "selection", ("selection",)):
        raise InvalidTransition(_l("De definitieve selectie is al vastgelegd."))
    if status not in ASSESSMENTS:
        raise ValidationFailed(_l("Kies een beoordeling."), field="status")
    reason = (reason or "").strip()
    if status == REJECTED and not reason:
        raise ValidationFailed(_l("Geef de reden van afwijzing."), field="reason")
    old = {"status": registration.status, "reason": registration.assessment_reason}
    REGISTRATION.apply(registration, status, actor)
    registration.assessment_reason = reason or None
    registration.assessed_by_id = actor.id
    registration.assessed_at = _now()
    record(
        "tender.registration_assessed",
        registration,
        actor=actor,
        old=old,
        new={"status": status, "reason": reason or None},
    )
    return registration


def registrations(tender: Tender) -> list[Registration]:
    return list(
        db.session.execute(
            select(Registration)
            .where(Registration.tender_id == tender.id)
            .options(
                selectinload(Registration.lots),
                selectinload(Registration.provider),
                selectinload(Registration.document),
            )
            .order_by(Registration.submitted_at, Registration.id)
        ).scalars()
    )


@operation
def decide_selection(tender: Tender, *, actor, motivation: str) -> Decision:
    """The definitive selection: every registration selected or rejected."""
    _require_officer(actor, tender)
    _require_status(tender, "selection")
    if latest_decision(tender, "selection", ("selection",)):
        raise InvalidTransition(_l("De definitieve selectie is al vastgelegd."))
    rows = registrations(tender)
    if any(r.status in UNDECIDED_REGISTRATIONS for r in rows):
        raise InvalidTransition(
            _l("Niet elke aanmelding is beoordeeld als geselecteerd of afgewezen.")
        )
    selected = [r for r in rows if r.status == SELECTED]
    if not selected:
        raise InvalidTransition(_l("Er is geen enkele partij geselecteerd."))
    if tender.max_partners and len(selected) > tender.max_partners * 3:
        pass  # a dialogue with more parties than contract partners is normal
    return _decide(tender, "selection", "selection", motivation, actor)


@operation
def record_go(tender: Tender, *, actor, go: bool, motivation: str) -> Decision:
    """The go/no-go moment at the end of the selection or dialogue phase."""
    _require_officer(actor, tender)
    _require_status(tender, "selection", "dialogue")
    if tender.status == SELECTION and not latest_decision(tender, "selection", ("selection",)):
        raise InvalidTransition(_l("Leg eerst de definitieve selectie vast."))
    return _decide(tender, tender.status, "go" if go else "no_go", motivation, actor)


@operation
def start_dialogue(tender: Tender, *, actor) -> Tender:
    _require_officer(actor, tender)
    if not tender.has_dialogue:
        raise InvalidTransition(_l("Deze procedure heeft geen dialoogfase."))
    machine_for(tender).check(tender.status, "dialogue")
    if not latest_decision(tender, "selection", ("selection",)):
        raise InvalidTransition(_l("Leg eerst de definitieve selectie vast."))
    _require_go(tender, "selection")
    machine_for(tender).apply(tender, "dialogue", actor)
    return tender


@operation
def add_session(
    tender: Tender,
    *,
    actor,
    held_on: date,
    topic: str,
    participants: str,
    lot_ids: list[int],
    minutes=None,
) -> DialogueSession:
    _require_officer(actor, tender)
    _require_status(tender, "dialogue")
    lots = [lot for lot in tender.lots if lot.id in set(lot_ids or [])]
    if not lots:
        raise ValidationFailed(_l("Kies ten minste één perceel."), field="lots")
    if not (participants or "").strip():
        raise ValidationFailed(_l("Vul de deelnemers in."), field="participants")
    stored = None
    if minutes is not None and getattr(minutes, "filename", ""):
        stored = store_upload(minutes, allowed=("pdf",), uploaded_by=actor, field="minutes")
    session = DialogueSession(
        tender_id=tender.id,
        held_on=held_on,
        topic=(topic or "").strip(),
        participants=participants.strip(),
        lots=lots,
        minutes=stored,
        created_by_id=actor.id,
    )
    tender.sessions.append(session)
    db.session.flush()
    record(
        "tender.session_added",
        tender,
        actor=actor,
        new={
            "held_on": held_on,
            "topic": session.topic,
            "lots": [x.number for x in lots],
            "participants": session.participants,
        },
    )
    return session


@operation
def add_agreement(tender: Tender, *, actor, text: str) -> Agreement:
    _require_officer(actor, tender)
    _require_status(tender, "dialogue")
    if tender.agreements_frozen_at:
        raise InvalidTransition(_l("De set met afspraken is definitief."))
    if not (text or "").strip():
        raise ValidationFailed(_l("Vul de afspraak in."), field="text")
    agreement = Agreement(
        tender_id=tender.id,
        text=text.strip(),
        position=len(tender.agreements) + 1,
        created_by_id=actor.id,
        created_at=_now(),
    )
    tender.agreements.append(agreement)
    db.session.flush()
    record(
        "tender.agreement_added",
        tender,
        actor=actor,
        new={"position": agreement.position, "text": agreement.text},
    )
    return agreement


@operation
def start_award(tender: Tender, *, actor) -> Tender:
    """Close the dialogue (freezing the agreement set) or, for sas_open, the selection."""
    _require_officer(actor, tender)
    if tender.status == STANDSTILL:
        raise InvalidTransition(_l("Gebruik 'gunningsbeslissing herzien'."))
    if tender.status == SELECTION and tender.has_dialogue:
        raise InvalidTransition(_l("Deze procedure gaat eerst door de dialoogfase."))
    machine_for(tender).check(tender.status, "award")
    if tender.status == SELECTION:
        if not latest_decision(tender, "selection", ("selection",)):
            raise InvalidTransition(_l("Leg eerst de definitieve selectie vast."))
        _require_go(tender, "selection")
    else:
        _require_go(tender, "dialogue")
        if not tender.agreements:
            raise InvalidTransition(_l("Leg ten minste één afspraak vast voor de inschrijving."))
        tender.agreements_frozen_at = _now()
    if _deadline_passed(tender.bid_deadline):
        raise InvalidTransition(
            _l("De inschrijvingsdeadline is al verstreken; verplaats die eerst.")
        )
    machine_for(tender).apply(
        tender, "award", actor, agreements=[a.text for a in tender.agreements] or None
    )
    return tender


# -- bids (sealed) -----------------------------------------------------------------------


def selected_lot_ids(tender: Tender, provider_id: int) -> set[int]:
    registration = db.session.execute(
        select(Registration)
        .where(
            Registration.tender_id == tender.id,
            Registration.provider_id == provider_id,
            Registration.status == SELECTED,
        )
        .options(selectinload(Registration.lots))
    ).scalar()
    return {lot.id for lot in registration.lots} if registration else set()


@operation
def submit_bid(
    tender: Tender, *, actor, lot_id: int, plan=None, price=None, accepts_agreements: bool = False
) -> Bid:
    """Submit or replace a bid on one lot, before the bid deadline."""
    _require_provider(actor, actor.provider_id if actor else -1)
    if not accepts_bids(tender) or _deadline_passed(tender.bid_deadline):
        raise InvalidTransition(
            _l("De inschrijvingstermijn is verstreken of nog niet geopend; inschrijven kan niet.")
        )
    if lot_id not in selected_lot_ids(tender, actor.provider_id):
        raise NotAllowed(
            _l("Alleen partijen die voor dit perceel zijn geselecteerd kunnen inschrijven.")
        )
    if tender.agreements and not accepts_agreements:
        raise ValidationFailed(
            _l("Aanvaard de definitieve set met afspraken."), field="accepts_agreements"
        )
    if tender.has_price:
        if price in (None, ""):
            raise ValidationFailed(_l("Vul uw prijs in."), field="price")
        price = to_money(_decimal(price, "price"))
        if price <= 0:
            raise ValidationFailed(_l("De prijs moet groter dan 0 zijn."), field="price")
    else:
        price = None
    stored = store_upload(plan, allowed=("pdf",), uploaded_by=actor, field="plan")
    bid = db.session.execute(
        select(Bid).where(Bid.lot_id == lot_id, Bid.provider_id == actor.provider_id)
    ).scalar()
    if bid is None:
        bid = Bid(
            tender_id=tender.id,
            region_id=tender.region_id,
            lot_id=lot_id,
            provider_id=actor.provider_id,
            plan=stored,
            price=price,
            accepts_agreements=bool(accepts_agreements),
            submitted_at=_now(),
            sealed_until=tender.bid_deadline,
        )
        db.session.add(bid)
        _flush_unique(
            _l(
                "Er is tegelijk al een inschrijving op dit perceel ontvangen; "
                "vervang die desgewenst."
            )
        )
        record("tender.bid_submitted", bid, actor=actor, new={"lot_id": lot_id, "version": 1})
    else:
        bid.plan = stored
        bid.price = price
        bid.accepts_agreements = bool(accepts_agreements)
        bid.submitted_at = _now()
        bid.sealed_until = max(bid.sealed_until, tender.bid_deadline)
        bid.version += 1
        # The audit log notes the replacement, never the sealed content.
        record(
            "tender.bid_replaced", bid, actor=actor, new={"lot_id": lot_id, "version": bid.version}
        )
    return bid


def bids_are_open(tender: Tender) -> bool:
    return _deadline_passed(tender.bid_deadline) and tender.status not in (
        "concept",
        "published",
        "selection",
        "dialogue",
    )


# Who reads bids once they are opened (SPEC section 2): the tender's procurement officers,
# who also assess them. Not contract managers or supervisors, and not administrators (they
# get counts, not content).
BID_READERS = (PROCUREMENT,)


def can_read_bids(user, tender: Tender) -> bool:
    """Whether `user` may read the bids of `tender` once they are open."""
    return (
        user is not None
        and user.is_authenticated
        and user.role in BID_READERS
        and user.region_id == tender.region_id
    )


def open_bid(bid: Bid, user) -> Bid:
    """The ONE way to read a bid's content (plan, price). Before the bid deadline only the
    bidding provider itself may; after it, the tender's procurement officers."""
    if user is None or not user.is_authenticated:
        raise NotAllowed(_l("Geen toegang."))
    if user.role == PROVIDER:
        if user.provider_id != bid.provider_id:
            raise NotAllowed(_l("Dit is niet uw inschrijving."))
        return bid
    if user.role not in REGION_STAFF:
        raise NotAllowed(_l("Alleen medewerkers van de regio kunnen inschrijvingen openen."))
    if user.role not in BID_READERS:
        raise NotAllowed(_l("Alleen de inkopers van de aanbesteding lezen de inschrijvingen."))
    if user.region_id is not None and user.region_id != bid.region_id:
        raise NotAllowed(_l("Geen toegang."))
    if not bids_are_open(bid.tender) or not _deadline_passed(bid.sealed_until):
        raise NotAllowed(_l("Inschrijvingen zijn verzegeld tot de inschrijvingsdeadline."))
    return bid


def tender_bids(tender: Tender) -> list[Bid]:
    """Bid rows for the award work page (content only through open_bid)."""
    return list(
        db.session.execute(
            select(Bid)
            .where(Bid.tender_id == tender.id)
            .options(selectinload(Bid.scores), selectinload(Bid.provider), selectinload(Bid.lot))
            .order_by(Bid.lot_id, Bid.id)
        ).scalars()
    )


@operation
def score_bid(bid: Bid, *, actor, criterion_id: int, score, note: str = "") -> Score:
    tender = bid.tender
    _require_officer(actor, tender)
    _require_status(tender, "award")
    open_bid(bid, actor)
    criterion = next((c for c in tender.criteria if c.id == criterion_id), None)
    if criterion is None:
        raise ValidationFailed(_l("Onbekend criterium."), field="criterion")
    if criterion.is_price:
        raise ValidationFailed(
            _l("De prijsscore wordt berekend uit de prijzen."), field="criterion"
        )
    value = sas.check_score(score, tender.score_scale_max)
    row = next((s for s in bid.scores if s.criterion_id == criterion_id), None)
    old = {"score": row.score} if row else None
    if row is None:
        row = Score(
            bid=bid,
            criterion_id=criterion_id,
            score=value,
            note=note or "",
            assessor_id=actor.id,
            scored_at=_now(),
        )
        db.session.add(row)
    else:
        row.score, row.note, row.assessor_id, row.scored_at = value, note or "", actor.id, _now()
    db.session.flush()
    record(
        "tender.bid_scored",
        bid,
        actor=actor,
        old=old,
        new={"criterion": criterion.name, "score": value},
    )
    return row


@operation
def score_bid_criteria(bid: Bid, *, actor, scores: dict[int, tuple[str, str]]) -> list[Score]:
    """Score several criteria of one bid as one operation: criterion id -> (score, note).
    A refused criterion saves none of them."""
    return [
        score_bid(bid, actor=actor, criterion_id=criterion_id, score=value, note=note)
        for criterion_id, (value, note) in scores.items()
    ]


def lot_results(tender: Tender) -> dict:
    """Per lot: ranked entries (weighted totals), plus whether every bid is fully scored."""
    bids = tender_bids(tender)
    weights = {c.id: c.weight for c in tender.criteria}
    price_criteria = [c.id for c in tender.criteria if c.is_price]
    quality = [c.id for c in tender.criteria if not c.is_price]
    results = {}
    complete = True
    for lot in tender.lots:
        lot_bids = [b for b in bids if b.lot_id == lot.id]
        lowest = min((b.price for b in lot_bids if b.price), default=None)
        entries = []
        for bid in lot_bids:
            scores = {s.criterion_id: s.score for s in bid.scores}
            if any(c not in scores for c in quality):
                complete = False
                continue
            for c in price_criteria:
                scores[c] = sas.price_score(bid.price, lowest, tender.score_scale_max)
            entries.append(
                sas.Ranked(
                    bid.id,
                    bid.provider_id,
                    sas.weighted_total(scores, weights, tender.score_scale_max),
                    scores=scores,
                )
            )
        results[lot.id] = sas.rank(entries)
    return {"lots": results, "complete": complete and bool(bids), "bids": bids}


def party_map(provider_ids) -> dict[int, int]:
    """Provider id -> party id: a consortium and all its members are one party, also over
    several consortia sharing a member (union-find over the membership table)."""
    from procure.organisations.models import ConsortiumMember

    ids = set(provider_ids)
    parent = {i: i for i in ids}

    def root(i):
        while parent.setdefault(i, i) != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    if ids:
        rows = db.session.execute(
            select(ConsortiumMember.consortium_id, ConsortiumMember.member_id)
        ).all()
        for consortium, member in rows:
            a, b = root(consortium), root(member)
            if a != b:
                parent[max(a, b)] = min(a, b)
    return {i: root(i) for i in ids}


def conflict_message(tender: Tender, conflicts: list[sas.GroupConflict]) -> str:
    """Why a distribution breaks a "different parties" rule, naming the consortium tie."""
    from procure.organisations.models import ConsortiumMember, Provider

    c = conflicts[0]
    lots = {lot.id: lot for lot in tender.lots}
    names = {
        p.id: p.name
        for p in db.session.execute(
            select(Provider).where(Provider.id.in_([c.provider_id, c.other_provider_id]))
        ).scalars()
    }
    numbers = {"a": lots[c.lot_id].number, "b": lots[c.other_lot_id].number}
    if c.provider_id == c.other_provider_id:
        return str(
            _l(
                "Perceel %(a)s en %(b)s moeten aan verschillende partijen worden gegund; "
                "%(name)s zou beide winnen.",
                name=names[c.provider_id],
                **numbers,
            )
        )
    direct = db.session.execute(
        select(ConsortiumMember.consortium_id).where(
            ConsortiumMember.consortium_id.in_([c.provider_id, c.other_provider_id]),
            ConsortiumMember.member_id.in_([c.provider_id, c.other_provider_id]),
        )
    ).scalar()
    if direct is not None:
        consortium = direct
        member = c.other_provider_id if direct == c.provider_id else c.provider_id
        why = _l(
            "%(member)s is lid van de combinatie %(consortium)s",
            member=names[member],
            consortium=names[consortium],
        )
    else:
        why = _l(
            "%(a)s en %(b)s horen via een combinatie bij dezelfde partij",
            a=names[c.provider_id],
            b=names[c.other_provider_id],
        )
    return str(
        _l(
            "Perceel %(a)s en %(b)s moeten aan verschillende partijen worden gegund: %(why)s, "
            "en een combinatie en haar leden gelden als dezelfde partij.",
            why=why,
            **numbers,
        )
    )


def _rule_groups(tender: Tender) -> list[set[int]]:
    return [{lot.id for lot in rule.lots} for rule in tender.lot_rules]


def award_options(tender: Tender, results: dict | None = None) -> list[sas.AwardOption]:
    results = results or lot_results(tender)
    if tender.without_award_criteria:
        # No ranking: every selected party with a bid on a lot wins that lot.
        return [
            sas.AwardOption(
                {
                    lot_id: tuple(sorted(e.provider_id for e in entries))
                    for lot_id, entries in results["lots"].items()
                }
            )
        ]
    groups = _rule_groups(tender)
    bidders = {e.provider_id for entries in results["lots"].values() for e in entries}
    options = sas.legal_options(results["lots"], groups, lot_capacity(tender), party_map(bidders))
    if tender.max_partners:
        options = [
            o
            for o in options
            if len({p for provs in o.winners.values() for p in provs}) <= tender.max_partners
        ]
    return options


def lot_capacity(tender: Tender) -> dict[int, int]:
    """How many parties each lot is awarded to: one with the rule "one partner per lot",
    else the lot's maximum (default one)."""
    return {
        lot.id: 1 if tender.one_partner_per_lot else (lot.max_partners or 1) for lot in tender.lots
    }


@operation
def record_provisional_award(
    tender: Tender, *, actor, winners: dict, motivation: str
) -> list[LotAward]:
    """winners: lot id -> provider id, a tuple of provider ids, or None (not awarded)."""
    """The provisional award decision; starts the standstill period."""
    _require_officer(actor, tender)
    machine_for(tender).check(tender.status, "standstill")
    if not bids_are_open(tender):
        raise InvalidTransition(_l("De inschrijvingsdeadline is nog niet verstreken."))
    results = lot_results(tender)
    if not results["complete"]:
        raise InvalidTransition(_l("Nog niet elke inschrijving is op elk criterium beoordeeld."))
    options = award_options(tender, results)
    chosen = sas.AwardOption(
        {lot.id: sas.normalise_winners(winners.get(lot.id)) for lot in tender.lots}
    )
    if chosen.key() not in {o.key() for o in options}:
        chosen_ids = {p for provs in chosen.winners.values() for p in provs}
        conflicts = sas.group_conflicts(chosen.winners, _rule_groups(tender), party_map(chosen_ids))
        if conflicts:
            raise ValidationFailed(conflict_message(tender, conflicts), field="winners")
        raise ValidationFailed(
            _l(
                "Deze verdeling voldoet niet aan de perceelregels of de "
                "rangorde; kies een van de toegestane opties."
            ),
            field="winners",
        )
    decision = _decide(tender, "award", "provisional_award", motivation, actor)
    awards = []
    for lot in tender.lots:
        for provider_id in chosen.winners[lot.id]:
            entry = next(e for e in results["lots"][lot.id] if e.provider_id == provider_id)
            award = LotAward(
                tender_id=tender.id,
                region_id=tender.region_id,
                lot_id=lot.id,
                provider_id=provider_id,
                bid_id=entry.bid_id,
                total=entry.total,
                rank=entry.rank,
                status="provisional",
                decided_at=decision.decided_at,
            )
            db.session.add(award)
            awards.append(award)
    day = to_local(decision.decided_at).date()
    tender.provisional_award_at = decision.decided_at
    tender.standstill_ends_at = end_of_day(sas.add_days(day, tender.standstill_days))
    machine_for(tender).apply(
        tender,
        "standstill",
        actor,
        winners={str(k): list(v) for k, v in chosen.winners.items()},
        standstill_ends_at=tender.standstill_ends_at,
    )
    return awards


@operation
def record_objection(
    tender: Tender, *, actor, provider_id: int, description: str, lot_id: int | None = None
) -> Objection:
    _require_officer(actor, tender)
    _require_status(tender, "standstill")
    bidders = set(
        db.session.execute(select(Bid.provider_id).where(Bid.tender_id == tender.id)).scalars()
    )
    if not isinstance(provider_id, int) or provider_id not in bidders:
        # Only a party that bid objects to the award (a missing or foreign id is no 500).
        raise ValidationFailed(_l("Kies de inschrijver die bezwaar maakt."), field="provider_id")
    if lot_id is not None and lot_id not in {lot.id for lot in tender.lots}:
        raise ValidationFailed(_l("Kies een perceel van deze aanbesteding."), field="lot_id")
    if not (description or "").strip():
        raise ValidationFailed(_l("Omschrijf het bezwaar."), field="description")
    objection = Objection(
        tender_id=tender.id,
        region_id=tender.region_id,
        provider_id=provider_id,
        lot_id=lot_id,
        description=description.strip(),
        received_at=_now(),
    )
    return record_new(
        objection,
        "tender.objection_recorded",
        actor=actor,
        new={"provider_id": provider_id, "lot_id": lot_id},
    )


@operation
def resolve_objection(objection: Objection, *, actor, status: str, resolution: str) -> Objection:
    tender = db.session.get(Tender, objection.tender_id)
    _require_officer(actor, tender)
    if not objection.is_open:
        raise InvalidTransition(_l("Dit bezwaar is al afgehandeld."))
    if status not in OBJECTION_OUTCOMES:
        raise ValidationFailed(_l("Kies een afhandeling."), field="status")
    if not (resolution or "").strip():
        raise ValidationFailed(_l("Motiveer de afhandeling."), field="resolution")
    OBJECTION.apply(objection, status, actor)
    objection.resolution = resolution.strip()
    objection.resolved_at, objection.resolved_by_id = _now(), actor.id
    record(
        "tender.objection_resolved",
        objection,
        actor=actor,
        old={"status": OBJECTION_OPEN},
        new={"status": status, "resolution": objection.resolution},
    )
    return objection


def open_objections(tender: Tender) -> int:
    return db.session.execute(
        select(func.count(Objection.id)).where(
            Objection.tender_id == tender.id, Objection.status == OBJECTION_OPEN
        )
    ).scalar_one()


@operation
def revise_award(tender: Tender, *, actor, motivation: str) -> Tender:
    """Withdraw the provisional decision (e.g. an upheld objection): back to the award phase."""
    _require_officer(actor, tender)
    machine_for(tender).check(tender.status, "award")
    _require_status(tender, "standstill")
    _decide(tender, "award", "revise_award", motivation, actor)
    for award in db.session.execute(
        select(LotAward).where(LotAward.tender_id == tender.id)
    ).scalars():
        db.session.delete(award)
    tender.standstill_ends_at = None
    tender.provisional_award_at = None
    machine_for(tender).apply(tender, "award", actor)
    return tender


@operation
def finalize_award(tender: Tender, *, actor, motivation: str = "") -> list[LotAward]:
    """After the standstill without open objection: definitive award per lot and a concept
    contract per winner."""
    from procure.contracts.operations import create_concept_contract

    _require_officer(actor, tender)
    machine_for(tender).check(tender.status, "awarded")
    if not _deadline_passed(tender.standstill_ends_at):
        from procure.tenders import format_end_moment

        raise InvalidTransition(
            _l(
                "De standstilltermijn loopt nog tot %(end)s.",
                end=format_end_moment(tender.standstill_ends_at),
            )
        )
    if open_objections(tender):
        raise InvalidTransition(_l("Er staat nog een bezwaar open; de gunning is opgeschort."))
    _decide(
        tender,
        "award",
        "definitive_award",
        motivation or "Standstilltermijn verstreken zonder open bezwaar.",
        actor,
    )
    awards = list(
        db.session.execute(
            select(LotAward).where(LotAward.tender_id == tender.id).order_by(LotAward.lot_id)
        ).scalars()
    )
    start = tender.contract_start
    end = tender.contract_end
    for award in awards:
        lot = db.session.get(Lot, award.lot_id)
        contract = create_concept_contract(
            region=tender.region,
            provider_id=award.provider_id,
            origin="lot_award",
            variant=tender.variant,
            start_date=start,
            end_date=end,
            title=f"{tender.title} - perceel {lot.number} {lot.name}",
            tender_id=tender.id,
            lot_id=lot.id,
            task_area_id=tender.task_area_id,
            extension_months=tender.extension_terms,
            actor=actor,
        )
        LOT_AWARD.apply(award, "definitive", actor)
        award.contract_id = contract.id
    tender.awarded_at = _now()
    machine_for(tender).apply(tender, "awarded", actor, contracts=[a.contract_id for a in awards])
    return awards


@operation
def mark_contracted(tender: Tender, *, actor) -> Tender:
    from procure.contracts.models import Contract
    from procure.contracts.policy import CONCEPT as CONTRACT_CONCEPT

    _require_officer(actor, tender)
    machine_for(tender).check(tender.status, "contracted")
    concept = db.session.execute(
        select(func.count(Contract.id)).where(
            Contract.tender_id == tender.id, Contract.status == CONTRACT_CONCEPT
        )
    ).scalar_one()
    if concept:
        raise InvalidTransition(_l("Nog niet elke overeenkomst is getekend en actief."))
    machine_for(tender).apply(tender, "contracted", actor)
    return tender


@operation
def cancel(tender: Tender, *, actor, reason: str) -> Tender:
    _require_officer(actor, tender)
    machine_for(tender).check(tender.status, "cancelled")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_l("Geef de reden van intrekking."), field="reason")
    phase = tender.status
    _decide(tender, phase, "cancel", reason, actor)
    tender.cancel_reason = reason
    tender.status_before_cancel = phase
    machine_for(tender).apply(tender, "cancelled", actor, reason=reason)
    return tender


# -- market consultation (sas_open) ------------------------------------------------------


@operation
def ask_question(tender: Tender, *, actor, question: str) -> ConsultationQuestion:
    _require_provider(actor, actor.provider_id if actor else -1)
    _require_status(tender, "published")
    if tender.procedure != "sas_open":
        raise ValidationFailed(_l("Marktconsultatie hoort bij de openbare SAS-procedure."))
    if _deadline_passed(tender.registration_deadline):
        raise InvalidTransition(_l("De termijn voor vragen is verstreken."))
    if not (question or "").strip():
        raise ValidationFailed(_l("Vul uw vraag in."), field="question")
    number = (
        db.session.execute(
            select(func.count(ConsultationQuestion.id)).where(
                ConsultationQuestion.tender_id == tender.id
            )
        ).scalar_one()
        + 1
    )
    row = ConsultationQuestion(
        tender_id=tender.id,
        number=number,
        provider_id=actor.provider_id,
        question=question.strip(),
        asked_at=_now(),
    )
    return record_new(
        row, "tender.question_asked", actor=actor, new={"number": number}, subject=tender
    )


@operation
def answer_question(row: ConsultationQuestion, *, actor, answer: str) -> ConsultationQuestion:
    tender = db.session.get(Tender, row.tender_id)
    _require_officer(actor, tender)
    if not (answer or "").strip():
        raise ValidationFailed(_l("Vul het antwoord in."), field="answer")
    old = {"answer": row.answer}
    row.answer, row.answered_at, row.answered_by_id = answer.strip(), _now(), actor.id
    record(
        "tender.question_answered",
        tender,
        actor=actor,
        old=old,
        new={"number": row.number, "answer": row.answer},
    )
    return row
