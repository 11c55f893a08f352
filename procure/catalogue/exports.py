"""The catalogue as CSV and Excel: the cards the user sees, with their tariffs."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from procure.catalogue.models import Product
from procure.core.spreadsheets import MONEY_FORMAT, Sheet, csv_bytes, xlsx_bytes

HEADER = [
    _l("Productcode"),
    _l("Categorie"),
    _l("Naam"),
    _l("Taakgebied"),
    _l("Segment"),
    _l("Ouderbijdrage"),
    _l("Uitvoeringsvariant"),
    _l("Eenheid"),
    _l("Status"),
    _l("Versie"),
    _l("Geldig vanaf"),
    _l("Geldig tot"),
]


def _years(products: list[Product]) -> list[int]:
    return sorted({t.year for p in products for t in p.tariffs})


def _row(product: Product, years: list[int]) -> list:
    prices = {t.year: t.price for t in product.tariffs}
    return [
        product.code,
        product.category,
        product.name,
        product.task_area.name if product.task_area else "",
        product.segment.label if product.segment else "",
        _("ja") if product.parental_contribution else "",
        product.variant_label,
        product.unit or "",
        product.status_label,
        product.version,
        product.valid_from,
        product.valid_to,
    ] + [prices.get(y) for y in years]


def _header(years: list[int]) -> list[str]:
    return HEADER + [_("Tarief %(year)s", year=y) for y in years]


def to_csv(products: list[Product]) -> bytes:
    years = _years(products)
    return csv_bytes(_header(years), (_row(p, years) for p in products))


def to_xlsx(products: list[Product]) -> bytes:
    years = _years(products)
    cards = Sheet(
        _("Productkaarten"),
        _header(years),
        (_row(p, years) for p in products),
        formats={len(HEADER) + i: MONEY_FORMAT for i in range(len(years))},
    )
    texts = Sheet(
        _("Omschrijvingen"),
        [_("Productcode"), _("Versie"), _("Omschrijving"), _("Criteria"), _("Doelgroep")],
        ([p.code, p.version, p.description, p.criteria, p.target_group] for p in products),
    )
    return xlsx_bytes(cards, texts)


SEGMENT_HEADER = [
    _l("Segment"),
    _l("Naam"),
    _l("Accounthouder"),
    _l("Productkaarten"),
    _l("Aanbieders"),
    _l("Contracten"),
    _l("Maatwerkovereenkomsten"),
    _l("Waarde maatwerk"),
]


def _segment_row(row) -> list:
    holder = row.segment.account_holder
    return [
        row.segment.code,
        row.segment.name,
        holder.name if holder else "",
        row.products,
        row.providers,
        row.contracts,
        row.custom_contracts,
        row.custom_value,
    ]


def segments_to_csv(rows) -> bytes:
    return csv_bytes([str(h) for h in SEGMENT_HEADER], (_segment_row(r) for r in rows))


def segments_to_xlsx(rows) -> bytes:
    sheet = Sheet(
        _("Segmenten"),
        [str(h) for h in SEGMENT_HEADER],
        (_segment_row(r) for r in rows),
        formats={len(SEGMENT_HEADER) - 1: MONEY_FORMAT},
    )
    return xlsx_bytes(sheet)
