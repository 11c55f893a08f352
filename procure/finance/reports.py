"""The reports councils and management get: a half-yearly council report (raadsrapportage,
period "2024-H1") and a quarterly management report ("2024-Q3"), for the region or for one
municipality. One data build feeds both the PDF (documents engine, SVG charts) and the
Excel workbook, so both show the same figures; the build reads the database only, and the
documents carry the period end as their date, so the same data gives the same bytes.

Contents: framework against contracted, realised and forecast per line (as of the period
end); custom contracts against the target; indicators against their targets; signals (the
supervision year overview, region reports only); contract portfolio changes in the period
(contracts that started, ended or were terminated).
"""

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from procure.contracts import policy as contract_policy
from procure.contracts.models import Contract
from procure.core.labels import resolved
from procure.core.spreadsheets import (
    INTEGER_FORMAT,
    MONEY_FORMAT,
    MONTH_FORMAT,
    PERCENT_FORMAT,
    period_value,
)
from procure.extensions import db
from procure.finance import charts, exports
from procure.finance import queries as q

KINDS = {"raad": "half", "management": "quarter"}
_PERIOD = {"half": re.compile(r"^(\d{4})-H([12])$"), "quarter": re.compile(r"^(\d{4})-Q([1-4])$")}


def period_bounds(kind: str, period: str) -> tuple[date, date]:
    """(first day, last day) of "2024-H1" or "2024-Q3"; ValueError when malformed."""
    match = _PERIOD[KINDS[kind]].match(period)
    if not match:
        raise ValueError(period)
    year, part = int(match.group(1)), int(match.group(2))
    if not 2000 <= year <= 2100:
        raise ValueError(period)
    months = 6 if KINDS[kind] == "half" else 3
    start = date(year, (part - 1) * months + 1, 1)
    end_month = start.month + months
    end = (date(year + 1, 1, 1) if end_month > 12 else date(year, end_month, 1)) - timedelta(1)
    return start, end


def recent_periods(today: date) -> dict[str, list[str]]:
    """The current and three previous half years and quarters."""
    halves, quarters = [], []
    year, half = today.year, 1 if today.month <= 6 else 2
    year_q, quarter = today.year, (today.month - 1) // 3 + 1
    for _i in range(4):
        halves.append(f"{year}-H{half}")
        quarters.append(f"{year_q}-Q{quarter}")
        year, half = (year, 1) if half == 2 else (year - 1, 2)
        year_q, quarter = (year_q, quarter - 1) if quarter > 1 else (year_q - 1, 4)
    return {"raad": halves, "management": quarters}


def filename(region, kind, period, municipality, fmt) -> str:
    who = municipality.slug if municipality else region.short_code
    name = "raadsrapportage" if kind == "raad" else "managementrapportage"
    return f"{name}-{who}-{period}.{fmt}"


@dataclass
class ReportData:
    region: object
    kind: str
    period: str
    start: date
    end: date
    municipality: object | None
    framework: object | None
    steering: list = field(default_factory=list)
    custom: object | None = None
    indicators: list = field(default_factory=list)
    signals: object | None = None
    started: list = field(default_factory=list)
    ended: list = field(default_factory=list)

    @property
    def title(self) -> str:
        label = _("Raadsrapportage") if self.kind == "raad" else _("Managementrapportage")
        who = self.municipality.name if self.municipality else self.region.name
        return f"{label} {self.period} – {who}"

    def totals(self) -> dict:
        top = [s for s in self.steering if s.depth == 0]
        return {
            "framework": sum((s.framework for s in top), q.ZERO),
            "contracted": sum((s.contracted for s in top), q.ZERO),
            "realised": sum((s.realised for s in top), q.ZERO),
            "forecast": sum((s.forecast for s in top), q.ZERO),
        }


