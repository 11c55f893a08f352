"""Market consultation as its own stage before a tender or open house (seed 003, 2.1 and
11.1) and the twice-yearly survey of missing care (seed 001) that feeds it: operations,
pages with CSRF, scope rules, and the journey from a report to the tender that follows."""

from datetime import date, datetime
from io import BytesIO

import pytest
import time_machine
from sqlalchemy import select

from procure.audit.models import AuditEvent
from procure.consultations import operations as ops
from procure.consultations.models import MarketAnswer, MarketConsultation
from procure.core.errors import InvalidTransition, NotAllowed, ValidationFailed
from procure.core.timeutil import AMSTERDAM
from procure.extensions import db
from procure.missing_care import operations as care_ops
from procure.missing_care.models import MissingCareEntry
from procure.tenders import operations as tender_ops
from tests import factories as f

# Seed 001 reports on 2024; in July the survey of the first half-year is gathered.
JULY_2024 = datetime(2024, 7, 10, 10, 0, tzinfo=AMSTERDAM)
PDF = b"%PDF-1.4\n% marktconsultatiedocument\n"


@pytest.fixture
def july(app):
    with time_machine.travel(JULY_2024, tick=False):
        yield


def _consultation(officer, **values):
    args = {
        "region": f.region("wbo"),
        "actor": officer,
        "title": "Marktconsultatie wonen met begeleiding",
        "segment": "Wonen met begeleiding",
        "planned_procedure": "open_house",
        "closes_on": date(2024, 9, 30),
        **values,
    }
    return ops.create_consultation(**args)


def test_consultation_flow_draft_open_closed_with_documents_questions_and_answers(client, july):
    officer = f.user("procurement")
    f.login(client, officer)
    missing = f.post(client, "/marktconsultaties/nieuw", {"title": "", "segment": "x"})
    assert missing.status_code == 422
    created = f.post(
        client,
        "/marktconsultaties/nieuw",
        {
            "title": "Marktconsultatie wonen met begeleiding",
            "segment": "Wonen met begeleiding",
            "planned_procedure": "open_house",
            "closes_on": "2024-09-30",
            "description": "Vóór het open house voor wonen met begeleiding (seed 003, 11.1).",
        },
    )
    assert created.status_code == 302
    consultation = db.session.execute(select(MarketConsultation)).scalar_one()
    assert consultation.reference == "MC-WBO-2024-01" and consultation.status == "draft"
    page = f"/marktconsultaties/{consultation.id}"
    # Opening without a question is refused with its reason.
    refused = f.post(client, f"{page}/status/open", follow_redirects=True)
    assert "minstens één vraag" in refused.get_data(as_text=True)
    for text in (
        "Welke woonvormen met begeleiding biedt u nu in de regio aan?",
        "Hoeveel plekken kunt u per 1 januari 2027 bieden?",
    ):
        assert f.post(client, f"{page}/vragen", {"q-text": text}).status_code == 302
    upload = f.post(
        client,
        f"{page}/documenten",
        {"d-title": "Data-analyse segment wonen", "d-file": (BytesIO(PDF), "analyse.pdf")},
        content_type="multipart/form-data",
    )
    assert upload.status_code == 302
    # Drafts are not shown to the market.
    provider = f.user("provider", provider_code="kompas")
    municipality = f.user("municipality")
    assert f.post(client, f"{page}/status/open").status_code == 302
    assert db.session.get(MarketConsultation, consultation.id).status == "open"
    # Questions are fixed once open.
    assert f.post(client, f"{page}/vragen", {"q-text": "Nog een"}).status_code == 403
    f.post(client, "/uitloggen")
    f.login(client, provider)
    body = client.get(page).get_data(as_text=True)
    assert "Data-analyse segment wonen" in body and "Antwoord opslaan" in body
    doc = consultation.documents[0]
    assert client.get(f"{page}/documenten/{doc.id}").data == PDF
    question = consultation.questions[0]
    answered = f.post(
        client,
        f"{page}/antwoorden",
        {"a-question_id": str(question.id), "a-body": "Wij bieden kamertraining en gezinshuizen."},
    )
    assert answered.status_code == 302
    empty = f.post(client, f"{page}/antwoorden", {"a-question_id": str(question.id), "a-body": ""})
    assert empty.status_code == 422
    # A second answer replaces the first.
    f.post(
        client,
        f"{page}/antwoorden",
        {"a-question_id": str(question.id), "a-body": "Kamertraining voor 16-18 jaar."},
    )
    answers = db.session.execute(select(MarketAnswer)).scalars().all()
    assert [a.body for a in answers] == ["Kamertraining voor 16-18 jaar."]
    # Another provider does not read this provider's answer; the region does.
    f.post(client, "/uitloggen")
    f.login(client, f.user("provider", provider_code="brug"))
    assert "Kamertraining" not in client.get(page).get_data(as_text=True)
    f.post(client, "/uitloggen")
    f.login(client, municipality)
    body = client.get(page).get_data(as_text=True)
    assert "Kamertraining" not in body and "Antwoord opslaan" not in body
    f.post(client, "/uitloggen")
    f.login(client, officer)
    assert "Kamertraining voor 16-18 jaar." in client.get(page).get_data(as_text=True)
    assert f.post(client, f"{page}/status/closed").status_code == 302
    actions = [
        e.action
        for e in db.session.execute(
            select(AuditEvent).where(AuditEvent.object_type == "MarketConsultation")
        ).scalars()
    ]
    for action in (
        "consultation.created",
        "consultation.question_added",
        "consultation.document_added",
        "consultation.open",
        "consultation.answered",
        "consultation.closed",
    ):
        assert action in actions


