"""Reporting: the year overview (seed 001 definitions), counts, throughput, chart, Excel."""

import io
from datetime import date, datetime, time

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from procure import demo
from procure.core.timeutil import AMSTERDAM
from procure.extensions import db
from procure.organisations.models import Region
from procure.supervision import demo as supervision_demo
from procure.supervision import operations as ops
from procure.supervision import reports
from procure.supervision.models import Signal
from tests import factories as f
from tests.supervision.helpers import at, signal

SEED_001_2024 = {
    "on_list": 63,
    "new": 44,
    "closed": 11,
    "heightened_providers": 2,
    "heightened_signals": 2,
    "investigating": 3,
    "other_party": 11,
    "work_queue": 17,
}


def _investigate(s, w, day, due=None):
    ops.triage(
        s,
        actor=w.supervisor,
        decision="investigate",
        motivation="Onderzoek.",
        investigation_due_on=due or date(day.year + 1, 3, 1),
        at=at(day),
    )


def _close(s, w, day):
    ops.close(s, actor=w.supervisor, outcome="Afgerond.", at=at(day))


def _no_action(s, w, day):
    ops.triage(s, actor=w.supervisor, decision="no_action", motivation="Niets.", at=at(day))


@pytest.fixture
def fixture_2024(w):
    """Known signals around 2024 (letters as in the assertions)."""
    baken = f.provider("baken", "Het Baken Ambulante Zorg")
    log = lambda received, provider=baken, when=None: signal(  # noqa: E731
        w.manager, provider, received=received, when=when or at(received)
    )
    # A: closed in 2023 -> not on the 2024 list
    a = log(date(2023, 11, 6))
    _no_action(a, w, date(2023, 12, 1))
    # B: closed in 2023, reopened in February 2024 -> on the list, not new
    b = log(date(2023, 11, 7))
    _no_action(b, w, date(2023, 12, 1))
    ops.reopen(b, actor=w.supervisor, reason="Nieuwe informatie.", at=at(date(2024, 2, 5)))
    # C: received December 2023, still open -> on the list, not new
    log(date(2023, 12, 11))
    # D: new, closed in 2024
    d = log(date(2024, 3, 4))
    _investigate(d, w, date(2024, 3, 6))
    _close(d, w, date(2024, 5, 6))
    # E: new but merged (duplicate of D) -> counted nowhere
    e = log(date(2024, 3, 5))
    ops.merge(e, into=d, actor=w.supervisor, reason="Dubbel.", at=at(date(2024, 3, 7)))
    # F: new, in investigation at the end of 2024, closed in 2025 -> investigating
    fs = log(date(2024, 6, 3))
    _investigate(fs, w, date(2024, 6, 5))
    _close(fs, w, date(2025, 2, 3))
    # G: kompas, measures, kompas under heightened supervision from August -> heightened
    g = log(date(2024, 7, 1), w.kompas)
    _investigate(g, w, date(2024, 7, 3))
    ops.impose_measure(
        g,
        actor=w.supervisor,
        kind="improvement_plan",
        description="Plan.",
        due_on=date(2024, 12, 1),
        at=at(date(2024, 7, 20)),
    )
    ops.start_heightened(
        w.kompas,
        actor=w.supervisor,
        reason="Kwaliteit.",
        start_on=date(2024, 8, 1),
        review_on=date(2025, 2, 1),
    )
    # H: kompas too, but closed in 2024 -> closed comes first
    h = log(date(2024, 8, 5), w.kompas)
    _investigate(h, w, date(2024, 8, 7))
    _close(h, w, date(2024, 10, 1))
    # I: handed over -> another party
    i = log(date(2024, 9, 2))
    ops.triage(
        i,
        actor=w.supervisor,
        decision="hand_over",
        motivation="IGJ.",
        other_party="IGJ",
        follow_up_on=date(2024, 11, 1),
        at=at(date(2024, 9, 4)),
    )
    # J: monitored -> work queue
    j = log(date(2024, 10, 7))
    ops.triage(
        j,
        actor=w.supervisor,
        decision="monitor",
        motivation="Volgen.",
        follow_up_on=date(2025, 1, 6),
        at=at(date(2024, 10, 9)),
    )
    # K: awaiting triage -> work queue
    log(date(2024, 12, 20))
    # L: received in 2025 -> not on the 2024 list
    log(date(2025, 1, 2))
    # M: linde, investigating; linde's heightened supervision ended 1 December -> investigating
    m = log(date(2024, 5, 6), w.linde)
    _investigate(m, w, date(2024, 5, 8))
    period = ops.start_heightened(
        w.linde,
        actor=w.supervisor,
        reason="Financiën.",
        start_on=date(2024, 5, 15),
        review_on=date(2024, 11, 15),
    )
    ops.end_heightened(period, actor=w.supervisor, reason="Hersteld.", ended_on=date(2024, 12, 1))
    # N: received 31 December 23:30, triaged 1 January 00:30 (Amsterdam) -> work queue
    n = log(date(2024, 12, 31), when=datetime(2024, 12, 31, 23, 30, tzinfo=AMSTERDAM))
    ops.triage(
        n,
        actor=w.supervisor,
        decision="no_action",
        motivation="Niets.",
        at=datetime.combine(date(2025, 1, 1), time(0, 30), tzinfo=AMSTERDAM),
    )
    return w


