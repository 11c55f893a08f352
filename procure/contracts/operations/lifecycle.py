"""Contract life cycle: concept contracts, activation, extension options, ending and
termination."""

from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from procure.audit import record, record_new
from procure.auth.models import User
from procure.contracts.models import (
    ORIGINS,
    TERMINATION_REASONS,
    Contract,
    ExtensionOption,
)
from procure.contracts.operations.common import actor_id_of, add_months, require_text
from procure.contracts.policy import (
    CLOSED,
    CONCEPT,
    CONTRACT_FLOW,
    EXTENSION_OPTION,
    LIVE,
    MANAGERS,
    OPTION_EXERCISED,
    OPTION_OPEN,
)
from procure.core.errors import InvalidTransition, ValidationFailed
from procure.core.operations import operation
from procure.core.references import next_reference as numbered
from procure.extensions import db

VARIANTS = ("effort", "output", "task")


DEFAULT_DECISION_MONTHS = 6


def next_reference(region_code: str, year: int) -> str:
    return numbered(f"{region_code.upper()}-C{year}-", Contract.reference)


@operation
def create_concept_contract(
    *,
    region,
    provider_id: int,
    origin: str,
    variant: str,
    start_date: date,
    end_date: date,
    title: str = "",
    tender_id: int | None = None,
    lot_id: int | None = None,
    task_area_id: int | None = None,
    municipality_id: int | None = None,
    reference: str | None = None,
    actor=None,
    notice_months: int = 3,
    extension_months: list[int] | tuple[int, ...] = (),
    manager_id: int | None = None,
    estimated_value=None,
) -> Contract:
    """Create a contract in status concept (from a lot award, an admission or by hand).
    extension_months: the lengths of the extension options, e.g. (12, 12) for 2 x 1 year;
    each gets a decision deadline 6 months before the end it would extend."""
    if origin not in ORIGINS:
        raise ValidationFailed(_l("Onbekende herkomst van het contract."), field="origin")
    if variant not in VARIANTS:
        raise ValidationFailed(_l("Onbekende uitvoeringsvariant."), field="variant")
    if end_date <= start_date:
        raise ValidationFailed(_l("De einddatum moet na de ingangsdatum liggen."), field="end_date")
    if notice_months < 0:
        raise ValidationFailed(_l("De opzegtermijn kan niet negatief zijn."), field="notice_months")
    contract = Contract(
        reference=reference or next_reference(region.short_code, start_date.year),
        title=title,
        region_id=region.id,
        provider_id=provider_id,
        origin=origin,
        variant=variant,
        start_date=start_date,
        end_date=end_date,
        tender_id=tender_id,
        lot_id=lot_id,
        task_area_id=task_area_id,
        municipality_id=municipality_id,
        status="concept",
        notice_months=notice_months,
        manager_id=manager_id,
        estimated_value=estimated_value,
        contract_value=Decimal("0.00"),
    )
    record_new(
        contract,
        "contract.created",
        actor=actor,
        new={
            "reference": contract.reference,
            "provider_id": provider_id,
            "origin": origin,
            "variant": variant,
            "start_date": start_date,
            "end_date": end_date,
            "tender_id": tender_id,
            "lot_id": lot_id,
            "municipality_id": municipality_id,
        },
    )
    for months in extension_months:
        add_extension_option(contract, months=months, actor=actor)
    return contract


@operation
def add_extension_option(
    contract: Contract, *, months: int, decision_deadline: date | None = None, actor=None
):
    if contract.status in CLOSED:
        raise InvalidTransition(
            _l("Aan een beëindigd contract kunnen geen opties worden toegevoegd.")
        )
    if not months or months <= 0:
        raise ValidationFailed(_l("De lengte van een optie moet positief zijn."), field="months")
    options = list(contract.options)
    projected_end = add_months(
        contract.end_date, sum(o.months for o in options if o.status == OPTION_OPEN)
    )
    deadline = decision_deadline or add_months(projected_end, -DEFAULT_DECISION_MONTHS)
    option = ExtensionOption(
        contract=contract,
        sequence=len(options) + 1,
        months=months,
        decision_deadline=deadline,
        status=OPTION_OPEN,
    )
    return record_new(
        option,
        "contract.option_added",
        actor=actor,
        new={"sequence": option.sequence, "months": months, "decision_deadline": deadline},
        subject=contract,
    )


@operation
def activate_contract(contract: Contract, *, actor=None) -> Contract:
    CONTRACT_FLOW.apply(contract, "active", actor)
    return contract


def _lapse(option: ExtensionOption, today: date, actor, reason="deadline"):
    EXTENSION_OPTION.apply(option, "lapsed", actor)
    option.decided_on = today
    record(
        "contract.option_lapsed",
        option.contract,
        actor=actor,
        old={"sequence": option.sequence, "status": OPTION_OPEN},
        new={"sequence": option.sequence, "status": "lapsed", "reason": reason},
    )


@operation
def lapse_overdue_options(today: date, *, contract_id: int | None = None) -> int:
    """Let open options whose decision deadline has passed lapse (and the later options of
    the same contract with them). For the scheduler; also called lazily on read."""
    stmt = select(ExtensionOption).where(
        ExtensionOption.status == OPTION_OPEN, ExtensionOption.decision_deadline < today
    )
    if contract_id is not None:
        stmt = stmt.where(ExtensionOption.contract_id == contract_id)
    count = 0
    for option in db.session.execute(
        stmt.order_by(ExtensionOption.contract_id, ExtensionOption.sequence)
    ).scalars():
        if option.status != OPTION_OPEN:
            continue
        for later in option.contract.options:
            if later.sequence >= option.sequence and later.status == OPTION_OPEN:
                # the scheduler's doing: no user acts
                reason = "deadline" if later is option else "earlier_lapsed"
                _lapse(later, today, None, reason=reason)
                count += 1
    return count


