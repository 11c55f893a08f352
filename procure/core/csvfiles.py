"""Reading an uploaded CSV file the way users make them, within bounds.

Users export from Excel: UTF-8 with or without a BOM, or Windows-1252 (Excel's default
"CSV (gescheiden door lijstscheidingsteken)"), semicolons or commas. read_rows() decodes
that, refuses what is no text file, and yields one CsvRow per line with the problem of that
line (if any); imports collect problems in an ErrorList, which stops listing (and checking)
after a fixed number so that a file of 100,000 bad lines answers quickly with a short page.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l

from procure.core.errors import ValidationFailed

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 10_000
MAX_LISTED_ERRORS = 50
MAX_FIELD = 1_000  # characters in one field: codes, periods and numbers are short

# C0 control characters other than tab, line feed and carriage return: binary content.
_BINARY = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _refuse(message) -> None:
    raise ValidationFailed(message, field="file")


def decode(data: bytes | str) -> str:
    """The file's text: UTF-8 (BOM or not), otherwise Windows-1252."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    if len(data) > MAX_BYTES:
        _refuse(_l("Het bestand is te groot (maximaal %(mb)d MB).", mb=MAX_BYTES // (1024 * 1024)))
    if _BINARY.search(data):
        _refuse(_l("Dit is geen CSV-bestand: het bevat binaire gegevens."))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        _refuse(_l("De tekens in het bestand zijn onleesbaar; sla het op als CSV (UTF-8)."))


def _delimiter(text: str) -> str:
    first = text.split("\n", 1)[0]
    return ";" if first.count(";") >= first.count(",") else ","


@dataclass(frozen=True)
class CsvRow:
    line: int
    values: dict[str, str]
    problem: object = None  # a (lazy) Dutch message


def read_rows(data: bytes | str, columns: Sequence[str]) -> Iterator[CsvRow]:
    """Rows as {column: stripped text}, keyed by the lower-cased header. Refuses the
    whole file (ValidationFailed) when it is no text, lacks a column or is too long;
    these checks run on the whole file before the first row is handed out."""
    text = decode(data)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text), strict=True)
    lines = []
    try:
        header = [h.strip().lower() for h in next(reader, [])]
        for fields in reader:
            if any(f.strip() for f in fields):  # skip blank lines, e.g. at the end
                lines.append((reader.line_num, fields))
            if len(lines) > MAX_ROWS:
                _refuse(
                    _l(
                        "Het bestand heeft meer dan %(n)s regels; splits het in kleinere "
                        "bestanden.",
                        n=format_decimal(MAX_ROWS),
                    )
                )
    except csv.Error as exc:
        _refuse(_l("Regel %(n)d kan niet worden gelezen (%(e)s).", n=reader.line_num, e=str(exc)))
    if any(c not in header for c in columns):
        _refuse(_l("Het bestand mist kolommen: verwacht %(c)s.", c=";".join(columns)))
    for line, fields in lines:
        yield _row(line, header, fields)


def _row(line: int, header: list[str], fields: list[str]) -> CsvRow:
    values = {name: (value or "").strip() for name, value in zip(header, fields, strict=False)}
    if len(fields) > len(header):
        message = _l(
            "%(n)d velden, maar de kopregel heeft %(h)d kolommen.", n=len(fields), h=len(header)
        )
        return CsvRow(line, values, message)
    if any(len(value) > MAX_FIELD for value in values.values()):
        return CsvRow(line, values, _l("Een veld is langer dan %(n)d tekens.", n=MAX_FIELD))
    return CsvRow(line, values)


class ErrorList:
    """Problems per line, listed up to a bound; `full` tells the caller to stop checking."""

    def __init__(self, limit: int = MAX_LISTED_ERRORS):
        self.limit = limit
        self.messages: list = []  # lazy messages: rendered in the language of the reader

    def add(self, line: int, message) -> None:
        self.messages.append(_l("Regel %(n)d: %(m)s", n=line, m=message))

    @property
    def full(self) -> bool:
        return len(self.messages) >= self.limit

    def __bool__(self) -> bool:
        return bool(self.messages)

    def refuse(self) -> None:
        """All or nothing: raise with every listed problem."""
        messages = list(self.messages)
        if self.full:
            messages.append(
                _l(
                    "Na %(n)d fouten is het controleren gestopt; verbeter deze en "
                    "probeer het opnieuw.",
                    n=self.limit,
                )
            )
        raise ValidationFailed(
            _l("Niets geïmporteerd: %(n)d fout(en) in het bestand.", n=len(self.messages))
            if not self.full
            else _l("Niets geïmporteerd: ten minste %(n)d fouten in het bestand.", n=self.limit),
            field="file",
            errors=messages,
        )
