"""Scoping and roles on the pages and the API."""

import io
from datetime import UTC, date, datetime

import time_machine
from sqlalchemy import select

from procure.contracts.models import Contract
from procure.extensions import db
from procure.tenders.open_house import operations as ops
from procure.tenders.open_house.models import Admission, Application
from tests import factories as f
from tests.tenders.open_house.conftest import PDF, apply

NOW = datetime(2026, 11, 1, 9, tzinfo=UTC)


def _admit(oh, application, officer):
    ops.score(
        application, {a.requirement_id: ("meets", "") for a in application.answers}, actor=officer
    )
    ops.decide(
        application,
        decisions={c.category_id: "admitted" for c in application.categories},
        actor=officer,
        now=NOW,
    )


def test_provider_sees_only_its_own_applications(client, oh):
    mine = apply(oh, f.provider("kompas"), now=NOW)
    theirs = apply(oh, f.provider("linde", "De Linde Jeugd en Gezin"), now=NOW)
    f.login(client, f.user("provider", provider_code="kompas"))
    listing = client.get(f"/open-house/{oh.tender.id}/aanvragen-overzicht")
    assert listing.status_code == 200
    html = listing.get_data(as_text=True)
    assert mine.reference in html and theirs.reference not in html
    assert client.get(f"/open-house/aanvragen/{mine.id}").status_code == 200
    assert client.get(f"/open-house/aanvragen/{theirs.id}").status_code == 404
    answer = theirs.answers[1]
    assert client.get(f"/open-house/aanvragen/{theirs.id}/bestanden/{answer.id}").status_code == 404
    own_answer = next(a for a in mine.answers if a.file_id)
    download = client.get(f"/open-house/aanvragen/{mine.id}/bestanden/{own_answer.id}")
    assert download.status_code == 200 and download.data.startswith(b"%PDF")
    # Cannot withdraw someone else's application, nor decide on its own.
    assert f.post(client, f"/open-house/aanvragen/{theirs.id}/intrekken").status_code == 404
    assert (
        f.post(
            client,
            f"/open-house/aanvragen/{mine.id}/besluit",
            {f"decision_{oh.gezinshuis.id}": "admitted"},
        ).status_code
        == 403
    )
    db.session.expire_all()
    assert db.session.get(Application, theirs.id).status == "submitted"


def test_provider_api_lists_only_its_own_applications(client, oh):
    apply(oh, f.provider("kompas"), now=NOW)
    apply(oh, f.provider("linde"), now=NOW)
    token = f.api_token(f.user("provider", provider_code="kompas"))
    response = client.get(
        f"/api/v1/open-houses/{oh.tender.reference}/applications", headers=f.bearer(token)
    )
    assert response.status_code == 200
    items = response.get_json()["items"]
    assert [i["provider"] for i in items] == ["kompas"]
    assert items[0]["entry_date"] == "2027-01-01"
    assert items[0]["categories"] == [
        {
            "code": "GH",
            "name": "Gezinshuiszorg",
            "decision": "pending",
            "additional": False,
            "products": ["44A06"],
        }
    ]


def test_municipality_reads_admitted_providers_but_changes_nothing(client, oh):
    officer = f.user("procurement")
    application = apply(oh, f.provider("kompas", "Stichting Kompas Jeugdhulp"), now=NOW)
    _admit(oh, application, officer)
    pending = apply(oh, f.provider("linde"), now=NOW)
    admission = db.session.execute(select(Admission)).scalar_one()
    municipality = f.user("municipality", municipality_name="Oosterhout")
    f.login(client, municipality)
    page = client.get(f"/open-house/{oh.tender.id}/toegelaten")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Stichting Kompas Jeugdhulp" in html and "Breda" in html
    assert "Geen toegelaten aanbieder in:" in html  # Oosterhout has no provider yet
    assert client.get(f"/open-house/{oh.tender.id}").status_code == 200
    # No applications, no assessment, no ending of admissions, no set-up.
    assert client.get(f"/open-house/{oh.tender.id}/aanvragen-overzicht").status_code == 403
    assert client.get(f"/open-house/aanvragen/{pending.id}").status_code == 403
    assert (
        f.post(
            client,
            f"/open-house/aanvragen/{pending.id}/besluit",
            {f"decision_{oh.gezinshuis.id}": "admitted"},
        ).status_code
        == 403
    )
    assert (
        f.post(
            client,
            f"/open-house/toelatingen/{admission.id}/beeindigen",
            {"reason": "x", "end_date": "2027-06-30"},
        ).status_code
        == 403
    )
    assert f.post(client, f"/open-house/{oh.tender.id}/eisen", {"text": "x"}).status_code == 403
    assert f.post(client, f"/open-house/{oh.tender.id}/sluiten").status_code == 403
    db.session.expire_all()
    assert db.session.get(Admission, admission.id).status == "active"
    assert db.session.get(Application, pending.id).status == "submitted"
    # API: admissions readable, applications refused.
    token = f.api_token(municipality)
    admissions = client.get(
        f"/api/v1/open-houses/{oh.tender.reference}/admissions", headers=f.bearer(token)
    )
    assert admissions.status_code == 200
    gh = admissions.get_json()["items"][0]
    assert gh["category"] == "GH" and gh["providers"][0]["municipalities"] == ["Breda"]
    assert (
        client.get(
            f"/api/v1/open-houses/{oh.tender.reference}/applications", headers=f.bearer(token)
        ).status_code
        == 403
    )