def build(region, kind, period, start, end, municipality) -> ReportData:
    framework = q.framework_for(region.id, start.year)
    data = ReportData(region, kind, period, start, end, municipality, framework)
    if framework is not None:
        data.steering = q.steering_for(
            framework, end + timedelta(days=1), municipality.id if municipality else None
        )
    scope = [municipality.id] if municipality is not None else None
    data.custom = q.custom_monitor(region, start.year, scope)
    for indicator in q.indicators(region.id):
        regional, per = q.indicator_series(indicator, scope or [])
        values = [v for v in regional if v.period_start <= end]
        own = per.get(municipality.name, {}) if municipality is not None else {}
        last = values[-1] if values else None
        data.indicators.append(
            {
                "indicator": indicator,
                "last": last,
                "own": own,
                "trend": q.trend(values),
                "on_track": q.on_track(indicator, last.value if last else None),
            }
        )
    if municipality is None:
        from procure.supervision.reports import year_overview

        data.signals = year_overview(region.id, start.year)
    contracts = select(Contract).where(Contract.region_id == region.id)
    if municipality is not None:
        contracts = contracts.where(
            Contract.municipality_id.is_(None) | (Contract.municipality_id == municipality.id)
        )
    contracts = contracts.options(selectinload(Contract.provider)).order_by(Contract.reference)
    data.started = list(
        db.session.execute(
            contracts.where(
                Contract.start_date >= start,
                Contract.start_date <= end,
                Contract.status.in_(q.LIVE),  # started: in force or closed since
            )
        ).scalars()
    )
    data.ended = list(
        db.session.execute(
            contracts.where(
                Contract.status.in_(contract_policy.CLOSED),
                Contract.end_date >= start,
                Contract.end_date <= end,
            )
        ).scalars()
    )
    return data


def report_chart(data: ReportData):
    return charts.paired_bars(
        _("Kader en realisatie per post"),
        [(s.line.name, s.framework, s.realised) for s in data.steering if s.depth == 0],
        (_("Kader"), _("Gerealiseerd")),
        "framework-vs-realised",
    )


def report_pdf(data: ReportData):
    from procure.documents.engine import DocumentMeta, render_pdf

    meta = DocumentMeta(
        title=data.title,
        author=data.region.name,
        subject=_("Financiële sturing en monitoring"),
        reference=f"{data.kind}-{data.period}",
        region_name=data.region.name,
        created=data.end,
    )
    return render_pdf(
        "documents/finance_report.html",
        {"data": data, "totals": data.totals(), "chart": report_chart(data)},
        meta,
    )


def _steering_rows(rows):
    return [
        [
            "  " * s.depth + s.line.name,
            s.framework,
            s.contracted,
            s.realised,
            s.forecast,
            ", ".join(s.warnings),
        ]
        for s in rows
    ]


def _steering_header() -> list:
    return [
        _("Post"),
        _("Kader"),
        _("Gecontracteerd"),
        _("Gerealiseerd"),
        _("Prognose"),
        _("Signalen"),
    ]


STEERING_MONEY = dict.fromkeys((1, 2, 3, 4), MONEY_FORMAT)


def _yes_no(value) -> str:
    return {True: _("ja"), False: _("nee")}.get(value, "")


def _custom_rows(rows, labels: dict | None = None) -> list:
    """(key, count, amount) rows of the custom-contract monitor; reason codes as labels."""
    unknown = _("onbekend")
    return [[(labels or {}).get(k, k) if k else unknown, c, a] for k, c, a in rows]


def _portfolio_rows(change: str, contracts) -> list:
    from procure.contracts.forms import STATUS_LABELS

    status = resolved(STATUS_LABELS)
    return [
        [
            change,
            c.reference,
            c.provider.name,
            c.start_date,
            c.end_date,
            status.get(c.status, c.status),
        ]
        for c in contracts
    ]


