"""Transition period, addenda with the contract document's version history, and the
subcontractor register (issue 19, item 10): operations, pages with CSRF, API, scope."""

from datetime import date

import pytest
from sqlalchemy import select

from procure.audit.models import AuditEvent
from procure.contracts import operations as contract_ops
from procure.contracts.changes import operations as ops
from procure.contracts.changes.models import ContractAddendum, Subcontractor
from procure.contracts.models import Contract
from procure.core.errors import InvalidTransition, NotAllowed, ValidationFailed
from procure.documents.models import GeneratedDocument
from procure.extensions import db
from tests import factories as f
from tests.contracts.helpers import lumpsum_contract
from tests.documents.conftest import flat, pdf_text


def _actions(contract_id):
    return [
        e.action
        for e in db.session.execute(
            select(AuditEvent)
            .where(AuditEvent.object_type == "Contract", AuditEvent.object_id == str(contract_id))
            .order_by(AuditEvent.id)
        ).scalars()
    ]


# -- transition period (seed 003, 10.4) ---------------------------------------------------


def test_transition_period_set_on_the_contract_page_and_shown_in_page_and_api(client):
    contract = lumpsum_contract()  # SLT contract 2026-2030
    manager = f.user("contract_manager")
    f.login(client, manager)
    page = f"/contracten/{contract.id}"
    assert "Overgangstermijn vastleggen" in client.get(page).get_data(as_text=True)
    # A date before the end is refused, the input kept on the page.
    refused = f.post(
        client,
        f"{page}/overgangstermijn",
        {"tr-until": "2030-06-30", "tr-note": "Lopende behandeltrajecten"},
    )
    assert refused.status_code == 422
    body = refused.get_data(as_text=True)
    assert "na de einddatum" in body and "Lopende behandeltrajecten" in body
    assert db.session.get(Contract, contract.id).transition_until is None
    done = f.post(
        client,
        f"{page}/overgangstermijn",
        {"tr-until": "2031-06-30", "tr-note": "Lopende behandeltrajecten bij het SLT"},
    )
    assert done.status_code == 302
    assert db.session.get(Contract, contract.id).transition_until == date(2031, 6, 30)
    assert "30-06-2031" in client.get(page).get_data(as_text=True)
    assert "contract.transition_set" in _actions(contract.id)
    token = f.bearer(f.api_token(manager))
    api = client.get(f"/api/v1/contracts/{contract.reference}", headers=token).get_json()
    assert api["transition_until"] == "2031-06-30"
    listing = client.get("/api/v1/contracts", headers=token).get_json()
    assert listing["items"][0]["transition_until"] == "2031-06-30"


def test_transition_period_policy_roles_states_and_regions(app):
    contract = lumpsum_contract(status="concept")
    manager = f.user("contract_manager")
    with pytest.raises(InvalidTransition, match="loopt of is afgelopen"):
        ops.set_transition(contract, until=date(2031, 6, 30), note="x", actor=manager)
    contract = lumpsum_contract(provider=f.provider("brug"))
    for other in (
        f.user("procurement"),
        f.user("municipality"),
        f.user("provider", provider_code="brug"),
        f.user("contract_manager", "e10", email="cm@e10.example.org"),
    ):
        with pytest.raises(NotAllowed):
            ops.set_transition(contract, until=date(2031, 6, 30), note="x", actor=other)
    with pytest.raises(ValidationFailed, match="lopende zorg"):
        ops.set_transition(contract, until=date(2031, 6, 30), note="", actor=manager)
    ops.set_transition(contract, until=date(2031, 6, 30), note="Trajecten", actor=manager)
    ops.set_transition(contract, until=None, actor=manager)
    assert contract.transition_until is None and contract.transition_note is None


def test_transition_period_over_the_api_refused_for_a_provider(client):
    contract = lumpsum_contract()
    provider = f.user("provider", provider_code="kompas")
    headers = {**f.bearer(f.api_token(provider)), "Idempotency-Key": "t-1"}
    url = f"/api/v1/contracts/{contract.reference}/transition"
    refused = client.put(url, json={"until": "2031-06-30", "note": "x"}, headers=headers)
    assert refused.status_code == 403
    manager = f.user("contract_manager")
    headers = {**f.bearer(f.api_token(manager)), "Idempotency-Key": "t-2"}
    ok = client.put(url, json={"until": "2031-03-31", "note": "Lopende zorg"}, headers=headers)
    assert ok.status_code == 200 and ok.get_json()["transition_until"] == "2031-03-31"
    bad = client.put(
        url, json={"until": "31-03-2031"}, headers={**headers, "Idempotency-Key": "t-3"}
    )
    assert bad.status_code == 422