def test_year_overview_from_a_fixture_with_known_counts(fixture_2024):
    w = fixture_2024
    overview = reports.year_overview(w.supervisor.region_id, 2024)
    assert overview.as_dict() == {
        "year": 2024,
        "on_list": 11,
        "new": 9,
        "closed": 2,
        "heightened_providers": 1,
        "heightened_signals": 1,
        "investigating": 2,
        "other_party": 1,
        "work_queue": 3,
        "providers_under_heightened_at_year_end": 1,
    }
    assert overview.parts_total() == overview.new
    # another region's list is empty
    other = reports.year_overview(w.other_supervisor.region_id, 2024)
    assert other.on_list == other.new == 0


def test_year_overview_reproduces_seed_001_for_the_e10_demo(app, client):
    demo.load_organisations()
    demo.load_users()
    supervision_demo.load()
    e10 = db.session.execute(select(Region).filter_by(short_code="e10")).scalar_one()
    overview = reports.year_overview(e10.id, 2024)
    assert {k: getattr(overview, k) for k in SEED_001_2024} == SEED_001_2024
    assert overview.parts_total() == 44
    # idempotent: loading again adds nothing
    before = db.session.execute(select(Signal.id)).all()
    supervision_demo.load()
    assert db.session.execute(select(Signal.id)).all() == before
    # the report page shows the same figures
    f.login(client, "supervisor.e10@example.org", demo.DEMO_PASSWORD)
    html = client.get("/signalen/rapportage?year=2024").get_data(as_text=True)
    for key, value in SEED_001_2024.items():
        if key != "heightened_signals":
            assert f'data-key="{key}">{value}<' in html, key
    assert "<svg" in html and 'class="signal-chart"' in html
    # wbo got a few signals too
    wbo = db.session.execute(select(Region).filter_by(short_code="wbo")).scalar_one()
    assert (
        3
        <= len(db.session.execute(select(Signal.id).where(Signal.region_id == wbo.id)).all())
        <= 10
    )


