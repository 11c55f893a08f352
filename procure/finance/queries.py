"""Read models of the finance pages, exports, API and reports. Each function runs a fixed
number of queries, whatever the number of contracts or realisation rows: sums are done in
SQL (on integer cents) and grouped once."""

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from flask import abort
from sqlalchemy import and_, func, select
from sqlalchemy.orm import selectinload

from procure.contracts import policy as contract_policy
from procure.contracts.models import Contract, ContractYear, Realisation, cents, euros
from procure.extensions import db
from procure.finance.models import (
    AllocationKey,
    BudgetAdjustment,
    BudgetFramework,
    BudgetLine,
    CustomContractTarget,
    Disbursement,
    Indicator,
    IndicatorValue,
    LineAssignment,
    ReleaseDecision,
    ReportFile,
    WaitingTime,
)
from procure.organisations.models import Municipality, Provider

ZERO = Decimal("0.00")
# Contracts that have started (in force or closed since): realisation may exist.
LIVE = (*contract_policy.LIVE, *contract_policy.CLOSED)


def frameworks(region_id: int) -> list[BudgetFramework]:
    return list(
        db.session.execute(
            select(BudgetFramework)
            .where(BudgetFramework.region_id == region_id)
            .order_by(BudgetFramework.year)
        ).scalars()
    )


def framework_for(region_id: int, year: int) -> BudgetFramework | None:
    return db.session.execute(
        select(BudgetFramework)
        .where(BudgetFramework.region_id == region_id, BudgetFramework.year == year)
        .options(
            selectinload(BudgetFramework.lines).selectinload(BudgetLine.adjustments),
            selectinload(BudgetFramework.lines).selectinload(BudgetLine.previous_line),
            selectinload(BudgetFramework.acknowledgements),
        )
    ).scalar()


@dataclass
class LineRow:
    line: BudgetLine
    depth: int
    amount: Decimal | None  # None: PM
    adjustments: Decimal
    adjusted: Decimal | None
    children: list["LineRow"] = field(default_factory=list)

    @property
    def is_pm(self) -> bool:
        return self.amount is None and not self.children


@dataclass
class FrameworkTable:
    framework: BudgetFramework
    rows: list[LineRow]  # depth-first, parents before children
    amount: Decimal  # structural lines (excluding incidental ones)
    adjustments: Decimal
    adjusted: Decimal
    incidental_amount: Decimal
    incidental_adjusted: Decimal

    @property
    def amount_incl(self) -> Decimal:
        return self.amount + self.incidental_amount

    @property
    def adjusted_incl(self) -> Decimal:
        return self.adjusted + self.incidental_adjusted

    @property
    def stated_difference(self) -> Decimal | None:
        """The stated total minus the sum of the lines (a rounding difference in the
        source, e.g. one euro in seed 004's 2021 column), None when nothing is stated."""
        stated = self.framework.stated_total
        return None if stated is None else stated - self.amount


def framework_table(framework: BudgetFramework) -> FrameworkTable:
    """The framework as the seed's table: per line the framework, the adjustments and the
    adjusted framework; a split line sums its children."""
    by_parent: dict[int | None, list[BudgetLine]] = {}
    for line in framework.lines:
        by_parent.setdefault(line.parent_id, []).append(line)

    def build(line: BudgetLine, depth: int) -> LineRow:
        kids = [build(c, depth + 1) for c in by_parent.get(line.id, [])]
        if kids:
            amount = sum((k.amount or ZERO for k in kids), ZERO)
            adjustments = sum((k.adjustments for k in kids), ZERO)
        else:
            amount = line.amount
            adjustments = sum((a.amount for a in line.adjustments), ZERO)
        adjusted = None if amount is None and not adjustments else (amount or ZERO) + adjustments
        return LineRow(line, depth, amount, adjustments, adjusted, kids)

    tops = [build(line, 0) for line in by_parent.get(None, [])]
    rows: list[LineRow] = []

    def walk(row: LineRow):
        rows.append(row)
        for kid in row.children:
            walk(kid)

    for top in tops:
        walk(top)
    structural = [t for t in tops if not t.line.incidental]
    incidental = [t for t in tops if t.line.incidental]
    return FrameworkTable(
        framework=framework,
        rows=rows,
        amount=sum((t.amount or ZERO for t in structural), ZERO),
        adjustments=sum((t.adjustments for t in structural), ZERO),
        adjusted=sum((t.adjusted or ZERO for t in structural), ZERO),
        incidental_amount=sum((t.amount or ZERO for t in incidental), ZERO),
        incidental_adjusted=sum((t.adjusted or ZERO for t in incidental), ZERO),
    )


