"""Every spreadsheet the app hands out (CSV and Excel) is written here.

One place decides what a cell becomes, so no export can forget it:
- text that a spreadsheet would read as a formula (``=``, ``+``, ``-``, ``@``, tab or
  carriage return at the start) gets a leading apostrophe (CSV/formula injection);
- control characters that Excel refuses (and openpyxl with it) become U+FFFD, so one
  odd name typed somewhere cannot break an export;
- numbers, Decimal amounts and dates stay typed: real numbers and dates in Excel (with
  a number format), Dutch notation in CSV (``1234,56``, ``31-12-2026``).

Columns may carry their own number format (``Sheet.formats``), e.g. money.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from procure.core.timeutil import AMSTERDAM

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# What the XML of a workbook cannot hold (the same set openpyxl refuses); in CSV too,
# since those files are opened by the same spreadsheet programs.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")

DATE_FORMAT = "DD-MM-YYYY"
MONTH_FORMAT = "MM-YYYY"
DATETIME_FORMAT = "DD-MM-YYYY HH:MM"
DECIMAL_FORMAT = "#,##0.00"
INTEGER_FORMAT = "#,##0"
PERCENT_FORMAT = '0.00" %"'  # a percentage stored as 40.00, not 0.40
MONEY_FORMAT = "€ #,##0.00"
# Reproducible workbooks carry this moment instead of the time they were written.
FIXED_MOMENT = datetime(2000, 1, 1)
_STAMP = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")

MAX_SHEET_TITLE = 31  # Excel's limit
SHEET_TITLE_FORBIDDEN = re.compile(r"[\\/*?:\[\]]")


def safe_text(value) -> str:
    """Text as a spreadsheet may show it: no control characters, never a formula."""
    text = CONTROL_CHARACTERS.sub("\ufffd", "" if value is None else str(value))
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _local(moment: datetime) -> datetime:
    """Excel has no time zones: wall-clock time in Amsterdam."""
    return moment.astimezone(AMSTERDAM).replace(tzinfo=None) if moment.tzinfo else moment


def cell_value(value):
    """The typed value for an Excel cell: numbers, Decimals and dates as themselves,
    everything else (lazy translations, enums, ...) as safe text."""
    if value is None or isinstance(value, bool | int | float | Decimal | date):
        return _local(value) if isinstance(value, datetime) else value
    return safe_text(value)


def csv_value(value) -> str:
    """One CSV field in Dutch notation (semicolon-separated files for Dutch Excel)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, Decimal | float):
        return str(value).replace(".", ",")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, datetime):
        return _local(value).strftime("%d-%m-%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d-%m-%Y")
    return safe_text(value)


def csv_text(header: Sequence | None, rows: Iterable[Sequence]) -> str:
    """Semicolon-separated lines (no BOM): for streaming a large export in batches."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    if header is not None:
        writer.writerow([safe_text(h) for h in header])
    for row in rows:
        writer.writerow([csv_value(v) for v in row])
    return out.getvalue()


def csv_bytes(header: Sequence | None, rows: Iterable[Sequence]) -> bytes:
    """A whole CSV file, UTF-8 with a BOM so that Excel shows the accents right."""
    return ("\ufeff" + csv_text(header, rows)).encode("utf-8")


@dataclass
class Sheet:
    title: str
    header: Sequence | None
    rows: Iterable[Sequence]
    # column index (0-based) -> Excel number format, overriding the format by type
    formats: Mapping[int, str] = field(default_factory=dict)
    freeze_header: bool = True


def month(value: date | None) -> date | None:
    """A month as a real date (its first day), shown as MM-YYYY with MONTH_FORMAT."""
    return date(value.year, value.month, 1) if value else None


def period_value(text: str | None):
    """A stored period as a cell: "2024" a year (number), "2024-03" a month (date),
    anything else ("2024-Q3") as the text it is."""
    if not text:
        return None
    if re.fullmatch(r"\d{4}", text):
        return int(text)
    if re.fullmatch(r"\d{4}-\d{2}", text):
        return date(int(text[:4]), int(text[5:]), 1)
    return text


def _sheet_title(title: str) -> str:
    return SHEET_TITLE_FORBIDDEN.sub("-", safe_text(title).lstrip("'"))[:MAX_SHEET_TITLE]


def _format_for(value, column: int, formats: Mapping[int, str]) -> str | None:
    chosen = formats.get(column)
    # a date format only for dates, a number format only for numbers
    typed = isinstance(value, int | float | Decimal | date)
    if chosen is not None and typed and ("YY" in chosen) == isinstance(value, date):
        return chosen
    if isinstance(value, datetime):
        return DATETIME_FORMAT
    if isinstance(value, date):
        return DATE_FORMAT
    if isinstance(value, Decimal):
        return DECIMAL_FORMAT
    return None


def _column_widths(ws, sheet: Sheet) -> None:
    """Columns as wide as their longest value, when the rows are known in advance (a
    streamed export keeps the default width)."""
    from openpyxl.utils import get_column_letter

    if not isinstance(sheet.rows, list | tuple):
        return
    widths: dict[int, int] = {}
    for row in [sheet.header or [], *sheet.rows]:
        for column, value in enumerate(row):
            if value is not None:
                widths[column] = max(widths.get(column, 0), len(str(value)))
    for column, width in widths.items():
        ws.column_dimensions[get_column_letter(column + 1)].width = min(max(width + 2, 10), 60)


def xlsx_bytes(*sheets: Sheet, title: str | None = None, reproducible: bool = False) -> bytes:
    """A workbook with one worksheet per Sheet, written row by row (write-only mode:
    memory stays bounded for a long export). `reproducible`: the same data gives the same
    bytes (fixed document properties and zip timestamps)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    bold = Font(bold=True)
    for sheet in sheets:
        ws = book.create_sheet(_sheet_title(sheet.title))
        _column_widths(ws, sheet)
        if sheet.header is not None:
            if sheet.freeze_header:
                ws.freeze_panes = "A2"
            header = []
            for name in sheet.header:
                cell = WriteOnlyCell(ws, value=safe_text(name))
                cell.font = bold
                header.append(cell)
            ws.append(header)
        for row in sheet.rows:
            cells = []
            for column, raw in enumerate(row):
                value = cell_value(raw)
                number_format = _format_for(value, column, sheet.formats)
                if number_format is None:
                    cells.append(value)
                    continue
                cell = WriteOnlyCell(ws, value=value)
                cell.number_format = number_format
                cells.append(cell)
            ws.append(cells)
    if not sheets:
        book.create_sheet("Leeg")
    if title is not None:
        book.properties.title = title
    if reproducible:
        book.properties.creator = "procure"
        book.properties.created = book.properties.modified = FIXED_MOMENT
    out = io.BytesIO()
    book.save(out)
    return _normalised_zip(out.getvalue()) if reproducible else out.getvalue()


def _normalised_zip(data: bytes) -> bytes:
    """The workbook's zip with fixed member timestamps and save time."""
    import zipfile

    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for item in src.infolist():
            info = zipfile.ZipInfo(item.filename, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            content = src.read(item.filename)
            if item.filename == "docProps/core.xml":
                # openpyxl stamps the save time into dcterms:modified; pin it.
                content = _STAMP.sub(rb"\g<1>2000-01-01T00:00:00Z\g<2>", content)
            dst.writestr(info, content)
    return out.getvalue()