def test_consultation_visibility_and_roles(client, july):
    officer = f.user("procurement")
    draft = _consultation(officer)
    e10_officer = f.user("procurement", "e10", email="inkoper@e10.example.org")
    other = _consultation(e10_officer, region=f.region("e10"), title="E10 gezinshuizen")
    ops.add_question(other, text="Vraag", actor=e10_officer)
    ops.move(other, "open", actor=e10_officer)
    provider = f.user("provider", provider_code="kompas")
    f.login(client, provider)
    listing = client.get("/marktconsultaties/").get_data(as_text=True)
    assert other.reference in listing and draft.reference not in listing
    assert client.get(f"/marktconsultaties/{draft.id}").status_code == 404
    token = f.bearer(f.api_token(provider))
    listed = client.get("/api/v1/consultations", headers=token).get_json()["items"]
    assert [c["reference"] for c in listed] == [other.reference]
    assert client.get(f"/api/v1/consultations/{draft.reference}", headers=token).status_code == 404
    detail = client.get(f"/api/v1/consultations/{other.reference}", headers=token).get_json()
    assert detail["questions"] == [{"number": 1, "text": "Vraag"}] and detail["status"] == "open"
    f.post(client, "/uitloggen")
    breda = f.user("municipality")  # region WBO
    f.login(client, breda)
    assert client.get(f"/marktconsultaties/{draft.id}").status_code == 404
    assert client.get(f"/marktconsultaties/{other.id}").status_code == 404
    for actor in (f.user("contract_manager"), provider, e10_officer):
        with pytest.raises(NotAllowed):
            ops.add_question(draft, text="Vraag", actor=actor)
    with pytest.raises(NotAllowed):
        ops.answer(other.questions[0], body="x", actor=breda)
    with pytest.raises(InvalidTransition):
        ops.move(draft, "closed", actor=officer)
    with pytest.raises(NotAllowed):
        ops.record_outcome(draft, outcome="x", tender_id=None, actor=officer)


def test_answers_refused_after_the_closing_date(app):
    officer = f.user("procurement")
    with time_machine.travel(JULY_2024, tick=False):
        consultation = _consultation(officer, closes_on=date(2024, 7, 31))
        ops.add_question(consultation, text="Vraag", actor=officer)
        ops.move(consultation, "open", actor=officer)
    provider = f.user("provider", provider_code="kompas")
    august = datetime(2024, 8, 1, 9, 0, tzinfo=AMSTERDAM)
    with (
        time_machine.travel(august, tick=False),
        pytest.raises(NotAllowed, match="gesloten"),
    ):
        ops.answer(consultation.questions[0], body="Te laat", actor=provider)


# -- missing care (seed 001) ----------------------------------------------------------------


