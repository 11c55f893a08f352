"""Reporting on signals: counts, throughput, open signals over time (SVG), the year overview
of the supervision list (seed 001's annual report) and the Excel export.

Year overview definitions (the state of a signal "at the end of year Y" is the target of its
last transition before 1 January Y+1 00:00 Europe/Amsterdam; merged duplicates are not
counted anywhere):

- on the list (op de signalenlijst): received on or before 31 December Y, not merged, and
  open at some moment during Y: open on 1 January, or received/reopened during Y;
- new (nieuw): received in Y (not merged);
- of the new signals, by their state at the end of Y, in this order, each signal in one part:
  1. closed (afgehandeld): closed;
  2. heightened supervision: still open and its provider is under heightened supervision
     in the region on 31 December; the headline figure is the number of distinct
     providers of these signals ("2 aanbieders onder verhoogd toezicht");
  3. in investigation ourselves (in onderzoek): investigating, or measures imposed;
  4. in investigation by another party (bij een andere partij): handed over;
  5. on the work queue (werkvoorraad): received (awaiting triage) or triaged to monitor.
  The five parts add up to the number of new signals.
"""

from bisect import bisect_right
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from statistics import median

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from sqlalchemy import extract, func, select

from procure.core.spreadsheets import MONTH_FORMAT, Sheet, period_value, xlsx_bytes
from procure.core.timeutil import AMSTERDAM, end_of_day, today_local
from procure.extensions import db
from procure.organisations.models import Provider
from procure.supervision.models import (
    CATEGORIES,
    CLOSED,
    INVESTIGATING,
    MEASURES,
    MERGED,
    OPEN_STATES,
    OTHER_PARTY,
    RECEIVED,
    SIGNAL_MACHINE,
    TRIAGED,
    HeightenedSupervision,
    Signal,
    SignalTransition,
)

BUCKET_OF_STATE = {
    CLOSED: "closed",
    INVESTIGATING: "investigating",
    MEASURES: "investigating",
    OTHER_PARTY: "other_party",
    RECEIVED: "work_queue",
    TRIAGED: "work_queue",
}


@dataclass
class YearOverview:
    year: int
    on_list: int
    new: int
    closed: int
    heightened_providers: int
    heightened_signals: int
    investigating: int
    other_party: int
    work_queue: int
    providers_under_heightened_at_year_end: int

    def parts_total(self) -> int:
        return (
            self.closed
            + self.heightened_signals
            + self.investigating
            + self.other_party
            + self.work_queue
        )

    def as_dict(self) -> dict:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


def _start_of_year(year: int) -> datetime:
    return datetime.combine(date(year, 1, 1), time(0, 0), tzinfo=AMSTERDAM)


def _histories(region_id: int, until: datetime) -> dict[int, list[tuple[datetime, str]]]:
    """Transitions before `until` per signal, in order (one query)."""
    rows = db.session.execute(
        select(SignalTransition.signal_id, SignalTransition.at, SignalTransition.to_state)
        .where(SignalTransition.region_id == region_id, SignalTransition.at < until)
        .order_by(SignalTransition.signal_id, SignalTransition.at, SignalTransition.id)
    )
    result: dict[int, list] = defaultdict(list)
    for signal_id, at, to_state in rows:
        result[signal_id].append((at, to_state))
    return result


def _state_at(history: list[tuple[datetime, str]], moment: datetime) -> str | None:
    state = None
    for at, to_state in history:
        if at >= moment:
            break
        state = to_state
    return state


def heightened_provider_ids(region_id: int, day: date) -> set[int]:
    rows = db.session.execute(
        select(HeightenedSupervision.provider_id).where(
            HeightenedSupervision.region_id == region_id,
            HeightenedSupervision.start_on <= day,
            (HeightenedSupervision.ended_on.is_(None)) | (HeightenedSupervision.ended_on > day),
        )
    )
    return set(rows.scalars())


def year_overview(region_id: int, year: int) -> YearOverview:
    """The supervision list figures for `year` (see the module docstring); 3 queries."""
    start, end = _start_of_year(year), end_of_day(date(year, 12, 31))
    signals = db.session.execute(
        select(Signal.id, Signal.received_on, Signal.provider_id).where(
            Signal.region_id == region_id, Signal.received_on <= date(year, 12, 31)
        )
    ).all()
    histories = _histories(region_id, end)
    heightened = heightened_provider_ids(region_id, date(year, 12, 31))
    on_list = new = 0
    parts = Counter()
    heightened_providers = set()
    for signal_id, received_on, provider_id in signals:
        history = histories.get(signal_id, [])
        state_end = _state_at(history, end) or RECEIVED
        if state_end == MERGED:
            continue
        open_at_start = _state_at(history, start) in OPEN_STATES
        opened_in_year = any(start <= at < end and to in OPEN_STATES for at, to in history)
        if open_at_start or opened_in_year or received_on.year == year:
            on_list += 1
        if received_on.year != year:
            continue
        new += 1
        if state_end != CLOSED and provider_id in heightened:
            parts["heightened"] += 1
            heightened_providers.add(provider_id)
        else:
            parts[BUCKET_OF_STATE[state_end]] += 1
    return YearOverview(
        year=year,
        on_list=on_list,
        new=new,
        closed=parts["closed"],
        heightened_providers=len(heightened_providers),
        heightened_signals=parts["heightened"],
        investigating=parts["investigating"],
        other_party=parts["other_party"],
        work_queue=parts["work_queue"],
        providers_under_heightened_at_year_end=len(heightened),
    )