def test_other_region_sees_nothing(client, oh):
    f.region("e10")
    staff = f.user("procurement", "e10")
    f.login(client, staff)
    assert client.get(f"/open-house/{oh.tender.id}").status_code == 404
    assert client.get(f"/open-house/{oh.tender.id}/toegelaten").status_code == 404
    token = f.api_token(staff)
    assert (
        client.get(
            f"/api/v1/open-houses/{oh.tender.reference}", headers=f.bearer(token)
        ).status_code
        == 404
    )


def test_concept_open_house_is_hidden_from_providers(client, app):
    from tests.tenders.open_house.conftest import build_open_house

    oh = build_open_house(publish=False)
    f.login(client, f.user("provider", provider_code="kompas"))
    assert client.get(f"/open-house/{oh.tender.id}").status_code == 404
    assert oh.tender.reference not in client.get("/open-house/").get_data(as_text=True)


def test_api_open_house_and_categories(client, oh):
    token = f.api_token(f.user("provider", provider_code="kompas"))
    detail = client.get(f"/api/v1/open-houses/{oh.tender.reference}", headers=f.bearer(token))
    assert detail.status_code == 200
    body = detail.get_json()
    assert body["procedure"] == "open_house" and body["entry_regime"] == "moments"
    assert body["entry_months"] == [1, 4, 7, 10] and len(body["entry_moments"]) == 20
    assert body["entry_moments"][0]["application_deadline"].startswith("2026-11-06T11:00")
    assert [c["code"] for c in body["categories"]] == ["GH", "KW"]
    cats = client.get(
        f"/api/v1/open-houses/{oh.tender.reference}/categories", headers=f.bearer(token)
    ).get_json()["items"]
    assert cats[0]["products"][0] == {
        "code": "44A06",
        "version": 1,
        "name": "Gezinshuis",
        "unit": "etmaal",
        "tariffs": [{"year": 2027, "price": "187.45"}],
    }
    listing = client.get("/api/v1/open-houses", headers=f.bearer(token)).get_json()
    assert [i["reference"] for i in listing["items"]] == ["WBO-OH-2027"]
    assert client.get("/api/v1/open-houses/NOPE", headers=f.bearer(token)).status_code == 404


