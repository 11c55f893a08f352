"""Excel workbooks with real numbers and dates, byte-for-byte reproducible: the same data
gives the same file. Written through procure.core.spreadsheets like every export (typed
cells with number formats, no formulas, no control characters)."""

from flask import Response

from procure.core.spreadsheets import Sheet, xlsx_bytes

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def workbook(sheets: list, *, title: str = "") -> bytes:
    """sheets: Sheet, or (name, header, rows[, formats by column])."""
    built = [
        sheet if isinstance(sheet, Sheet) else Sheet(sheet[0], sheet[1], list(sheet[2]), *sheet[3:])
        for sheet in sheets
    ]
    return xlsx_bytes(*built, title=title, reproducible=True)


def xlsx_response(data: bytes, filename: str) -> Response:
    return Response(
        data,
        mimetype=XLSX,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
