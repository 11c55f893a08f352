"""Realisation: booking units delivered per product and period, by hand or from a CSV,
and the utilisation they give against the year budget."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from procure.audit import record
from procure.contracts.models import (
    Contract,
    ContractedProduct,
    ContractYear,
    Realisation,
)
from procure.contracts.operations.common import (
    actor_id_of,
    current_actor,
    parse_decimal,
    require_text,
)
from procure.contracts.policy import LIVE
from procure.core.csvfiles import ErrorList, read_rows
from procure.core.errors import Conflict, InvalidTransition, ValidationFailed
from procure.core.formatting import money
from procure.core.operations import operation
from procure.core.types import to_money
from procure.extensions import db
from procure.organisations.models import Municipality


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


# More units than this in one booking is a typing error (and beyond exact arithmetic).
MAX_UNITS = Decimal("1000000")


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
    units = parse_decimal(units, "units", _l("Vul een geldig aantal eenheden in."))
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


def realisation_municipality(contract: Contract, value) -> int | None:
    """The municipality a realisation record is for: a custom contract's own; otherwise a
    municipality of the contract's region by id, CBS code or name; None when not given
    (recorded as unknown, never guessed)."""
    if contract.municipality_id is not None:
        if (
            value not in (None, "")
            and _municipality_id(contract, value) != contract.municipality_id
        ):
            raise ValidationFailed(
                _l("Dit maatwerkcontract hoort bij een andere gemeente."), field="municipality"
            )
        return contract.municipality_id
    if value in (None, ""):
        return None
    return _municipality_id(contract, value)


def _municipality_id(contract: Contract, value) -> int:
    text = str(value).strip()
    stmt = select(Municipality.id).where(Municipality.region_id == contract.region_id)
    condition = (Municipality.cbs_code == text) | (Municipality.name == text)
    if isinstance(value, int):
        condition = Municipality.id == value
    found = db.session.execute(stmt.where(condition)).scalar()
    if found is None:
        raise ValidationFailed(
            _l("Gemeente '%(m)s' hoort niet bij deze regio.", m=text), field="municipality"
        )
    return found


def _book(
    contract,
    cp,
    period,
    units,
    price,
    amount,
    year,
    *,
    municipality_id=None,
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
                total=money(new_total),
                ceiling=money(year.value),
            ),
            field="override",
        )
    if over:
        override_reason = require_text(
            override_reason, "override_reason", _l("Motiveer de overschrijding van het plafond.")
        )
    rec = Realisation(
        contract_id=contract.id,
        contract_product_id=cp.id,
        period=period,
        units=units,
        unit_price=price,
        amount=amount,
        municipality_id=municipality_id,
        override=over,
        override_reason=override_reason if over else None,
        source=source,
        idempotency_key=idempotency_key,
        created_by_id=actor_id_of(actor),
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
    municipality=None,
    override: bool = False,
    override_reason: str | None = None,
    source: str = "ui",
    idempotency_key: str | None = None,
    actor=None,
) -> tuple[Realisation, bool]:
    """Book realised units; returns (record, created). With an idempotency key a retry by
    the same user returns the first record instead of booking it twice."""
    actor = current_actor(actor)
    if idempotency_key:
        existing = db.session.execute(
            select(Realisation).where(
                Realisation.created_by_id == actor_id_of(actor),
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
    municipality_id = realisation_municipality(contract, municipality)
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
        municipality_id=municipality_id,
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
            "municipality_id": municipality_id,
            "source": source,
        },
    )
    return rec, True


CSV_COLUMNS = ("periode", "productcode", "eenheden")
# Spreadsheets save CSV as UTF-8 or, on Dutch Windows, as Windows-1252.
CSV_ENCODINGS = ("utf-8-sig", "cp1252")


def _decode(data: bytes) -> str:
    for encoding in CSV_ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValidationFailed(_l("Het bestand is geen CSV-tekst (UTF-8 of Windows-1252)."))


@dataclass(frozen=True)
class CsvLine:
    """One checked line of a realisation file, as text: what a background batch books."""

    line: int
    period: str
    product: str
    units: str
    municipality: str = ""

    def as_item(self) -> list:
        return [self.line, self.period, self.product, self.units, self.municipality]


def _prepare_lines(contract, lines, errors: ErrorList, *, override, override_reason):
    """Check lines against the contract as it is now: errors go to `errors`, the booking
    of each good line is returned. The ceiling is checked on the running total."""
    prepared, running = [], {}
    for row in lines:
        if errors.full:
            break
        try:
            item = _prepare_realisation(contract, row.product, row.period, row.units)
            municipality_id = realisation_municipality(contract, row.municipality or None)
        except ValidationFailed as exc:
            errors.add(row.line, exc.message)
            continue
        year, amount = item[5], item[4]
        running[year.year] = running.get(year.year, year.realised) + amount
        if running[year.year] > year.value:
            if not override:
                errors.add(row.line, _l("brengt %(y)d boven het budgetplafond.", y=year.year))
            elif not (override_reason or "").strip():
                errors.add(row.line, _l("Motiveer de overschrijding van het plafond."))
        prepared.append((item, municipality_id))
    return prepared


def check_realisation_csv(
    contract: Contract, data: bytes | str, *, override: bool = False, override_reason=None
) -> list[CsvLine]:
    """Read and check a realisation file (periode;productcode;eenheden, optionally gemeente
    as CBS code or name) without writing anything. Any error refuses the whole file, with
    the errors listed by line (up to a bound); returns the checked lines."""
    errors, lines = ErrorList(), []
    for row in read_rows(data, CSV_COLUMNS):
        if errors.full:
            break
        if row.problem:
            errors.add(row.line, row.problem)
            continue
        values = row.values
        lines.append(
            CsvLine(
                row.line,
                values["periode"],
                values["productcode"],
                values["eenheden"],
                values.get("gemeente", ""),
            )
        )
    prepared = _prepare_lines(
        contract, lines, errors, override=override, override_reason=override_reason
    )
    if not prepared and not errors:
        raise ValidationFailed(_l("Het bestand bevat geen regels."), field="file")
    if errors:
        errors.refuse()
    return lines


def _book_lines(contract, lines, *, override, override_reason, actor) -> list[Realisation]:
    """Check `lines` again (the contract may have changed since the file was checked) and
    book them all, or raise with every error and book none."""
    # Lock the contract's years: a concurrent booking cannot slip past the ceiling check.
    db.session.execute(
        select(ContractYear.id).where(ContractYear.contract_id == contract.id).with_for_update()
    )
    for year in contract.years:
        db.session.refresh(year)
    errors = ErrorList()
    prepared = _prepare_lines(
        contract, lines, errors, override=override, override_reason=override_reason
    )
    if errors:
        errors.refuse()
    actor = current_actor(actor)
    records = [
        _book(
            contract,
            *item,
            municipality_id=municipality_id,
            override=override,
            override_reason=override_reason,
            source="csv",
            idempotency_key=None,
            actor=actor,
        )
        for item, municipality_id in prepared
    ]
    db.session.flush()
    record(
        "contract.realisation_import",
        contract,
        actor=actor,
        new={
            "rows": len(records),
            "lines": [lines[0].line, lines[-1].line] if lines else [],
            "amount": sum((r.amount for r in records), Decimal("0.00")),
        },
    )
    return records


@operation
def import_realisation_csv(
    contract: Contract,
    data: bytes | str,
    *,
    override: bool = False,
    override_reason: str | None = None,
    actor=None,
) -> list[Realisation]:
    """Import a realisation file in one transaction, all or nothing."""
    lines = check_realisation_csv(
        contract, data, override=override, override_reason=override_reason
    )
    return _book_lines(
        contract, lines, override=override, override_reason=override_reason, actor=actor
    )


@operation
def book_realisation_batch(
    contract: Contract,
    items: list[list],
    *,
    override: bool = False,
    override_reason: str | None = None,
    actor=None,
) -> list[Realisation]:
    """One batch of a checked file (CsvLine.as_item() rows), all or nothing: what a
    background import job books per item."""
    lines = [CsvLine(int(i[0]), *map(str, i[1:5])) for i in items]
    return _book_lines(
        contract, lines, override=override, override_reason=override_reason, actor=actor
    )
