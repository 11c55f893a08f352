"""A tender entirely over the API with tokens: procurement creates and runs an open SAS
procedure, a provider registers and bids with PDFs, bids stay sealed until the deadline,
the award produces the concept contract the contracts domain receives."""

from datetime import timedelta
from io import BytesIO

import time_machine
from sqlalchemy import func, select

from procure.contracts.models import Contract
from procure.extensions import db
from procure.ocds.validation import package_errors, record_package_errors
from procure.organisations.models import Provider
from procure.tenders.models import Bid, Registration, Tender
from tests import factories as f
from tests.tenders.builders import BID, PDF, REGISTRATION, T0, officer, provider_user

TENDER = {
    "reference": "WBO-JGGZ-2027",
    "title": "Specialistische jeugd-GGZ regio West-Brabant Oost",
    "procedure": "sas_open",
    "variant": "task",
    "contract_start": "2027-01-01",
    "duration_months": 36,
    "extension_count": 1,
    "extension_months": 12,
    "score_scale_max": 10,
    "standstill_days": 20,
    "registration_deadline": REGISTRATION.isoformat(),
    "bid_deadline": BID.isoformat(),
    "lots": [{"number": 1, "name": "Jeugd-GGZ Breda en Oosterhout", "areas": "Breda, Oosterhout"}],
    "criteria": [{"name": "Plan van aanpak", "weight": "100"}],
}


def _post(client, token, path, key, **kw):
    headers = {**f.bearer(token), "Idempotency-Key": key}
    return client.post(f"/api/v1{path}", headers=headers, **kw)


def _ok(response, status=200):
    assert response.status_code == status, response.get_json()
    return response.get_json()


def test_open_sas_tender_from_creation_to_contract_over_the_api(app, client):
    staff = f.api_token(officer())
    kompas = f.api_token(provider_user("kompas"))
    base = "/tenders/WBO-JGGZ-2027"

    with time_machine.travel(T0, tick=False):
        body = _ok(_post(client, staff, "/tenders", "t-1", json=TENDER), 201)
        assert body["status"] == "concept" and [lot["number"] for lot in body["lots"]] == [1]
        # a retry with the same key creates nothing new
        again = _post(client, staff, "/tenders", "t-1", json=TENDER)
        assert again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"
        assert db.session.execute(select(func.count(Tender.id))).scalar_one() == 1
        _ok(_post(client, staff, f"{base}/transitions", "t-2", json={"to": "published"}))
        # providers cannot move the tender
        refused = _post(client, kompas, f"{base}/transitions", "k-0", json={"to": "selection"})
        assert refused.status_code == 403
        registration = _post(
            client,
            kompas,
            f"{base}/registrations",
            "k-1",
            data={
                "lots": "1",
                "no_exclusion_grounds": "true",
                "suitability_answer": "Twintig jaar jeugd-GGZ in Breda.",
                "document": (BytesIO(PDF), "aanmelding.pdf"),
            },
            content_type="multipart/form-data",
        )
        reg = _ok(registration, 201)
        assert reg["provider"] == "kompas" and reg["lots"] == [1]

    with time_machine.travel(REGISTRATION + timedelta(hours=1), tick=False):
        _ok(_post(client, staff, f"{base}/transitions", "t-3", json={"to": "selection"}))
        _ok(
            _post(
                client,
                staff,
                f"{base}/registrations/{reg['id']}/assessment",
                "t-4",
                json={"status": "selected"},
            )
        )
        motivation = {"motivation": "Voldoet aan alle geschiktheidseisen."}
        _ok(_post(client, staff, f"{base}/selection", "t-5", json=motivation), 201)
        go = {"go": True, "motivation": "Voldoende marktpartijen."}
        _ok(_post(client, staff, f"{base}/go-decisions", "t-6", json=go), 201)
        _ok(_post(client, staff, f"{base}/transitions", "t-7", json={"to": "award"}))
        bid = _ok(
            _post(
                client,
                kompas,
                f"{base}/bids",
                "k-2",
                data={"lot": "1", "plan": (BytesIO(PDF), "plan.pdf")},
                content_type="multipart/form-data",
            ),
            201,
        )
        # sealed: the region cannot read bids before the deadline
        sealed = client.get(f"/api/v1{base}/bids", headers=f.bearer(staff))
        assert sealed.status_code == 403
        own = client.get(f"/api/v1{base}/bids", headers=f.bearer(kompas))
        assert [b["id"] for b in own.get_json()["items"]] == [bid["id"]]
        # open contracting data before the deadline: the tender, nothing of the bids
        package = _ocds(client)
        (release,) = package["releases"]
        assert release["tag"] == ["tender"] and "numberOfTenderers" not in release["tender"]
        assert release["tender"]["lots"][0]["title"] == "Jeugd-GGZ Breda en Oosterhout"
        assert "plan.pdf" not in str(package) and "kompas" not in str(package).lower()
        compiled = _compiled(client)
        assert "numberOfTenderers" not in compiled["tender"] and "awards" not in compiled
        assert "kompas" not in str(compiled).lower()

    with time_machine.travel(BID + timedelta(hours=1), tick=False):
        opened = _ok(client.get(f"/api/v1{base}/bids", headers=f.bearer(staff)))
        assert opened["items"][0]["plan"] == "plan.pdf"
        criterion = _ok(client.get(f"/api/v1{base}", headers=f.bearer(staff)))["criteria"][0]
        scores = {"scores": [{"criterion_id": criterion["id"], "score": "8"}]}
        _ok(_post(client, staff, f"{base}/bids/{bid['id']}/scores", "t-8", json=scores))
        award = {
            "winners": [{"lot": 1, "providers": ["kompas"]}],
            "motivation": "Hoogste score op het plan van aanpak.",
        }
        provisional = _ok(_post(client, staff, f"{base}/award/provisional", "t-9", json=award), 201)
        assert provisional["items"][0]["status"] == "provisional"
        tender_release, award_release = _ocds(client)["releases"]
        assert tender_release["tender"]["numberOfTenderers"] == 1
        assert award_release["awards"][0]["status"] == "pending"
        compiled = _compiled(client)
        assert compiled["tender"]["numberOfTenderers"] == 1
        assert compiled["tender"]["title"] == TENDER["title"]  # kept from the tender release
        assert [a["status"] for a in compiled["awards"]] == ["pending"]
        kvk = db.session.execute(
            select(Provider.kvk_number).filter_by(short_code="kompas")
        ).scalar()
        supplier = next(p for p in award_release["parties"] if "supplier" in p["roles"])
        assert supplier["identifier"] == {
            "scheme": "NL-KVK",
            "id": kvk,
            "legalName": supplier["name"],
        }

    with time_machine.travel(BID + timedelta(days=30), tick=False):
        final = _post(client, staff, f"{base}/award/definitive", "t-10", json={})
        assert _ok(final, 201)["items"][0]["status"] != "provisional"
        contract = db.session.execute(select(Contract)).scalar_one()
        assert contract.status == "concept" and contract.provider.short_code == "kompas"
        assert db.session.execute(select(Bid.version)).scalar_one() == 1
        releases = _ocds(client)["releases"]
        assert [r["tag"] for r in releases] == [["tender"], ["award"], ["contract"]]
        assert releases[2]["contracts"][0]["id"] == contract.reference
        compiled = _compiled(client)
        assert [a["status"] for a in compiled["awards"]] == ["active"]
        assert [c["id"] for c in compiled["contracts"]] == [contract.reference]
        assert compiled["tag"] == ["compiled"] and compiled["date"] == releases[2]["date"]
        roles = {p["name"]: p["roles"] for p in compiled["parties"]}
        assert sorted(roles.values()) == [["buyer", "procuringEntity"], ["supplier"]]
        one = client.get(f"/api/v1/ocds/records/{compiled['ocid']}")
        assert one.status_code == 200 and record_package_errors(one.get_json()) == []
        assert one.get_json()["records"][0]["compiledRelease"] == compiled
        assert client.get("/api/v1/ocds/records/ocds-procure-ONBEKEND").status_code == 404


