from sqlalchemy import select

from procure.audit.models import AuditEvent
from procure.extensions import db
from procure.organisations.models import Municipality, Provider, Region
from tests import factories as f


def test_admin_edits_region_and_adds_municipality_with_audit(client):
    admin = f.user("admin")
    f.login(client, admin)
    response = f.post(
        client,
        "/organisaties/regio/beheer",
        {
            "region-name": "Regio WBO Jeugd",
            "region-kvk_number": "12345678",
            "region-address": "Claudius Prinsenlaan 10, Breda",
        },
    )
    assert response.status_code == 302
    assert db.session.get(Region, admin.region_id).kvk_number == "12345678"
    f.post(
        client, "/organisaties/regio/beheer", {"mun-name": "Baarle-Nassau", "mun-cbs_code": "0744"}
    )
    assert db.session.execute(select(Municipality).filter_by(cbs_code="0744")).scalar()
    actions = set(db.session.execute(select(AuditEvent.action)).scalars())
    assert {"region.updated", "municipality.created"} <= actions


def test_region_admin_refuses_bad_input_with_dutch_messages(client):
    admin = f.user("admin")
    f.login(client, admin)
    html = f.post(
        client,
        "/organisaties/regio/beheer",
        {"region-name": "Regio", "region-kvk_number": "12AB", "region-address": ""},
    ).get_data(as_text=True)
    assert "8 cijfers" in html
    html = f.post(
        client, "/organisaties/regio/beheer", {"mun-name": "Breda bis", "mun-cbs_code": "0758"}
    ).get_data(as_text=True)
    assert "CBS-code 0758" in html
    assert db.session.execute(select(Municipality).filter_by(name="Breda bis")).scalar() is None


def test_only_admin_manages_region_and_provider_users_cannot_add_providers(client):
    f.login(client, f.user("contract_manager"))
    assert client.get("/organisaties/regio/beheer").status_code == 403
    assert client.get("/organisaties/aanbieders/nieuw").status_code == 403


def test_procurement_adds_provider_and_duplicate_kvk_is_refused(client):
    f.login(client, f.user("procurement"))
    data = {
        "short_code": "nieuw",
        "name": "Nieuwe Zorg B.V.",
        "kvk_number": "87654321",
        "agb_code": "",
        "address": "",
    }
    assert f.post(client, "/organisaties/aanbieders/nieuw", data).status_code == 302
    html = f.post(
        client, "/organisaties/aanbieders/nieuw", data | {"short_code": "anders"}
    ).get_data(as_text=True)
    assert "al een aanbieder" in html
    html = f.post(
        client, "/organisaties/aanbieders/nieuw", data | {"short_code": "x1", "kvk_number": "123"}
    ).get_data(as_text=True)
    assert "8 cijfers" in html
    assert len(db.session.execute(select(Provider)).scalars().all()) == 1
