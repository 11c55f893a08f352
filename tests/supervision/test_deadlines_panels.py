"""The deadline query for the reminders, the provider/contract panels, the dashboard cards."""

from datetime import date, timedelta

from procure.core.timeutil import today_local
from procure.extensions import db
from procure.main.dashboard import cards_for
from procure.main.panels import panels_for
from procure.supervision import operations as ops
from procure.supervision.deadlines import signal_deadlines
from tests import factories as f
from tests.supervision.helpers import signal
from tests.supervision.test_api import _contract


def test_deadlines_with_responsible_supervisor(w):
    today = today_local()
    waiting = signal(w.breda, received=today)
    ops.assign(waiting, actor=w.supervisor, assignee=w.supervisor2)
    investigated = signal(w.breda)
    ops.triage(
        investigated,
        actor=w.supervisor,
        decision="investigate",
        motivation="Zelf.",
        investigation_due_on=today + timedelta(days=20),
    )
    handed = signal(w.breda)
    ops.triage(
        handed,
        actor=w.supervisor2,
        decision="hand_over",
        motivation="IGJ.",
        other_party="IGJ",
        follow_up_on=today + timedelta(days=10),
    )
    measured = signal(w.breda)
    ops.triage(
        measured,
        actor=w.supervisor,
        decision="investigate",
        motivation="Zelf.",
        investigation_due_on=today + timedelta(days=5),
    )
    measure = ops.impose_measure(
        measured,
        actor=w.supervisor,
        kind="improvement_plan",
        description="Plan.",
        due_on=today + timedelta(days=15),
        follow_up_on=today + timedelta(days=25),
    )
    closed = signal(w.breda)
    ops.triage(closed, actor=w.supervisor, decision="no_action", motivation="Niets.")
    signal(w.other_supervisor)  # another region

    rows = signal_deadlines(today, today + timedelta(days=30), [w.supervisor.region_id])
    got = {(r["kind"], r["reference"]): (r["due_on"], r["responsible_id"]) for r in rows}
    assert got == {
        ("triage", waiting.reference): (waiting.triage_due_on, w.supervisor2.id),
        ("investigation", investigated.reference): (today + timedelta(days=20), w.supervisor.id),
        ("follow_up", handed.reference): (today + timedelta(days=10), w.supervisor2.id),
        ("measure", measured.reference): (today + timedelta(days=15), w.supervisor.id),
        ("measure_check", measured.reference): (today + timedelta(days=25), w.supervisor.id),
    }
    assert [r["due_on"] for r in rows] == sorted(r["due_on"] for r in rows)
    assert next(r for r in rows if r["kind"] == "measure")["measure_id"] == measure.id
    # the window is respected; a completed measure drops out
    assert {
        r["kind"] for r in signal_deadlines(today + timedelta(days=11), today + timedelta(days=16))
    } == {"measure"}
    ops.complete_measure(measure, actor=w.supervisor, result="Gedaan.")
    assert not [
        r
        for r in signal_deadlines(today, today + timedelta(days=30))
        if r["kind"].startswith("measure")
    ]
    # all regions without a filter
    assert len({r["region_id"] for r in signal_deadlines(date(2000, 1, 1), date(2100, 1, 1))}) == 2


def test_contract_panel_shows_open_signals_and_heightened_badge_to_staff(w):
    contract = _contract("wbo", w.kompas, "WBO-OH-2025-010")
    s = signal(w.manager, contract_id=contract.id)
    signal(w.manager)  # about the provider, not this contract
    closed = signal(w.manager, contract_id=contract.id)
    ops.triage(closed, actor=w.supervisor, decision="no_action", motivation="Niets.")
    html = "".join(str(p) for p in panels_for("contract", contract, w.manager))
    assert "Open signalen over dit contract: 1; over de aanbieder: 2." in html
    assert "supervision-contract-title" in html and "verhoogd toezicht" not in html
    ops.start_heightened(
        w.kompas,
        actor=w.supervisor,
        reason="Kwaliteit.",
        start_on=today_local(),
        review_on=today_local() + timedelta(days=90),
    )
    html = "".join(str(p) for p in panels_for("contract", contract, w.supervisor))
    assert "Aanbieder onder verhoogd toezicht" in html
    # not for municipalities, providers or another region
    for user in (w.breda, w.provider_user, w.other_manager, w.procurement):
        html = "".join(str(p) for p in panels_for("contract", contract, user))
        assert "supervision-contract-title" not in html and "Open signalen" not in html
    assert s.contract_id == contract.id


def test_provider_page_panel_and_provider_view(client, w):
    s = signal(w.breda)
    ops.triage(
        s,
        actor=w.supervisor,
        decision="investigate",
        motivation="Zelf.",
        investigation_due_on=today_local() + timedelta(days=9),
    )
    ops.impose_measure(
        s,
        actor=w.supervisor,
        kind="client_stop",
        description="Stop.",
        due_on=today_local() + timedelta(days=9),
    )
    f.login(client, w.manager)
    html = client.get(f"/organisaties/aanbieders/{w.kompas.id}").get_data(as_text=True)
    assert "1 open signalen, 1 in totaal." in html
    html = client.get(f"/signalen/aanbieder/{w.kompas.id}").get_data(as_text=True)
    assert s.reference in html and "Cliëntenstop" in html
    client.post("/uitloggen", data={"csrf_token": f.csrf_token(client, "/")})
    f.login(client, w.breda)  # a municipality gets no supervision panel nor provider view
    html = client.get(f"/organisaties/aanbieders/{w.kompas.id}").get_data(as_text=True)
    assert "open signalen" not in html
    assert client.get(f"/signalen/aanbieder/{w.kompas.id}").status_code == 403


def test_dashboard_cards_count_open_mine_and_overdue(w):
    late = signal(w.breda, received=today_local() - timedelta(days=30))
    signal(w.breda)
    ops.assign(late, actor=w.supervisor, assignee=w.supervisor)
    cards = {str(c["title"]): c["value"] for c in cards_for(w.supervisor)}
    assert cards["Open signalen"] == 2 and cards["Mijn signalen"] == 1
    assert cards["Signalen over de termijn"] == 1
    assert {str(c["title"]): c["value"] for c in cards_for(w.oosterhout)}["Open signalen"] == 0
    db.session.rollback()
