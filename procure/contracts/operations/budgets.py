"""Budgets and payments: year budgets and decisions, payment schedules, reserve drawdowns,
contracted products and their prices, utilisation thresholds.

Arithmetic is exact: every amount is a Decimal rounded half up to the cent (to_money)."""

from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from procure.audit import record
from procure.contracts.models import (
    BudgetDecision,
    Contract,
    ContractedProduct,
    ContractPrice,
    ContractYear,
    Payment,
    ReserveDrawdown,
    cents,
    euros,
)
from procure.contracts.operations.common import actor_id_of, parse_decimal, require_text
from procure.contracts.policy import CLOSED
from procure.core.errors import Conflict, InvalidTransition, ValidationFailed
from procure.core.formatting import money
from procure.core.operations import operation
from procure.core.types import to_money
from procure.extensions import db


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


_YEAR_TERMS = (
    "budget",
    "indexation_pct",
    "efficiency_pct",
    "reserve",
    "value",
    "guaranteed_pct",
    "clients_min",
    "clients_max",
)


def _lumpsum_terms(contract: Contract, budget, indexation_pct, efficiency_pct, reserve):
    """The parsed budget, indexation, efficiency discount and reserve of a year; the last
    three only on a lumpsum contract."""
    budget = to_money(parse_decimal(budget, "budget", _l("Vul een geldig bedrag in.")))
    idx = parse_decimal(indexation_pct or 0, "indexation_pct", _l("Vul een geldig percentage in."))
    eff = parse_decimal(efficiency_pct or 0, "efficiency_pct", _l("Vul een geldig percentage in."))
    reserve = to_money(parse_decimal(reserve or 0, "reserve", _l("Vul een geldig bedrag in.")))
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
    return budget, idx, eff, reserve


def _guarantee_terms(contract: Contract, guaranteed_pct, clients_min, clients_max):
    """The parsed guaranteed part (percentage) of a lumpsum year; the client range is
    checked (minimum <= maximum)."""
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
        guaranteed_pct = parse_decimal(
            guaranteed_pct, "guaranteed_pct", _l("Vul een geldig percentage in.")
        )
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
    return guaranteed_pct


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
    if contract.status in CLOSED:
        raise InvalidTransition(_l("Een beëindigd contract krijgt geen nieuw budget."))
    if year not in _contract_years(contract):
        raise ValidationFailed(
            _l("Het jaar %(y)d valt buiten de looptijd van het contract.", y=year), field="year"
        )
    budget, idx, eff, reserve = _lumpsum_terms(
        contract, budget, indexation_pct, efficiency_pct, reserve
    )
    guaranteed_pct = _guarantee_terms(contract, guaranteed_pct, clients_min, clients_max)
    row = contract.year(year)
    value = lumpsum_value(budget, idx, eff)[2] if contract.is_lumpsum else budget
    if row is not None and reserve < row.reserve_drawn:
        raise ValidationFailed(
            _l("Het ventiel kan niet lager zijn dan wat er al uit is onttrokken."), field="reserve"
        )
    if row is not None and row.value != value:
        reason = require_text(
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
        old = {name: getattr(row, name) for name in _YEAR_TERMS}
    old_value = row.value if old else None
    new = {
        "budget": budget,
        "indexation_pct": idx,
        "efficiency_pct": eff,
        "reserve": reserve,
        "value": value,
        "guaranteed_pct": guaranteed_pct,
        "clients_min": clients_min,
        "clients_max": clients_max,
    }
    for name in _YEAR_TERMS:
        setattr(row, name, new[name])
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
                decided_by_id=actor_id_of(actor),
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
        else to_money(parse_decimal(amount, "amount", _l("Vul een geldig bedrag in.")))
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
    amount = to_money(parse_decimal(amount, "amount", _l("Vul een geldig bedrag in.")))
    if amount <= 0:
        raise ValidationFailed(_l("Het bedrag moet positief zijn."), field="amount")
    motivation = require_text(
        motivation, "motivation", _l("Een onttrekking aan het ventiel moet worden gemotiveerd.")
    )
    if len(motivation) < 10:
        raise ValidationFailed(
            _l("Geef een inhoudelijke motivering (minstens 10 tekens)."), field="motivation"
        )
    if amount > row.reserve_left:
        raise ValidationFailed(
            _l("Het ventiel heeft nog %(left)s beschikbaar.", left=money(row.reserve_left)),
            field="amount",
        )
    draw = ReserveDrawdown(
        contract_year_id=row.id,
        amount=amount,
        drawn_on=drawn_on,
        motivation=motivation,
        created_by_id=actor_id_of(actor),
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


@operation
def add_contract_product(
    contract: Contract,
    *,
    product_id: int,
    prices: dict | None = None,
    effective_from: date | None = None,
    actor=None,
) -> ContractedProduct:
    """Contract a product version; unit prices per year default to the catalogue tariffs.
    effective_from: when the product joins a running contract later than its start."""
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
    if effective_from is not None and not (
        contract.start_date <= effective_from <= contract.end_date
    ):
        raise ValidationFailed(
            _l("De ingangsdatum van het product valt buiten de looptijd."), field="effective_from"
        )
    if effective_from == contract.start_date:
        effective_from = None
    cp = ContractedProduct(contract=contract, product_id=product_id, effective_from=effective_from)
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
            "effective_from": effective_from,
        },
    )
    return cp


@operation
def set_unit_price(cp: ContractedProduct, *, year: int, price, actor=None) -> ContractPrice:
    price = to_money(parse_decimal(price, "price", _l("Vul een geldige prijs in.")))
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
