"""The custom-contract monitor by quarter: started contracts counted from 1 January against
the baseline year up to the same quarter and the target's pro-rata share (seed 001: 25 %
fewer than in 2023)."""

import io
from datetime import date

from openpyxl import load_workbook
from pypdf import PdfReader

from procure.contracts import operations as contract_ops
from procure.finance import operations as ops
from procure.finance import queries as q
from tests import factories as f
from tests.contracts.helpers import maatwerk_code

# 2023 (baseline): four contracts, two in Q1, one in Q2 and one in Q4; 2026: two in Q1, one
# in Q3. Target 2026: at most 3 (4 less 25 %), so 0.75 / 1.5 / 2.25 / 3 per quarter so far.
STARTS = [
    ("Breda", date(2023, 1, 10)),
    ("Oosterhout", date(2023, 2, 1)),
    ("Breda", date(2023, 5, 1)),
    ("Breda", date(2023, 11, 1)),
    ("Breda", date(2026, 1, 15)),
    ("Oosterhout", date(2026, 3, 1)),
    ("Breda", date(2026, 8, 1)),
]


def _custom_contracts():
    region = f.region("wbo")
    code = maatwerk_code(region)
    provider = f.provider("zonnehoek", "Zorgboerderij De Zonnehoek")
    users = {
        name: f.user("municipality", "wbo", municipality_name=name, email=f"{name}@example.org")
        for name in ("Breda", "Oosterhout")
    }
    for name, start in STARTS:
        contract_ops.create_custom_contract(
            user=users[name],
            provider_id=provider.id,
            maatwerk_code_id=code.id,
            unit_price="100.00",
            units="10",
            start_date=start,
            end_date=date(start.year, 12, 31),
            justification="Geen passend gecontracteerd aanbod",
            reason="specific_need",
        )
    admin = f.user("admin", "wbo")
    ops.set_custom_target(
        region=region, baseline_year=2023, reduction_pct=25, target_year=2026, actor=admin
    )
    return region, users


def test_quarters_against_baseline_and_target(app):
    region, _users = _custom_contracts()
    monitor = q.custom_monitor(region, 2026, None)
    assert (monitor.baseline_count, monitor.target_count) == (4, 3)
    rows = [
        (
            p.quarter,
            p.count,
            p.cumulative,
            p.baseline_cumulative,
            p.target_cumulative,
            p.on_track,
        )
        for p in monitor.progress
    ]
    assert rows == [
        ("2026-Q1", 2, 2, 2, 1, False),
        ("2026-Q2", 0, 2, 3, 2, True),
        ("2026-Q3", 1, 3, 3, 2, False),
        ("2026-Q4", 0, 3, 4, 3, True),
    ]
    assert str(monitor.progress[0].amount) == "2000.00"
    # Per municipality (and code, provider, reason) beside the baseline year's count.
    assert [(k, n) for k, n, _a in monitor.by_municipality] == [("Breda", 2), ("Oosterhout", 1)]
    assert monitor.baseline_by["municipality"] == {"Breda": 3, "Oosterhout": 1}
    assert monitor.baseline_by["reason"] == {"specific_need": 4}
    # A year without any: the baseline's municipalities still show, with 0.
    later = q.custom_monitor(region, 2027, None)
    assert [(k, n) for k, n, _a in later.by_municipality] == [("Breda", 0), ("Oosterhout", 0)]


def test_council_report_shows_the_quarters_up_to_its_period(client):
    _region, _users = _custom_contracts()
    f.login(client, f.user("admin", "wbo", email="raad@example.org"))
    pdf = client.get("/financien/rapportages/raad/2026-H1.pdf")
    assert pdf.status_code == 200
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "2026-Q1" in text and "2026-Q2" in text and "2026-Q3" not in text
    page = client.get("/financien/maatwerk?jaar=2026").get_data(as_text=True)
    breda = page.split('id="by-municipality"')[1].split("</table>")[0]
    assert 'data-key="baseline">3<' in breda and 'data-key="baseline">1<' in breda
    book = load_workbook(io.BytesIO(client.get("/financien/maatwerk.xlsx?jaar=2026").data))
    rows = list(book["Gemeente"].iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[1], r[3]) for r in rows] == [("Breda", 2, 3), ("Oosterhout", 1, 1)]


def test_stated_baseline_scales_the_recorded_quarters(app):
    region, _users = _custom_contracts()
    target = ops.set_custom_target(
        region=region,
        baseline_year=2023,
        reduction_pct=50,
        target_year=2026,
        actor=f.user("admin", "wbo", email="admin2@example.org"),
    )
    target.baseline_count = 8  # the region states 8 for 2023; four are on record
    monitor = q.custom_monitor(region, 2026, None)
    assert monitor.target_count == 4
    assert [p.baseline_cumulative for p in monitor.progress] == [4, 6, 6, 8]
    assert [p.target_cumulative for p in monitor.progress] == [1, 2, 3, 4]


def test_municipality_sees_its_own_quarters_on_the_page_and_in_excel(client):
    _region, users = _custom_contracts()
    f.login(client, users["Breda"])
    page = client.get("/financien/maatwerk?jaar=2026")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    # Breda: one in Q1 2026 against two in Q1-Q2 2023 (three in its baseline in all).
    q1 = html.split('data-quarter="2026-Q1"')[1].split("</tr>")[0]
    cells = [c.split(">")[-1] for c in q1.split("</td>")[:-1]]
    assert cells[1] == "1" and cells[3] == "1" and cells[4] == "1"
    book = load_workbook(io.BytesIO(client.get("/financien/maatwerk.xlsx?jaar=2026").data))
    progress = list(book["Voortgang"].iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in progress] == ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]
    assert [r[3] for r in progress] == [1, 1, 2, 2]
    assert [r[4] for r in progress] == [1, 2, 2, 3]
