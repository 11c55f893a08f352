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


STEERING_HEADER = ["Post", "Kader", "Gecontracteerd", "Gerealiseerd", "Prognose", "Signalen"]


def report_workbook(data: ReportData) -> bytes:
    totals = data.totals()
    total_row = [
        "Totaal",
        totals["framework"],
        totals["contracted"],
        totals["realised"],
        totals["forecast"],
        "",
    ]
    steering = [*_steering_rows(data.steering), total_row]
    custom = data.custom
    sheets = [
        ("Kader", STEERING_HEADER, steering),
        (
            "Maatwerk",
            ["Kwartaal", "Aantal", "Bedrag"],
            [list(r) for r in custom.by_quarter]
            + [["Basisjaar", custom.baseline_count, None], ["Doel", custom.target_count, None]],
        ),
        (
            "Indicatoren",
            ["Code", "Indicator", "Periode", "Waarde", "Doel", "Op koers"],
            [
                [
                    i["indicator"].code,
                    i["indicator"].name,
                    i["last"].period if i["last"] else None,
                    i["last"].value if i["last"] else None,
                    i["indicator"].target_value,
                    {True: "ja", False: "nee", None: ""}[i["on_track"]],
                ]
                for i in data.indicators
            ],
        ),
        (
            "Portefeuille",
            ["Wijziging", "Contract", "Aanbieder", "Ingang", "Einde", "Status"],
            [
                ["gestart", c.reference, c.provider.name, c.start_date, c.end_date, c.status]
                for c in data.started
            ]
            + [
                ["beëindigd", c.reference, c.provider.name, c.start_date, c.end_date, c.status]
                for c in data.ended
            ],
        ),
    ]
    if data.signals is not None:
        sheets.append(
            (
                "Signalen",
                ["Onderdeel", "Aantal"],
                [[k, v] for k, v in data.signals.as_dict().items()],
            )
        )
    return exports.workbook(sheets, title=data.title)


def framework_workbook(region, framework, steering) -> bytes:
    table = q.framework_table(framework)
    rows = [
        [
            "  " * r.depth + r.line.name,
            r.line.code,
            "PM" if r.is_pm else r.amount,
            r.adjustments,
            r.adjusted,
            r.line.previous_line.name if r.line.previous_line else "",
            "ja" if r.line.incidental else "",
        ]
        for r in table.rows
    ]
    rows.append(
        ["Totaal (excl. incidenteel)", "", table.amount, table.adjustments, table.adjusted, "", ""]
    )
    rows.append(
        ["Totaal (incl. incidenteel)", "", table.amount_incl, None, table.adjusted_incl, "", ""]
    )
    adjustments = [
        [a.line.name, a.amount, a.decided_on, a.decision_reference, a.reason]
        for a in q.adjustments(framework)
    ]
    return exports.workbook(
        [
            (
                f"Kader {framework.year}",
                [
                    "Post",
                    "Code",
                    "Kader",
                    "Mutaties",
                    "Bijgesteld kader",
                    "Vervolg van",
                    "Incidenteel",
                ],
                rows,
            ),
            ("Mutaties", ["Post", "Bedrag", "Datum besluit", "Kenmerk", "Reden"], adjustments),
            ("Sturing", STEERING_HEADER, _steering_rows(steering)),
        ],
        title=f"Budgettair kader {framework.year} {region.name}",
    )


def municipality_workbook(region, year, rows) -> bytes:
    return exports.workbook(
        [
            (
                f"Gemeenten {year}",
                [
                    "Gemeente",
                    "Aandeel %",
                    "Jeugdige inwoners",
                    "Budget",
                    "Gecontracteerd",
                    "Gerealiseerd",
                    "Per 1.000 jeugdige inwoners",
                    "Maatwerk (aantal)",
                    "Maatwerk (bedrag)",
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
            )
        ],
        title=f"Geld per gemeente {year} {region.name}",
    )


def custom_workbook(monitor, year) -> bytes:
    def sheet(name, rows):
        return (name, [name, "Aantal", "Bedrag"], [[k or "onbekend", c, a] for k, c, a in rows])

    return exports.workbook(
        [
            sheet("Kwartaal", monitor.by_quarter),
            sheet("Gemeente", monitor.by_municipality),
            sheet("Maatwerkcode", monitor.by_code),
            sheet("Aanbieder", monitor.by_provider),
            sheet("Reden", monitor.by_reason),
        ],
        title=f"Maatwerkmonitor {year}",
    )


def indicator_workbook(indicator, regional, per_municipality) -> bytes:
    periods = sorted({p for values in per_municipality.values() for p in values})
    return exports.workbook(
        [
            (
                "Regio",
                ["Periode", "Waarde", "Doel"],
                [[v.period, v.value, indicator.target_value] for v in regional],
            ),
            (
                "Per gemeente",
                ["Gemeente", *periods],
                [
                    [name, *[values.get(p) for p in periods]]
                    for name, values in per_municipality.items()
                ],
            ),
        ],
        title=indicator.name,
    )


def waiting_workbook(summary) -> bytes:
    return exports.workbook(
        [
            (
                f"Wachttijden {summary.period:%Y-%m}",
                [
                    "Aanbieder",
                    "Productcategorie",
                    "Gemeente",
                    "Gemiddelde wachttijd (dagen)",
                    "Wachtenden",
                    "Bijgewerkt op",
                ],
                [
                    [
                        r.provider.name,
                        r.category,
                        r.municipality_id or "",
                        r.average_days,
                        r.waiting,
                        r.updated_on,
                    ]
                    for r in summary.rows
                ],
            )
        ],
        title="Wachttijden",
    )
