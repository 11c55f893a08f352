"""Every Excel export of the demo holds what a reader can work with: real numbers, dates
and amounts (with a number format), labelled headers in the user's language and labels
instead of stored codes. The exports are found in the URL map, so a new one must be
added here (the test fails on an export it does not know)."""

import io
import re
from datetime import date, datetime
from decimal import Decimal

from openpyxl import load_workbook
from sqlalchemy import select

from procure.contracts.models import Contract, Realisation
from procure.core.timeutil import today_local
from procure.demo import DEMO_PASSWORD
from procure.extensions import db
from procure.finance import reports
from procure.finance.models import BudgetFramework, Indicator, WaitingTime
from procure.organisations.models import Region
from tests import crawl
from tests.factories import login

# What a text cell must not be: a date, a month, a number or an amount written as text.
DATE_AS_TEXT = re.compile(r"^\s*(\d{4}-\d{2}(-\d{2})?|\d{1,2}-\d{1,2}-\d{4}|\d{2}-\d{4})\s*$")
# (a bare integer may be a code: product code 54001, category 41)
NUMBER_AS_TEXT = re.compile(
    r"^\s*(€\s*-?\d[\d.,]*|-?\d[\d.]*,\d+|-?\d+\.\d+|-?\d{1,3}(\.\d{3})+|-?\d[\d.,]*\s*%)\s*$"
)
HEADER = re.compile(r"^[A-Z0-9€(]")  # a label starts as a sentence does, never as a code


def _waiting_time(region_id: int) -> date:
    """The demo holds no waiting times: one reported for a municipality's access team."""
    from procure.organisations.models import Municipality, Provider

    month = date(today_local().year, today_local().month, 1)
    db.session.add(
        WaitingTime(
            region_id=region_id,
            provider_id=db.session.execute(select(Provider.id).limit(1)).scalar(),
            municipality_id=db.session.execute(
                select(Municipality.id).where(Municipality.region_id == region_id).limit(1)
            ).scalar(),
            category="Specialistische GGZ",
            period=month,
            average_days=Decimal("42.5"),
            waiting=7,
            updated_on=month,
        )
    )
    db.session.commit()
    return month


def _exports() -> dict[str, tuple[str, str]]:
    """endpoint -> (demo user, URL) for every Excel export, in a region with its data."""
    # the finance demo holds frameworks in one region, indicators and monitors in others
    framework, finance_region = db.session.execute(
        select(BudgetFramework, Region.short_code)
        .join(Region, Region.id == BudgetFramework.region_id)
        .order_by(BudgetFramework.year.desc())
    ).first()
    indicator, indicator_region = db.session.execute(
        select(Indicator, Region.short_code)
        .join(Region, Region.id == Indicator.region_id)
        .order_by(Indicator.id)
    ).first()
    waiting = _waiting_time(indicator.region_id)
    realisation, region_code = db.session.execute(
        select(Realisation, Region.short_code)
        .join(Contract, Contract.id == Realisation.contract_id)
        .join(Region, Region.id == Contract.region_id)
        .order_by(Realisation.id)
    ).first()
    period = reports.recent_periods(today_local())["raad"][0]
    finance = f"contract_manager.{indicator_region}@example.org"
    return {
        "catalogue.export": (crawl.DEMO_ROLES["procurement"], "/catalogus/export.xlsx"),
        # Een 10 voor de Jeugd works with segments (the demo's other regions do not)
        "catalogue.segments_export": (
            "contract_manager.e10@example.org",
            "/catalogus/segmenten.xlsx",
        ),
        "contracts.export_xlsx": (crawl.DEMO_ROLES["contract_manager"], "/contracten/export.xlsx"),
        "contracts.realisation_xlsx": (
            f"contract_manager.{region_code}@example.org",
            f"/contracten/{realisation.contract_id}/realisatie.xlsx",
        ),
        "supervision.export": (crawl.DEMO_ROLES["supervisor"], "/signalen/rapportage/export.xlsx"),
        "finance.framework_xlsx": (
            f"contract_manager.{finance_region}@example.org",
            f"/financien/kader/{framework.year}.xlsx",
        ),
        "finance.municipalities_xlsx": (finance, "/financien/gemeenten.xlsx"),
        "finance.custom_xlsx": (finance, "/financien/maatwerk.xlsx"),
        "finance.indicator_xlsx": (finance, f"/financien/indicatoren/{indicator.code}.xlsx"),
        "finance.waiting_xlsx": (finance, f"/financien/wachttijden.xlsx?maand={waiting:%Y-%m}"),
        "finance.report": (finance, f"/financien/rapportages/raad/{period}.xlsx"),
    }


