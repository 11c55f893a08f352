"""Every change to the financial framework, allocation keys, targets, indicators and waiting
times (the only place that writes them). Each operation validates first, refuses with a
Dutch message and nothing written, and records an audit event in the same transaction."""

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from procure.audit import record, record_new
from procure.core.csvfiles import CsvRow, ErrorList, read_rows
from procure.core.errors import NotAllowed, ValidationFailed
from procure.core.formatting import money
from procure.core.operations import operation
from procure.core.types import to_money
from procure.extensions import db
from procure.finance import policy
from procure.finance.models import (
    ADOPTED,
    ALLOCATION_METHODS,
    DIRECTIONS,
    INDICATOR_UNITS,
    LINE_KINDS,
    AllocationKey,
    AllocationShare,
    BudgetAdjustment,
    BudgetFramework,
    BudgetLine,
    CustomContractTarget,
    Disbursement,
    FrameworkAcknowledgement,
    Indicator,
    IndicatorValue,
    LineAssignment,
    ReleaseDecision,
    WaitingTime,
)
from procure.organisations.models import Municipality, Provider

MAX_ROWS = 5_000
# "4.877.633" is Dutch for 4877633 (dots group thousands); "112.40" stays a decimal point.
_DUTCH_THOUSANDS = re.compile(r"^-?\d{1,3}(\.\d{3})+$")
HUNDRED = Decimal("100")


# -- helpers -------------------------------------------------------------------------------


def _text(value, field: str, message, *, limit: int = 10_000) -> str:
    text = (value or "").strip()
    if not text:
        raise ValidationFailed(message, field=field)
    if len(text) > limit:
        raise ValidationFailed(_l("Deze tekst is te lang."), field=field)
    return text


def _money(value, field: str, *, allow_none=False) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        if allow_none:
            return None
        raise ValidationFailed(_l("Vul een bedrag in."), field=field)
    if isinstance(value, str):
        value = value.strip().replace("€", "").replace(" ", "")
        if "," in value or _DUTCH_THOUSANDS.match(value):
            value = value.replace(".", "").replace(",", ".")
    try:
        return to_money(Decimal(value))
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationFailed(_l("Vul een geldig bedrag in."), field=field) from None


def _decimal(value, field: str, message) -> Decimal:
    if isinstance(value, str):
        value = value.strip().replace(",", ".")
    try:
        number = Decimal(value)
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationFailed(message, field=field) from None
    if not number.is_finite() or abs(number) >= Decimal("1e12"):
        raise ValidationFailed(message, field=field)
    return number