def report_workbook(data: ReportData) -> bytes:
    from procure.supervision.reports import OVERVIEW_LABELS

    totals = data.totals()
    total_row = [
        _("Totaal"),
        totals["framework"],
        totals["contracted"],
        totals["realised"],
        totals["forecast"],
        "",
    ]
    steering = [*_steering_rows(data.steering), total_row]
    custom = data.custom
    sheets = [
        (_("Kader"), _steering_header(), steering, STEERING_MONEY),
        (
            _("Maatwerk"),
            [_("Kwartaal"), _("Aantal"), _("Bedrag")],
            [list(r) for r in custom.by_quarter]
            + [
                [_("Basisjaar"), custom.baseline_count, None],
                [_("Doel"), custom.target_count, None],
            ],
            {2: MONEY_FORMAT},
        ),
        (
            _("Indicatoren"),
            [_("Code"), _("Indicator"), _("Periode"), _("Waarde"), _("Doel"), _("Op koers")],
            [
                [
                    i["indicator"].code,
                    i["indicator"].name,
                    period_value(i["last"].period) if i["last"] else None,
                    i["last"].value if i["last"] else None,
                    i["indicator"].target_value,
                    _yes_no(i["on_track"]),
                ]
                for i in data.indicators
            ],
            {2: MONTH_FORMAT},
        ),
        (
            _("Portefeuille"),
            [_("Wijziging"), _("Contract"), _("Aanbieder"), _("Ingang"), _("Einde"), _("Status")],
            _portfolio_rows(_("gestart"), data.started)
            + _portfolio_rows(_("beëindigd"), data.ended),
        ),
    ]
    if data.signals is not None:
        labels = resolved(OVERVIEW_LABELS)
        sheets.append(
            (
                _("Signalen"),
                [_("Onderdeel"), _("Aantal")],
                [[labels.get(k, k), v] for k, v in data.signals.as_dict().items()],
            )
        )
    return exports.workbook(sheets, title=data.title)


def framework_workbook(region, framework, steering) -> bytes:
    table = q.framework_table(framework)
    rows = [
        [
            "  " * r.depth + r.line.name,
            r.line.code,
            _("PM (pro memorie)") if r.is_pm else r.amount,
            r.adjustments,
            r.adjusted,
            r.line.previous_line.name if r.line.previous_line else "",
            _("ja") if r.line.incidental else "",
        ]
        for r in table.rows
    ]
    rows.append(
        [
            _("Totaal (excl. incidenteel)"),
            "",
            table.amount,
            table.adjustments,
            table.adjusted,
            "",
            "",
        ]
    )
    rows.append(
        [_("Totaal (incl. incidenteel)"), "", table.amount_incl, None, table.adjusted_incl, "", ""]
    )
    adjustments = [
        [a.line.name, a.amount, a.decided_on, a.decision_reference, a.reason]
        for a in q.adjustments(framework)
    ]
    return exports.workbook(
        [
            (
                _("Kader %(year)s", year=framework.year),
                [
                    _("Post"),
                    _("Code"),
                    _("Kader"),
                    _("Mutaties"),
                    _("Bijgesteld kader"),
                    _("Vervolg van"),
                    _("Incidenteel"),
                ],
                rows,
                dict.fromkeys((2, 3, 4), MONEY_FORMAT),
            ),
            (
                _("Mutaties"),
                [_("Post"), _("Bedrag"), _("Datum besluit"), _("Kenmerk"), _("Reden")],
                adjustments,
                {1: MONEY_FORMAT},
            ),
            (_("Sturing"), _steering_header(), _steering_rows(steering), STEERING_MONEY),
        ],
        title=_("Budgettair kader %(year)s %(region)s", year=framework.year, region=region.name),
    )