def _record_end_date(contract: Contract, old_end: date, actor) -> None:
    record(
        "contract.end_date",
        contract,
        actor=actor,
        old={"end_date": old_end},
        new={"end_date": contract.end_date},
    )


def _check_option(option: ExtensionOption, today: date):
    contract = option.contract
    if option.status != OPTION_OPEN:
        raise InvalidTransition(_l("Over deze optie is al besloten of zij is vervallen."))
    if today > option.decision_deadline:
        raise InvalidTransition(
            _l(
                "De beslisdatum van deze optie (%(d)s) is verstreken; de optie is vervallen.",
                d=option.decision_deadline.strftime("%d-%m-%Y"),
            )
        )
    earlier = [o for o in contract.options if o.sequence < option.sequence]
    if any(o.status != OPTION_EXERCISED for o in earlier):
        raise InvalidTransition(_l("Eerst moet over de eerdere optie worden besloten."))
    if contract.status not in LIVE:
        raise InvalidTransition(_l("Alleen een lopend contract kan worden verlengd."))


@operation
def exercise_option(option: ExtensionOption, *, today: date, actor) -> Contract:
    _check_option(option, today)
    contract = option.contract
    CONTRACT_FLOW.check(contract.status, "extended")
    old_end = contract.end_date
    contract.end_date = add_months(old_end, option.months)
    EXTENSION_OPTION.apply(option, "exercised", actor)
    option.decided_on = today
    option.decided_by_id = actor_id_of(actor)
    CONTRACT_FLOW.apply(
        contract, "extended", actor, option=option.sequence, end_date=contract.end_date
    )
    _record_end_date(contract, old_end, actor)
    return contract


@operation
def decline_option(option: ExtensionOption, *, today: date, actor) -> ExtensionOption:
    _check_option(option, today)
    EXTENSION_OPTION.apply(option, "declined", actor)
    option.decided_on = today
    option.decided_by_id = actor_id_of(actor)
    record(
        "contract.option_declined",
        option.contract,
        actor=actor,
        new={"sequence": option.sequence, "status": "declined"},
    )
    for later in option.contract.options:
        if later.sequence > option.sequence and later.status == OPTION_OPEN:
            _lapse(later, today, actor, reason="earlier_declined")
    return option


@operation
def end_contract(contract: Contract, *, today: date, actor=None) -> Contract:
    """Regular end at the end date (no open options left)."""
    if today < contract.end_date:
        raise InvalidTransition(
            _l(
                "Het contract loopt nog tot %(d)s; gebruik opzegging om het eerder te beëindigen.",
                d=contract.end_date.strftime("%d-%m-%Y"),
            )
        )
    lapse_overdue_options(today, contract_id=contract.id)
    if any(o.status == OPTION_OPEN for o in contract.options):
        raise InvalidTransition(_l("Er staat nog een verlengingsoptie open."))
    CONTRACT_FLOW.apply(contract, "ended", actor)
    return contract


@operation
def terminate_contract(
    contract: Contract,
    *,
    reason: str,
    note: str,
    notice_given_on: date,
    effective_on: date,
    actor=None,
) -> Contract:
    """Terminate (opzeggen) with the notice period; bankruptcy ends without notice."""
    if reason not in TERMINATION_REASONS:
        raise ValidationFailed(_l("Kies een reden van opzegging."), field="reason")
    note = require_text(note, "note", _l("Licht de opzegging toe."))
    if contract.status != CONCEPT:
        earliest = add_months(notice_given_on, contract.notice_months)
        if reason != "bankruptcy" and effective_on < earliest:
            raise ValidationFailed(
                _l(
                    "De opzegtermijn is %(n)d maanden: de vroegste einddatum is %(d)s.",
                    n=contract.notice_months,
                    d=earliest.strftime("%d-%m-%Y"),
                ),
                field="effective_on",
            )
    if effective_on > contract.end_date:
        raise ValidationFailed(
            _l("De opzegdatum ligt na de einddatum van het contract."), field="effective_on"
        )
    if effective_on < notice_given_on:
        raise ValidationFailed(
            _l("De einddatum ligt voor de datum van opzegging."), field="effective_on"
        )
    CONTRACT_FLOW.check(contract.status, "terminated")
    old_end = contract.end_date
    contract.termination_reason = reason
    contract.termination_note = note
    contract.notice_given_on = notice_given_on
    contract.end_date = max(effective_on, contract.start_date)
    for option in contract.options:
        if option.status == OPTION_OPEN:
            _lapse(option, notice_given_on, actor, reason="terminated")
    CONTRACT_FLOW.apply(
        contract, "terminated", actor, reason=reason, note=note, notice_given_on=notice_given_on
    )
    _record_end_date(contract, old_end, actor)
    return contract


def _region_manager(region_id: int, user_id: int) -> bool:
    found = db.session.execute(
        select(User.id).where(
            User.id == user_id,
            User.region_id == region_id,
            User.role.in_(MANAGERS),
            User.active.is_(True),
        )
    ).first()
    return found is not None


@operation
def assign_manager(contract: Contract, *, manager_id: int | None, actor=None) -> Contract:
    """Make an active contract manager (or the admin) of the contract's region its
    manager; None leaves the contract without one."""
    if manager_id is not None and not _region_manager(contract.region_id, manager_id):
        raise ValidationFailed(
            _l("Kies een contractmanager van deze regio uit de lijst."), field="manager_id"
        )
    old = contract.manager_id
    contract.manager_id = manager_id
    record(
        "contract.manager",
        contract,
        actor=actor,
        old={"manager_id": old},
        new={"manager_id": manager_id},
    )
    return contract