def _ocds(client):
    """The public OCDS endpoint (no token), validated against the release-package schema."""
    response = client.get("/api/v1/ocds/releases?region=wbo")
    assert response.status_code == 200, response.get_json()
    package = response.get_json()
    meta = package.pop("meta")
    assert meta["total"] == 1
    assert package_errors(package) == []
    return package


def _compiled(client):
    """The public record of the one process, validated against the record-package schema:
    its embedded releases and its compiled release."""
    response = client.get("/api/v1/ocds/records?region=wbo")
    assert response.status_code == 200, response.get_json()
    package = response.get_json()
    assert package.pop("meta")["total"] == 1
    assert record_package_errors(package) == []
    (record,) = package["records"]
    assert record["releases"] == _ocds(client)["releases"]
    return record["compiledRelease"]


def test_tender_writes_are_refused_for_other_roles_and_regions(app, client):
    officer()
    others = [
        f.api_token(f.user(role, email=f"{role}@example.org"))
        for role in ("contract_manager", "supervisor", "municipality")
    ]
    with time_machine.travel(T0, tick=False):
        for i, token in enumerate(others):
            response = _post(client, token, "/tenders", f"x-{i}", json=TENDER)
            assert response.status_code == 403, response.get_json()
        assert db.session.execute(select(func.count(Tender.id))).scalar_one() == 0
        staff = f.api_token(officer())
        _ok(_post(client, staff, "/tenders", "t-1", json=TENDER), 201)
        # another region's procurement officer does not reach this tender at all
        others.append(f.api_token(f.user("procurement", "e10", email="inkoper.e10@example.org")))
        for i, token in enumerate(others):
            response = _post(
                client,
                token,
                "/tenders/WBO-JGGZ-2027/transitions",
                f"y-{i}",
                json={"to": "published"},
            )
            assert response.status_code in (403, 404), response.get_json()
        assert db.session.execute(select(Tender.status)).scalar_one() == "concept"
        # a provider cannot register on a concept tender (not visible: 404)
        kompas = f.api_token(provider_user("kompas"))
        response = _post(
            client,
            kompas,
            "/tenders/WBO-JGGZ-2027/registrations",
            "k-1",
            data={
                "lots": "1",
                "no_exclusion_grounds": "true",
                "suitability_answer": "x",
                "document": (BytesIO(PDF), "a.pdf"),
            },
            content_type="multipart/form-data",
        )
        assert response.status_code == 404
        assert db.session.execute(select(func.count(Registration.id))).scalar_one() == 0


def test_same_idempotency_key_for_another_request_is_a_conflict(app, client):
    staff = f.api_token(officer())
    with time_machine.travel(T0, tick=False):
        _ok(_post(client, staff, "/tenders", "same", json=TENDER), 201)
        other = {**TENDER, "reference": "WBO-JGGZ-2028"}
        response = _post(client, staff, "/tenders", "same", json=other)
        assert response.status_code == 409
        assert "Idempotency-Key" in response.get_json()["error"]["message"]
        assert db.session.execute(select(func.count(Tender.id))).scalar_one() == 1