@time_machine.travel(datetime(2026, 10, 1, 9, tzinfo=UTC), tick=True)
def test_provider_applies_and_assessor_admits_through_the_pages(client, oh):
    provider_user = f.user("provider", provider_code="kompas")
    f.login(client, provider_user)
    breda, altena = f.municipality("Breda").id, f.municipality("Altena").id
    response = f.post(
        client,
        f"/open-house/{oh.tender.id}/aanvragen",
        {
            "category_ids": [str(oh.gezinshuis.id)],
            "municipality_ids": [str(breda), str(altena)],
            "moment_id": "0",
            f"answer_{oh.req1.id}": "KvK 41098765",
            f"file_{oh.req2.id}": (io.BytesIO(PDF), "hkz.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    application = db.session.execute(select(Application)).scalar_one()
    assert {m.name for m in application.municipalities} == {"Breda", "Altena"}
    client.post("/uitloggen", data={"csrf_token": f.csrf_token(client, "/")})
    officer = f.user("procurement")
    f.login(client, officer)
    scores = {f"score_{a.requirement_id}": "meets" for a in application.answers}
    assert (
        f.post(client, f"/open-house/aanvragen/{application.id}/beoordeling", scores).status_code
        == 302
    )
    response = f.post(
        client,
        f"/open-house/aanvragen/{application.id}/besluit",
        {f"decision_{oh.gezinshuis.id}": "admitted", "reason": ""},
    )
    assert response.status_code == 302
    page = client.get(f"/open-house/aanvragen/{application.id}").get_data(as_text=True)
    assert "Besluit vastgelegd" in page
    assert f"door {officer.name}" in page  # who decided, and when, is on record
    db.session.expire_all()
    assert db.session.get(Application, application.id).status == "admitted"
    contract = db.session.execute(select(Contract)).scalar_one()
    assert contract.start_date == date(2027, 1, 1) and contract.origin == "open_house"


def test_setup_through_the_pages(client, app):
    f.region("wbo")
    f.login(client, f.user("procurement"))
    response = f.post(
        client,
        "/open-house/nieuw",
        {
            "reference": "WBO-OH-TEST",
            "title": "Wonen met begeleiding",
            "task_area_id": "0",
            "variant": "effort",
            "contract_start": "2027-01-01",
            "duration_months": "60",
            "extension_count": "2",
            "extension_months": "12",
            "entry_regime": "moments",
            "entry_months": "1,7",
            "application_weeks": "8",
            "assessment_weeks": "2",
            "continuous_assessment_weeks": "6",
            "response_days": "14",
        },
    )
    assert response.status_code == 302
    from procure.tenders.models import Tender

    tender = db.session.execute(select(Tender)).scalar_one()
    assert tender.procedure == "open_house"
    assert [m.entry_date.month for m in ops.moments(tender)][:2] == [1, 7]
    # Bad months: a Dutch message, input kept.
    response = f.post(
        client,
        "/open-house/nieuw",
        {
            "reference": "WBO-OH-2",
            "title": "Test",
            "task_area_id": "0",
            "variant": "effort",
            "contract_start": "2027-01-01",
            "duration_months": "60",
            "extension_count": "0",
            "extension_months": "12",
            "entry_regime": "moments",
            "entry_months": "13",
            "application_weeks": "8",
            "assessment_weeks": "2",
            "continuous_assessment_weeks": "6",
            "response_days": "14",
        },
    )
    html = response.get_data(as_text=True)
    assert "1 t/m 12" in html and "WBO-OH-2" in html
    page = client.get(f"/open-house/{tender.id}")
    assert page.status_code == 200 and "Toetredingsmomenten" in page.get_data(as_text=True)


def test_dashboard_cards(client, oh):
    officer = f.user("procurement")
    apply(oh, f.provider("kompas"), now=NOW)
    f.login(client, officer)
    html = client.get("/").get_data(as_text=True)
    assert "Open house: aanvragen te beoordelen" in html
    application = db.session.execute(select(Application)).scalar_one()
    ops.request_more_info(application, note="Welke locaties?", actor=officer)
    client.post("/uitloggen", data={"csrf_token": f.csrf_token(client, "/")})
    f.login(client, f.user("provider", provider_code="kompas"))
    assert "Open house: aanvulling gevraagd" in client.get("/").get_data(as_text=True)


def test_open_house_appears_in_the_tender_list_api(client, oh):
    token = f.api_token(f.user("municipality", municipality_name="Breda"))
    response = client.get("/api/v1/tenders?procedure=open_house", headers=f.bearer(token))
    assert response.status_code == 200
    items = response.get_json()["items"]
    assert [(i["reference"], i["procedure"]) for i in items] == [("WBO-OH-2027", "open_house")]


def test_openapi_document_describes_the_open_house_endpoints(client, app):
    from openapi_spec_validator import validate

    document = client.get("/api/v1/openapi.json").get_json()
    validate(document)
    assert "/open-houses/{reference}/applications" in document["paths"]


def test_lists_run_a_bounded_number_of_queries(client, oh, count_queries):
    officer = f.user("procurement")
    f.login(client, officer)

    def measure():
        with count_queries() as statements:
            assert client.get(f"/open-house/{oh.tender.id}/aanvragen-overzicht").status_code == 200
            assert client.get(f"/open-house/{oh.tender.id}/toegelaten").status_code == 200
            assert client.get(f"/open-house/{oh.tender.id}").status_code == 200
        return len(statements)

    for code in ("p1", "p2"):
        application = apply(oh, f.provider(code), now=NOW)
        _admit(oh, application, officer)
    few = measure()
    for code in ("p3", "p4", "p5", "p6", "p7", "p8"):
        application = apply(
            oh,
            f.provider(code),
            categories=[oh.gezinshuis, oh.wonen],
            now=NOW,
            municipality_ids=[f.municipality("Breda").id, f.municipality("Altena").id],
        )
        _admit(oh, application, officer)
    assert measure() == few


@time_machine.travel(datetime(2027, 4, 2, 9, tzinfo=UTC), tick=False)
def test_changes_per_entry_moment_show_who_joined_and_who_left(client, oh):
    officer = f.user("procurement")
    stayer = apply(oh, f.provider("kompas", "Stichting Kompas Jeugdhulp"), now=NOW)
    _admit(oh, stayer, officer)
    leaver = apply(oh, f.provider("linde", "De Linde Jeugd en Gezin"), now=NOW)
    _admit(oh, leaver, officer)
    admission = db.session.execute(
        select(Admission).where(Admission.application_id == leaver.id)
    ).scalar_one()
    ops.end_admission(admission, user=officer, reason="Faillissement.", end_date=date(2027, 3, 31))
    f.login(client, f.user("municipality", municipality_name="Breda"))
    html = client.get(f"/open-house/{oh.tender.id}/toegelaten").get_data(as_text=True)
    section = html.split("Wijzigingen per toetredingsmoment")[1].split("</table>")[0]
    rows = section.split("<tr>")
    april = next(r for r in rows if "01-04-2027" in r)
    january = next(r for r in rows if "01-01-2027" in r)
    assert "De Linde Jeugd en Gezin (Gezinshuiszorg, 31-03-2027)" in april
    assert "Stichting Kompas Jeugdhulp (Gezinshuiszorg)" in january
    assert "De Linde Jeugd en Gezin (Gezinshuiszorg)" in january


def test_setup_can_be_changed_until_publication(client, app):
    from procure.audit.models import AuditEvent
    from tests.tenders.open_house.conftest import build_open_house

    oh = build_open_house(publish=False)
    f.login(client, f.user("procurement"))
    form = client.get(f"/open-house/{oh.tender.id}/bewerken").get_data(as_text=True)
    assert 'value="1,4,7,10"' in form and "WBO-OH-2027" in form
    data = {
        "reference": "ignored",
        "title": "Wonen met begeleiding 2027",
        "task_area_id": str(oh.area.id),
        "variant": "effort",
        "contract_start": "2027-01-01",
        "duration_months": "60",
        "extension_count": "2",
        "extension_months": "12",
        "entry_regime": "moments",
        "entry_months": "1,7",
        "application_weeks": "10",
        "assessment_weeks": "3",
        "continuous_assessment_weeks": "6",
        "response_days": "14",
        "admission_conditions": "Geen maximum aantal contractpartners.",
    }
    assert f.post(client, f"/open-house/{oh.tender.id}/bewerken", data).status_code == 302
    db.session.expire_all()
    moments = ops.moments(oh.tender)
    assert [m.entry_date for m in moments[:3]] == [
        date(2027, 1, 1),
        date(2027, 7, 1),
        date(2028, 1, 1),
    ]
    # 10 weeks before 1 January 2027 is 23 October 2026, 12:00 CEST.
    assert moments[0].application_deadline == datetime(2026, 10, 23, 10, tzinfo=UTC)
    assert oh.tender.reference == "WBO-OH-2027" and oh.tender.title.endswith("2027")
    event = db.session.execute(
        select(AuditEvent).where(AuditEvent.action == "open_house.updated")
    ).scalar_one()
    assert event.old_values["entry_months"] == "1,4,7,10"
    assert event.new_values["entry_months"] == "1,7"
    ops.publish(oh.tender, actor=None)
    response = f.post(client, f"/open-house/{oh.tender.id}/bewerken", data)
    assert "ligt vast" in response.get_data(as_text=True)


def test_region_ends_an_admission_through_the_page(client, oh):
    officer = f.user("procurement")
    application = apply(oh, f.provider("kompas"), now=NOW)
    _admit(oh, application, officer)
    admission = db.session.execute(select(Admission)).scalar_one()
    f.login(client, officer)
    path = f"/open-house/toelatingen/{admission.id}/beeindigen"
    refused = f.post(client, path, {"reason": "", "end_date": "2027-06-30"})
    assert refused.status_code == 422 and "Geef de reden" in refused.get_data(as_text=True)
    assert (
        f.post(
            client,
            path,
            {"reason": "Kwaliteitseisen niet meer nageleefd.", "end_date": "2027-06-30"},
        ).status_code
        == 302
    )
    page = client.get(f"/open-house/{oh.tender.id}/toegelaten?beeindigd=1").get_data(as_text=True)
    assert "geen actieve toelatingen meer onder dit contract" in page
    assert "Kwaliteitseisen niet meer nageleefd." in page
    db.session.expire_all()
    ended = db.session.get(Admission, admission.id)
    assert ended.status == "ended" and ended.end_date == date(2027, 6, 30)
    assert ended.ended_kind == "terminated" and ended.ended_by_id == officer.id