def test_counts_and_throughput_medians(w):
    for days_to_triage, received in (
        (1, date(2024, 2, 1)),
        (3, date(2024, 3, 1)),
        (10, date(2024, 4, 1)),
    ):
        s = signal(w.manager, received=received, when=at(received), category="safety")
        ops.triage(
            s,
            actor=w.supervisor,
            decision="investigate",
            motivation="Onderzoek.",
            investigation_due_on=date(2024, 12, 1),
            at=at(date.fromordinal(received.toordinal() + days_to_triage)),
        )
        if days_to_triage != 10:
            ops.close(
                s,
                actor=w.supervisor,
                outcome="Klaar.",
                at=at(date.fromordinal(received.toordinal() + 20 * days_to_triage)),
            )
    signal(w.manager, w.linde, received=date(2024, 4, 15), when=at(date(2024, 4, 15)))
    flow = reports.throughput(w.supervisor.region_id, 2024)
    assert flow == {
        "median_days_to_triage": 3,
        "triaged": 3,
        "median_days_to_close": 40,
        "closed": 2,
    }
    data = reports.counts(w.supervisor.region_id, 2024)
    assert data["total"] == 4
    assert {i["key"]: i["count"] for i in data["state"]} == {
        "received": 1,
        "triaged": 0,
        "investigating": 1,
        "other_party": 0,
        "measures": 0,
        "closed": 2,
    }
    assert {i["key"]: i["count"] for i in data["category"]}["safety"] == 3
    assert [(i["name"], i["count"]) for i in data["provider"]] == [
        (w.kompas.name, 3),
        (w.linde.name, 1),
    ]
    assert [(i["month"], i["count"]) for i in data["month"]] == [
        ("2024-02", 1),
        ("2024-03", 1),
        ("2024-04", 2),
    ]
    assert reports.counts(w.other_supervisor.region_id, 2024)["total"] == 0


def test_open_signals_over_time_and_svg(w):
    s = signal(w.manager, received=date(2024, 1, 10), when=at(date(2024, 1, 10)))
    signal(w.manager, received=date(2024, 2, 10), when=at(date(2024, 2, 10)))
    ops.triage(
        s, actor=w.supervisor, decision="no_action", motivation="Niets.", at=at(date(2024, 3, 5))
    )
    points = [date(2023, 12, 31), date(2024, 1, 31), date(2024, 2, 29), date(2024, 3, 31)]
    series = reports.open_over_time(w.supervisor.region_id, points)
    assert [n for _, n in series] == [0, 1, 2, 1]
    svg = str(reports.open_chart_svg(series, "Open <signalen>"))
    assert svg.count('class="bar"') == 4 and "Open &lt;signalen&gt;" in svg
    assert "style=" not in svg and "<script" not in svg
    assert reports.month_ends(date(2024, 3, 15), 3) == [
        date(2024, 1, 31),
        date(2024, 2, 29),
        date(2024, 3, 15),
    ]


def test_excel_export_hides_confidential_reporters_except_for_supervisors(client, fixture_2024):
    w = fixture_2024
    signal(
        w.breda,
        received=date(2024, 6, 10),
        when=at(date(2024, 6, 10)),
        reporter_name="Geheime Melder",
        reporter_confidential=True,
    )
    f.login(client, w.manager)
    response = client.get("/signalen/rapportage/export.xlsx?year=2024")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    )
    wb = load_workbook(io.BytesIO(response.data))
    assert wb.sheetnames == ["Signalen", "Aantallen", "Jaaroverzicht"]
    rows = list(wb["Signalen"].iter_rows(values_only=True))
    assert "Melder" not in rows[0] and len(rows) == 1 + 11  # 10 received in 2024 + Breda's
    assert not any("Geheime Melder" in str(r) for r in rows)
    overview = {r[0]: r[1] for r in wb["Jaaroverzicht"].iter_rows(values_only=True)}
    assert overview["Nieuwe signalen in 2024"] == 10
    client.post("/uitloggen", data={"csrf_token": f.csrf_token(client, "/")})
    f.login(client, w.supervisor)
    wb = load_workbook(io.BytesIO(client.get("/signalen/rapportage/export.xlsx?year=2024").data))
    rows = list(wb["Signalen"].iter_rows(values_only=True))
    assert rows[0][-1] == "Melder" and any("Geheime Melder" in str(r) for r in rows)


@pytest.mark.parametrize("role", ["municipality", "procurement", "provider"])
def test_reports_are_for_region_staff_only(client, w, role):
    user = {"municipality": w.breda, "procurement": w.procurement, "provider": w.provider_user}[
        role
    ]
    f.login(client, user)
    assert client.get("/signalen/rapportage").status_code == 403
    assert client.get("/signalen/rapportage/export.xlsx").status_code == 403
