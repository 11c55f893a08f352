"""Council and management reports: PDF (documents engine) and Excel, reproducible, with
totals equal to the sums of the underlying records."""

import hashlib
import io
import re
import zlib
from datetime import date
from decimal import Decimal

from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import func, select

from procure.contracts import operations as contract_ops
from procure.contracts.models import ContractYear, Realisation, cents, euros
from procure.extensions import db
from procure.finance import operations as ops
from tests import factories as f
from tests.contracts.helpers import effort_contract
from tests.finance.test_money import e10_framework, lines


def _data(admin):
    region = f.region("e10")
    framework = e10_framework(admin)
    first = effort_contract(region, f.provider("brug"), ceiling="60000.00")
    second = effort_contract(
        region,
        f.provider("baken"),
        ceiling="40000.00",
        title="Dagbesteding",
        product_row=first.products[0].product,
    )
    ops.assign_contract_year(lines(framework)["oh"], contract_year=first.year(2026), actor=admin)
    ops.assign_contract_year(lines(framework)["g"], contract_year=second.year(2026), actor=admin)
    for contract, units, month in ((first, "12.5", 1), (first, "30", 2), (second, "7.25", 3)):
        contract_ops.record_realisation(
            contract,
            product="45A53",
            period=f"2026-{month:02d}",
            units=units,
            municipality="0794",
            actor=admin,
        )
    # After the half year (Veldhoven): not in the H1 report, in the Q3 report.
    contract_ops.record_realisation(
        first, product="45A53", period="2026-08", units="1", municipality="0861", actor=admin
    )
    return region, framework


def test_council_report_totals_equal_the_records_and_are_reproducible(client):
    admin = f.user("admin", "e10")
    _region, _framework = _data(admin)
    f.login(client, admin)
    first = client.get("/financien/rapportages/raad/2026-H1.xlsx")
    second = client.get("/financien/rapportages/raad/2026-H1.xlsx")
    assert first.status_code == 200
    assert hashlib.sha256(first.data).digest() == hashlib.sha256(second.data).digest()
    book = load_workbook(io.BytesIO(first.data))
    rows = list(book["Kader"].iter_rows(min_row=2, values_only=True))
    total = next(r for r in rows if r[0] == "Totaal")
    recorded = euros(
        db.session.execute(
            select(func.sum(cents(Realisation.amount))).where(
                Realisation.period >= date(2026, 1, 1), Realisation.period < date(2026, 7, 1)
            )
        ).scalar()
    )
    contracted = euros(
        db.session.execute(
            select(func.sum(cents(ContractYear.value))).where(ContractYear.year == 2026)
        ).scalar()
    )
    assert Decimal(str(total[3])) == recorded == Decimal("4900.38")
    assert Decimal(str(total[2])) == contracted == Decimal("100000.00")
    top = [r for r in rows if r[0] in ("ZIN kader", "Open house")]
    assert sum(Decimal(str(r[3])) for r in top) == recorded
    pdf = client.get("/financien/rapportages/raad/2026-H1.pdf")
    again = client.get("/financien/rapportages/raad/2026-H1.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.data == again.data
    assert pdf.headers["X-Content-SHA256"] == hashlib.sha256(pdf.data).hexdigest()
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "Raadsrapportage 2026-H1" in text and "4.900,38" in text
    # The chart's two series are drawn in their own colours (#3b5b8c framework, #d99a00
    # realised), not both in the default black.
    painted = _fill_colours(pdf.data)
    assert "0.231373 0.356863 0.54902 rg" in painted
    assert "0.85098 0.603922 0 rg" in painted


def _fill_colours(pdf: bytes) -> set[str]:
    """The non-stroking RGB colours set anywhere in the PDF's content streams."""
    colours = set()
    for raw in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            content = zlib.decompress(raw)
        except zlib.error:
            continue
        colours.update(m.decode() for m in re.findall(rb"[\d.]+ [\d.]+ [\d.]+ rg", content))
    return colours


def test_report_periods_are_checked_and_municipality_report_is_its_own(client):
    admin = f.user("admin", "e10")
    _data(admin)
    f.login(client, admin)
    assert client.get("/financien/rapportages/raad/2026-Q1.pdf").status_code == 404
    assert client.get("/financien/rapportages/management/2026-Q5.xlsx").status_code == 404
    breda = f.region("wbo").municipalities[0]
    assert (
        client.get(
            f"/financien/rapportages/management/2026-Q1.xlsx?gemeente={breda.id}"
        ).status_code
        == 404
    )
    veldhoven = f.municipality("Veldhoven")
    book = load_workbook(
        io.BytesIO(
            client.get(
                f"/financien/rapportages/management/2026-Q3.xlsx?gemeente={veldhoven.id}"
            ).data
        )
    )
    total = next(r for r in book["Kader"].iter_rows(values_only=True) if r[0] == "Totaal")
    assert Decimal(str(total[3])) == Decimal("98.5")  # Veldhoven's one unit in August