def test_municipality_reports_missing_care_for_an_open_half_year(client, july):
    helmond = f.user("municipality", "e10", municipality_name="Helmond", email="h@e10.org")
    f.login(client, helmond)
    page = client.get("/ontbrekend-aanbod/").get_data(as_text=True)
    assert "Hoogbegaafdheid" in page and "Orthopsychiatrie" in page
    too_old = f.post(
        client,
        "/ontbrekend-aanbod/",
        {"e-period": "2023-H2", "e-theme": "genderzorg", "e-description": "x"},
    )
    assert too_old.status_code == 422
    empty = f.post(client, "/ontbrekend-aanbod/", {"e-period": "2024-H1", "e-theme": "genderzorg"})
    assert empty.status_code == 422
    done = f.post(
        client,
        "/ontbrekend-aanbod/",
        {
            "e-period": "2024-H1",
            "e-theme": "hoogbegaafdheid",
            "e-description": "Geen aanbod voor hoogbegaafde jeugdigen die thuiszitten",
            "e-youngsters": "4",
        },
    )
    assert done.status_code == 302
    entry = db.session.execute(select(MissingCareEntry)).scalar_one()
    assert (entry.year, entry.half, entry.municipality.name) == (2024, 1, "Helmond")
    assert entry.region_id == f.region("e10").id
    with pytest.raises(NotAllowed):
        care_ops.record_entry(
            actor=f.user("procurement", "e10", email="i@e10.org"),
            year=2024,
            half=1,
            theme="genderzorg",
            description="x",
        )
    # Another municipality does not see Helmond's report; the region's staff do.
    f.post(client, "/uitloggen")
    f.login(client, f.user("municipality", "e10", municipality_name="Deurne", email="d@e10.org"))
    assert "thuiszitten" not in client.get("/ontbrekend-aanbod/").get_data(as_text=True)
    f.post(client, "/uitloggen")
    f.login(client, f.user("provider", provider_code="kompas"))
    assert client.get("/ontbrekend-aanbod/").status_code == 403
    assert client.get("/ontbrekend-aanbod/overzicht-2024-h1.csv").status_code == 403
    f.post(client, "/uitloggen")
    f.login(client, f.user("contract_manager", "wbo"))
    assert "thuiszitten" not in client.get("/ontbrekend-aanbod/").get_data(as_text=True)
    f.post(client, "/uitloggen")
    f.login(client, f.user("contract_manager", "e10", email="cm@e10.org"))
    overview = client.get("/ontbrekend-aanbod/?periode=2024-H1").get_data(as_text=True)
    assert "Hoogbegaafdheid" in overview and "Helmond" in overview


