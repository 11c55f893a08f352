"""Contract operations: the only place that changes contracts. Owned by the contracts
issue; create_concept_contract() is the INTERFACE the tender and open-house issues call.

Arithmetic is exact: every amount is a Decimal rounded half up to the cent (to_money)."""

from datetime import date
from decimal import Decimal, InvalidOperation

from dateutil.relativedelta import relativedelta
from flask import has_request_context
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import func, select

from procure.audit import record
from procure.auth.roles import MUNICIPALITY
from procure.contracts.models import (
    ASSESSMENT_KINDS,
    ASSESSMENT_OUTCOMES,
    CUSTOM_REASONS,
    MANAGEMENT_LEVELS,
    ORIGINS,
    TERMINATION_REASONS,
    BudgetDecision,
    Contract,
    ContractedProduct,
    ContractPrice,
    ContractYear,
    ExtensionOption,
    FinancialAssessment,
    ManagementMeeting,
    MeetingAction,
    Payment,
    ProviderManagement,
    Realisation,
    ReserveDrawdown,
    cents,
    euros,
)
from procure.core.csvfiles import ErrorList, read_rows
from procure.core.errors import Conflict, InvalidTransition, NotAllowed, ValidationFailed
from procure.core.operations import operation
from procure.core.references import next_reference as numbered
from procure.core.states import StateMachine
from procure.core.types import to_money
from procure.extensions import db

VARIANTS = ("effort", "output", "task")
DEFAULT_DECISION_MONTHS = 6

CONTRACT_FLOW = StateMachine(
    _l("contract"),
    {
        "concept": {"active", "terminated"},
        "active": {"extended", "ended", "terminated"},
        "extended": {"extended", "ended", "terminated"},
    },
    {
        "concept": _l("concept"),
        "active": _l("actief"),
        "extended": _l("verlengd"),
        "ended": _l("beëindigd"),
        "terminated": _l("opgezegd"),
    },
)
LIVE = ("active", "extended")


# -- arithmetic ---------------------------------------------------------------------------


def _dec(value, field: str, message) -> Decimal:
    if isinstance(value, float):
        raise TypeError("Geen floats voor bedragen.")
    try:
        result = (
            Decimal(str(value).strip().replace(",", "."))
            if isinstance(value, str)
            else Decimal(value)
        )
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationFailed(message, field=field) from None
    if not result.is_finite():
        raise ValidationFailed(message, field=field)
    return result


def lumpsum_value(budget, indexation_pct=0, efficiency_pct=0) -> tuple[Decimal, Decimal, Decimal]:
    """(indexed, discount, value): indexed = budget x (1 + idx/100), discount = indexed x
    eff/100, value = indexed - discount; each rounded half up to the cent."""
    budget = to_money(budget)
    indexed = to_money(budget * (1 + Decimal(indexation_pct) / 100))
    discount = to_money(indexed * Decimal(efficiency_pct) / 100)
    return indexed, discount, indexed - discount


