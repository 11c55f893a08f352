"""Who sees what: region, role, own municipality, investigation, confidential reporter."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from procure.core.errors import ValidationFailed
from procure.core.timeutil import today_local
from procure.extensions import db
from procure.supervision import operations as ops
from procure.supervision import policy
from procure.supervision.models import Signal
from procure.supervision.privacy import find_bsn, passes_bsn_eleven_test
from tests import factories as f
from tests.supervision.helpers import signal

NOTE = "Bevinding: roosters ontbreken voor de nachtdiensten"


@pytest.fixture
def investigated(w):
    s = signal(
        w.breda,
        reporter_name="Jan Melder",
        reporter_contact="06-12345678",
        reporter_confidential=True,
    )
    ops.triage(
        s,
        actor=w.supervisor,
        decision="investigate",
        motivation="Eigen onderzoek.",
        investigation_due_on=today_local() + timedelta(days=30),
    )
    ops.add_note(s, actor=w.supervisor, kind="finding", text=NOTE)
    ops.impose_measure(
        s,
        actor=w.supervisor,
        kind="client_stop",
        description="Tijdelijke cliëntenstop",
        due_on=today_local() + timedelta(days=9),
    )
    return s


def _visible_ids(user):
    return set(db.session.execute(policy.visible_signals(select(Signal.id), user)).scalars())


def test_municipality_sees_its_signal_and_state_but_not_the_investigation(client, w, investigated):
    f.login(client, w.breda)
    html = client.get(f"/signalen/{investigated.id}").get_data(as_text=True)
    assert investigated.reference in html and "Maatregelen" in html  # the state label
    assert NOTE not in html and "Tijdelijke cliëntenstop" not in html
    assert "Eigen onderzoek." not in html  # triage motivation
    assert "Jan Melder" not in html  # confidential reporter
    api = client.get(
        f"/api/v1/signals/{investigated.id}", headers=f.bearer(f.api_token(w.breda))
    ).get_json()
    assert api["state"] == "measures"
    assert "triage_decision" not in api and "outcome" not in api and api["reporter"] is None


def test_municipality_sees_only_signals_its_municipality_logged(client, w, investigated):
    mine = signal(w.breda2)  # colleague of the same municipality
    theirs = signal(w.oosterhout)
    staff = signal(w.manager)  # region-wide, logged by contract management
    assert _visible_ids(w.breda) == {investigated.id, mine.id}
    assert _visible_ids(w.oosterhout) == {theirs.id}
    f.login(client, w.oosterhout)
    assert client.get(f"/signalen/{investigated.id}").status_code == 404
    assert client.get(f"/signalen/{staff.id}").status_code == 404
    assert client.get(f"/signalen/{theirs.id}").status_code == 200


def test_confidential_reporter_hidden_from_contract_manager_and_admin_shown_to_supervisor(
    client, w, investigated
):
    for user in (w.manager,):
        f.login(client, user)
        html = client.get(f"/signalen/{investigated.id}").get_data(as_text=True)
        assert NOTE in html  # region staff see the investigation ...
        assert "Jan Melder" not in html and "06-12345678" not in html  # ... not the reporter
        assert "Vertrouwelijk" in html
        api = client.get(
            f"/api/v1/signals/{investigated.id}", headers=f.bearer(f.api_token(user))
        ).get_json()
        assert api["reporter"] is None
        client.post("/uitloggen", data={"csrf_token": f.csrf_token(client, "/")})
    f.login(client, w.supervisor)
    html = client.get(f"/signalen/{investigated.id}").get_data(as_text=True)
    assert "Jan Melder" in html and "06-12345678" in html


def test_non_confidential_reporter_is_visible_to_contract_manager(w):
    s = signal(w.breda, reporter_name="Open Melder")
    assert policy.reporter_view(s, w.manager)["name"] == "Open Melder"
    assert policy.reporter_view(s, w.breda)["name"] == "Open Melder"


def test_another_region_sees_nothing(client, w, investigated):
    assert _visible_ids(w.other_supervisor) == set()
    assert _visible_ids(w.other_manager) == set()
    f.login(client, w.other_supervisor)
    assert client.get(f"/signalen/{investigated.id}").status_code == 404
    assert investigated.reference not in client.get("/signalen/").get_data(as_text=True)
    assert (
        client.get(f"/signalen/aanbieder/{w.kompas.id}")
        .get_data(as_text=True)
        .count(investigated.reference)
        == 0
    )
    token = f.api_token(w.other_manager)
    assert client.get("/api/v1/signals", headers=f.bearer(token)).get_json()["items"] == []
    assert (
        client.get(f"/api/v1/signals/{investigated.id}", headers=f.bearer(token)).status_code == 404
    )
    # and cannot act on it
    response = f.post(
        client,
        f"/signalen/{investigated.id}/aantekening",
        {"note-kind": "note", "note-text": "Van buiten de regio."},
    )
    assert response.status_code == 404


@pytest.mark.parametrize("role", ["provider", "procurement"])
def test_providers_and_procurement_see_no_signals(client, w, investigated, role):
    user = w.provider_user if role == "provider" else w.procurement
    assert _visible_ids(user) == set()
    f.login(client, user)
    assert client.get("/signalen/").status_code == 403
    assert client.get(f"/signalen/{investigated.id}").status_code == 403
    assert client.get("/api/v1/signals", headers=f.bearer(f.api_token(user))).status_code == 403


def test_municipality_and_contract_manager_cannot_work_signals(client, w, investigated):
    for user in (w.breda, w.manager):
        f.login(client, user)
        response = f.post(
            client,
            f"/signalen/{investigated.id}/aantekening",
            {"note-kind": "note", "note-text": "Mag niet."},
        )
        assert response.status_code == 403
        client.post("/uitloggen", data={"csrf_token": f.csrf_token(client, "/")})
    assert len(db.session.get(Signal, investigated.id).notes) == 1


# -- BSN --------------------------------------------------------------------------------------


@pytest.mark.parametrize("number", ["111222333", "123456782", "999999990"])
def test_valid_bsn_numbers_pass_the_eleven_test(number):
    assert passes_bsn_eleven_test(number)


@pytest.mark.parametrize("number", ["123456789", "111222334", "000000000", "12345678"])
def test_other_numbers_fail_the_eleven_test(number):
    assert not passes_bsn_eleven_test(number)


def test_find_bsn_in_text_plain_and_formatted():
    assert find_bsn("Cliënt met BSN 111222333 verblijft daar.") == "111222333"
    assert find_bsn("bsn: 1112.22.333") == "1112.22.333"
    assert find_bsn("123456782") == "123456782"
    # not a BSN: fails the eleven-test, or more digits, or a KvK number (8)
    assert find_bsn("Factuurnummer 123456789 is dubbel gedeclareerd.") is None
    assert find_bsn("Bel 0612345678 of KvK 41098765.") is None
    assert find_bsn("Referentie 1112223330 (tien cijfers).") is None


def test_signal_with_bsn_in_description_is_refused_and_not_stored(w):
    with pytest.raises(ValidationFailed) as exc:
        signal(w.breda, description="Jongere met BSN 111222333 krijgt geen behandeling.")
    assert exc.value.field == "description" and "BSN" in str(exc.value.message)
    assert db.session.execute(select(Signal.id)).first() is None
    ok = signal(w.breda, description="Declaratie met factuurnummer 123456789 klopt niet.")
    assert "123456789" in ok.description


def test_bsn_refused_in_notes_and_reporter_too(w):
    s = signal(w.breda)
    with pytest.raises(ValidationFailed):
        ops.add_note(s, actor=w.supervisor, text="Dossier van 123456782 bekeken.")
    with pytest.raises(ValidationFailed):
        signal(w.breda, reporter_name="Moeder van 111222333")
    assert s.notes == []


def test_intake_form_warns_rejects_bsn_and_keeps_the_input(client, w):
    f.login(client, w.breda)
    html = client.get("/signalen/nieuw").get_data(as_text=True)
    assert "geen BSN" in html  # the warning next to the description
    text = "Cliënt 111222333 wordt niet behandeld volgens de moeder."
    response = f.post(
        client,
        "/signalen/nieuw",
        {
            "provider_id": w.kompas.id,
            "contract_id": 0,
            "municipality_id": w.breda.municipality_id,
            "source": "municipality",
            "received_on": today_local().isoformat(),
            "category": "quality",
            "urgency": "high",
            "description": text,
        },
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "op een BSN lijkt" in html
    assert text in html  # nothing the user typed is lost
    assert db.session.execute(select(Signal.id)).first() is None


def test_measures_and_history_are_scoped_to_region_staff(w, investigated):
    from procure.auth.permissions import scoped
    from procure.supervision.models import Measure, SignalTransition

    for model in (Measure, SignalTransition):
        assert db.session.execute(scoped(select(model.id), model, w.manager)).first()
        for user in (w.breda, w.other_supervisor, w.provider_user, w.procurement):
            assert db.session.execute(scoped(select(model.id), model, user)).first() is None


def test_signal_page_statements_kept_per_scope_never_serve_another_scope(client, w, investigated):
    """The signal page reads through statements kept per statement and scope
    (policy.prepared_visible): one user's kept statement must not answer for another."""
    mine = signal(w.breda2)
    visits = [
        (w.supervisor, investigated, 200),
        (w.other_supervisor, investigated, 404),  # another region, after the region's own
        (w.breda, investigated, 200),
        (w.breda, mine, 200),  # a colleague of the same municipality logged it
        (w.oosterhout, investigated, 404),  # same region, another municipality
        (w.supervisor, investigated, 200),
    ]
    for user, s, status in visits:
        f.login(client, user)
        response = client.get(f"/signalen/{s.id}")
        assert response.status_code == status, (user.email, s.reference)
        assert (s.reference in response.get_data(as_text=True)) == (status == 200)
        client.post("/uitloggen", data={"csrf_token": f.csrf_token(client, "/")})
    stmt = select(Signal.id)
    for user in (w.supervisor, w.other_supervisor, w.breda, w.oosterhout, w.manager):
        kept = db.session.execute(policy.prepared_visible(stmt, user)).scalars()
        assert set(kept) == _visible_ids(user)