def test_journey_missing_care_to_consultation_to_the_tender_that_follows(client, july):
    """Two access teams report gezinshuizen missing; procurement takes the theme into a
    market consultation, providers answer, and the outcome links the tender that follows;
    the tender page shows where it came from."""
    e10 = f.region("e10")
    reporters = {
        name: f.user("municipality", "e10", municipality_name=name, email=f"{name}@e10.org")
        for name in ("Helmond", "Veldhoven")
    }
    for name, user in reporters.items():
        f.login(client, user)
        assert (
            f.post(
                client,
                "/ontbrekend-aanbod/",
                {
                    "e-period": "2024-H1",
                    "e-theme": "gezinshuizen",
                    "e-description": f"Geen plek in een gezinshuis voor jeugdigen uit {name}",
                    "e-youngsters": "3",
                },
            ).status_code
            == 302
        )
        f.post(client, "/uitloggen")
    officer = f.user("procurement", "e10", email="inkoper@e10.org")
    f.login(client, officer)
    overview = client.get("/ontbrekend-aanbod/?periode=2024-H1").get_data(as_text=True)
    assert "Helmond, Veldhoven" in overview or "Veldhoven, Helmond" in overview
    export = client.get("/ontbrekend-aanbod/overzicht-2024-h1.csv").get_data(as_text=True)
    assert export.count("Gezinshuizen") == 2 and "jeugdigen uit Veldhoven" in export
    assert (
        f.post(
            client,
            "/marktconsultaties/nieuw",
            {
                "title": "Marktconsultatie gezinshuizen",
                "segment": "Gezinshuizen en moeder-kindhuizen",
                "planned_procedure": "sas_open",
                "closes_on": "2024-10-01",
            },
        ).status_code
        == 302
    )
    consultation = db.session.execute(select(MarketConsultation)).scalar_one()
    fed = f.post(
        client,
        "/ontbrekend-aanbod/marktconsultatie",
        {"f-period": "2024-H1", "f-theme": "gezinshuizen", "f-consultation_id": consultation.id},
    )
    assert fed.status_code == 302
    entries = db.session.execute(select(MissingCareEntry)).scalars().all()
    assert {e.consultation_id for e in entries} == {consultation.id}
    again = f.post(
        client,
        "/ontbrekend-aanbod/marktconsultatie",
        {"f-period": "2024-H1", "f-theme": "gezinshuizen", "f-consultation_id": consultation.id},
    )
    assert again.status_code == 422  # nothing open left to take up
    page = f"/marktconsultaties/{consultation.id}"
    body = client.get(page).get_data(as_text=True)
    assert "Geen plek in een gezinshuis voor jeugdigen uit Veldhoven" in body
    f.post(client, f"{page}/vragen", {"q-text": "Kunt u gezinshuisplekken bieden in de regio?"})
    f.post(client, f"{page}/status/open")
    f.post(client, "/uitloggen")
    provider = f.user("provider", provider_code="kompas")
    f.login(client, provider)
    question = db.session.get(MarketConsultation, consultation.id).questions[0]
    assert (
        f.post(
            client,
            f"{page}/antwoorden",
            {"a-question_id": str(question.id), "a-body": "Ja, vier plekken vanaf 2025."},
        ).status_code
        == 302
    )
    f.post(client, "/uitloggen")
    f.login(client, officer)
    f.post(client, f"{page}/status/closed")
    tender = tender_ops.create_tender(
        region=e10,
        actor=officer,
        title="Gezinshuizen Een 10 voor de Jeugd",
        procedure="sas_open",
        variant="effort",
        contract_start=date(2025, 7, 1),
    )
    bad = f.post(client, f"{page}/uitkomst", {"out-outcome": "", "out-tender_id": tender.id})
    assert bad.status_code == 422
    done = f.post(
        client,
        f"{page}/uitkomst",
        {
            "out-outcome": "Drie aanbieders kunnen gezinshuisplekken bieden; aanbesteden.",
            "out-tender_id": str(tender.id),
        },
    )
    assert done.status_code == 302
    assert db.session.get(MarketConsultation, consultation.id).tender_id == tender.id
    api = client.get(
        f"/api/v1/consultations/{consultation.reference}", headers=f.bearer(f.api_token(officer))
    ).get_json()
    assert api["tender"] == tender.reference and api["outcome"].startswith("Drie aanbieders")
    tender_page = client.get(f"/aanbestedingen/{tender.id}").get_data(as_text=True)
    assert consultation.reference in tender_page and "Drie aanbieders" in tender_page
    # The municipality that reported sees its report taken up.
    f.post(client, "/uitloggen")
    f.login(client, reporters["Helmond"])
    assert consultation.reference in client.get("/ontbrekend-aanbod/").get_data(as_text=True)
    with pytest.raises(NotAllowed):
        care_ops.withdraw_entry(entries[0], actor=reporters[entries[0].municipality.name])


def test_feeding_a_consultation_is_for_procurement_of_the_region(app, july):
    helmond = f.user("municipality", "e10", municipality_name="Helmond", email="h@e10.org")
    entry = care_ops.record_entry(
        actor=helmond, year=2024, half=1, theme="genderzorg", description="Geen genderzorg"
    )
    wbo_officer = f.user("procurement")
    wbo_consultation = _consultation(wbo_officer)
    e10_officer = f.user("procurement", "e10", email="i@e10.org")
    with pytest.raises(NotAllowed):
        care_ops.feed_consultation(
            region_id=entry.region_id,
            year=2024,
            half=1,
            theme="genderzorg",
            consultation=wbo_consultation,
            actor=e10_officer,
        )
    with pytest.raises(NotAllowed):
        care_ops.feed_consultation(
            region_id=entry.region_id,
            year=2024,
            half=1,
            theme="genderzorg",
            consultation=wbo_consultation,
            actor=f.user("contract_manager", "e10", email="cm@e10.org"),
        )
    with pytest.raises(ValidationFailed):
        care_ops.record_entry(actor=helmond, year=2024, half=3, theme="genderzorg", description="x")


def test_the_region_overview_shows_before_any_report(client):
    """Procurement opens the page before the first report: the overview, empty, not a
    page holding only its introduction."""
    f.region("wbo")
    f.login(client, f.user("procurement"))
    page = client.get("/ontbrekend-aanbod/").get_data(as_text=True)
    assert "Overzicht van de regio" in page and "Nog geen meldingen." in page