# -- counts and throughput -------------------------------------------------------------------


def _base(region_id: int, year: int | None):
    conditions = [Signal.region_id == region_id, Signal.state != MERGED]
    if year:
        conditions.append(extract("year", Signal.received_on) == year)
    return conditions


def counts(region_id: int, year: int | None = None) -> dict:
    """Signals (received in `year`, or all) per current state, category, provider, month."""
    where = _base(region_id, year)
    by_state = dict(
        db.session.execute(
            select(Signal.state, func.count()).where(*where).group_by(Signal.state)
        ).all()
    )
    by_category = dict(
        db.session.execute(
            select(Signal.category, func.count()).where(*where).group_by(Signal.category)
        ).all()
    )
    by_provider = db.session.execute(
        select(Provider.id, Provider.name, func.count(Signal.id))
        .join(Signal, Signal.provider_id == Provider.id)
        .where(*where)
        .group_by(Provider.id, Provider.name)
        .order_by(func.count(Signal.id).desc(), Provider.name)
    ).all()
    year_col = extract("year", Signal.received_on)
    month_col = extract("month", Signal.received_on)
    by_month = db.session.execute(
        select(year_col, month_col, func.count())
        .where(*where)
        .group_by(year_col, month_col)
        .order_by(year_col, month_col)
    ).all()
    return {
        "total": sum(by_state.values()),
        "state": [
            {"key": s, "label": SIGNAL_MACHINE.label(s), "count": by_state.get(s, 0)}
            for s in (*OPEN_STATES, CLOSED)
        ],
        "category": [
            {"key": c, "label": str(label), "count": by_category.get(c, 0)}
            for c, label in CATEGORIES.items()
        ],
        "provider": [{"id": pid, "name": name, "count": n} for pid, name, n in by_provider],
        "month": [{"month": f"{int(y):04d}-{int(m):02d}", "count": n} for y, m, n in by_month],
    }


def throughput(region_id: int, year: int | None = None) -> dict:
    """Median days from receipt to triage (signals triaged in `year`) and to closure
    (signals closed in `year`)."""

    def _median(column):
        stmt = select(Signal.received_on, column).where(
            Signal.region_id == region_id, column.is_not(None)
        )
        if year:
            stmt = stmt.where(column >= date(year, 1, 1), column <= date(year, 12, 31))
        days = [(done - received).days for received, done in db.session.execute(stmt)]
        if not days:
            return None, 0
        value = median(days)  # a half day when the count is even
        return (int(value) if value == int(value) else round(value, 1)), len(days)

    triage_median, triaged = _median(Signal.triaged_on)
    close_median, closed = _median(Signal.closed_on)
    return {
        "median_days_to_triage": triage_median,
        "triaged": triaged,
        "median_days_to_close": close_median,
        "closed": closed,
    }


def open_over_time(region_id: int, points: list[date]) -> list[tuple[date, int]]:
    """Number of open signals at the end of each day in `points` (one query)."""
    if not points:
        return []
    histories = _histories(region_id, end_of_day(max(points)))
    moments = [end_of_day(p) for p in points]
    result = [0] * len(points)
    for history in histories.values():
        ats = [at for at, _ in history]
        for i, moment in enumerate(moments):
            idx = bisect_right(ats, moment) - 1
            if idx >= 0 and history[idx][1] in OPEN_STATES:
                result[i] += 1
    return list(zip(points, result, strict=True))


def month_ends(last: date, months: int = 12) -> list[date]:
    """The last day of each of the `months` months up to and including `last`'s month
    (the current month ends today)."""
    result = []
    year, month = last.year, last.month
    for _month in range(months):
        nxt = date(year + (month == 12), month % 12 + 1, 1)
        result.append(min(nxt - timedelta(days=1), last))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return list(reversed(result))


