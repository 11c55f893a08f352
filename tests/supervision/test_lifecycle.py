"""The full life cycle: triage, investigation, hand-over, measures, closure, merge, reopen,
heightened supervision; every transition audited."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from procure.audit.models import AuditEvent
from procure.core.errors import Conflict, InvalidTransition, NotAllowed, ValidationFailed
from procure.core.timeutil import today_local
from procure.extensions import db
from procure.supervision import operations as ops
from procure.supervision.models import HeightenedSupervision, Signal, SignalTransition
from procure.supervision.reports import heightened_provider_ids
from tests.supervision.helpers import signal


def _states(s):
    return [
        (t.from_state, t.to_state)
        for t in db.session.execute(
            select(SignalTransition)
            .where(SignalTransition.signal_id == s.id)
            .order_by(SignalTransition.id)
        ).scalars()
    ]


def _audit(action, s=None):
    stmt = select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action)
    if s is not None:
        stmt = stmt.where(AuditEvent.object_type == "Signal", AuditEvent.object_id == str(s.id))
    return db.session.execute(stmt).scalar_one()


def test_full_life_cycle_investigate_hand_over_take_back_measures_close_reopen(w):
    today = today_local()
    s = signal(w.breda)
    assert s.state == "received" and s.reference.startswith("WBO-S")
    assert s.municipality_id == w.breda.municipality_id
    assert s.logged_by_municipality_id == w.breda.municipality_id

    ops.triage(
        s,
        actor=w.supervisor,
        decision="investigate",
        motivation="Eigen onderzoek.",
        investigation_due_on=today + timedelta(days=30),
    )
    assert s.state == "investigating" and s.triage_decision == "investigate"
    assert s.investigation_due_on == today + timedelta(days=30)
    assert s.assigned_to_id == w.supervisor.id  # the triaging supervisor takes it

    ops.add_note(
        s, actor=w.supervisor, kind="finding", text="Dossiers ingezien: uren kloppen niet."
    )
    ops.hand_over(
        s,
        actor=w.supervisor,
        other_party="Inspectie Gezondheidszorg en Jeugd",
        follow_up_on=today + timedelta(days=14),
        motivation="Valt onder IGJ.",
    )
    assert s.state == "other_party" and s.other_party == "Inspectie Gezondheidszorg en Jeugd"
    ops.start_investigation(
        s,
        actor=w.supervisor,
        due_on=today + timedelta(days=20),
        motivation="IGJ geeft het terug; wij onderzoeken verder.",
    )
    assert s.state == "investigating"

    plan = ops.impose_measure(
        s,
        actor=w.supervisor,
        kind="improvement_plan",
        description="Verbeterplan urenregistratie.",
        due_on=today + timedelta(days=60),
    )
    correction = ops.impose_measure(
        s,
        actor=w.supervisor,
        kind="financial_correction",
        description="Terugvordering onterecht gedeclareerde uren.",
        due_on=today + timedelta(days=30),
        amount="12500.50",
    )
    assert s.state == "measures" and str(correction.amount) == "12500.50"

    with pytest.raises(Conflict):  # open measures block closing
        ops.close(s, actor=w.supervisor, outcome="Klaar.")
    assert s.state == "measures"
    ops.complete_measure(plan, actor=w.supervisor, result="Plan uitgevoerd.")
    with pytest.raises(Conflict):
        ops.close(s, actor=w.supervisor, outcome="Klaar.")
    with pytest.raises(ValidationFailed):  # dropping needs a reason
        ops.drop_measure(correction, actor=w.supervisor, reason="  ")
    ops.drop_measure(correction, actor=w.supervisor, reason="Aanbieder failliet.")
    ops.close(s, actor=w.supervisor, outcome="Verbeterplan uitgevoerd; correctie vervallen.")
    assert s.state == "closed" and s.closed_on == today

    with pytest.raises(ValidationFailed):
        ops.reopen(s, actor=w.supervisor, reason="")
    ops.reopen(s, actor=w.supervisor, reason="Nieuwe melding over dezelfde uren.")
    assert s.state == "received" and s.reopen_count == 1 and s.closed_on is None
    assert s.triage_due_on > today

    assert _states(s) == [
        (None, "received"),
        ("received", "triaged"),
        ("triaged", "investigating"),
        ("investigating", "other_party"),
        ("other_party", "investigating"),
        ("investigating", "measures"),
        ("measures", "closed"),
        ("closed", "received"),
    ]
    assert _audit("signal.state", s) == 7
    assert _audit("signal.logged", s) == 1 and _audit("signal.reopened", s) == 1
    assert _audit("measure.completed") == 1 and _audit("measure.dropped") == 1


def test_triage_hand_over_then_close_and_no_action_closes_at_once(w):
    today = today_local()
    s = signal(w.manager)
    ops.triage(
        s,
        actor=w.supervisor,
        decision="hand_over",
        motivation="Fraude: SIOD.",
        other_party="Sociale Recherche",
        follow_up_on=today + timedelta(days=42),
    )
    assert s.state == "other_party" and s.follow_up_on == today + timedelta(days=42)
    ops.close(s, actor=w.supervisor, outcome="Rapport ontvangen, geen verdere actie.")
    assert s.state == "closed"

    t = signal(w.manager)
    ops.triage(t, actor=w.supervisor, decision="no_action", motivation="Geen aanleiding.")
    assert t.state == "closed" and t.outcome == "Geen aanleiding."
    assert [x[1] for x in _states(t)] == ["received", "triaged", "closed"]

    m = signal(w.manager)
    ops.triage(
        m,
        actor=w.supervisor,
        decision="monitor",
        motivation="Volgen.",
        follow_up_on=today + timedelta(days=90),
    )
    assert m.state == "triaged"


def test_triage_validates_decision_specific_fields(w):
    s = signal(w.manager)
    with pytest.raises(ValidationFailed) as exc:
        ops.triage(s, actor=w.supervisor, decision="investigate", motivation="Onderzoek.")
    assert exc.value.field == "investigation_due_on"
    with pytest.raises(ValidationFailed) as exc:
        ops.triage(
            s,
            actor=w.supervisor,
            decision="hand_over",
            motivation="Weg ermee.",
            follow_up_on=today_local() + timedelta(days=3),
        )
    assert exc.value.field == "other_party"
    with pytest.raises(ValidationFailed) as exc:
        ops.triage(s, actor=w.supervisor, decision="monitor", motivation="")
    assert exc.value.field == "motivation"
    with pytest.raises(ValidationFailed):
        ops.triage(
            s,
            actor=w.supervisor,
            decision="investigate",
            motivation="Onderzoek.",
            investigation_due_on=today_local() - timedelta(days=1),
        )
    db.session.refresh(s)
    assert s.state == "received" and s.triage_decision is None


def test_only_supervisors_of_the_region_work_signals(w):
    s = signal(w.breda)
    for actor in (w.manager, w.breda, w.admin, w.procurement):
        with pytest.raises(NotAllowed):
            ops.triage(s, actor=actor, decision="no_action", motivation="Niets.")
    with pytest.raises(NotAllowed):
        ops.triage(s, actor=w.other_supervisor, decision="no_action", motivation="Niets.")
    assert s.state == "received"


def test_merge_duplicate_into_signal_about_same_provider(w):
    first = signal(w.breda)
    dup = signal(w.oosterhout)
    other_provider = signal(w.manager, w.linde)
    with pytest.raises(ValidationFailed):
        ops.merge(dup, into=other_provider, actor=w.supervisor, reason="Zelfde?")
    with pytest.raises(ValidationFailed):
        ops.merge(dup, into=dup, actor=w.supervisor, reason="Zichzelf.")
    ops.merge(dup, into=first, actor=w.supervisor, reason="Zelfde gebeurtenis.")
    assert dup.state == "merged" and dup.merged_into_id == first.id
    with pytest.raises(ValidationFailed):  # a merged signal is no target
        ops.merge(other_provider, into=dup, actor=w.supervisor, reason="x")
    with pytest.raises(InvalidTransition):
        ops.reopen(dup, actor=w.supervisor, reason="Toch niet dubbel.")
    assert _audit("signal.state", dup) == 1


def test_assignment_and_reassignment_only_to_supervisors_of_the_region(w):
    s = signal(w.breda)
    ops.assign(s, actor=w.supervisor, assignee=w.supervisor2)
    assert s.assigned_to_id == w.supervisor2.id
    ops.assign(s, actor=w.supervisor2, assignee=w.supervisor)
    assert s.assigned_to_id == w.supervisor.id
    for wrong in (w.manager, w.other_supervisor):
        with pytest.raises(ValidationFailed):
            ops.assign(s, actor=w.supervisor, assignee=wrong)
    assert s.assigned_to_id == w.supervisor.id
    ops.assign(s, actor=w.supervisor, assignee=None)
    assert s.assigned_to_id is None
    assert _audit("signal.assigned", s) == 3


def test_heightened_supervision_on_and_off(w):
    today = today_local()
    with pytest.raises(ValidationFailed):
        ops.start_heightened(
            w.kompas, actor=w.supervisor, reason="Kwaliteit.", start_on=today, review_on=today
        )
    with pytest.raises(NotAllowed):
        ops.start_heightened(
            w.kompas,
            actor=w.manager,
            reason="Kwaliteit.",
            start_on=today,
            review_on=today + timedelta(days=90),
        )
    period = ops.start_heightened(
        w.kompas,
        actor=w.supervisor,
        reason="Meerdere signalen.",
        start_on=today,
        review_on=today + timedelta(days=180),
    )
    assert heightened_provider_ids(w.supervisor.region_id, today) == {w.kompas.id}
    # per region: e10 is not affected
    assert heightened_provider_ids(w.other_supervisor.region_id, today) == set()
    with pytest.raises(Conflict):
        ops.start_heightened(
            w.kompas,
            actor=w.supervisor2,
            reason="Nog eens.",
            start_on=today,
            review_on=today + timedelta(days=90),
        )
    with pytest.raises(NotAllowed):
        ops.end_heightened(period, actor=w.other_supervisor, reason="x", ended_on=today)
    ops.end_heightened(
        period, actor=w.supervisor, reason="Evaluatie positief.", ended_on=today + timedelta(days=1)
    )
    assert period.active_on(today) and not period.active_on(today + timedelta(days=1))
    assert heightened_provider_ids(w.supervisor.region_id, today + timedelta(days=2)) == set()
    with pytest.raises(InvalidTransition):
        ops.end_heightened(period, actor=w.supervisor, reason="Nog eens.", ended_on=today)
    # on again later
    ops.start_heightened(
        w.kompas,
        actor=w.supervisor,
        reason="Nieuwe signalen.",
        start_on=today + timedelta(days=30),
        review_on=today + timedelta(days=120),
    )
    assert (
        db.session.execute(select(func.count()).select_from(HeightenedSupervision)).scalar_one()
        == 2
    )
    assert _audit("provider.heightened_supervision_started") == 2
    assert _audit("provider.heightened_supervision_ended") == 1


def test_heightened_supervision_pages_show_on_provider_and_toggle(client, w):
    from tests import factories as f

    f.login(client, w.supervisor)
    url = f"/signalen/aanbieder/{w.kompas.id}"
    today = today_local()
    response = f.post(
        client,
        f"{url}/verhoogd-toezicht",
        {
            "hs-reason": "Calamiteit en kwaliteitszorgen.",
            "hs-start_on": today.isoformat(),
            "hs-review_on": (today + timedelta(days=90)).isoformat(),
        },
    )
    assert response.status_code == 302
    html = client.get(f"/organisaties/aanbieders/{w.kompas.id}").get_data(as_text=True)
    assert "Verhoogd toezicht" in html
    period = db.session.execute(select(HeightenedSupervision)).scalar_one()
    response = f.post(
        client,
        f"/signalen/verhoogd-toezicht/{period.id}/beeindigen",
        {"end-reason": "Verbeterd.", "end-ended_on": (today + timedelta(days=1)).isoformat()},
    )
    assert response.status_code == 302
    db.session.refresh(period)
    assert period.ended_on == today + timedelta(days=1)
    # a contract manager sees the page but cannot toggle
    client.post("/uitloggen", data={"csrf_token": f.csrf_token(client, "/")})
    f.login(client, w.manager)
    assert client.get(url).status_code == 200
    response = f.post(
        client,
        f"{url}/verhoogd-toezicht",
        {
            "hs-reason": "x",
            "hs-start_on": today.isoformat(),
            "hs-review_on": (today + timedelta(days=9)).isoformat(),
        },
    )
    assert response.status_code == 403
    assert (
        db.session.execute(select(func.count()).select_from(HeightenedSupervision)).scalar_one()
        == 1
    )


def test_signal_counts_only_once_per_intake(w):
    signal(w.breda)
    assert db.session.execute(select(func.count()).select_from(Signal)).scalar_one() == 1


def test_investigation_log_and_history_are_append_only(w):
    s = signal(w.breda)
    ops.triage(
        s,
        actor=w.supervisor,
        decision="investigate",
        motivation="Zelf.",
        investigation_due_on=today_local() + timedelta(days=10),
    )
    note = ops.add_note(s, actor=w.supervisor, text="Eerste bevinding.", kind="finding")
    note.text = "Herschreven."
    with pytest.raises(RuntimeError, match="alleen"):
        db.session.flush()
    db.session.rollback()
    transition = db.session.execute(select(SignalTransition)).scalars().first()
    db.session.delete(transition)
    with pytest.raises(RuntimeError, match="alleen"):
        db.session.flush()
    db.session.rollback()
    assert [n.text for n in db.session.get(Signal, s.id).notes] == ["Eerste bevinding."]
    with pytest.raises(ValidationFailed):
        ops.add_note(s, actor=w.supervisor, text="   ")
