"""The signal life cycle entirely over the API: a municipality's case system reports, the
supervisor triages, investigates, imposes and completes a measure and closes; other roles
and regions are refused and nothing changes for them."""

from datetime import timedelta

from sqlalchemy import func, select

from procure.audit.models import AuditEvent
from procure.core.timeutil import today_local
from procure.extensions import db
from procure.supervision.models import Measure, Signal
from tests import factories as f

TEXT = "Toegangsteam Breda: behandeling stopt zonder overleg met ouders."


def _post(client, user, path, body, key):
    headers = {**f.bearer(f.api_token(user)), "Idempotency-Key": key}
    return client.post(f"/api/v1{path}", json=body, headers=headers)


def _ok(response, status=200):
    assert response.status_code == status, response.get_json()
    return response.get_json()


def test_signal_from_report_to_closing_over_the_api(client, w):
    day = today_local()
    reported = _ok(
        _post(
            client,
            w.breda,
            "/signals",
            {
                "provider": "kompas",
                "received_on": (day - timedelta(days=1)).isoformat(),
                "category": "quality",
                "description": TEXT,
            },
            "zaak-1",
        ),
        201,
    )
    sid = reported["id"]
    path = f"/signals/{sid}"
    triaged = _ok(
        _post(
            client,
            w.supervisor,
            f"{path}/triage",
            {
                "decision": "investigate",
                "motivation": "Herhaald signaal over dezelfde locatie.",
                "investigation_due_on": (day + timedelta(days=30)).isoformat(),
            },
            "t-1",
        )
    )
    assert triaged["state"] == "investigating" and triaged["triage_decision"] == "investigate"
    note = {"text": "Gesprek met de locatiemanager gevoerd.", "kind": "finding"}
    _ok(_post(client, w.supervisor, f"{path}/notes", note, "t-2"), 201)
    measure = _ok(
        _post(
            client,
            w.supervisor,
            f"{path}/measures",
            {
                "kind": "improvement_plan",
                "description": "Verbeterplan overleg met ouders binnen zes weken.",
                "due_on": (day + timedelta(days=42)).isoformat(),
            },
            "t-3",
        ),
        201,
    )
    refused = _post(client, w.supervisor, f"{path}/close", {"outcome": "Klaar."}, "t-4")
    assert refused.status_code == 409  # an open measure blocks closing
    done = {"result": "Verbeterplan uitgevoerd en getoetst."}
    _ok(_post(client, w.supervisor, f"{path}/measures/{measure['id']}/completion", done, "t-5"))
    closed = _ok(_post(client, w.supervisor, f"{path}/close", {"outcome": "Verbeterd."}, "t-6"))
    assert closed["state"] == "closed" and closed["outcome"] == "Verbeterd."
    # the municipality sees the outcome of its own report, not the investigation
    own = _ok(client.get(f"/api/v1{path}", headers=f.bearer(f.api_token(w.breda))))
    assert own["state"] == "closed" and "triage_decision" not in own
    states = db.session.execute(
        select(AuditEvent.new_values)
        .where(AuditEvent.action == "signal.state")
        .order_by(AuditEvent.id)
    ).scalars()
    assert [n["state"] for n in states][-1] == "closed"  # every step audited


def test_life_cycle_writes_are_refused_for_other_roles_and_regions(client, w):
    from tests.supervision.helpers import signal

    s = signal(w.breda)
    triage = {"decision": "no_action", "motivation": "Geen aanwijzingen."}
    for i, user in enumerate((w.breda, w.procurement, w.provider_user)):
        response = _post(client, user, f"/signals/{s.id}/triage", triage, f"r-{i}")
        assert response.status_code in (403, 404), response.get_json()
    for i, user in enumerate((w.other_supervisor, w.other_manager)):
        response = _post(client, user, f"/signals/{s.id}/triage", triage, f"o-{i}")
        assert response.status_code == 404
    measure = {"kind": "client_stop", "description": "x", "due_on": "2030-01-01"}
    response = _post(client, w.breda, f"/signals/{s.id}/measures", measure, "m-1")
    assert response.status_code in (403, 404)
    assert db.session.get(Signal, s.id).state == "received"
    assert db.session.execute(select(func.count(Measure.id))).scalar_one() == 0


def test_life_cycle_retry_with_the_same_key_runs_once(client, w):
    from tests.supervision.helpers import signal

    s = signal(w.breda)
    note = {"text": "Eerste contact met de aanbieder."}
    first = _post(client, w.supervisor, f"/signals/{s.id}/notes", note, "n-1")
    token = f.api_token(w.supervisor)
    headers = {**f.bearer(token), "Idempotency-Key": "n-2"}
    a = client.post(f"/api/v1/signals/{s.id}/notes", json=note, headers=headers)
    b = client.post(f"/api/v1/signals/{s.id}/notes", json=note, headers=headers)
    assert first.status_code == a.status_code == b.status_code == 201
    assert b.headers["Idempotent-Replayed"] == "true" and a.get_json() == b.get_json()
    assert len(db.session.get(Signal, s.id).notes) == 2