def adjustments(framework: BudgetFramework) -> list[BudgetAdjustment]:
    return list(
        db.session.execute(
            select(BudgetAdjustment)
            .join(BudgetLine, BudgetLine.id == BudgetAdjustment.line_id)
            .where(BudgetLine.framework_id == framework.id)
            .options(selectinload(BudgetAdjustment.line))
            .order_by(BudgetAdjustment.decided_on, BudgetAdjustment.id)
        ).scalars()
    )


def previous_adjusted(framework: BudgetFramework) -> dict[int, Decimal | None]:
    """line id -> the adjusted framework of the line it continues in the year before (the
    old-to-new structure mapping), so a year is read against the one before it. A split
    line of the old structure counts with its children."""
    mapped = {line.id: line.previous_line_id for line in framework.lines if line.previous_line_id}
    if not mapped:
        return {}
    before = framework_for(framework.region_id, framework.year - 1)
    if before is None:
        return {}
    adjusted = {r.line.id: r.adjusted for r in framework_table(before).rows}
    return {line_id: adjusted.get(previous_id) for line_id, previous_id in mapped.items()}


def lineage(framework: BudgetFramework) -> dict[int, int]:
    """line id -> id of the oldest line it continues (follows previous_line_id)."""
    result = {}
    for line in framework.lines:
        root = line
        seen = set()
        while root.previous_line is not None and root.id not in seen:
            seen.add(root.id)
            root = root.previous_line
        result[line.id] = root.id
    return result


# -- framework against contracts and realisation ---------------------------------------------


@dataclass
class Steering:
    line: BudgetLine
    depth: int
    framework: Decimal
    contracted: Decimal
    realised: Decimal
    forecast: Decimal
    released: Decimal
    paid: Decimal
    contracts: int

    @property
    def warnings(self) -> list[str]:
        from flask_babel import gettext as _

        out = []
        if self.contracted > self.framework:
            out.append(_("Gecontracteerd boven het kader"))
        if self.forecast > self.framework:
            out.append(_("Prognose boven het kader"))
        return out

    @property
    def realised_pct(self) -> Decimal | None:
        if not self.framework:
            return None
        return (self.realised * 100 / self.framework).quantize(Decimal("0.1"))


def elapsed_months(year: int, as_of: date) -> int:
    if as_of.year < year:
        return 0
    if as_of.year > year:
        return 12
    return as_of.month - 1 if as_of.day < 28 else as_of.month


def forecast(realised: Decimal, year: int, as_of: date) -> Decimal:
    """Run rate to the year end: realised so far / months elapsed x 12 (realised itself
    once the year is over; nothing to extrapolate before the first month is complete)."""
    months = elapsed_months(year, as_of)
    if months >= 12 or months == 0:
        return realised
    return (realised * 12 / months).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _year_bounds(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year + 1, 1, 1)


def realised_by_line(
    framework: BudgetFramework, municipality_id: int | None = None, until: date | None = None
) -> dict:
    """Realised amount per line in the framework's year, for periods before `until` (one
    grouped query)."""
    start, end = _year_bounds(framework.year)
    if until is not None:
        end = min(end, until)
    stmt = (
        select(LineAssignment.line_id, func.sum(cents(Realisation.amount)))
        .select_from(Realisation)
        .join(
            ContractYear,
            and_(
                ContractYear.contract_id == Realisation.contract_id,
                ContractYear.year == framework.year,
            ),
        )
        .join(LineAssignment, LineAssignment.contract_year_id == ContractYear.id)
        .join(BudgetLine, BudgetLine.id == LineAssignment.line_id)
        .where(
            BudgetLine.framework_id == framework.id,
            Realisation.period >= start,
            Realisation.period < end,
        )
        .group_by(LineAssignment.line_id)
    )
    if municipality_id is not None:
        stmt = stmt.where(Realisation.municipality_id == municipality_id)
    return {line_id: euros(total) for line_id, total in db.session.execute(stmt)}