def open_chart_svg(series: list[tuple[date, int]], title: str) -> Markup:
    """A bar chart as inline SVG, no scripts or style attributes (CSS classes only)."""
    width, height, left, bottom, top = 640, 220, 40, 30, 20
    plot_w, plot_h = width - left - 10, height - bottom - top
    peak = max((n for _, n in series), default=0) or 1
    bar_w = plot_w / max(len(series), 1)
    parts = [
        f'<svg class="signal-chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
        f'<line class="axis" x1="{left}" y1="{top + plot_h}" x2="{width - 10}" '
        f'y2="{top + plot_h}"/>',
        f'<text class="tick" x="{left - 6}" y="{top + 4}" text-anchor="end">{peak}</text>',
        f'<text class="tick" x="{left - 6}" y="{top + plot_h}" text-anchor="end">0</text>',
    ]
    for i, (day, n) in enumerate(series):
        h = plot_h * n / peak
        x = left + i * bar_w + 3
        y = top + plot_h - h
        parts.append(
            f'<rect class="bar" x="{x:.1f}" y="{y:.1f}" width="{bar_w - 6:.1f}" '
            f'height="{h:.1f}"><title>{day.strftime("%m-%Y")}: {n}</title></rect>'
        )
        parts.append(
            f'<text class="value" x="{x + (bar_w - 6) / 2:.1f}" y="{y - 3:.1f}" '
            f'text-anchor="middle">{n}</text>'
        )
        parts.append(
            f'<text class="tick" x="{x + (bar_w - 6) / 2:.1f}" '
            f'y="{height - 10}" text-anchor="middle">{day.strftime("%m-%y")}</text>'
        )
    parts.append("</svg>")
    # every interpolated text is escaped above; numbers are formatted by us
    return Markup("".join(parts))  # noqa: S704


# -- Excel ---------------------------------------------------------------------------------


SIGNAL_HEADER = [
    _l("Kenmerk"),
    _l("Ontvangen"),
    _l("Aanbieder"),
    _l("Contract"),
    _l("Gemeente"),
    _l("Bron"),
    _l("Categorie"),
    _l("Urgentie"),
    _l("Status"),
    _l("Toegewezen aan"),
    _l("Triage uiterlijk"),
    _l("Besluit"),
    _l("Andere partij"),
    _l("Afgehandeld op"),
]


def _signal_row(s, show_reporter: bool) -> list:
    row = [
        s.reference,
        s.received_on,
        s.provider.name,
        s.contract.reference if s.contract else "",
        s.municipality.name if s.municipality else "",
        s.source_label,
        s.category_label,
        s.urgency_label,
        s.state_label,
        s.assigned_to.name if s.assigned_to else "",
        s.triage_due_on,
        s.decision_label,
        s.other_party or "",
        s.closed_on,
    ]
    if show_reporter:
        row.append(s.reporter_name or "")
    return row


def _count_rows(region_id: int, year: int):
    data = counts(region_id, year)
    yield [_("Signalen ontvangen in %(year)s", year=year)]
    for title, key, label in (
        (_("Status"), "state", "label"),
        (_("Categorie"), "category", "label"),
        (_("Aanbieder"), "provider", "name"),
        (_("Maand"), "month", "month"),
    ):
        if key != "state":
            yield []
        yield [title, _("Aantal")]
        for item in data[key]:
            value = period_value(item[label]) if key == "month" else item[label]
            yield [value, item["count"]]
    flow = throughput(region_id, year)
    yield []
    yield [_("Mediaan dagen tot triage"), flow["median_days_to_triage"]]
    yield [_("Mediaan dagen tot afhandeling"), flow["median_days_to_close"]]


OVERVIEW_LABELS = {
    "year": _l("Jaar"),
    "on_list": _l("Signalen op de signalenlijst"),
    "new": _l("Nieuwe signalen"),
    "closed": _l("Daarvan afgehandeld"),
    "heightened_providers": _l("Aanbieders onder verhoogd toezicht"),
    "heightened_signals": _l("Signalen over aanbieders onder verhoogd toezicht"),
    "investigating": _l("In onderzoek (zelf)"),
    "other_party": _l("In onderzoek bij een andere partij"),
    "work_queue": _l("Op de werkvoorraad"),
    "providers_under_heightened_at_year_end": _l(
        "Aanbieders onder verhoogd toezicht aan het eind van het jaar"
    ),
}


def _overview_rows(region_id: int, year: int) -> list:
    ov = year_overview(region_id, year)
    return [
        (_("Signalen op de signalenlijst (%(year)s)", year=year), ov.on_list),
        (_("Nieuwe signalen in %(year)s", year=year), ov.new),
        (_("Daarvan afgehandeld"), ov.closed),
        (_("Aanbieders onder verhoogd toezicht"), ov.heightened_providers),
        (_("Signalen over aanbieders onder verhoogd toezicht"), ov.heightened_signals),
        (_("In onderzoek (zelf)"), ov.investigating),
        (_("In onderzoek bij een andere partij"), ov.other_party),
        (_("Op de werkvoorraad"), ov.work_queue),
    ]


def excel_export(region_id: int, year: int, signal_rows: list, *, show_reporter: bool) -> bytes:
    """A workbook: the signal list (as the requesting user may see it), counts and the
    year overview. Names typed by others pass through the shared spreadsheet helper
    (no formulas, no control characters)."""
    header = [*SIGNAL_HEADER, *([_l("Melder")] if show_reporter else [])]
    return xlsx_bytes(
        Sheet(_("Signalen"), header, (_signal_row(s, show_reporter) for s in signal_rows)),
        Sheet(_("Aantallen"), None, _count_rows(region_id, year), formats={0: MONTH_FORMAT}),
        Sheet(_("Jaaroverzicht"), None, _overview_rows(region_id, year)),
    )


def default_year() -> int:
    return today_local().year