def problems_in(book) -> list[str]:
    codes = crawl.internal_codes()
    found = []
    for sheet in book.worksheets:
        rows = list(sheet.iter_rows())
        header_row = 1 if sheet.freeze_panes == "A2" else None
        for cells in rows:
            for cell in cells:
                value, where = cell.value, f"{sheet.title}!{cell.coordinate}"
                if value is None:
                    continue
                if cell.row == header_row:
                    if not isinstance(value, str) or not HEADER.match(value) or "_" in value:
                        found.append(f"{where} header {value!r}")
                    continue
                if isinstance(value, str):
                    text = value.strip()
                    if DATE_AS_TEXT.match(text):
                        found.append(f"{where} date as text {value!r}")
                    elif NUMBER_AS_TEXT.match(text):
                        found.append(f"{where} number as text {value!r}")
                    elif text in codes or re.fullmatch(r"[a-z]+(_[a-z]+)+", text):
                        found.append(f"{where} code {value!r}")
                elif isinstance(value, float | Decimal) and value != int(value):
                    if cell.number_format == "General":
                        found.append(f"{where} decimal without a number format {value!r}")
                elif isinstance(value, datetime | date) and "Y" not in cell.number_format.upper():
                    found.append(f"{where} date without a date format {cell.number_format!r}")
    return found


def test_every_excel_export_holds_numbers_dates_labels_and_headers(demo):
    exports = _exports()
    known = {
        rule.endpoint
        for rule in demo.url_map.iter_rules()
        if ".xlsx" in rule.rule or rule.rule.endswith(".<fmt>")
    }
    assert known <= exports.keys(), f"an export this test does not open: {known - exports.keys()}"
    clients = {}
    problems = {}
    for endpoint, (email, url) in exports.items():
        if email not in clients:
            clients[email] = demo.test_client()
            assert login(clients[email], email, DEMO_PASSWORD).status_code == 302
        response = clients[email].get(url)
        assert response.status_code == 200, (endpoint, url, response.status_code)
        book = load_workbook(io.BytesIO(response.data))
        assert sum(sheet.max_row for sheet in book.worksheets) > 1, (endpoint, "empty")
        if found := problems_in(book):
            problems[endpoint] = found[:8]
    assert not problems, "\n".join(f"{k}: {v}" for k, v in problems.items())


def test_the_check_catches_what_it_is_for():
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.freeze_panes = "A2"
    sheet.append(["referentie", "Status", "Bedrag", "Datum", "Waarde"])
    sheet.append(["WBO-C2026-0001", "lot_award", "€ 375.000,00", "2026-03", 1.5])
    sheet.append(["WBO-C2026-0002", "effort", "12,5", "31-12-2026", datetime(2026, 1, 1)])
    found = " ".join(problems_in(book))
    for expected in (
        "A1 header",
        "B2 code",
        "C2 number as text",
        "D2 date as text",
        "E2 decimal without",
        "B3 code",
        "C3 number as text",
        "D3 date as text",
    ):
        assert expected in found, (expected, found)
    assert "A2" not in found and "E3" not in found  # a reference is text; a date is a date
