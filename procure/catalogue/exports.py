"""The catalogue as CSV and Excel: the cards the user sees, with their tariffs."""

from procure.catalogue.models import Product
from procure.core.spreadsheets import MONEY_FORMAT, Sheet, csv_bytes, xlsx_bytes

HEADER = [
    "Productcode",
    "Categorie",
    "Naam",
    "Taakgebied",
    "Uitvoeringsvariant",
    "Eenheid",
    "Status",
    "Versie",
    "Geldig vanaf",
    "Geldig tot",
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
        product.variant_label,
        product.unit or "",
        product.status_label,
        product.version,
        product.valid_from,
        product.valid_to,
    ] + [prices.get(y) for y in years]


def _header(years: list[int]) -> list[str]:
    return HEADER + [f"Tarief {y}" for y in years]


def to_csv(products: list[Product]) -> bytes:
    years = _years(products)
    return csv_bytes(_header(years), (_row(p, years) for p in products))


def to_xlsx(products: list[Product]) -> bytes:
    years = _years(products)
    cards = Sheet(
        "Productkaarten",
        _header(years),
        (_row(p, years) for p in products),
        formats={len(HEADER) + i: MONEY_FORMAT for i in range(len(years))},
    )
    texts = Sheet(
        "Omschrijvingen",
        ["Productcode", "Versie", "Omschrijving", "Criteria", "Doelgroep"],
        ([p.code, p.version, p.description, p.criteria, p.target_group] for p in products),
    )
    return xlsx_bytes(cards, texts)
