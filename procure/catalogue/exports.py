"""The catalogue as CSV and Excel (openpyxl): the cards the user sees, with their tariffs."""

import csv
import io

from procure.catalogue.models import Product

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


def _safe(value) -> str:
    """Neutralise spreadsheet formulas in free text (CSV/formula injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


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


def to_csv(products: list[Product]) -> bytes:
    years = _years(products)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(HEADER + [f"Tarief {y}" for y in years])
    for product in products:
        row = _row(product, years)
        writer.writerow(
            [
                (
                    f"{v:.2f}".replace(".", ",")
                    if i >= len(HEADER) and v is not None
                    else v.strftime("%d-%m-%Y")
                    if hasattr(v, "strftime")
                    else ""
                    if v is None
                    else _safe(v)
                    if isinstance(v, str)
                    else v
                )
                for i, v in enumerate(row)
            ]
        )
    # BOM so that Excel opens the UTF-8 file with the right accents.
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(products: list[Product]) -> bytes:
    from openpyxl import Workbook  # loaded on first export, not at start-up
    from openpyxl.styles import Font

    years = _years(products)
    book = Workbook()
    sheet = book.active
    sheet.title = "Productkaarten"
    sheet.append(HEADER + [f"Tarief {y}" for y in years])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for product in products:
        row = _row(product, years)
        sheet.append([_safe(v) if isinstance(v, str) else v for v in row])
        r = sheet.max_row
        for col in (9, 10):
            sheet.cell(r, col).number_format = "DD-MM-YYYY"
        for offset in range(len(years)):
            sheet.cell(r, len(HEADER) + 1 + offset).number_format = "€ #,##0.00"
    sheet.freeze_panes = "A2"
    texts = book.create_sheet("Omschrijvingen")
    texts.append(["Productcode", "Versie", "Omschrijving", "Criteria", "Doelgroep"])
    for cell in texts[1]:
        cell.font = Font(bold=True)
    for product in products:
        texts.append(
            [
                product.code,
                product.version,
                _safe(product.description),
                _safe(product.criteria),
                _safe(product.target_group),
            ]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