# -- addenda with a version history (seed 001) ----------------------------------------------


def test_each_addendum_makes_a_new_version_of_the_contract_document(client):
    contract = lumpsum_contract()
    manager = f.user("contract_manager")
    f.login(client, manager)
    page = f"/contracten/{contract.id}"
    refused = f.post(
        client,
        f"{page}/addenda",
        {
            "ad-subject": "Ophoging lumpsum",
            "ad-agreed_on": "2026-05-01",
            "ad-effective_on": "2031-01-01",  # after the end: refused
            "ad-body": "De lumpsum 2026 wordt verhoogd.",
        },
    )
    assert refused.status_code == 422 and "looptijd" in refused.get_data(as_text=True)
    assert db.session.execute(select(ContractAddendum)).first() is None
    for subject, effective in (
        ("Ophoging lumpsum 2026 met de loonindexatie", "2026-07-01"),
        ("Toevoeging van de kernpartner voor Altena", "2027-01-01"),
    ):
        response = f.post(
            client,
            f"{page}/addenda",
            {
                "ad-subject": subject,
                "ad-agreed_on": "2026-06-15",
                "ad-effective_on": effective,
                "ad-body": f"Partijen komen overeen: {subject.lower()}.",
            },
        )
        assert response.status_code == 302, response.get_data(as_text=True)
    addenda = db.session.execute(select(ContractAddendum).order_by(ContractAddendum.number))
    first, second = addenda.scalars().all()
    assert (first.number, second.number) == (1, 2)
    assert first.document_id != second.document_id
    versions = (
        db.session.execute(
            select(GeneratedDocument).where(
                GeneratedDocument.record_type == "contract",
                GeneratedDocument.record_id == contract.id,
            )
        )
        .scalars()
        .all()
    )
    assert len(versions) == 2 and len({v.sha256 for v in versions}) == 2
    # The second version holds both addenda, the first only its own.
    latest = flat(pdf_text(client.get(f"/documenten/bestand/{second.document_id}/pdf").data))
    earliest = flat(pdf_text(client.get(f"/documenten/bestand/{first.document_id}/pdf").data))
    assert "Addendum 1" in latest and "Addendum 2" in latest
    assert "Addendum 1" in earliest and "Addendum 2" not in earliest
    history = client.get(f"/documenten/contract/{contract.id}").get_data(as_text=True)
    assert history.count(f"/documenten/bestand/{first.document_id}/pdf") >= 1
    assert f"/documenten/bestand/{second.document_id}/pdf" in history
    shown = client.get(page).get_data(as_text=True)
    assert "Toevoeging van de kernpartner" in shown
    # each addendum row links the contract version it produced, with that version's date
    for addendum in (first, second):
        link = f'<a href="/documenten/bestand/{addendum.document_id}/pdf">PDF van '
        assert shown.count(link) == 1
    assert shown.index("Ophoging lumpsum 2026") < shown.index("Toevoeging van de kernpartner")
    assert _actions(contract.id).count("contract.addendum_added") == 2
    token = f.bearer(f.api_token(manager))
    api = client.get(f"/api/v1/contracts/{contract.reference}/addenda", headers=token)
    items = api.get_json()["items"]
    assert [a["number"] for a in items] == [1, 2]
    assert items[1]["document"]["id"] == second.document_id


def test_addendum_policy_and_api(client):
    contract = lumpsum_contract()
    concept = lumpsum_contract(provider=f.provider("brug"), status="concept")
    manager = f.user("contract_manager")
    args = {
        "agreed_on": date(2026, 3, 1),
        "subject": "Wijziging",
        "body": "Tekst",
        "effective_on": date(2026, 4, 1),
    }
    with pytest.raises(InvalidTransition, match="actief of verlengd"):
        ops.add_addendum(concept, actor=manager, **args)
    with pytest.raises(NotAllowed):
        ops.add_addendum(contract, actor=f.user("procurement"), **args)
    provider = f.user("provider", provider_code="kompas")
    body = {
        "subject": "Aanpassing rapportage",
        "agreed_on": "2026-03-01",
        "effective_on": "2026-04-01",
        "body": "Kwartaalrapportage vervalt.",
    }
    url = f"/api/v1/contracts/{contract.reference}/addenda"
    refused = client.post(
        url, json=body, headers={**f.bearer(f.api_token(provider)), "Idempotency-Key": "a-0"}
    )
    assert refused.status_code == 403
    headers = {**f.bearer(f.api_token(manager)), "Idempotency-Key": "a-1"}
    created = client.post(url, json=body, headers=headers)
    assert created.status_code == 201 and created.get_json()["number"] == 1
    again = client.post(url, json=body, headers=headers)  # same key: counted once
    assert again.get_json()["number"] == 1
    assert len(db.session.execute(select(ContractAddendum)).all()) == 1
    # The provider reads its contract's addenda.
    provider_view = client.get(url, headers=f.bearer(f.api_token(provider)))
    assert provider_view.status_code == 200 and len(provider_view.get_json()["items"]) == 1