def steering(framework: BudgetFramework, as_of: date) -> list[Steering]:
    """Per line: adjusted framework, contracted (contract year values), realised, forecast,
    released and paid. Split lines add up their children."""
    table = framework_table(framework)
    contracted = {
        line_id: (euros(total), count)
        for line_id, total, count in db.session.execute(
            select(
                LineAssignment.line_id,
                func.sum(cents(ContractYear.value)),
                func.count(ContractYear.id),
            )
            .join(ContractYear, ContractYear.id == LineAssignment.contract_year_id)
            .join(BudgetLine, BudgetLine.id == LineAssignment.line_id)
            .where(BudgetLine.framework_id == framework.id)
            .group_by(LineAssignment.line_id)
        )
    }
    realised = realised_by_line(framework, until=as_of)
    released = _sum_by_line(ReleaseDecision, framework)
    paid = _sum_by_line(Disbursement, framework)

    def own(row: LineRow) -> Steering:
        if row.children:
            kids = [own(k) for k in row.children]
            fields = ("contracted", "realised", "released", "paid", "contracts")
            sums = {f: sum((getattr(k, f) for k in kids), 0) for f in fields}
            return Steering(
                row.line,
                row.depth,
                row.adjusted or ZERO,
                sums["contracted"] or ZERO,
                sums["realised"] or ZERO,
                forecast(sums["realised"] or ZERO, framework.year, as_of),
                sums["released"] or ZERO,
                sums["paid"] or ZERO,
                sums["contracts"],
            )
        value, count = contracted.get(row.line.id, (ZERO, 0))
        done = realised.get(row.line.id, ZERO)
        return Steering(
            row.line,
            row.depth,
            row.adjusted or ZERO,
            value,
            done,
            forecast(done, framework.year, as_of),
            released.get(row.line.id, ZERO),
            paid.get(row.line.id, ZERO),
            count,
        )

    return [own(row) for row in table.rows]


def leaves(line: BudgetLine) -> list[BudgetLine]:
    if not line.children:
        return [line]
    return [leaf for child in line.children for leaf in leaves(child)]


def steering_for(framework, as_of: date, municipality_id: int | None) -> list[Steering]:
    """The steering rows as a user sees them: the region's for region staff; for a
    municipality its share (by the current allocation key) of the framework and of the
    contracted amounts, and only the realisation recorded for that municipality."""
    rows = steering(framework, as_of)
    if municipality_id is None:
        return rows
    key = current_key(framework.region_id, framework.year)
    share = next(
        (s.share_pct for s in (key.shares if key else []) if s.municipality_id == municipality_id),
        None,
    )
    own = realised_by_line(framework, municipality_id, until=as_of)
    out = []
    for row in rows:
        realised = sum((own.get(leaf.id, ZERO) for leaf in leaves(row.line)), ZERO)
        out.append(
            Steering(
                row.line,
                row.depth,
                _share(row.framework, share) or ZERO,
                _share(row.contracted, share) or ZERO,
                realised,
                forecast(realised, framework.year, as_of),
                ZERO,
                ZERO,
                row.contracts,
            )
        )
    return out


def _sum_by_line(model, framework) -> dict:
    return {
        line_id: euros(total)
        for line_id, total in db.session.execute(
            select(model.line_id, func.sum(cents(model.amount)))
            .join(BudgetLine, BudgetLine.id == model.line_id)
            .where(BudgetLine.framework_id == framework.id)
            .group_by(model.line_id)
        )
    }


# -- money per municipality ------------------------------------------------------------------


def current_key(region_id: int, year: int) -> AllocationKey | None:
    return db.session.execute(
        select(AllocationKey)
        .where(AllocationKey.region_id == region_id, AllocationKey.year == year)
        .order_by(AllocationKey.version.desc())
        .options(selectinload(AllocationKey.shares))
        .limit(1)
    ).scalar()


def key_versions(region_id: int, year: int) -> list[AllocationKey]:
    return list(
        db.session.execute(
            select(AllocationKey)
            .where(AllocationKey.region_id == region_id, AllocationKey.year == year)
            .order_by(AllocationKey.version.desc())
        ).scalars()
    )


@dataclass
class MunicipalityRow:
    municipality_id: int | None
    name: str
    share_pct: Decimal | None
    young_inhabitants: int | None
    budget: Decimal | None
    contracted: Decimal | None
    realised: Decimal
    custom_count: int
    custom_amount: Decimal

    @property
    def realised_per_1000(self) -> Decimal | None:
        if not self.young_inhabitants:
            return None
        return (self.realised * 1000 / self.young_inhabitants).quantize(Decimal("0.01"))