def _date(value, field: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValidationFailed(_l("Vul een geldige datum in (JJJJ-MM-DD)."), field=field) from None


def _decision_texts(decision_reference, reason, reference_message, reason_message):
    """(reference, reason) of a recorded decision, both required."""
    reference = _text(decision_reference, "decision_reference", reference_message, limit=200)
    return reference, _text(reason, "reason", reason_message)


def _decided(decided_on, reference: str, reason: str, actor) -> dict:
    """The columns a recorded decision (adjustment, release) shares."""
    return {
        "decided_on": _date(decided_on, "decided_on"),
        "decision_reference": reference,
        "reason": reason,
        "created_by_id": actor.id,
    }


def _find_or_add(model, keys: dict, **defaults):
    """(row, created): the row of `model` with the column values of `keys` (None matches
    NULL), or a new one with those and `defaults`, added to the session."""
    row = db.session.execute(
        select(model).where(
            *(
                getattr(model, name).is_(None) if value is None else getattr(model, name) == value
                for name, value in keys.items()
            )
        )
    ).scalar()
    if row is not None:
        return row, False
    row = model(**keys, **defaults)
    db.session.add(row)
    return row, True


def _writer(actor) -> None:
    if actor is None or not policy.can_write(actor):
        raise NotAllowed(_l("Alleen de regio legt het financiële kader vast."))


def _same_region(actor, region_id: int) -> None:
    if actor.region_id is not None and actor.region_id != region_id:
        raise NotAllowed(_l("Dit hoort bij een andere regio."))


# -- the framework -------------------------------------------------------------------------


@operation
def create_framework(
    *, region, year: int, title: str = "", stated_total=None, actor
) -> BudgetFramework:
    """A draft framework; stated_total is the total as the proposal states it."""
    _writer(actor)
    _same_region(actor, region.id)
    if not 2000 <= int(year) <= 2100:
        raise ValidationFailed(_l("Kies een jaar tussen 2000 en 2100."), field="year")
    exists = db.session.execute(
        select(BudgetFramework.id).where(
            BudgetFramework.region_id == region.id, BudgetFramework.year == year
        )
    ).first()
    if exists:
        raise ValidationFailed(_l("Voor dit jaar bestaat al een kader."), field="year")
    framework = BudgetFramework(
        region_id=region.id,
        year=int(year),
        title=(title or "").strip()[:200],
        stated_total=_money(stated_total, "stated_total", allow_none=True),
    )
    db.session.add(framework)
    record("finance.framework_created", framework, actor=actor, new={"year": framework.year})
    return framework


def _line_by_code(framework: BudgetFramework, code: str | None) -> BudgetLine | None:
    if not code:
        return None
    return next((line for line in framework.lines if line.code == code), None)


@operation
def add_line(
    framework: BudgetFramework,
    *,
    code: str,
    name: str,
    amount=None,
    parent_code: str | None = None,
    previous_code: str | None = None,
    kind: str = "regular",
    incidental: bool = False,
    actor,
) -> BudgetLine:
    """A post of a draft framework. amount None is PM; previous_code names the line of the
    year before that this one continues (the old-to-new structure mapping)."""
    _writer(actor)
    _same_region(actor, framework.region_id)
    if not policy.can_edit_lines(actor, framework):
        raise NotAllowed(
            _l("Het kader is vastgesteld: wijzig het alleen met een mutatie met besluit.")
        )
    code = _text(code, "code", _l("Vul de code van de post in."), limit=40)
    name = _text(name, "name", _l("Vul de naam van de post in."), limit=200)
    if _line_by_code(framework, code) is not None:
        raise ValidationFailed(_l("Deze code bestaat al in dit kader."), field="code")
    if kind not in LINE_KINDS:
        raise ValidationFailed(_l("Kies een soort post."), field="kind")
    parent = _line_by_code(framework, parent_code)
    if parent_code and parent is None:
        raise ValidationFailed(_l("De bovenliggende post bestaat niet."), field="parent_code")
    if parent is not None and parent.amount is not None:
        raise ValidationFailed(
            _l("Een post met een eigen bedrag kan niet worden opgesplitst."), field="parent_code"
        )
    previous = None
    if previous_code:
        before = _framework(framework.region_id, framework.year - 1)
        previous = _line_by_code(before, previous_code) if before else None
        if previous is None:
            raise ValidationFailed(
                _l("Die post bestaat niet in het kader van het jaar ervoor."),
                field="previous_code",
            )
    line = BudgetLine(
        framework=framework,
        parent=parent,
        previous_line=previous,
        code=code,
        name=name,
        amount=_money(amount, "amount", allow_none=True),
        kind=kind,
        incidental=bool(incidental),
        position=len(framework.lines),
    )
    db.session.add(line)
    record(
        "finance.line_added",
        line,
        actor=actor,
        region_id=framework.region_id,
        new={"code": code, "name": name, "amount": line.amount, "parent": parent_code},
    )
    return line


@operation
def set_line_amount(line: BudgetLine, *, amount, actor) -> BudgetLine:
    _writer(actor)
    _same_region(actor, line.framework.region_id)
    if not policy.can_edit_lines(actor, line.framework):
        raise NotAllowed(
            _l("Het kader is vastgesteld: wijzig het alleen met een mutatie met besluit.")
        )
    if line.children:
        raise ValidationFailed(
            _l("Deze post is opgesplitst: wijzig de onderliggende posten."), field="amount"
        )
    old = line.amount
    line.amount = _money(amount, "amount", allow_none=True)
    record(
        "finance.line_amount",
        line,
        actor=actor,
        region_id=line.framework.region_id,
        old={"amount": old},
        new={"amount": line.amount},
    )
    return line


def _framework(region_id: int, year: int) -> BudgetFramework | None:
    return db.session.execute(
        select(BudgetFramework).where(
            BudgetFramework.region_id == region_id, BudgetFramework.year == year
        )
    ).scalar()


@operation
def adopt_framework(
    framework: BudgetFramework, *, decided_on, reference: str, stated_total=None, actor
) -> BudgetFramework:
    """The regional board adopts the framework; from now on only adjustments change it."""
    _writer(actor)
    _same_region(actor, framework.region_id)
    policy.FRAMEWORK_MACHINE.check(framework.status, ADOPTED)
    reference = _text(
        reference, "reference", _l("Vul het kenmerk van het RBO-besluit in."), limit=200
    )
    framework.adopted_on = _date(decided_on, "decided_on")
    framework.adoption_reference = reference
    if stated_total is not None:
        framework.stated_total = _money(stated_total, "stated_total")
    framework.adopted_by_id = actor.id
    policy.FRAMEWORK_MACHINE.apply(
        framework,
        ADOPTED,
        actor,
        adopted_on=framework.adopted_on,
        reference=reference,
        stated_total=framework.stated_total,
    )
    return framework


@operation
def add_adjustment(
    line: BudgetLine, *, amount, decided_on, decision_reference: str, reason: str, actor
) -> BudgetAdjustment:
    """A mutatie on an adopted framework: a signed amount with its decision and reason."""
    _writer(actor)
    framework = line.framework
    _same_region(actor, framework.region_id)
    if not framework.is_adopted:
        raise NotAllowed(_l("Een concept-kader wijzigt u direct; mutaties volgen na vaststelling."))
    reference, reason = _decision_texts(
        decision_reference,
        reason,
        _l("Een mutatie vraagt het kenmerk van het besluit."),
        _l("Vul de reden van de mutatie in."),
    )
    if line.children:
        raise ValidationFailed(
            _l("Deze post is opgesplitst: muteer een onderliggende post."), field="line_id"
        )
    value = _money(amount, "amount")
    if value == 0:
        raise ValidationFailed(_l("Een mutatie van nul verandert niets."), field="amount")
    adjustment = BudgetAdjustment(
        region_id=framework.region_id,
        line=line,
        amount=value,
        **_decided(decided_on, reference, reason, actor),
    )
    db.session.add(adjustment)
    record(
        "finance.adjustment",
        adjustment,
        actor=actor,
        new={"line": line.code, "amount": value, "reference": reference, "reason": reason},
    )
    return adjustment


@operation
def acknowledge_framework(
    framework: BudgetFramework, *, acknowledged_on, decision_reference: str, actor
) -> FrameworkAcknowledgement:
    """A municipality records that its college has adopted the regional framework."""
    if not policy.can_acknowledge(actor, framework):
        raise NotAllowed(_l("Alleen een gemeente bevestigt een vastgesteld kader."))
    _same_region(actor, framework.region_id)
    reference = _text(
        decision_reference,
        "decision_reference",
        _l("Vul het kenmerk van het collegebesluit in."),
        limit=200,
    )
    exists = db.session.execute(
        select(FrameworkAcknowledgement.id).where(
            FrameworkAcknowledgement.framework_id == framework.id,
            FrameworkAcknowledgement.municipality_id == actor.municipality_id,
        )
    ).first()
    if exists:
        raise ValidationFailed(_l("Uw gemeente heeft dit kader al vastgesteld."))
    ack = FrameworkAcknowledgement(
        framework=framework,
        municipality_id=actor.municipality_id,
        acknowledged_on=_date(acknowledged_on, "acknowledged_on"),
        decision_reference=reference,
        created_by_id=actor.id,
    )
    db.session.add(ack)
    record(
        "finance.framework_acknowledged",
        framework,
        actor=actor,
        new={"municipality_id": actor.municipality_id, "reference": reference},
    )
    return ack


# -- contracts, releases and payments --------------------------------------------------------


@operation
def assign_contract_year(line: BudgetLine, *, contract_year, actor) -> LineAssignment:
    """Charge a contract year to a line of that year's framework (replacing an earlier
    assignment of the same contract year)."""
    _writer(actor)
    framework = line.framework
    _same_region(actor, framework.region_id)
    contract = contract_year.contract
    if contract.region_id != framework.region_id or contract_year.year != framework.year:
        raise ValidationFailed(
            _l("Wijs een contractjaar toe aan een post van hetzelfde jaar en dezelfde regio."),
            field="contract_year_id",
        )
    if line.children:
        raise ValidationFailed(
            _l("Wijs toe aan een onderliggende post, niet aan de opgesplitste post."),
            field="line_id",
        )
    assignment = db.session.execute(
        select(LineAssignment).where(LineAssignment.contract_year_id == contract_year.id)
    ).scalar()
    old = assignment.line.code if assignment else None
    if assignment is None:
        assignment = LineAssignment(contract_year_id=contract_year.id, line=line)
        db.session.add(assignment)
    else:
        assignment.line = line
    record(
        "finance.contract_assigned",
        line,
        actor=actor,
        region_id=framework.region_id,
        old={"line": old},
        new={"contract": contract.reference, "year": contract_year.year, "line": line.code},
    )
    return assignment


def adjusted_amount(line: BudgetLine) -> Decimal:
    if line.children:
        return sum((adjusted_amount(c) for c in line.children), Decimal("0.00"))
    base = line.amount or Decimal("0.00")
    return base + sum((a.amount for a in line.adjustments), Decimal("0.00"))


@operation
def release_reserved(
    line: BudgetLine, *, amount, decided_on, decision_reference: str, reason: str, actor
) -> ReleaseDecision:
    """A recorded decision that frees (part of) a reserved line for payment."""
    _writer(actor)
    _same_region(actor, line.framework.region_id)
    if line.kind != "reserved":
        raise ValidationFailed(_l("Alleen een gereserveerde post wordt vrijgegeven."))
    reference, reason = _decision_texts(
        decision_reference,
        reason,
        _l("Vrijgeven vraagt het kenmerk van het besluit."),
        _l("Vul de reden van de vrijgave in."),
    )
    value = _money(amount, "amount")
    if value <= 0:
        raise ValidationFailed(_l("Vul een positief bedrag in."), field="amount")
    left = adjusted_amount(line) - sum((r.amount for r in _releases(line)), Decimal("0.00"))
    if value > left:
        raise ValidationFailed(
            _l("Er is nog maar %(left)s gereserveerd.", left=money(left)), field="amount"
        )
    release = ReleaseDecision(
        line=line, amount=value, **_decided(decided_on, reference, reason, actor)
    )
    db.session.add(release)
    record(
        "finance.reserve_released",
        line,
        actor=actor,
        region_id=line.framework.region_id,
        new={"amount": value, "reference": reference, "reason": reason},
    )
    return release


def _releases(line: BudgetLine) -> list[ReleaseDecision]:
    return list(
        db.session.execute(
            select(ReleaseDecision).where(ReleaseDecision.line_id == line.id)
        ).scalars()
    )


@operation
def pay(line: BudgetLine, *, amount, paid_on, reference: str = "", contract=None, actor):
    """Pay out of a line: the guaranteed part as advances up to its framework; the reserved
    part only up to what recorded decisions released."""
    _writer(actor)
    _same_region(actor, line.framework.region_id)
    if line.children:
        raise ValidationFailed(_l("Betaal vanuit een onderliggende post."), field="line_id")
    value = _money(amount, "amount")
    if value <= 0:
        raise ValidationFailed(_l("Vul een positief bedrag in."), field="amount")
    already = sum(
        db.session.execute(
            select(Disbursement.amount).where(Disbursement.line_id == line.id)
        ).scalars(),
        Decimal("0.00"),
    )
    if line.kind == "reserved":
        ceiling = sum((r.amount for r in _releases(line)), Decimal("0.00"))
        if already + value > ceiling:
            raise NotAllowed(
                _l(
                    "Het gereserveerde deel wordt pas betaald na een vastgelegd besluit tot "
                    "vrijgave (vrijgegeven: %(released)s, al betaald: %(paid)s).",
                    released=money(ceiling),
                    paid=money(already),
                )
            )
    elif already + value > adjusted_amount(line):
        raise ValidationFailed(
            _l("Deze betaling gaat boven het kader van de post uit."), field="amount"
        )
    if contract is not None and contract.region_id != line.framework.region_id:
        raise ValidationFailed(_l("Dit contract hoort bij een andere regio."), field="contract")
    payment = Disbursement(
        line=line,
        contract_id=contract.id if contract is not None else None,
        amount=value,
        paid_on=_date(paid_on, "paid_on"),
        reference=(reference or "").strip()[:100],
        created_by_id=actor.id,
    )
    db.session.add(payment)
    record(
        "finance.paid",
        line,
        actor=actor,
        region_id=line.framework.region_id,
        new={"amount": value, "kind": line.kind, "reference": payment.reference},
    )
    return payment


# -- allocation keys -------------------------------------------------------------------------


@operation
def set_allocation_key(
    *, region, year: int, method: str, shares: dict, decided_on, basis: str = "", actor
) -> AllocationKey:
    """A new version of the region's key for a year. `shares` maps municipality id to a
    percentage (fixed) or to a number of young inhabitants (young_inhabitants); fixed
    shares must add up to exactly 100 %. Every municipality of the region gets a share."""
    _writer(actor)
    _same_region(actor, region.id)
    if method not in ALLOCATION_METHODS:
        raise ValidationFailed(_l("Kies een verdeelmethode."), field="method")
    municipality_ids = {m.id for m in region.municipalities}
    given = {int(k): v for k, v in shares.items()}
    if set(given) != municipality_ids:
        raise ValidationFailed(
            _l("Geef elke gemeente van de regio een aandeel, en alleen die."), field="shares"
        )
    rows: list[tuple[int, Decimal, int | None]] = []
    if method == "fixed":
        for mid, value in given.items():
            pct = _decimal(value, "shares", _l("Vul voor elke gemeente een percentage in."))
            if pct < 0:
                raise ValidationFailed(_l("Een aandeel kan niet negatief zijn."), field="shares")
            rows.append((mid, pct, None))
        total = sum((r[1] for r in rows), Decimal(0))
        if total != HUNDRED:
            raise ValidationFailed(
                _l(
                    "De aandelen tellen op tot %(total)s %%, niet tot 100 %%.",
                    total=format(total.normalize(), "f"),
                ),
                field="shares",
            )
    else:
        counts = {}
        for mid, value in given.items():
            try:
                counts[mid] = int(value)
            except (TypeError, ValueError):
                raise ValidationFailed(
                    _l("Vul voor elke gemeente het aantal jeugdige inwoners in."), field="shares"
                ) from None
            if counts[mid] < 0:
                raise ValidationFailed(_l("Een aantal kan niet negatief zijn."), field="shares")
        everyone = sum(counts.values())
        if everyone <= 0:
            raise ValidationFailed(_l("Het totaal aantal inwoners is nul."), field="shares")
        rows = [
            (mid, (Decimal(n) * HUNDRED / everyone).quantize(Decimal("0.00001")), n)
            for mid, n in counts.items()
        ]
    version = (
        db.session.execute(
            select(func.max(AllocationKey.version)).where(
                AllocationKey.region_id == region.id, AllocationKey.year == year
            )
        ).scalar()
        or 0
    ) + 1
    key = AllocationKey(
        region_id=region.id,
        year=int(year),
        version=version,
        method=method,
        basis=(basis or "").strip()[:300],
        decided_on=_date(decided_on, "decided_on"),
        created_by_id=actor.id,
    )
    key.shares = [
        AllocationShare(municipality_id=mid, share_pct=pct, young_inhabitants=n)
        for mid, pct, n in sorted(rows)
    ]
    db.session.add(key)
    record(
        "finance.allocation_key",
        key,
        actor=actor,
        new={
            "year": key.year,
            "version": version,
            "method": method,
            "shares": {str(mid): str(pct) for mid, pct, _n in rows},
        },
    )
    return key


# -- custom-contract target ------------------------------------------------------------------


@operation
def set_custom_target(
    *, region, baseline_year: int, reduction_pct, target_year: int, source: str = "", actor
) -> CustomContractTarget:
    _writer(actor)
    _same_region(actor, region.id)
    pct = _decimal(reduction_pct, "reduction_pct", _l("Vul een geldig percentage in."))
    if not 0 < pct <= 100:
        raise ValidationFailed(_l("De reductie ligt tussen 0 en 100 %."), field="reduction_pct")
    if int(target_year) <= int(baseline_year):
        raise ValidationFailed(_l("Het doeljaar ligt na het basisjaar."), field="target_year")
    target = db.session.execute(
        select(CustomContractTarget).where(CustomContractTarget.region_id == region.id)
    ).scalar()
    if target is None:
        target = CustomContractTarget(region_id=region.id)
        db.session.add(target)
    target.baseline_year, target.target_year = int(baseline_year), int(target_year)
    target.reduction_pct, target.source = pct, (source or "").strip()[:300]
    record(
        "finance.custom_target",
        target,
        actor=actor,
        new={"baseline_year": baseline_year, "reduction_pct": pct, "target_year": target_year},
    )
    return target


# -- indicators ------------------------------------------------------------------------------

_PERIOD = re.compile(r"^(\d{4})(?:-(Q[1-4]|\d{2})(?:-(\d{2}))?)?$")


def parse_period(value) -> tuple[str, date]:
    """ "2024", "2024-Q3", "2024-01" or "2024-01-30" -> (canonical label, first day)."""
    text = str(value or "").strip().upper()
    match = _PERIOD.match(text)
    message = _l("Gebruik als periode JJJJ, JJJJ-Qn, JJJJ-MM of JJJJ-MM-DD.")
    if not match:
        raise ValidationFailed(message, field="period")
    year, part, day = match.groups()
    try:
        if part is None:
            return year, date(int(year), 1, 1)
        if part.startswith("Q"):
            return f"{year}-{part}", date(int(year), 3 * int(part[1]) - 2, 1)
        if day is None:
            return f"{year}-{part}", date(int(year), int(part), 1)
        start = date(int(year), int(part), int(day))
        return start.isoformat(), start
    except ValueError:
        raise ValidationFailed(message, field="period") from None


@operation
def create_indicator(
    *,
    region,
    code: str,
    name: str,
    unit: str,
    direction: str,
    definition: str = "",
    target_value=None,
    target_period: str = "",
    source: str = "",
    actor,
) -> Indicator:
    _writer(actor)
    _same_region(actor, region.id)
    code = _text(code, "code", _l("Vul een code in."), limit=40)
    name = _text(name, "name", _l("Vul een naam in."), limit=200)
    if unit not in INDICATOR_UNITS:
        raise ValidationFailed(_l("Kies een eenheid."), field="unit")
    if direction not in DIRECTIONS:
        raise ValidationFailed(_l("Kies of lager of hoger beter is."), field="direction")
    exists = db.session.execute(
        select(Indicator.id).where(Indicator.region_id == region.id, Indicator.code == code)
    ).first()
    if exists:
        raise ValidationFailed(_l("Deze code bestaat al."), field="code")
    target = None
    if target_value not in (None, ""):
        target = _decimal(target_value, "target_value", _l("Vul een geldige doelwaarde in."))
    if target_period:
        target_period = parse_period(target_period)[0]
    indicator = Indicator(
        region_id=region.id,
        code=code,
        name=name,
        unit=unit,
        direction=direction,
        definition=(definition or "").strip(),
        target_value=target,
        target_period=target_period or "",
        source=(source or "").strip()[:300],
    )
    db.session.add(indicator)
    record("finance.indicator_created", indicator, actor=actor, new={"code": code})
    return indicator


def _municipality(region_id: int, value) -> int | None:
    """None / "" for region-wide; else a municipality of the region by id, CBS code or name."""
    if value in (None, ""):
        return None
    text = str(value).strip()
    stmt = select(Municipality.id).where(Municipality.region_id == region_id)
    if isinstance(value, int):
        found = db.session.execute(stmt.where(Municipality.id == value)).scalar()
    else:
        found = db.session.execute(
            stmt.where((Municipality.cbs_code == text) | (Municipality.name == text))
        ).scalar()
    if found is None:
        raise ValidationFailed(
            _l("Onbekende gemeente in deze regio: %(name)s.", name=text), field="municipality"
        )
    return found


def _store_value(indicator, period, value, municipality, source, actor) -> IndicatorValue:
    label, start = parse_period(period)
    number = _decimal(value, "value", _l("Vul een geldige waarde in."))
    if indicator.unit == "percent" and not 0 <= number <= 100:
        raise ValidationFailed(_l("Een percentage ligt tussen 0 en 100."), field="value")
    municipality_id = _municipality(indicator.region_id, municipality)
    row, created = _find_or_add(
        IndicatorValue,
        {"indicator_id": indicator.id, "period": label, "municipality_id": municipality_id},
        region_id=indicator.region_id,
        period_start=start,
    )
    old = None if created else row.value
    row.value, row.source, row.created_by_id = number, source, actor.id
    record(
        "finance.indicator_value",
        indicator,
        actor=actor,
        old={"value": old} if old is not None else None,
        new={"period": label, "municipality_id": municipality_id, "value": number},
    )
    return row


@operation
def record_indicator_value(
    indicator: Indicator, *, period, value, municipality=None, source="ui", actor
) -> IndicatorValue:
    """A measured value (replaces an earlier one for the same period and municipality)."""
    _writer(actor)
    _same_region(actor, indicator.region_id)
    return _store_value(indicator, period, value, municipality, source, actor)


def _once(seen: dict, key: tuple, number: int) -> None:
    """A file names each period (of an indicator, or a provider's category) once: the
    unflushed rows of the import cannot see each other, and two would both be stored."""
    if key in seen:
        raise ValidationFailed(
            _l("dezelfde periode en gemeente staan al op regel %(n)s.", n=seen[key]),
            field="file",
        )
    seen[key] = number


def _csv_rows(data: bytes | str, required: list[str]) -> list[CsvRow]:
    """The file's rows through the shared reader (Excel's encodings, binary files and
    ragged lines refused with a message), at most MAX_ROWS of them."""
    rows = list(read_rows(data, required))
    if not rows:
        raise ValidationFailed(_l("Het bestand bevat geen regels."), field="file")
    if len(rows) > MAX_ROWS:
        raise ValidationFailed(_l("Maximaal %(n)s regels per import.", n=MAX_ROWS), field="file")
    return rows


@operation
def import_indicator_csv(*, region, data, actor) -> int:
    """indicator;period;value[;municipality] - all rows or none; every error is listed."""
    _writer(actor)
    _same_region(actor, region.id)
    rows = _csv_rows(data, ["indicator", "period", "value"])
    indicators = {
        i.code: i
        for i in db.session.execute(
            select(Indicator).where(Indicator.region_id == region.id)
        ).scalars()
    }
    errors, seen = ErrorList(), {}
    for row in rows:
        if errors.full:
            break
        if row.problem:
            errors.add(row.line, row.problem)
            continue
        values = row.values
        indicator = indicators.get(values.get("indicator") or "")
        if indicator is None:
            errors.add(row.line, _l("onbekende indicator %(code)s.", code=values.get("indicator")))
            continue
        try:
            with db.session.no_autoflush:
                value = _store_value(
                    indicator,
                    values.get("period"),
                    values.get("value"),
                    values.get("municipality"),
                    "csv",
                    actor,
                )
            _once(seen, (value.indicator_id, value.period, value.municipality_id), row.line)
        except ValidationFailed as exc:
            errors.add(row.line, exc.message)
    if errors:
        errors.refuse()
    return len(rows)


# -- waiting times ---------------------------------------------------------------------------


def _store_waiting(region, row: dict, actor, source: str) -> WaitingTime:
    provider = db.session.execute(
        select(Provider).where(Provider.short_code == str(row.get("provider") or "").strip())
    ).scalar()
    if provider is None:
        raise ValidationFailed(_l("Onbekende aanbieder."), field="provider")
    category = _text(row.get("category"), "category", _l("Vul de productcategorie in."), limit=100)
    label, start = parse_period(row.get("period"))
    if len(label) != 7 or "Q" in label:
        raise ValidationFailed(_l("Wachttijden gelden per maand (JJJJ-MM)."), field="period")
    days = _decimal(row.get("average_days"), "average_days", _l("Vul de wachttijd in dagen in."))
    if days < 0:
        raise ValidationFailed(_l("Een wachttijd kan niet negatief zijn."), field="average_days")
    waiting = row.get("waiting")
    if waiting not in (None, ""):
        try:
            waiting = int(waiting)
        except (TypeError, ValueError):
            raise ValidationFailed(_l("Vul het aantal wachtenden in."), field="waiting") from None
        if waiting < 0:
            raise ValidationFailed(_l("Vul het aantal wachtenden in."), field="waiting")
    else:
        waiting = None
    updated_on = _date(row.get("updated_on"), "updated_on")
    municipality_id = _municipality(region.id, row.get("municipality"))
    existing, _created = _find_or_add(
        WaitingTime,
        {
            "region_id": region.id,
            "provider_id": provider.id,
            "category": category,
            "period": start,
            "municipality_id": municipality_id,
        },
    )
    existing.average_days, existing.waiting = days, waiting
    existing.updated_on, existing.created_by_id = updated_on, actor.id
    record(
        "finance.waiting_time",
        provider,
        actor=actor,
        region_id=region.id,
        new={"category": category, "period": label, "days": days, "source": source},
    )
    return existing


@operation
def record_waiting_time(*, region, values: dict, actor) -> WaitingTime:
    _writer(actor)
    _same_region(actor, region.id)
    return _store_waiting(region, values, actor, "ui")


@operation
def import_waiting_csv(*, region, data, actor) -> int:
    """provider;category;period;average_days;waiting;updated_on[;municipality]."""
    _writer(actor)
    _same_region(actor, region.id)
    rows = _csv_rows(data, ["provider", "category", "period", "average_days", "updated_on"])
    errors, seen = ErrorList(), {}
    for row in rows:
        if errors.full:
            break
        if row.problem:
            errors.add(row.line, row.problem)
            continue
        try:
            with db.session.no_autoflush:
                wait = _store_waiting(region, row.values, actor, "csv")
            key = (wait.provider_id, wait.category, wait.period, wait.municipality_id)
            _once(seen, key, row.line)
        except ValidationFailed as exc:
            errors.add(row.line, exc.message)
    if errors:
        errors.refuse()
    return len(rows)


MAX_REPORT_BYTES = 40 * 1024 * 1024


@operation
def store_report(region, kind: str, period: str, municipality, fmt: str, *, actor):
    """Make one council or management report (PDF or Excel) and keep it for download."""
    from procure.core.uploads import store_bytes
    from procure.finance import reports
    from procure.finance.models import ReportFile

    if kind not in reports.KINDS or fmt not in ("pdf", "xlsx"):
        raise ValidationFailed(_l("Onbekende rapportage."))
    try:
        start, end = reports.period_bounds(kind, period)
    except ValueError:
        raise ValidationFailed(_l("Periode '%(p)s' is ongeldig.", p=period)) from None
    data = reports.build(region, kind, period, start, end, municipality)
    content = reports.report_pdf(data).pdf if fmt == "pdf" else reports.report_workbook(data)
    name = reports.filename(region, kind, period, municipality, fmt)
    stored = store_bytes(
        content, name, allowed=(fmt,), max_bytes=MAX_REPORT_BYTES, uploaded_by=actor
    )
    db.session.flush()
    report = ReportFile(
        region_id=region.id,
        municipality_id=municipality.id if municipality is not None else None,
        kind=kind,
        period=period,
        fmt=fmt,
        file_id=stored.id,
        sha256=stored.sha256,
        generated_by_id=actor.id if actor else None,
    )
    return record_new(
        report,
        "finance.report_generated",
        actor=actor,
        new={
            "kind": kind,
            "period": period,
            "fmt": fmt,
            "municipality_id": report.municipality_id,
            "sha256": stored.sha256,
        },
    )
