"""Server-rendered SVG charts (no JavaScript, no CDN; CSP-safe: attributes, no style=)."""

from decimal import Decimal

from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from procure.core.formatting import active_locale, money, percent
from procure.core.labels import resolved

WIDTH, HEIGHT, PAD_LEFT, PAD_BOTTOM, PAD_TOP = 640, 240, 90, 30, 16


# The charts' texts, looked up once per locale (procure.core.labels.resolved).
TEXTS = {
    "year": _l("%(year)s: %(realised)s van %(value)s"),
    "lumpsum": _l("Lumpsum (budget)"),
    "ceiling": _l("Budgetplafond"),
    "paid": _l("Betaald"),
    "realised": _l("Gerealiseerd"),
    "ceiling_line": _l("Plafondlijn"),
    "effort_label": _l("Budget en realisatie per jaar"),
    "lumpsum_label": _l("Lumpsum en betaald per jaar"),
    "utilisation": _l("Benutting"),
}


def _fmt(amount: Decimal, locale: str | None = None) -> str:
    return money(amount, locale, cents=False)


def _year_text(r: dict, texts: dict, locale: str) -> str:
    pct = r.get("pct")
    text = texts["year"] % {
        "year": r["year"],
        "realised": _fmt(r["realised"], locale),
        "value": _fmt(r["value"], locale),
    }
    return text + (f" ({percent(pct, locale)})" if pct is not None else "")


def _legend(contract, texts: dict) -> str:
    """What the bars and the line mean, in words next to their swatches."""
    lumpsum = contract.is_lumpsum
    items = [
        ("planned", texts["lumpsum"] if lumpsum else texts["ceiling"]),
        ("realised", texts["paid"] if lumpsum else texts["realised"]),
    ]
    if not lumpsum:
        items.append(("ceiling", texts["ceiling_line"]))
    return (
        '<ul class="chart-legend">'
        + "".join(
            f'<li><span class="swatch swatch-{cls}" aria-hidden="true"></span>{escape(text)}</li>'
            for cls, text in items
        )
        + "</ul>"
    )


def budget_chart(contract, rows: list[dict]) -> Markup:
    """One group per contract year: the budget or ceiling (outline bar), the realised or
    paid amount (filled bar, coloured by level) and, for effort, the ceiling line."""
    if not rows:
        return Markup("")
    top = max([r["value"] for r in rows] + [r["realised"] for r in rows] + [Decimal(1)])
    plot_h = HEIGHT - PAD_BOTTOM - PAD_TOP
    slot = (WIDTH - PAD_LEFT - 10) / len(rows)
    bar = min(60.0, slot * 0.35)

    def y(amount):
        return PAD_TOP + plot_h - float(amount / top) * plot_h

    texts, locale = resolved(TEXTS), active_locale()
    label = texts["lumpsum_label" if contract.is_lumpsum else "effort_label"]
    # The text alternative says what the picture shows, year by year.
    titles = [_year_text(r, texts, locale) for r in rows]
    summary = label + ": " + "; ".join(titles) + "."
    parts = [
        '<figure class="chart">',
        f'<svg class="budget-chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="{escape(summary)}" xmlns="http://www.w3.org/2000/svg">',
        f'<line class="axis" x1="{PAD_LEFT}" y1="{y(0):.1f}" x2="{WIDTH - 5}" y2="{y(0):.1f}"/>',
        f'<text class="tick" x="{PAD_LEFT - 6}" y="{PAD_TOP + 4}" '
        f'text-anchor="end">{escape(_fmt(top, locale))}</text>',
        f'<text class="tick" x="{PAD_LEFT - 6}" y="{y(0):.1f}" text-anchor="end">€ 0</text>',
    ]
    for i, r in enumerate(rows):
        x0 = PAD_LEFT + i * slot + (slot - 2 * bar) / 2
        pct = r.get("pct")
        title = titles[i]
        parts.append(
            f'<g class="year level-{r["level"]}" data-year="{r["year"]}" '
            f'data-pct="{pct if pct is not None else ""}" '
            f'data-realised="{r["realised"]}"><title>{escape(title)}</title>'
        )
        parts.append(
            f'<rect class="planned" x="{x0:.1f}" y="{y(r["value"]):.1f}" '
            f'width="{bar:.1f}" height="{y(0) - y(r["value"]):.1f}"/>'
        )
        parts.append(
            f'<rect class="realised" x="{x0 + bar:.1f}" y="{y(r["realised"]):.1f}" '
            f'width="{bar:.1f}" height="{y(0) - y(r["realised"]):.1f}"/>'
        )
        if not contract.is_lumpsum and r["value"]:
            parts.append(
                f'<line class="ceiling" x1="{x0 - 4:.1f}" y1="{y(r["value"]):.1f}" '
                f'x2="{x0 + 2 * bar + 4:.1f}" y2="{y(r["value"]):.1f}"/>'
            )
        parts.append(
            f'<text class="tick" x="{x0 + bar:.1f}" y="{HEIGHT - 10}" '
            f'text-anchor="middle">{r["year"]}</text></g>'
        )
    parts.append("</svg>")
    parts.append(f"<figcaption>{_legend(contract, texts)}</figcaption></figure>")
    return Markup("".join(parts))  # noqa: S704 (numbers and escaped text only)


def utilisation_bar(row: dict, locale: str | None = None) -> Markup:
    """A horizontal bar (0-120 %) with marks at 80 and 100 % (in `locale`: default the
    request's)."""
    pct = row.get("pct")
    pct = Decimal("0.0") if pct is None else pct
    width = 300
    filled = min(float(pct), 120.0) / 120 * width
    label = resolved(TEXTS)["utilisation"]
    return Markup(  # noqa: S704 (numbers only)
        f'<svg class="util-bar level-{row["level"]}" viewBox="0 0 {width} 18" '
        f'role="img" aria-label="{escape(label)} {row["year"]}: {percent(pct, locale)}" '
        f'data-testid="util-{row["year"]}" data-pct="{pct}" '
        f'xmlns="http://www.w3.org/2000/svg">'
        f'<rect class="track" x="0" y="2" width="{width}" height="14"/>'
        f'<rect class="fill" x="0" y="2" width="{filled:.1f}" height="14"/>'
        f'<line class="mark" x1="{0.8 / 1.2 * width:.1f}" y1="0" x2="{0.8 / 1.2 * width:.1f}" '
        f'y2="18"/><line class="mark" x1="{width / 1.2:.1f}" y1="0" x2="{width / 1.2:.1f}" '
        f'y2="18"/></svg>'
    )
