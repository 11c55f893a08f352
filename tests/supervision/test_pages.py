"""The pages: intake form, signal page actions through forms, errors keep the input."""

from datetime import timedelta

from sqlalchemy import select

from procure.core.timeutil import today_local
from procure.extensions import db
from procure.supervision import operations as ops
from procure.supervision.models import Signal, SignalAttachment
from tests import factories as f
from tests.supervision.helpers import TEXT, signal
from tests.supervision.test_api import _contract

PDF = b"%PDF-1.4\n% test\n"


def _form(w, **kw):
    data = {
        "provider_id": w.kompas.id,
        "contract_id": 0,
        "municipality_id": 0,
        "source": "internal",
        "received_on": today_local().isoformat(),
        "category": "compliance",
        "urgency": "normal",
        "description": TEXT,
    }
    data.update(kw)
    return data


def test_contract_manager_logs_a_signal_with_contract_and_attachment(client, w):
    contract = _contract("wbo", w.kompas, "WBO-OH-2025-020")
    f.login(client, w.manager)
    html = client.get(f"/signalen/nieuw?provider_id={w.kompas.id}").get_data(as_text=True)
    assert "WBO-OH-2025-020" in html
    from io import BytesIO

    response = f.post(
        client,
        "/signalen/nieuw",
        _form(
            w,
            contract_id=contract.id,
            reporter_confidential="y",
            reporter_name="Anonieme collega",
            attachments=(BytesIO(PDF), "verslag.pdf"),
        ),
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    s = db.session.execute(select(Signal)).scalar_one()
    assert s.contract_id == contract.id and s.reporter_confidential
    assert s.logged_by_municipality_id is None and s.channel == "ui"
    attachment = db.session.execute(select(SignalAttachment)).scalar_one()
    assert client.get(f"/signalen/{s.id}/bijlagen/{attachment.id}").data == PDF


def test_contract_of_another_provider_is_refused_and_input_kept(client, w):
    other = _contract("wbo", w.linde, "WBO-OH-2025-021")
    f.login(client, w.manager)
    response = f.post(client, "/signalen/nieuw", _form(w, contract_id=other.id))
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "Kies een contract van deze aanbieder" in html
    assert TEXT in html
    assert db.session.execute(select(Signal.id)).first() is None


def test_municipality_always_logs_for_its_own_municipality(client, w):
    f.login(client, w.breda)
    oosterhout_id = w.oosterhout.municipality_id
    response = f.post(
        client, "/signalen/nieuw", _form(w, municipality_id=oosterhout_id, source="municipality")
    )
    assert response.status_code == 422
    assert "eigen gemeente" in response.get_data(as_text=True)
    assert db.session.execute(select(Signal.id)).first() is None
    response = f.post(
        client,
        "/signalen/nieuw",
        _form(w, municipality_id=w.breda.municipality_id, source="municipality"),
    )
    assert response.status_code == 302
    s = db.session.execute(select(Signal)).scalar_one()
    assert s.municipality_id == s.logged_by_municipality_id == w.breda.municipality_id


def test_supervisor_works_a_signal_through_the_page(client, w):
    s = signal(w.breda)
    f.login(client, w.supervisor)
    html = client.get(f"/signalen/{s.id}").get_data(as_text=True)
    assert "Triage vastleggen" in html and "Heropenen" not in html
    # a refused triage keeps the user's text and shows the field error
    response = f.post(
        client,
        f"/signalen/{s.id}/triage",
        {"triage-decision": "investigate", "triage-motivation": "Ernstig; eigen onderzoek."},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "Ernstig; eigen onderzoek." in html
    assert "uiterste datum van het onderzoek" in html
    assert db.session.get(Signal, s.id).state == "received"
    due = (today_local() + timedelta(days=40)).isoformat()
    assert (
        f.post(
            client,
            f"/signalen/{s.id}/triage",
            {
                "triage-decision": "investigate",
                "triage-motivation": "Ernstig; eigen onderzoek.",
                "triage-investigation_due_on": due,
            },
        ).status_code
        == 302
    )
    assert (
        f.post(
            client,
            f"/signalen/{s.id}/aantekening",
            {"note-kind": "finding", "note-text": "Gesprek met de bestuurder gevoerd."},
        ).status_code
        == 302
    )
    assert (
        f.post(
            client,
            f"/signalen/{s.id}/maatregel",
            {
                "measure-kind": "financial_correction",
                "measure-description": "Terugvorderen.",
                "measure-due_on": due,
                "measure-amount": "1.250,00",
            },
        ).status_code
        == 422
    )
    assert (
        f.post(
            client,
            f"/signalen/{s.id}/maatregel",
            {
                "measure-kind": "financial_correction",
                "measure-description": "Terugvorderen.",
                "measure-due_on": due,
                "measure-amount": "1250,00",
            },
        ).status_code
        == 302
    )
    row = db.session.get(Signal, s.id)
    assert row.state == "measures" and str(row.measures[0].amount) == "1250.00"
    measure_id = row.measures[0].id
    response = f.post(client, f"/signalen/{s.id}/afsluiten", {"close-outcome": "Klaar."})
    assert response.status_code == 409 and "nog 1 maatregel open" in response.get_data(as_text=True)
    assert (
        f.post(
            client,
            f"/signalen/{s.id}/maatregel/{measure_id}/afgerond",
            {"done-result": "Bedrag ontvangen."},
        ).status_code
        == 302
    )
    assert (
        f.post(client, f"/signalen/{s.id}/afsluiten", {"close-outcome": "Klaar."}).status_code
        == 302
    )
    assert (
        f.post(
            client, f"/signalen/{s.id}/heropenen", {"reopen-reason": "Nieuw signaal."}
        ).status_code
        == 302
    )
    html = client.get(f"/signalen/{s.id}").get_data(as_text=True)
    assert "Gesprek met de bestuurder gevoerd." in html and "Historie" in html
    assert db.session.get(Signal, s.id).state == "received"


def test_merge_and_follow_up_through_the_page(client, w):
    first, dup = signal(w.breda), signal(w.oosterhout)
    f.login(client, w.supervisor)
    response = f.post(
        client,
        f"/signalen/{dup.id}/samenvoegen",
        {"merge-into": "WBO-S0000-9999", "merge-reason": "Dubbel."},
    )
    assert response.status_code == 422
    assert (
        f.post(
            client,
            f"/signalen/{dup.id}/samenvoegen",
            {"merge-into": first.reference.lower(), "merge-reason": "Dubbel."},
        ).status_code
        == 302
    )
    assert db.session.get(Signal, dup.id).merged_into_id == first.id
    html = client.get(f"/signalen/{first.id}").get_data(as_text=True)
    assert dup.reference in html
    ops.triage(
        first,
        actor=w.supervisor,
        decision="monitor",
        motivation="Volgen.",
        follow_up_on=today_local() + timedelta(days=5),
    )
    new_day = today_local() + timedelta(days=50)
    assert (
        f.post(
            client,
            f"/signalen/{first.id}/opvolging",
            {"fu-follow_up_on": new_day.isoformat(), "fu-note": "Na de zomer."},
        ).status_code
        == 302
    )
    assert db.session.get(Signal, first.id).follow_up_on == new_day


def test_municipality_list_shows_own_signals_without_investigation_columns(client, w):
    mine = signal(w.breda)
    ops.assign(mine, actor=w.supervisor, assignee=w.supervisor2)
    theirs = signal(w.oosterhout)
    f.login(client, w.breda)
    html = client.get("/signalen/").get_data(as_text=True)
    assert mine.reference in html and theirs.reference not in html
    assert "Toegewezen aan" not in html and w.supervisor2.name not in html
