"""Every tender page renders in every phase for the people who use it (no inline styles),
and the API describes the tender with its lots, phases and deadlines."""

import pytest
import time_machine

from procure.core.timeutil import to_local
from procure.extensions import db
from procure.tenders import operations as ops
from procure.tenders.models import Tender
from procure.tenders.policy import STATUS_LABELS
from tests import factories as f
from tests.tenders.builders import T0, officer, provider_user, slt_tender
from tests.tenders.test_transitions import build

STATES = [
    "concept",
    "published",
    "selection",
    "dialogue",
    "award",
    "standstill",
    "awarded",
    "cancelled",
]


@pytest.mark.parametrize("state", STATES)
def test_pages_render_in_every_phase(app, state):
    tender, moment = build(state)
    with time_machine.travel(moment, tick=False):
        staff = app.test_client()
        f.login(staff, officer())
        base = f"/aanbestedingen/{tender.id}"
        for path in (
            base,
            f"{base}/selectie",
            f"{base}/dialoog",
            f"{base}/gunning",
            f"{base}/bewerken",
            "/aanbestedingen/",
        ):
            response = staff.get(path)
            assert response.status_code == 200, (path, response.status_code)
            html = response.get_data(as_text=True)
            assert " style=" not in html, path
            assert tender.reference in html
        detail = staff.get(base).get_data(as_text=True)
        assert ("<svg" in detail and "tl-current" in detail) or state == "contracted"
        assert str(STATUS_LABELS[state]) in detail
        provider = app.test_client()
        f.login(provider, provider_user("kompas"))
        portal = provider.get(f"{base}/portaal")
        assert portal.status_code == (404 if state == "concept" else 200)
        if state != "concept":
            assert " style=" not in portal.get_data(as_text=True)


def test_api_tender_detail(app, client):
    tender, moment = build("standstill")
    with time_machine.travel(moment, tick=False):
        token = f.api_token(officer())
        data = client.get(f"/api/v1/tenders/{tender.reference}", headers=f.bearer(token)).get_json()
    assert data["procedure"] == "sas_dialogue" and data["status"] == "standstill"
    assert [lot["number"] for lot in data["lots"]] == [1, 2, 3]
    assert data["lot_rules"] == [{"kind": "different_parties", "lots": [2, 3]}]
    assert data["deadlines"]["standstill_end"].startswith("2026-07-21T22:00:00")
    assert data["duration_months"] == 60 and data["extension_count"] == 2
    assert [p["status"] for p in data["phases"]][:5] == [
        "concept",
        "published",
        "selection",
        "dialogue",
        "award",
    ]
    missing = client.get("/api/v1/tenders/BESTAAT-NIET", headers=f.bearer(token))
    assert missing.status_code == 404 and missing.get_json()["error"]["code"] == "not_found"


def test_openapi_document_lists_tender_paths(app, client):
    doc = client.get("/api/v1/openapi.json").get_json()
    for path in (
        "/tenders",
        "/tenders/{reference}",
        "/tenders/{reference}/registrations",
        "/tenders/{reference}/bids",
    ):
        assert path in doc["paths"]
    from openapi_spec_validator import validate

    validate(doc)


def test_officer_moves_a_deadline_after_publication_but_not_the_lots(app, client):
    tender, moment = build("published")
    with time_machine.travel(moment, tick=False):
        f.login(client, officer())
        page = client.get(f"/aanbestedingen/{tender.id}/bewerken").get_data(as_text=True)
        assert 'value="2026-07-01T12:00"' in page  # shown in Amsterdam time
        form = {
            "title": tender.title,
            "task_area_id": "0",
            "variant": "task",
            "estimated_value": "42000000.00",
            "contract_start": "2027-01-01",
            "duration_months": "60",
            "extension_count": "2",
            "extension_months": "12",
            "max_partners": "3",
            "one_partner_per_lot": "y",
            "score_scale_max": "10",
            "registration_deadline": "2026-03-02T12:00",
            "dialogue_end": "2026-06-01T17:00",
            "bid_deadline": "2026-07-08T12:00",
            "standstill_days": "20",
            "description": "",
        }
        response = f.post(client, f"/aanbestedingen/{tender.id}/bewerken", form)
        assert "Geef de reden" in response.get_data(as_text=True)  # a move needs a reason
        form["change_reason"] = "Meer tijd na de nota van inlichtingen."
        response = f.post(client, f"/aanbestedingen/{tender.id}/bewerken", form)
        assert response.status_code == 302
        db.session.expire_all()
        assert to_local(db.session.get(Tender, tender.id).bid_deadline).day == 8
        response = f.post(
            client, f"/aanbestedingen/{tender.id}/bewerken", {**form, "duration_months": "48"}
        )
        assert response.status_code == 409  # the form again, refused, the input kept
        assert "alleen deadlines" in response.get_data(as_text=True)
        assert db.session.get(Tender, tender.id).duration_months == 60


def test_dashboard_cards(app, client):
    _tender, moment = build("dialogue")
    with time_machine.travel(moment, tick=False):
        f.login(client, officer())
        html = client.get("/").get_data(as_text=True)
        assert "Lopende SAS-aanbestedingen" in html
        other = app.test_client()
        f.login(other, f.user("procurement", "e10"))
        assert "Lopende SAS-aanbestedingen" in other.get("/").get_data(as_text=True)
    from procure.tenders.views import tender_cards

    with app.test_request_context():  # the cards link to pages with url_for
        assert tender_cards(officer())[0]["value"] == 1
        assert tender_cards(f.user("procurement", "svj"))[0]["value"] == 0
        assert tender_cards(f.user("municipality", municipality_name="Breda")) == []


def test_publishing_with_weights_of_60_percent_says_60_once(app):
    """The refusal reads "60 %" (Babel), not "6E+1 %", and once, not twice."""
    actor = officer()
    with time_machine.travel(T0, tick=False):
        tender = slt_tender(actor)
        for criterion in list(tender.criteria)[1:]:
            ops.remove_criterion(criterion, actor=actor)
        ops.add_criterion(tender, actor=actor, name="Lokale verankering", weight=20)
        staff = app.test_client()
        f.login(staff, actor)
        page = f.post(staff, f"/aanbestedingen/{tender.id}/publiceren", follow_redirects=True)
    html = page.get_data(as_text=True)
    assert "E+" not in html
    assert html.count("tellen op tot 60 %") == 1
    assert db.session.get(Tender, tender.id).status == "concept"


def test_tender_tiles_count_what_their_filtered_lists_show(app):
    """A published SLT tender runs and is open for registration; a concept does neither."""
    from tests.test_dashboard_tiles import _list_total, _tiles

    tender, moment = build("published")
    with time_machine.travel(T0, tick=False):
        slt_tender(officer(), reference="WBO-SLT-2028")
    with time_machine.travel(moment, tick=False):
        for user, title in (
            (officer(), "Lopende SAS-aanbestedingen"),
            (f.user("provider", provider_code="brug"), "Aanbestedingen open voor aanmelding"),
        ):
            client = app.test_client()
            f.login(client, user)
            tiles = {t: (v, href) for t, v, href in _tiles(client.get("/").get_data(True))}
            value, href = tiles[title]
            html = client.get(href).get_data(as_text=True)
            assert value == 1 and _list_total(html) == 1 and tender.reference in html
        bogus = client.get("/aanbestedingen/?status=lopen").get_data(as_text=True)
        assert "heeft een onbekende waarde en is niet toegepast" in bogus
