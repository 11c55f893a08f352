"""Server-rendered SVG charts for the finance pages and reports: no JavaScript, no CDN, CSP
safe (attributes only). Each chart has a role="img" label, a <desc> summarising the data
in words (the text alternative), and a legend; the page shows the same figures in a table.
"""

from decimal import Decimal

from flask_babel import gettext as _
from markupsafe import Markup, escape

WIDTH = 640
LEFT = 190
# Colours as SVG presentation attributes, not only CSS: the PDF renderer (WeasyPrint)
# ignores a page stylesheet's fill and stroke on inline SVG, which drew every bar black.
# The pages' CSS (finance.css) still wins in a browser.
PAINT = {
    "first": 'fill="#3b5b8c"',
    "second": 'fill="#d99a00"',
    "tick": 'fill="#333" font-size="11"',
    "axis": 'stroke="#555"',
    "series": 'fill="none" stroke="#3b5b8c" stroke-width="2"',
    "point": 'fill="#3b5b8c"',
    "target": 'stroke="#a11d1d" stroke-width="1.5" stroke-dasharray="5 4"',
}
LEGEND_PAINT = {"series": 'fill="#3b5b8c"', "target": 'fill="#a11d1d"'}


def _paint(cls: str) -> str:
    """class="<cls>" with its colours."""
    return f'class="{cls}" {PAINT[cls]}'


def _euro(amount) -> str:
    return "€ " + f"{Decimal(amount or 0):,.0f}".replace(",", ".")


def _number(value) -> str:
    return f"{Decimal(value):,.2f}".replace(",", "x").replace(".", ",").replace("x", ".")


def _legend(items: list[tuple[str, str]], y: float) -> str:
    parts, x = [], LEFT
    for cls, label in items:
        parts.append(
            f'<rect class="legend {cls}" {LEGEND_PAINT.get(cls, PAINT[cls])} x="{x}" '
            f'y="{y:.0f}" width="12" height="12"/>'
            f'<text {_paint("tick")} x="{x + 16}" y="{y + 10:.0f}">{escape(label)}</text>'
        )
        x += 24 + 8 * len(label)
    return "".join(parts)


def paired_bars(
    title: str, rows: list[tuple[str, Decimal, Decimal]], labels: tuple[str, str], css: str
) -> Markup:
    """Horizontal bar pairs (e.g. framework vs realised per line)."""
    if not rows:
        return Markup("")
    top = max([max(a or 0, b or 0) for _n, a, b in rows] + [Decimal(1)])
    row_h, height = 34, 34 * len(rows) + 50
    plot_w = WIDTH - LEFT - 20
    desc = "; ".join(f"{n}: {labels[0]} {_euro(a)}, {labels[1]} {_euro(b)}" for n, a, b in rows)
    parts = [
        f'<svg class="finance-chart {css}" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{escape(title)}</title><desc>{escape(desc)}</desc>"
    ]
    for i, (name, a, b) in enumerate(rows):
        y = 10 + i * row_h
        wa = float((a or 0) / top) * plot_w
        wb = float((b or 0) / top) * plot_w
        parts.append(
            f'<g class="row"><text {_paint("tick")} x="{LEFT - 6}" y="{y + 16}" '
            f'text-anchor="end">{escape(name[:28])}</text>'
            f'<rect {_paint("first")} x="{LEFT}" y="{y}" width="{wa:.1f}" height="12">'
            f"<title>{escape(labels[0])}: {escape(_euro(a))}</title></rect>"
            f'<rect {_paint("second")} x="{LEFT}" y="{y + 13}" width="{wb:.1f}" height="12">'
            f"<title>{escape(labels[1])}: {escape(_euro(b))}</title></rect></g>"
        )
    parts.append(_legend([("first", labels[0]), ("second", labels[1])], height - 24))
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 (numbers and escaped text only)


def single_bars(title: str, rows: list[tuple[str, Decimal]], label: str, css: str) -> Markup:
    """Horizontal bars of one measure (e.g. realised per 1,000 young inhabitants)."""
    if not rows:
        return Markup("")
    top = max([v for _n, v in rows] + [Decimal(1)])
    row_h, height = 22, 22 * len(rows) + 44
    plot_w = WIDTH - LEFT - 90
    desc = "; ".join(f"{n}: {_number(v)}" for n, v in rows)
    parts = [
        f'<svg class="finance-chart {css}" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{escape(title)}</title><desc>{escape(desc)}</desc>"
    ]
    for i, (name, value) in enumerate(rows):
        y = 8 + i * row_h
        w = float(value / top) * plot_w
        parts.append(
            f'<g class="row"><text {_paint("tick")} x="{LEFT - 6}" y="{y + 12}" '
            f'text-anchor="end">{escape(name[:28])}</text>'
            f'<rect {_paint("first")} x="{LEFT}" y="{y}" width="{w:.1f}" height="15"/>'
            f'<text {_paint("tick")} x="{LEFT + w + 4:.1f}" y="{y + 12}">{escape(_number(value))}'
            f"</text></g>"
        )
    parts.append(_legend([("first", label)], height - 22))
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704


def trend_line(
    title: str, points: list[tuple[str, Decimal]], target: Decimal | None, unit: str
) -> Markup:
    """A line through the measured values per period, with the target as a dashed line."""
    if not points:
        return Markup("")
    height, bottom, top_pad = 220, 40, 16
    values = [v for _p, v in points] + ([target] if target is not None else [])
    high = max([*values, Decimal(1)])
    low = min([Decimal(0), *values])
    span = (high - low) or Decimal(1)
    plot_w, plot_h = WIDTH - 80 - 20, height - bottom - top_pad
    step = plot_w / max(len(points) - 1, 1)

    def y(v):
        return top_pad + plot_h - float((v - low) / span) * plot_h

    coords = [(80 + i * step, y(v)) for i, (_p, v) in enumerate(points)]
    desc = "; ".join(f"{p}: {_number(v)} {unit}" for p, v in points)
    if target is not None:
        desc += f"; {_('doel')} {_number(target)} {unit}"
    parts = [
        f'<svg class="finance-chart trend" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{escape(title)}</title><desc>{escape(desc)}</desc>",
        f'<line {_paint("axis")} x1="80" y1="{y(low):.1f}" x2="{WIDTH - 20}" y2="{y(low):.1f}"/>',
        f'<text {_paint("tick")} x="74" y="{y(high) + 4:.1f}" text-anchor="end">'
        f"{escape(_number(high))}</text>",
    ]
    if target is not None:
        parts.append(
            f'<line {_paint("target")} x1="80" y1="{y(target):.1f}" x2="{WIDTH - 20}" '
            f'y2="{y(target):.1f}"/>'
        )
    parts.append(
        f'<polyline {_paint("series")} points="'
        + " ".join(f"{x:.1f},{yy:.1f}" for x, yy in coords)
        + '"/>'
    )
    for (x, yy), (period, value) in zip(coords, points, strict=True):
        parts.append(
            f'<circle {_paint("point")} cx="{x:.1f}" cy="{yy:.1f}" r="4">'
            f"<title>{escape(period)}: {escape(_number(value))}</title></circle>"
            f'<text {_paint("tick")} x="{x:.1f}" y="{height - bottom + 16}" '
            f'text-anchor="middle">{escape(period)}</text>'
        )
    legend = [("series", _("gemeten"))] + ([("target", _("doel"))] if target is not None else [])
    parts.append(_legend(legend, height - 18))
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704