def _share(amount: Decimal, pct: Decimal | None) -> Decimal | None:
    if pct is None:
        return None
    return (amount * pct / 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def municipality_overview(
    region, year: int, municipality_ids: list[int], *, include_unknown: bool
) -> list[MunicipalityRow]:
    """Per municipality: its share of the adjusted framework and of the region-wide
    contracted amount (by the current allocation key), what was realised for it (from the
    realisation records that carry it), and its own custom contracts. Rows whose
    municipality is unknown (recorded before the column existed) form their own line,
    for region staff only."""
    start, end = _year_bounds(year)
    framework = framework_for(region.id, year)
    table = framework_table(framework) if framework else None
    regional_budget = table.adjusted_incl if table else None
    regional_contracted = euros(
        db.session.execute(
            select(func.sum(cents(ContractYear.value)))
            .join(Contract, Contract.id == ContractYear.contract_id)
            .where(
                Contract.region_id == region.id,
                Contract.municipality_id.is_(None),
                Contract.status.in_(LIVE),
                ContractYear.year == year,
            )
        ).scalar()
    )
    key = current_key(region.id, year)
    shares = {s.municipality_id: s for s in key.shares} if key else {}
    realised = dict(
        db.session.execute(
            select(Realisation.municipality_id, func.sum(cents(Realisation.amount)))
            .join(Contract, Contract.id == Realisation.contract_id)
            .where(
                Contract.region_id == region.id,
                Realisation.period >= start,
                Realisation.period < end,
            )
            .group_by(Realisation.municipality_id)
        ).all()
    )
    custom = {
        mid: (count, euros(total))
        for mid, count, total in db.session.execute(
            select(
                Contract.municipality_id,
                func.count(Contract.id),
                func.sum(cents(Contract.custom_total)),
            )
            .where(
                Contract.region_id == region.id,
                Contract.origin == "custom",
                Contract.start_date < end,
                Contract.end_date >= start,
            )
            .group_by(Contract.municipality_id)
        )
    }
    names = dict(
        db.session.execute(
            select(Municipality.id, Municipality.name).where(Municipality.id.in_(municipality_ids))
        ).all()
    )
    rows = []
    for mid in sorted(municipality_ids, key=lambda i: names.get(i, "")):
        share = shares.get(mid)
        pct = share.share_pct if share else None
        count, amount = custom.get(mid, (0, ZERO))
        rows.append(
            MunicipalityRow(
                municipality_id=mid,
                name=names.get(mid, ""),
                share_pct=pct,
                young_inhabitants=share.young_inhabitants if share else None,
                budget=_share(regional_budget, pct) if regional_budget is not None else None,
                contracted=_share(regional_contracted, pct),
                realised=euros(realised.get(mid)),
                custom_count=count,
                custom_amount=amount,
            )
        )
    if include_unknown and realised.get(None):
        from flask_babel import gettext as _

        rows.append(
            MunicipalityRow(
                None,
                _("Gemeente onbekend"),
                None,
                None,
                None,
                None,
                euros(realised[None]),
                0,
                ZERO,
            )
        )
    return rows


# -- custom-contract monitor -----------------------------------------------------------------


def quarter_of(day: date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


@dataclass
class QuarterProgress:
    """One quarter of the monitored year, counted from 1 January: custom contracts started
    so far against the baseline year up to the same quarter and the target's pro-rata
    share of the year (a quarter of the yearly maximum per quarter)."""

    quarter: str
    count: int
    amount: Decimal
    cumulative: int
    baseline_cumulative: int
    target_cumulative: int | None

    @property
    def on_track(self) -> bool | None:
        if self.target_cumulative is None:
            return None
        return self.cumulative <= self.target_cumulative


@dataclass
class CustomMonitor:
    target: CustomContractTarget | None
    baseline_count: int
    target_count: int | None
    by_quarter: list[tuple[str, int, Decimal]]
    progress: list[QuarterProgress]
    by_municipality: list[tuple[str, int, Decimal]]
    by_code: list[tuple[str, int, Decimal]]
    by_provider: list[tuple[str, int, Decimal]]
    by_reason: list[tuple[str | None, int, Decimal]]
    year_count: int
    year_amount: Decimal
    # dimension ("municipality", "code", "provider", "reason") -> key -> baseline-year count
    baseline_by: dict[str, dict] = field(default_factory=dict)


def custom_monitor(region, year: int, municipality_ids: list[int] | None) -> CustomMonitor:
    """Custom contracts started per quarter, and per municipality, maatwerk code, provider
    and reason in `year`, against the baseline year's count and the target."""
    from procure.catalogue.models import MaatwerkCode

    target = db.session.execute(
        select(CustomContractTarget).where(CustomContractTarget.region_id == region.id)
    ).scalar()
    base = select(Contract).where(Contract.region_id == region.id, Contract.origin == "custom")
    if municipality_ids is not None:
        base = base.where(Contract.municipality_id.in_(municipality_ids))
    rows = db.session.execute(
        base.with_only_columns(
            Contract.start_date,
            Contract.custom_total,
            Municipality.name,
            MaatwerkCode.code,
            Provider.name,
            Contract.custom_reason,
        )
        .join(Municipality, Municipality.id == Contract.municipality_id, isouter=True)
        .join(MaatwerkCode, MaatwerkCode.id == Contract.maatwerk_code_id, isouter=True)
        .join(Provider, Provider.id == Contract.provider_id)
        .order_by(Contract.start_date)
    ).all()
    baseline_year = target.baseline_year if target else year - 1
    baseline = sum(1 for r in rows if r[0].year == baseline_year)
    if target is not None and target.baseline_count is not None and municipality_ids is None:
        baseline = target.baseline_count
    target_count = None
    if target is not None:
        target_count = int(
            (Decimal(baseline) * (100 - target.reduction_pct) / 100).to_integral_value(
                rounding=ROUND_HALF_UP
            )
        )

    dimensions = {"municipality": 2, "code": 3, "provider": 4, "reason": 5}
    baseline_by = {
        name: _count_by(r[index] for r in rows if r[0].year == baseline_year)
        for name, index in dimensions.items()
    }

    def group(index: int, only_year=True):
        acc: dict = {}
        if only_year and year != baseline_year:
            # what the baseline year had and this year has not shows with 0
            for key in _count_by(r[index] for r in rows if r[0].year == baseline_year):
                acc[key] = (0, ZERO)
        for r in rows:
            if only_year and r[0].year != year:
                continue
            key = quarter_of(r[0]) if index == 0 else r[index]
            count, amount = acc.get(key, (0, ZERO))
            acc[key] = (count + 1, amount + (r[1] or ZERO))
        return sorted(((k, c, a) for k, (c, a) in acc.items()), key=lambda t: str(t[0]))

    in_year = [r for r in rows if r[0].year == year]
    return CustomMonitor(
        target=target,
        baseline_count=baseline,
        target_count=target_count,
        by_quarter=[q for q in group(0, only_year=False) if q[0] >= f"{baseline_year}"],
        progress=_quarter_progress(rows, year, baseline_year, baseline, target_count),
        by_municipality=group(2),
        by_code=group(3),
        by_provider=group(4),
        by_reason=group(5),
        year_count=len(in_year),
        year_amount=sum((r[1] or ZERO for r in in_year), ZERO),
        baseline_by=baseline_by,
    )


def _count_by(keys) -> dict:
    counts: dict = {}
    for key in keys:
        counts[key] = counts.get(key, 0) + 1
    return counts


def _quarter_progress(rows, year, baseline_year, baseline, target_count) -> list[QuarterProgress]:
    """rows: (start_date, custom_total, ...) of every custom contract. The baseline's
    quarters come from its records, scaled to the stated baseline count when the region
    states one (seed 001 names the 2023 total, not its quarters)."""
    recorded_baseline = [r[0] for r in rows if r[0].year == baseline_year]
    progress, cumulative = [], 0
    for number in range(1, 5):
        in_quarter = [r for r in rows if r[0].year == year and (r[0].month - 1) // 3 + 1 == number]
        cumulative += len(in_quarter)
        upto = sum(1 for day in recorded_baseline if (day.month - 1) // 3 < number)
        if recorded_baseline and len(recorded_baseline) != baseline:
            upto = _rounded(Decimal(upto) * baseline / len(recorded_baseline))
        elif not recorded_baseline:
            upto = _rounded(Decimal(baseline) * number / 4)
        progress.append(
            QuarterProgress(
                quarter=f"{year}-Q{number}",
                count=len(in_quarter),
                amount=sum((r[1] or ZERO for r in in_quarter), ZERO),
                cumulative=cumulative,
                baseline_cumulative=upto,
                target_cumulative=None
                if target_count is None
                else _rounded(Decimal(target_count) * number / 4),
            )
        )
    return progress


def _rounded(value: Decimal) -> int:
    return int(value.to_integral_value(rounding=ROUND_HALF_UP))


# -- indicators and waiting times ------------------------------------------------------------


def indicators(region_id: int) -> list[Indicator]:
    return list(
        db.session.execute(
            select(Indicator).where(Indicator.region_id == region_id).order_by(Indicator.code)
        ).scalars()
    )


def indicator_or_404(region, code: str) -> Indicator:
    """The region's indicator with this code (for a page and the API alike), or 404."""
    indicator = db.session.execute(
        select(Indicator).where(Indicator.region_id == region.id, Indicator.code == code)
    ).scalar()
    if indicator is None:
        abort(404)
    return indicator


def indicator_series(indicator: Indicator, municipality_ids: list[int] | None):
    """Region-wide values, and the per-municipality values the user may see, by period."""
    stmt = (
        select(IndicatorValue)
        .where(IndicatorValue.indicator_id == indicator.id)
        .options(selectinload(IndicatorValue.municipality))
        .order_by(IndicatorValue.period_start, IndicatorValue.period)
    )
    if municipality_ids is not None:
        stmt = stmt.where(
            IndicatorValue.municipality_id.is_(None)
            | IndicatorValue.municipality_id.in_(municipality_ids)
        )
    values = list(db.session.execute(stmt).scalars())
    regional = [v for v in values if v.municipality_id is None]
    per_municipality: dict[str, dict[str, Decimal]] = {}
    for v in values:
        if v.municipality_id is not None:
            per_municipality.setdefault(v.municipality.name, {})[v.period] = v.value
    return regional, dict(sorted(per_municipality.items()))


def on_track(indicator: Indicator, value: Decimal | None) -> bool | None:
    if value is None or indicator.target_value is None:
        return None
    if indicator.direction == "down":
        return value <= indicator.target_value
    return value >= indicator.target_value


def trend(values: list[IndicatorValue]) -> str | None:
    """ "up", "down" or "flat" between the last two values."""
    if len(values) < 2:
        return None
    last, before = values[-1].value, values[-2].value
    return "up" if last > before else "down" if last < before else "flat"


@dataclass
class WaitingSummary:
    period: date
    providers_expected: int
    providers_in_time: int
    average_days: Decimal | None
    waiting: int
    rows: list

    @property
    def in_time_pct(self) -> Decimal | None:
        if not self.providers_expected:
            return None
        return (Decimal(self.providers_in_time) * 100 / self.providers_expected).quantize(
            Decimal("0.1")
        )


def waiting_summary(region, period: date, municipality_ids: list[int] | None) -> WaitingSummary:
    """Waiting times of one month: per provider and category; a provider is in time when
    it updated within 31 days before the end of the month; expected are the providers with
    a live regional contract."""
    stmt = (
        select(WaitingTime)
        .where(WaitingTime.region_id == region.id, WaitingTime.period == period)
        .options(selectinload(WaitingTime.provider))
        .order_by(WaitingTime.category, WaitingTime.provider_id)
    )
    if municipality_ids is not None:
        stmt = stmt.where(
            WaitingTime.municipality_id.is_(None)
            | WaitingTime.municipality_id.in_(municipality_ids)
        )
    rows = list(db.session.execute(stmt).scalars())
    month_end = date(period.year + period.month // 12, period.month % 12 + 1, 1)
    from datetime import timedelta

    limit = month_end - timedelta(days=32)
    in_time = {r.provider_id for r in rows if r.updated_on > limit}
    expected = set(
        db.session.execute(
            select(Contract.provider_id).where(
                Contract.region_id == region.id,
                Contract.origin != "custom",
                Contract.status.in_(contract_policy.LIVE),
            )
        ).scalars()
    ) | {r.provider_id for r in rows}
    weights = [(r.average_days, r.waiting or 0) for r in rows]
    total_waiting = sum(w for _d, w in weights)
    if total_waiting:
        average = (sum(d * w for d, w in weights) / total_waiting).quantize(Decimal("0.01"))
    elif rows:
        average = (sum(d for d, _w in weights) / len(rows)).quantize(Decimal("0.01"))
    else:
        average = None
    return WaitingSummary(period, len(expected), len(in_time), average, total_waiting, rows)


def report_files(user, region, limit: int = 40) -> list:
    """The reports made in the background that the user may download, newest first: the
    region's staff all of the region's, a municipality only its own."""
    from procure.finance import policy

    stmt = select(ReportFile).where(ReportFile.region_id == region.id)
    if not policy.sees_region(user):
        stmt = stmt.where(ReportFile.municipality_id == user.municipality_id)
    stmt = stmt.options(selectinload(ReportFile.municipality), selectinload(ReportFile.file))
    return list(db.session.execute(stmt.order_by(ReportFile.id.desc()).limit(limit)).scalars())