def monthly_schedule(amount, months: int = 12) -> list[Decimal]:
    """Equal monthly advances rounded down to the cent; the last absorbs the rest, so the
    schedule sums exactly to `amount`."""
    amount = to_money(amount)
    cents = int(amount * 100)
    sign = -1 if cents < 0 else 1
    base = (abs(cents) // months) * sign
    parts = [Decimal(base) / 100] * (months - 1)
    parts.append(Decimal(cents - base * (months - 1)) / 100)
    return [to_money(p) for p in parts]


def level_for(realised: Decimal, value: Decimal, contract: Contract) -> str:
    """ok / warn / alert against the contract's thresholds, on the exact amounts."""
    if not value:
        return "none"
    if realised * 100 >= value * contract.alert_pct:
        return "alert"
    if realised * 100 >= value * contract.warn_pct:
        return "warn"
    return "ok"


def utilisation(contract: Contract) -> list[dict]:
    """Per contract year: value (ceiling or lumpsum), realised, percentage and level."""
    rows = []
    for y in contract.years:
        pct = None if contract.is_lumpsum else y.utilisation_pct
        level = "none" if contract.is_lumpsum else level_for(y.realised, y.value, contract)
        rows.append(
            {"year": y.year, "value": y.value, "realised": y.realised, "pct": pct, "level": level}
        )
    return rows


# -- helpers --------------------------------------------------------------------------------


def _actor(actor=None):
    if actor is not None:
        return actor
    if has_request_context() and current_user and current_user.is_authenticated:
        return current_user
    return None


def _actor_id(actor=None):
    a = _actor(actor)
    return a.id if a is not None else None


def _add_months(day: date, months: int) -> date:
    return day + relativedelta(months=months)


def _require_text(value, field, message) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationFailed(message, field=field)
    return value


def next_reference(region_code: str, year: int) -> str:
    return numbered(f"{region_code.upper()}-C{year}-", Contract.reference)


# -- life cycle -----------------------------------------------------------------------------


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
    db.session.add(contract)
    db.session.flush()
    record(
        "contract.created",
        contract,
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
    if contract.status not in ("concept", "active", "extended"):
        raise InvalidTransition(
            _l("Aan een beëindigd contract kunnen geen opties worden toegevoegd.")
        )
    if not months or months <= 0:
        raise ValidationFailed(_l("De lengte van een optie moet positief zijn."), field="months")
    options = list(contract.options)
    projected_end = _add_months(
        contract.end_date, sum(o.months for o in options if o.status == "open")
    )
    deadline = decision_deadline or _add_months(projected_end, -DEFAULT_DECISION_MONTHS)
    option = ExtensionOption(
        contract=contract,
        sequence=len(options) + 1,
        months=months,
        decision_deadline=deadline,
        status="open",
    )
    db.session.add(option)
    db.session.flush()
    record(
        "contract.option_added",
        contract,
        actor=actor,
        new={"sequence": option.sequence, "months": months, "decision_deadline": deadline},
    )
    return option


def _transition(contract: Contract, target: str, actor=None, **extra):
    CONTRACT_FLOW.check(contract.status, target)
    old = contract.status
    contract.status = target
    record(
        f"contract.{target}",
        contract,
        actor=actor,
        old={"status": old},
        new={"status": target, **extra},
    )


@operation
def activate_contract(contract: Contract, *, actor=None) -> Contract:
    _transition(contract, "active", actor)
    return contract


def _lapse(option: ExtensionOption, today: date, actor=None, reason="deadline"):
    option.status = "lapsed"
    option.decided_on = today
    record(
        "contract.option_lapsed",
        option.contract,
        actor=actor,
        old={"sequence": option.sequence, "status": "open"},
        new={"sequence": option.sequence, "status": "lapsed", "reason": reason},
    )


@operation
def lapse_overdue_options(today: date, *, contract_id: int | None = None) -> int:
    """Let open options whose decision deadline has passed lapse (and the later options of
    the same contract with them). For the scheduler; also called lazily on read."""
    stmt = select(ExtensionOption).where(
        ExtensionOption.status == "open", ExtensionOption.decision_deadline < today
    )
    if contract_id is not None:
        stmt = stmt.where(ExtensionOption.contract_id == contract_id)
    count = 0
    for option in db.session.execute(
        stmt.order_by(ExtensionOption.contract_id, ExtensionOption.sequence)
    ).scalars():
        if option.status != "open":
            continue
        for later in option.contract.options:
            if later.sequence >= option.sequence and later.status == "open":
                _lapse(later, today, reason="deadline" if later is option else "earlier_lapsed")
                count += 1
    return count


def _check_option(option: ExtensionOption, today: date):
    contract = option.contract
    if option.status != "open":
        raise InvalidTransition(_l("Over deze optie is al besloten of zij is vervallen."))
    if today > option.decision_deadline:
        raise InvalidTransition(
            _l(
                "De beslisdatum van deze optie (%(d)s) is verstreken; de optie is vervallen.",
                d=option.decision_deadline.strftime("%d-%m-%Y"),
            )
        )
    earlier = [o for o in contract.options if o.sequence < option.sequence]
    if any(o.status != "exercised" for o in earlier):
        raise InvalidTransition(_l("Eerst moet over de eerdere optie worden besloten."))
    if contract.status not in LIVE:
        raise InvalidTransition(_l("Alleen een lopend contract kan worden verlengd."))


@operation
def exercise_option(option: ExtensionOption, *, today: date, actor=None) -> Contract:
    _check_option(option, today)
    contract = option.contract
    CONTRACT_FLOW.check(contract.status, "extended")
    old_end = contract.end_date
    contract.end_date = _add_months(old_end, option.months)
    option.status = "exercised"
    option.decided_on = today
    option.decided_by_id = _actor_id(actor)
    _transition(contract, "extended", actor, option=option.sequence, end_date=contract.end_date)
    record(
        "contract.end_date",
        contract,
        actor=actor,
        old={"end_date": old_end},
        new={"end_date": contract.end_date},
    )
    return contract


@operation
def decline_option(option: ExtensionOption, *, today: date, actor=None) -> ExtensionOption:
    _check_option(option, today)
    option.status = "declined"
    option.decided_on = today
    option.decided_by_id = _actor_id(actor)
    record(
        "contract.option_declined",
        option.contract,
        actor=actor,
        new={"sequence": option.sequence, "status": "declined"},
    )
    for later in option.contract.options:
        if later.sequence > option.sequence and later.status == "open":
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
    if any(o.status == "open" for o in contract.options):
        raise InvalidTransition(_l("Er staat nog een verlengingsoptie open."))
    _transition(contract, "ended", actor)
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
    note = _require_text(note, "note", _l("Licht de opzegging toe."))
    if contract.status != "concept":
        earliest = _add_months(notice_given_on, contract.notice_months)
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
        if option.status == "open":
            _lapse(option, notice_given_on, actor, reason="terminated")
    _transition(
        contract, "terminated", actor, reason=reason, note=note, notice_given_on=notice_given_on
    )
    record(
        "contract.end_date",
        contract,
        actor=actor,
        old={"end_date": old_end},
        new={"end_date": contract.end_date},
    )
    return contract


@operation
def set_thresholds(contract: Contract, *, warn_pct: int, alert_pct: int, actor=None) -> Contract:
    """The utilisation thresholds of the yearly ceiling (defaults 80 and 100 %)."""
    if not (1 <= warn_pct < alert_pct <= 200):
        raise ValidationFailed(
            _l("De signaalgrens moet lager zijn dan de alarmgrens (1-200 %)."), field="warn_pct"
        )
    old = {"warn_pct": contract.warn_pct, "alert_pct": contract.alert_pct}
    contract.warn_pct, contract.alert_pct = warn_pct, alert_pct
    record(
        "contract.thresholds",
        contract,
        actor=actor,
        old=old,
        new={"warn_pct": warn_pct, "alert_pct": alert_pct},
    )
    return contract


@operation
def assign_manager(contract: Contract, *, manager_id: int | None, actor=None) -> Contract:
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


# -- budgets ---------------------------------------------------------------------------------


def _refresh_contract_value(contract: Contract):
    db.session.flush()
    total = db.session.execute(
        select(func.sum(cents(ContractYear.value))).where(ContractYear.contract_id == contract.id)
    ).scalar()
    contract.contract_value = (
        euros(total) if not contract.is_custom else (contract.custom_total or Decimal("0.00"))
    )


def _contract_years(contract: Contract) -> range:
    return range(contract.start_date.year, contract.end_date.year + 1)


@operation
def set_year_budget(
    contract: Contract,
    *,
    year: int,
    budget,
    indexation_pct=0,
    efficiency_pct=0,
    reserve=0,
    decided_on: date | None = None,
    reason: str = "",
    decision_reference: str = "",
    guaranteed_pct=None,
    clients_min: int | None = None,
    clients_max: int | None = None,
    actor=None,
) -> ContractYear:
    """Set a year's lumpsum budget (task) or budget ceiling (effort/output). Changing an
    existing amount is a decision: it needs a reason and is recorded."""
    if contract.status in ("ended", "terminated"):
        raise InvalidTransition(_l("Een beëindigd contract krijgt geen nieuw budget."))
    if year not in _contract_years(contract):
        raise ValidationFailed(
            _l("Het jaar %(y)d valt buiten de looptijd van het contract.", y=year), field="year"
        )
    budget = to_money(_dec(budget, "budget", _l("Vul een geldig bedrag in.")))
    idx = _dec(indexation_pct or 0, "indexation_pct", _l("Vul een geldig percentage in."))
    eff = _dec(efficiency_pct or 0, "efficiency_pct", _l("Vul een geldig percentage in."))
    reserve = to_money(_dec(reserve or 0, "reserve", _l("Vul een geldig bedrag in.")))
    if budget < 0 or reserve < 0:
        raise ValidationFailed(_l("Bedragen kunnen niet negatief zijn."), field="budget")
    if not contract.is_lumpsum and (idx or eff or reserve):
        raise ValidationFailed(
            _l(
                "Indexatie, efficiencykorting en ventiel horen bij een "
                "taakgericht (lumpsum) contract."
            ),
            field="indexation_pct",
        )
    if not (Decimal(-20) <= idx <= Decimal(50)):
        raise ValidationFailed(
            _l("Indexatie moet tussen -20 en 50 procent liggen."), field="indexation_pct"
        )
    if not (Decimal(0) <= eff < Decimal(100)):
        raise ValidationFailed(
            _l("Efficiencykorting moet tussen 0 en 100 procent liggen."), field="efficiency_pct"
        )
    if not contract.is_lumpsum and (
        guaranteed_pct is not None or clients_min is not None or clients_max is not None
    ):
        raise ValidationFailed(
            _l(
                "Een gegarandeerd deel en een bandbreedte van cliënten "
                "horen bij een lumpsumcontract."
            ),
            field="guaranteed_pct",
        )
    if guaranteed_pct is not None:
        guaranteed_pct = _dec(guaranteed_pct, "guaranteed_pct", _l("Vul een geldig percentage in."))
        if not (Decimal(0) < guaranteed_pct <= Decimal(100)):
            raise ValidationFailed(
                _l("Het gegarandeerde deel ligt tussen 0 en 100 procent."), field="guaranteed_pct"
            )
    if (clients_min is not None and clients_min < 0) or (
        clients_min is not None and clients_max is not None and clients_max < clients_min
    ):
        raise ValidationFailed(
            _l("De bandbreedte van cliënten is ongeldig (minimum ≤ maximum)."), field="clients_min"
        )
    row = contract.year(year)
    value = lumpsum_value(budget, idx, eff)[2] if contract.is_lumpsum else budget
    if row is not None and reserve < row.reserve_drawn:
        raise ValidationFailed(
            _l("Het ventiel kan niet lager zijn dan wat er al uit is onttrokken."), field="reserve"
        )
    if row is not None and row.value != value:
        reason = _require_text(
            reason,
            "reason",
            _l("Een wijziging van het budget of plafond vraagt een besluit met motivering."),
        )
    old = None
    if row is None:
        row = ContractYear(
            contract=contract, year=year, realised=Decimal("0.00"), reserve_drawn=Decimal("0.00")
        )
        db.session.add(row)
    else:
        old = {
            "budget": row.budget,
            "indexation_pct": row.indexation_pct,
            "efficiency_pct": row.efficiency_pct,
            "reserve": row.reserve,
            "value": row.value,
            "guaranteed_pct": row.guaranteed_pct,
            "clients_min": row.clients_min,
            "clients_max": row.clients_max,
        }
    old_value = row.value if old else None
    row.budget, row.indexation_pct, row.efficiency_pct = budget, idx, eff
    row.reserve, row.value = reserve, value
    row.guaranteed_pct, row.clients_min, row.clients_max = guaranteed_pct, clients_min, clients_max
    db.session.flush()
    if old is None or old_value != value:
        db.session.add(
            BudgetDecision(
                contract_year_id=row.id,
                old_amount=old_value,
                new_amount=value,
                decided_on=decided_on or date.today(),
                reason=reason or "Vastgesteld",
                reference=decision_reference,
                decided_by_id=_actor_id(actor),
            )
        )
    record(
        "contract.budget",
        contract,
        actor=actor,
        old=old,
        new={
            "year": year,
            "budget": budget,
            "indexation_pct": idx,
            "efficiency_pct": eff,
            "reserve": reserve,
            "value": value,
            "reason": reason,
            "guaranteed_pct": guaranteed_pct,
            "clients_min": clients_min,
            "clients_max": clients_max,
        },
    )
    if contract.is_lumpsum:
        _reschedule(contract, year, value)
    _refresh_contract_value(contract)
    return row


def _reschedule(contract: Contract, year: int, value: Decimal):
    """Twelve monthly advances; months already paid stay, the rest is spread anew."""
    payments = {
        p.month: p
        for p in db.session.execute(
            select(Payment).where(Payment.contract_id == contract.id, Payment.year == year)
        ).scalars()
    }
    paid = [p for p in payments.values() if p.paid_on is not None]
    open_months = [m for m in range(1, 13) if not (m in payments and payments[m].paid_on)]
    if not open_months:
        return
    remaining = value - sum((p.amount_due for p in paid), Decimal("0.00"))
    for month, amount in zip(
        open_months, monthly_schedule(remaining, len(open_months)), strict=True
    ):
        if month in payments:
            payments[month].amount_due = amount
        else:
            db.session.add(
                Payment(contract_id=contract.id, year=year, month=month, amount_due=amount)
            )


@operation
def register_payment(
    payment: Payment, *, paid_on: date, amount=None, reference: str = "", actor=None
) -> Payment:
    if payment.paid_on is not None:
        raise Conflict(_l("Deze termijn is al als betaald geregistreerd."))
    amount = (
        payment.amount_due
        if amount in (None, "")
        else to_money(_dec(amount, "amount", _l("Vul een geldig bedrag in.")))
    )
    if amount <= 0:
        raise ValidationFailed(_l("Het bedrag moet positief zijn."), field="amount")
    payment.paid_on, payment.amount_paid = paid_on, amount
    payment.payment_reference = reference or None
    contract = db.session.get(Contract, payment.contract_id)
    record(
        "contract.payment",
        contract,
        actor=actor,
        new={
            "year": payment.year,
            "month": payment.month,
            "amount": amount,
            "paid_on": paid_on,
            "reference": reference,
        },
    )
    return payment


@operation
def draw_reserve(
    contract: Contract, *, year: int, amount, motivation: str, drawn_on: date, actor=None
) -> ReserveDrawdown:
    if not contract.is_lumpsum:
        raise ValidationFailed(_l("Alleen een lumpsumcontract heeft een ventiel."))
    row = contract.year(year)
    if row is None or not row.reserve:
        raise ValidationFailed(_l("Voor %(y)d is geen ventiel vastgesteld.", y=year), field="year")
    amount = to_money(_dec(amount, "amount", _l("Vul een geldig bedrag in.")))
    if amount <= 0:
        raise ValidationFailed(_l("Het bedrag moet positief zijn."), field="amount")
    motivation = _require_text(
        motivation, "motivation", _l("Een onttrekking aan het ventiel moet worden gemotiveerd.")
    )
    if len(motivation) < 10:
        raise ValidationFailed(
            _l("Geef een inhoudelijke motivering (minstens 10 tekens)."), field="motivation"
        )
    if amount > row.reserve_left:
        raise ValidationFailed(
            _l("Het ventiel heeft nog %(left)s beschikbaar.", left=f"€ {row.reserve_left}"),
            field="amount",
        )
    draw = ReserveDrawdown(
        contract_year_id=row.id,
        amount=amount,
        drawn_on=drawn_on,
        motivation=motivation,
        created_by_id=_actor_id(actor),
    )
    db.session.add(draw)
    old = row.reserve_drawn
    row.reserve_drawn = old + amount
    record(
        "contract.reserve_drawn",
        contract,
        actor=actor,
        old={"reserve_drawn": old},
        new={
            "year": year,
            "amount": amount,
            "reserve_drawn": row.reserve_drawn,
            "motivation": motivation,
        },
    )
    return draw


# -- effort / output: products, prices, realisation ---------------------------------------


@operation
def add_contract_product(
    contract: Contract, *, product_id: int, prices: dict | None = None, actor=None
) -> ContractedProduct:
    """Contract a product version; unit prices per year default to the catalogue tariffs."""
    from procure.catalogue.models import Product, Tariff

    if contract.is_lumpsum:
        raise ValidationFailed(
            _l("Een taakgericht contract kent geen producten met eenheidsprijzen."),
            field="product_id",
        )
    product = db.session.get(Product, product_id)
    if product is None or product.region_id != contract.region_id:
        raise ValidationFailed(_l("Onbekend product."), field="product_id")
    if any(cp.product_id == product_id for cp in contract.products):
        raise Conflict(_l("Dit product is al gecontracteerd."))
    cp = ContractedProduct(contract=contract, product_id=product_id)
    db.session.add(cp)
    if prices is None:
        tariffs = db.session.execute(
            select(Tariff).where(Tariff.product_id == product_id)
        ).scalars()
        prices = {t.year: t.price for t in tariffs if t.year in _contract_years(contract)}
    for year, price in sorted(prices.items()):
        cp.prices.append(ContractPrice(year=int(year), price=to_money(price)))
    db.session.flush()
    record(
        "contract.product_added",
        contract,
        actor=actor,
        new={
            "product_id": product_id,
            "code": product.code,
            "prices": {str(k): to_money(v) for k, v in prices.items()},
        },
    )
    return cp


@operation
def set_unit_price(cp: ContractedProduct, *, year: int, price, actor=None) -> ContractPrice:
    price = to_money(_dec(price, "price", _l("Vul een geldige prijs in.")))
    if price < 0:
        raise ValidationFailed(_l("De prijs kan niet negatief zijn."), field="price")
    row = next((p for p in cp.prices if p.year == year), None)
    old = row.price if row else None
    if row is None:
        row = ContractPrice(year=year, price=price)
        cp.prices.append(row)
    row.price = price
    record(
        "contract.unit_price",
        cp.contract,
        actor=actor,
        old={"price": old},
        new={"product_id": cp.product_id, "year": year, "price": price},
    )
    return row


def _parse_period(value) -> date:
    if isinstance(value, date):
        return value.replace(day=1)
    text = str(value or "").strip()
    try:
        year, month = text[:7].split("-")
        return date(int(year), int(month), 1)
    except (ValueError, TypeError):
        raise ValidationFailed(
            _l("Periode '%(p)s' is ongeldig (gebruik JJJJ-MM).", p=text), field="period"
        ) from None


def _find_product(contract: Contract, product) -> ContractedProduct:
    for cp in contract.products:
        if cp.id == product or (isinstance(product, str) and cp.product.code == product.strip()):
            return cp
    raise ValidationFailed(
        _l("Product '%(p)s' is niet gecontracteerd op dit contract.", p=product), field="product"
    )


MAX_UNITS = Decimal(1_000_000)  # units in one month: far above any real realisation


def _prepare_realisation(contract, product, period, units):
    if contract.is_lumpsum:
        raise ValidationFailed(
            _l(
                "Een taakgericht contract kent geen realisatie per "
                "product: er worden geen cliëntgegevens vastgelegd."
            )
        )
    if contract.status not in LIVE:
        raise InvalidTransition(_l("Realisatie kan alleen op een lopend contract."))
    period = _parse_period(period)
    if not (contract.start_date.replace(day=1) <= period <= contract.end_date):
        raise ValidationFailed(
            _l("De periode %(p)s valt buiten de looptijd.", p=period.strftime("%Y-%m")),
            field="period",
        )
    units = _dec(units, "units", _l("Vul een geldig aantal eenheden in."))
    if units >= MAX_UNITS:
        raise ValidationFailed(
            _l("Het aantal eenheden is onwaarschijnlijk hoog (maximaal %(n)s).", n="999.999"),
            field="units",
        )
    if units <= 0 or units != units.quantize(Decimal("0.01")):
        raise ValidationFailed(
            _l("Het aantal eenheden moet positief zijn (hoogstens twee decimalen)."), field="units"
        )
    cp = _find_product(contract, product)
    price = cp.price_for(period.year)
    if price is None:
        raise ValidationFailed(
            _l(
                "Voor %(c)s is geen prijs voor %(y)d afgesproken.", c=cp.product.code, y=period.year
            ),
            field="product",
        )
    year = contract.year(period.year)
    if year is None or not year.value:
        raise ValidationFailed(
            _l("Voor %(y)d is geen budgetplafond vastgesteld.", y=period.year), field="period"
        )
    return cp, period, units, price, to_money(units * price), year


def _book(
    contract,
    cp,
    period,
    units,
    price,
    amount,
    year,
    *,
    override,
    override_reason,
    source,
    idempotency_key,
    actor,
):
    new_total = year.realised + amount
    over = new_total > year.value
    if over and not override:
        raise Conflict(
            _l(
                "Deze realisatie brengt %(y)d boven het budgetplafond (%(total)s van "
                "%(ceiling)s). Alleen met een expliciete, gemotiveerde overschrijding.",
                y=period.year,
                total=f"€ {new_total}",
                ceiling=f"€ {year.value}",
            ),
            field="override",
        )
    if over:
        override_reason = _require_text(
            override_reason, "override_reason", _l("Motiveer de overschrijding van het plafond.")
        )
    rec = Realisation(
        contract_id=contract.id,
        contract_product_id=cp.id,
        period=period,
        units=units,
        unit_price=price,
        amount=amount,
        override=over,
        override_reason=override_reason if over else None,
        source=source,
        idempotency_key=idempotency_key,
        created_by_id=_actor_id(actor),
    )
    db.session.add(rec)
    year.realised = new_total
    if over:
        record(
            "contract.ceiling_override",
            contract,
            actor=actor,
            new={
                "year": period.year,
                "amount": amount,
                "realised": new_total,
                "ceiling": year.value,
                "reason": override_reason,
            },
        )
    return rec


@operation
def record_realisation(
    contract: Contract,
    *,
    product,
    period,
    units,
    override: bool = False,
    override_reason: str | None = None,
    source: str = "ui",
    idempotency_key: str | None = None,
    actor=None,
) -> tuple[Realisation, bool]:
    """Book realised units; returns (record, created). With an idempotency key a retry by
    the same user returns the first record instead of booking it twice."""
    actor = _actor(actor)
    if idempotency_key:
        existing = db.session.execute(
            select(Realisation).where(
                Realisation.created_by_id == _actor_id(actor),
                Realisation.idempotency_key == idempotency_key,
            )
        ).scalar()
        if existing is not None:
            if existing.contract_id != contract.id:
                raise Conflict(
                    _l("Deze idempotentiesleutel is al voor een ander contract gebruikt.")
                )
            return existing, False
    cp, period, units, price, amount, year = _prepare_realisation(contract, product, period, units)
    # Lock the year row so two concurrent bookings cannot both pass the ceiling check.
    db.session.execute(select(ContractYear.id).where(ContractYear.id == year.id).with_for_update())
    db.session.refresh(year)
    rec = _book(
        contract,
        cp,
        period,
        units,
        price,
        amount,
        year,
        override=override,
        override_reason=override_reason,
        source=source,
        idempotency_key=idempotency_key,
        actor=actor,
    )
    db.session.flush()
    record(
        "contract.realisation",
        contract,
        actor=actor,
        new={
            "period": period,
            "product": cp.product.code,
            "units": units,
            "unit_price": price,
            "amount": amount,
            "source": source,
        },
    )
    return rec, True


CSV_COLUMNS = ("periode", "productcode", "eenheden")


@operation
def import_realisation_csv(
    contract: Contract,
    data: bytes | str,
    *,
    override: bool = False,
    override_reason: str | None = None,
    actor=None,
) -> list[Realisation]:
    """Import realisation rows (periode;productcode;eenheden). All or nothing: any error
    refuses the whole file, with the errors listed by line (up to a bound)."""
    errors, prepared = ErrorList(), []
    running = {}
    for row in read_rows(data, CSV_COLUMNS):
        if errors.full:
            break
        if row.problem:
            errors.add(row.line, row.problem)
            continue
        try:
            cp, period, units, price, amount, year = _prepare_realisation(
                contract, row.values["productcode"], row.values["periode"], row.values["eenheden"]
            )
        except ValidationFailed as exc:
            errors.add(row.line, exc.message)
            continue
        running[year.year] = running.get(year.year, year.realised) + amount
        if running[year.year] > year.value and not override:
            errors.add(row.line, _l("brengt %(y)d boven het budgetplafond.", y=year.year))
        prepared.append((cp, period, units, price, amount, year))
    if not prepared and not errors:
        raise ValidationFailed(_l("Het bestand bevat geen regels."), field="file")
    if errors:
        errors.refuse()
    actor = _actor(actor)
    records = [
        _book(
            contract,
            *item,
            override=override,
            override_reason=override_reason,
            source="csv",
            idempotency_key=None,
            actor=actor,
        )
        for item in prepared
    ]
    db.session.flush()
    record(
        "contract.realisation_import",
        contract,
        actor=actor,
        new={"rows": len(records), "amount": sum((r.amount for r in records), Decimal("0.00"))},
    )
    return records


# -- custom contracts --------------------------------------------------------------------------


def _custom_reason(reason, text) -> tuple[str, str | None]:
    if reason not in CUSTOM_REASONS:
        raise ValidationFailed(_l("Kies de reden voor maatwerk."), field="custom_reason")
    text = (text or "").strip()
    if reason == "other" and not text:
        raise ValidationFailed(_l("Licht de reden 'anders' toe."), field="custom_reason_text")
    return reason, text or None


@operation
def create_custom_contract(
    *,
    user,
    provider_id: int,
    maatwerk_code_id: int,
    unit_price,
    units,
    start_date: date,
    end_date: date,
    justification: str,
    reason: str,
    reason_text: str = "",
    municipality_id: int | None = None,
) -> Contract:
    """A municipality's maatwerkovereenkomst with a non-contracted provider, with the reason
    code the custom-contract monitor counts (and a text when the reason is "other")."""
    from procure.catalogue.models import MaatwerkCode

    municipality_id = user.municipality_id if user.role == MUNICIPALITY else municipality_id
    if municipality_id is None:
        raise ValidationFailed(_l("Kies de gemeente."), field="municipality_id")
    if user.role not in (MUNICIPALITY, "contract_manager", "admin"):
        raise NotAllowed(_l("Alleen een gemeente of contractmanager legt maatwerk vast."))
    code = db.session.get(MaatwerkCode, maatwerk_code_id)
    if code is None or code.region_id != user.region_id:
        raise ValidationFailed(
            _l("Kies een maatwerkcode uit de catalogus."), field="maatwerk_code_id"
        )
    justification = _require_text(
        justification, "justification", _l("Motiveer waarom maatwerk nodig is.")
    )
    reason, reason_text = _custom_reason(reason, reason_text)
    price = to_money(_dec(unit_price, "unit_price", _l("Vul een geldige prijs in.")))
    units = _dec(units, "units", _l("Vul een geldig aantal eenheden in."))
    if price <= 0 or units <= 0:
        raise ValidationFailed(_l("Prijs en aantal moeten positief zijn."), field="units")
    contracted = db.session.execute(
        select(func.count(Contract.id)).where(
            Contract.provider_id == provider_id,
            Contract.region_id == user.region_id,
            Contract.origin != "custom",
            Contract.status.in_(LIVE),
        )
    ).scalar_one()
    if contracted:
        raise ValidationFailed(
            _l(
                "Deze aanbieder is gecontracteerd: maatwerk is bedoeld "
                "voor niet-gecontracteerde aanbieders."
            ),
            field="provider_id",
        )
    contract = create_concept_contract(
        region=user.region,
        provider_id=provider_id,
        origin="custom",
        variant="effort",
        start_date=start_date,
        end_date=end_date,
        municipality_id=municipality_id,
        title=f"Maatwerk {code.code} {code.name}",
        task_area_id=code.product.task_area_id,
        actor=user,
    )
    total = to_money(price * units)
    contract.maatwerk_code_id = code.id
    contract.custom_unit_price, contract.custom_units = price, units
    contract.custom_total = contract.contract_value = total
    contract.justification = justification
    contract.custom_reason, contract.custom_reason_text = reason, reason_text
    record(
        "contract.custom",
        contract,
        actor=user,
        new={
            "maatwerk_code": code.code,
            "unit_price": price,
            "units": units,
            "total": total,
            "justification": justification,
            "reason": reason,
            "reason_text": reason_text,
        },
    )
    _transition(contract, "active", user)
    return contract


# -- contract management -----------------------------------------------------------------------


def _management(region_id: int, provider_id: int) -> ProviderManagement:
    row = db.session.execute(
        select(ProviderManagement).where(
            ProviderManagement.region_id == region_id, ProviderManagement.provider_id == provider_id
        )
    ).scalar()
    if row is None:
        row = ProviderManagement(
            region_id=region_id, provider_id=provider_id, level="regular", reason=""
        )
        db.session.add(row)
        db.session.flush()
    return row


@operation
def set_management_level(
    *,
    region_id: int,
    provider_id: int,
    level: str,
    reason: str,
    next_meeting_on: date | None = None,
    actor=None,
) -> ProviderManagement:
    """Level and reason, and the next meeting when given, in one transaction."""
    if level not in MANAGEMENT_LEVELS:
        raise ValidationFailed(_l("Onbekend niveau van contractmanagement."), field="level")
    reason = _require_text(reason, "reason", _l("Geef de reden voor dit niveau."))
    row = _management(region_id, provider_id)
    old = {"level": row.level, "reason": row.reason}
    row.level, row.reason = level, reason
    record(
        "contract.management_level",
        row,
        actor=actor,
        old=old,
        new={"level": level, "reason": reason, "provider_id": provider_id},
    )
    if next_meeting_on is not None:
        set_next_meeting(
            region_id=region_id, provider_id=provider_id, day=next_meeting_on, actor=actor
        )
    return row


@operation
def set_next_meeting(
    *, region_id: int, provider_id: int, day: date | None, actor=None
) -> ProviderManagement:
    row = _management(region_id, provider_id)
    old = row.next_meeting_on
    row.next_meeting_on = day
    record(
        "contract.next_meeting",
        row,
        actor=actor,
        old={"next_meeting_on": old},
        new={"next_meeting_on": day},
    )
    return row


@operation
def record_meeting(
    *,
    region_id: int,
    provider_id: int,
    held_on: date,
    attendees: str,
    topics: str,
    actions: list[dict] = (),
    next_meeting_on: date | None = None,
    minutes_file=None,
    actor=None,
) -> ManagementMeeting:
    """actions: [{"description", "owner", "due_on"}]."""
    attendees = _require_text(attendees, "attendees", _l("Wie waren er bij?"))
    topics = _require_text(topics, "topics", _l("Welke onderwerpen zijn besproken?"))
    if minutes_file is not None and minutes_file.id is None:
        db.session.flush()
    meeting = ManagementMeeting(
        region_id=region_id,
        provider_id=provider_id,
        held_on=held_on,
        attendees=attendees,
        topics=topics,
        minutes_file_id=minutes_file.id if minutes_file else None,
    )
    for action in actions:
        if not action.get("description"):
            continue
        if not action.get("owner") or not action.get("due_on"):
            raise ValidationFailed(
                _l("Elke actie heeft een eigenaar en een uiterste datum."), field="actions"
            )
        meeting.actions.append(
            MeetingAction(
                description=action["description"], owner=action["owner"], due_on=action["due_on"]
            )
        )
    db.session.add(meeting)
    db.session.flush()
    record(
        "contract.meeting",
        meeting,
        actor=actor,
        new={
            "provider_id": provider_id,
            "held_on": held_on,
            "topics": topics,
            "actions": len(meeting.actions),
        },
    )
    if next_meeting_on is not None:
        if next_meeting_on <= held_on:
            raise ValidationFailed(
                _l("Het volgende overleg moet na dit overleg liggen."), field="next_meeting_on"
            )
        set_next_meeting(
            region_id=region_id, provider_id=provider_id, day=next_meeting_on, actor=actor
        )
    return meeting


@operation
def complete_action(action: MeetingAction, *, actor=None) -> MeetingAction:
    if action.done:
        raise Conflict(_l("Deze actie is al afgerond."))
    action.done = True
    record(
        "contract.action_done",
        action.meeting,
        actor=actor,
        new={"action_id": action.id, "done": True},
    )
    return action


@operation
def record_assessment(
    *,
    region_id: int,
    provider_id: int,
    kind: str,
    year: int,
    assessed_on: date,
    outcome: str,
    notes: str,
    actor=None,
) -> FinancialAssessment:
    if kind not in ASSESSMENT_KINDS:
        raise ValidationFailed(_l("Kies: bij toetreding of jaarlijks."), field="kind")
    if outcome not in ASSESSMENT_OUTCOMES:
        raise ValidationFailed(_l("Kies een oordeel."), field="outcome")
    exists = db.session.execute(
        select(FinancialAssessment.id).where(
            FinancialAssessment.region_id == region_id,
            FinancialAssessment.provider_id == provider_id,
            FinancialAssessment.kind == kind,
            FinancialAssessment.year == year,
        )
    ).first()
    if exists:
        raise Conflict(_l("Voor dit jaar is deze financiële toets al vastgelegd."))
    row = FinancialAssessment(
        region_id=region_id,
        provider_id=provider_id,
        kind=kind,
        year=year,
        assessed_on=assessed_on,
        outcome=outcome,
        notes=notes or "",
        assessed_by_id=_actor_id(actor),
    )
    db.session.add(row)
    db.session.flush()
    record(
        "contract.financial_assessment",
        row,
        actor=actor,
        new={"provider_id": provider_id, "kind": kind, "year": year, "outcome": outcome},
    )
    return row