# -- subcontractor register (seeds 000, 003) ------------------------------------------------


def test_provider_registers_subcontractors_including_non_contracted_ones(client):
    contract = lumpsum_contract()  # provider kompas
    member = f.provider("brug", "Stichting De Brug")  # in the register, no contract here
    kompas_user = f.user("provider", provider_code="kompas")
    f.login(client, kompas_user)
    page = f"/contracten/{contract.id}"
    assert "Onderaannemer toevoegen" in client.get(page).get_data(as_text=True)
    bad = f.post(
        client, f"{page}/onderaannemers", {"sub-name": "Praktijk Zon", "sub-kvk_number": "123"}
    )
    assert bad.status_code == 422 and "8 cijfers" in bad.get_data(as_text=True)
    assert (
        f.post(
            client,
            f"{page}/onderaannemers",
            {"sub-name": "Praktijk Zonnebloem", "sub-kvk_number": "81234567", "sub-work": "PMT"},
        ).status_code
        == 302
    )
    assert (
        f.post(
            client,
            f"{page}/onderaannemers",
            {"sub-provider_id": str(member.id), "sub-work": "Ambulante begeleiding"},
        ).status_code
        == 302
    )
    duplicate = f.post(
        client, f"{page}/onderaannemers", {"sub-name": "Zelfde", "sub-kvk_number": "81234567"}
    )
    assert duplicate.status_code == 409
    own = f.post(client, f"{page}/onderaannemers", {"sub-provider_id": str(contract.provider_id)})
    assert own.status_code == 422
    subs = db.session.execute(select(Subcontractor).order_by(Subcontractor.name)).scalars().all()
    assert [(s.name, s.provider_id) for s in subs] == [
        ("Praktijk Zonnebloem", None),
        ("Stichting De Brug", member.id),
    ]
    register = client.get("/contracten/onderaannemers").get_data(as_text=True)
    assert "Praktijk Zonnebloem" in register and "81234567" in register
    removed = f.post(client, f"{page}/onderaannemers/{subs[0].id}/verwijderen")
    assert removed.status_code == 302
    assert db.session.get(Subcontractor, subs[0].id).removed_at is not None
    assert "Praktijk Zonnebloem" not in client.get(page).get_data(as_text=True)
    actions = _actions(contract.id)
    assert actions.count("contract.subcontractor_added") == 2
    assert "contract.subcontractor_removed" in actions


def test_subcontractor_scope_rules_for_providers_municipalities_and_regions(client):
    kompas_contract = lumpsum_contract()
    brug_contract = lumpsum_contract(provider=f.provider("brug"), title="SLT Breda")
    e10 = f.region("e10")
    e10_contract = lumpsum_contract(region=e10, provider=f.provider("kompas"), title="E10")
    manager = f.user("contract_manager")
    ops.add_subcontractor(
        kompas_contract, name="Onder Kompas", kvk_number="81111111", actor=manager
    )
    ops.add_subcontractor(brug_contract, name="Onder Brug", kvk_number="82222222", actor=manager)
    e10_manager = f.user("contract_manager", "e10", email="cm@e10.example.org")
    ops.add_subcontractor(e10_contract, name="Onder E10", kvk_number="83333333", actor=e10_manager)
    # A provider manages only its own contracts' register.
    brug_user = f.user("provider", provider_code="brug")
    with pytest.raises(NotAllowed):
        ops.add_subcontractor(kompas_contract, name="X", kvk_number="84444444", actor=brug_user)
    f.login(client, brug_user)
    listing = client.get("/contracten/onderaannemers").get_data(as_text=True)
    assert "Onder Brug" in listing and "Onder Kompas" not in listing and "Onder E10" not in listing
    assert (
        f.post(
            client,
            f"/contracten/{kompas_contract.id}/onderaannemers",
            {"sub-name": "X", "sub-kvk_number": "84444444"},
        ).status_code
        == 404
    )
    token = f.bearer(f.api_token(brug_user))
    path = f"/api/v1/contracts/{kompas_contract.reference}/subcontractors"
    assert client.get(path, headers=token).status_code == 404
    # Region staff see their region's register only; a municipality sees it read-only.
    for user in (f.user("supervisor"), f.user("municipality", municipality_name="Breda")):
        f.post(client, "/uitloggen")
        f.login(client, user)
        listing = client.get("/contracten/onderaannemers").get_data(as_text=True)
        assert "Onder Brug" in listing and "Onder Kompas" in listing
        assert "Onder E10" not in listing
        page = client.get(f"/contracten/{kompas_contract.id}").get_data(as_text=True)
        assert "Onder Kompas" in page and "Onderaannemer toevoegen" not in page
        refused = f.post(
            client,
            f"/contracten/{kompas_contract.id}/onderaannemers",
            {"sub-name": "X", "sub-kvk_number": "84444444"},
        )
        assert refused.status_code == 403


