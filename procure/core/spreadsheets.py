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
DATETIME_FORMAT = "DD-MM-YYYY HH:MM"
DECIMAL_FORMAT = "#,##0.00"
MONEY_FORMAT = "€ #,##0.00"

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


def _sheet_title(title: str) -> str:
    return SHEET_TITLE_FORBIDDEN.sub("-", safe_text(title).lstrip("'"))[:MAX_SHEET_TITLE]


def _format_for(value, column: int, formats: Mapping[int, str]) -> str | None:
    if column in formats and isinstance(value, int | float | Decimal | date):
        return formats[column]
    if isinstance(value, datetime):
        return DATETIME_FORMAT
    if isinstance(value, date):
        return DATE_FORMAT
    if isinstance(value, Decimal):
        return DECIMAL_FORMAT
    return None


def xlsx_bytes(*sheets: Sheet) -> bytes:
    """A workbook with one worksheet per Sheet, written row by row (write-only mode:
    memory stays bounded for a long export)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    bold = Font(bold=True)
    for sheet in sheets:
        ws = book.create_sheet(_sheet_title(sheet.title))
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
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