def municipality_workbook(region, year, rows) -> bytes:
    return exports.workbook(
        [
            (
                _("Gemeenten %(year)s", year=year),
                [
                    _("Gemeente"),
                    _("Aandeel (%)"),
                    _("Jeugdige inwoners"),
                    _("Budget"),
                    _("Gecontracteerd"),
                    _("Gerealiseerd"),
                    _("Per 1.000 jeugdige inwoners"),
                    _("Maatwerk (aantal)"),
                    _("Maatwerk (bedrag)"),
                ],
                [
                    [
                        r.name,
                        r.share_pct,
                        r.young_inhabitants,
                        r.budget,
                        r.contracted,
                        r.realised,
                        r.realised_per_1000,
                        r.custom_count,
                        r.custom_amount,
                    ]
                    for r in rows
                ],
                {
                    1: PERCENT_FORMAT,
                    2: INTEGER_FORMAT,
                    **dict.fromkeys((3, 4, 5, 6, 8), MONEY_FORMAT),
                },
            )
        ],
        title=_("Geld per gemeente %(year)s %(region)s", year=year, region=region.name),
    )


def custom_workbook(monitor, year) -> bytes:
    from procure.contracts.forms import CUSTOM_REASON_LABELS

    def sheet(name, rows, labels=None, baseline=None):
        if baseline is None:
            return (
                name,
                [name, _("Aantal"), _("Bedrag")],
                _custom_rows(rows, labels),
                {2: MONEY_FORMAT},
            )
        shown = _custom_rows(rows, labels)
        return (
            name,
            [name, _("Aantal"), _("Bedrag"), _("Basisjaar")],
            [[*row, baseline.get(key, 0)] for row, (key, _c, _a) in zip(shown, rows, strict=True)],
            {2: MONEY_FORMAT},
        )

    base = monitor.baseline_by

    progress = (
        _("Voortgang"),
        [
            _("Kwartaal"),
            _("Gestart"),
            _("Bedrag"),
            _("Tot en met dit kwartaal"),
            _("Basisjaar tot en met dit kwartaal"),
            _("Doel tot en met dit kwartaal"),
        ],
        [
            [
                p.quarter,
                p.count,
                p.amount,
                p.cumulative,
                p.baseline_cumulative,
                p.target_cumulative,
            ]
            for p in monitor.progress
        ],
        {2: MONEY_FORMAT},
    )
    return exports.workbook(
        [
            progress,
            sheet(_("Kwartaal"), monitor.by_quarter),
            sheet(_("Gemeente"), monitor.by_municipality, baseline=base.get("municipality")),
            sheet(_("Maatwerkcode"), monitor.by_code, baseline=base.get("code")),
            sheet(_("Aanbieder"), monitor.by_provider, baseline=base.get("provider")),
            sheet(
                _("Reden"),
                monitor.by_reason,
                resolved(CUSTOM_REASON_LABELS),
                baseline=base.get("reason"),
            ),
        ],
        title=_("Maatwerkmonitor %(year)s", year=year),
    )


def indicator_workbook(indicator, regional, per_municipality) -> bytes:
    periods = sorted({p for values in per_municipality.values() for p in values})
    return exports.workbook(
        [
            (
                _("Regio"),
                [_("Periode"), _("Waarde"), _("Doel")],
                [[period_value(v.period), v.value, indicator.target_value] for v in regional],
                {0: MONTH_FORMAT},
            ),
            (
                _("Per gemeente"),
                [_("Gemeente"), *periods],
                [
                    [name, *[values.get(p) for p in periods]]
                    for name, values in per_municipality.items()
                ],
            ),
        ],
        title=indicator.name,
    )


def waiting_workbook(summary) -> bytes:
    from procure.organisations.models import Municipality

    names = dict(db.session.execute(select(Municipality.id, Municipality.name)).all())
    return exports.workbook(
        [
            (
                _("Wachttijden %(month)s", month=f"{summary.period:%m-%Y}"),
                [
                    _("Aanbieder"),
                    _("Productcategorie"),
                    _("Gemeente"),
                    _("Gemiddelde wachttijd (dagen)"),
                    _("Wachtenden"),
                    _("Bijgewerkt op"),
                ],
                [
                    [
                        r.provider.name,
                        r.category,
                        names.get(r.municipality_id) or _("hele regio"),
                        r.average_days,
                        r.waiting,
                        r.updated_on,
                    ]
                    for r in summary.rows
                ],
                {3: "0.0"},
            )
        ],
        title=_("Wachttijden"),
    )