def test_subcontractor_api_add_list_remove(client):
    contract = lumpsum_contract()
    member = f.provider("brug", "Stichting De Brug")
    kompas_user = f.user("provider", provider_code="kompas")
    token = f.api_token(kompas_user)
    base = f"/api/v1/contracts/{contract.reference}/subcontractors"

    def call(method, path, key, **kw):
        return client.open(
            path, method=method, headers={**f.bearer(token), "Idempotency-Key": key}, **kw
        )

    added = call("POST", base, "s-1", json={"provider_kvk": member.kvk_number, "work": "PMT"})
    assert added.status_code == 201 and added.get_json()["in_register"] is True
    free = call("POST", base, "s-2", json={"name": "Praktijk Zon", "kvk_number": "85555555"})
    assert free.status_code == 201 and free.get_json()["in_register"] is False
    assert call("POST", base, "s-3", json={"provider_kvk": "99999999"}).status_code == 422
    listed = client.get(base, headers=f.bearer(token)).get_json()["items"]
    assert sorted(s["name"] for s in listed) == ["Praktijk Zon", "Stichting De Brug"]
    gone = call("DELETE", f"{base}/{free.get_json()['id']}", "s-4")
    assert gone.status_code == 200
    listed = client.get(base, headers=f.bearer(token)).get_json()["items"]
    assert [s["name"] for s in listed] == ["Stichting De Brug"]


def test_subcontractors_of_a_custom_contract_follow_its_visibility(client):
    from tests.contracts.helpers import maatwerk_code

    region = f.region("wbo")
    breda = f.user("municipality", municipality_name="Breda")
    custom = contract_ops.create_custom_contract(
        user=breda,
        provider_id=f.provider("zonnehoek", "Zorgboerderij De Zonnehoek").id,
        maatwerk_code_id=maatwerk_code(region).id,
        unit_price="112.40",
        units="40",
        start_date=date(2026, 2, 1),
        end_date=date(2026, 12, 31),
        justification="Geen passend gecontracteerd aanbod",
        reason="specific_need",
    )
    provider = f.user("provider", provider_code="zonnehoek")
    ops.add_subcontractor(custom, name="Boerderij Onder", kvk_number="86666666", actor=provider)
    for user, sees in (
        (breda, True),
        (f.user("municipality", municipality_name="Oosterhout", email="o@example.org"), False),
        (f.user("procurement"), False),  # custom contracts are not for other region staff
        (f.user("contract_manager"), True),
    ):
        f.post(client, "/uitloggen")
        f.login(client, user)
        listing = client.get("/contracten/onderaannemers").get_data(as_text=True)
        assert ("Boerderij Onder" in listing) is sees, user.email


def test_register_page_runs_a_bounded_number_of_queries(client, count_queries):
    manager = f.user("contract_manager")
    contracts = [
        lumpsum_contract(provider=f.provider(code), title=f"SLT {code}")
        for code in ("kompas", "brug", "linde")
    ]
    f.login(client, manager)

    added = []

    def queries_with(count):
        for _ in range(count):
            i = len(added)
            added.append(i)
            contract = contracts[i % len(contracts)]
            ops.add_subcontractor(
                contract, name=f"Praktijk {i}", kvk_number=f"{70000000 + i}", actor=manager
            )
        with count_queries() as statements:
            assert client.get("/contracten/onderaannemers").status_code == 200
        return len(statements)

    few = queries_with(2)
    many = queries_with(12)
    assert many == few
