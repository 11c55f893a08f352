"""Scope: a provider never sees another provider's registration or bid; a municipality reads
but cannot change a tender; another region's users get 404; concept tenders stay internal."""

from datetime import date

import time_machine
from sqlalchemy import func, select

from procure.audit.models import AuditEvent
from procure.extensions import db
from procure.tenders import operations as ops
from procure.tenders.models import Lot, Tender
from tests import factories as f
from tests.tenders.builders import REGISTRATION, SLT_CRITERIA, T0, officer, slt_tender, to_dialogue


def _published_with_two_registrations():
    actor = officer()
    with time_machine.travel(T0, tick=False):
        tender = slt_tender(actor)
    return to_dialogue(tender, actor, {"kompas": ([1, 2], True), "linde": ([3], False)})


def test_provider_sees_only_its_own_registration(app, client):
    tender = _published_with_two_registrations()
    regs = {r.provider.short_code: r for r in ops.registrations(tender)}
    with time_machine.travel(REGISTRATION, tick=False):
        linde = f.user("provider", provider_code="linde")
        f.login(client, linde)
        portal = client.get(f"/aanbestedingen/{tender.id}/portaal").get_data(as_text=True)
        assert "Afgewezen" in portal and "perceel 3" in portal
        assert "perceel 1, 2" not in portal
        url = f"/aanbestedingen/{tender.id}/aanmeldingen/{{}}/document"
        assert client.get(url.format(regs["kompas"].id)).status_code == 404
        assert client.get(url.format(regs["linde"].id)).status_code == 200
        data = client.get(
            f"/api/v1/tenders/{tender.reference}/registrations",
            headers=f.bearer(f.api_token(linde)),
        ).get_json()
        assert [r["provider"] for r in data["items"]] == ["linde"]
        # officer pages are closed to providers
        assert client.get(f"/aanbestedingen/{tender.id}/selectie").status_code == 403
        assert client.get(f"/aanbestedingen/{tender.id}/gunning").status_code == 403


def test_municipality_reads_but_cannot_change(app, client):
    actor = officer()
    with time_machine.travel(T0, tick=False):
        tender = slt_tender(actor)
        gemeente = f.user("municipality", municipality_name="Breda")
        f.login(client, gemeente)
        assert client.get(f"/aanbestedingen/{tender.id}").status_code == 200
        before = db.session.execute(select(func.count(AuditEvent.id))).scalar_one()
        base = f"/aanbestedingen/{tender.id}"
        for path, data in (
            (f"{base}/publiceren", {}),
            (f"{base}/percelen", {"number": 4, "name": "Extra"}),
            (f"{base}/criteria", {"name": "X", "weight": 10}),
            (f"{base}/intrekken", {"reason": "weg"}),
            (f"{base}/bewerken", {"title": "Nieuw"}),
        ):
            assert f.post(client, path, data).status_code == 403, path
        assert client.get(f"{base}/bewerken").status_code == 403
        assert client.get("/aanbestedingen/nieuw").status_code == 403
    db.session.expire_all()
    tender = db.session.get(Tender, tender.id)
    assert tender.status == "concept" and tender.title.startswith("Stevig")
    assert db.session.execute(select(func.count(Lot.id))).scalar_one() == 3
    assert db.session.execute(select(func.count(AuditEvent.id))).scalar_one() == before


def test_other_region_gets_404_and_providers_do_not_see_concepts(app, client):
    actor = officer()
    with time_machine.travel(T0, tick=False):
        tender = slt_tender(actor)
        other = f.user("procurement", "e10")
        f.login(client, other)
        assert client.get(f"/aanbestedingen/{tender.id}").status_code == 404
        assert client.get(f"/aanbestedingen/{tender.id}/selectie").status_code == 404
        assert f.post(client, f"/aanbestedingen/{tender.id}/publiceren").status_code == 404
        assert tender.reference not in client.get("/aanbestedingen/").get_data(as_text=True)
        token = f.api_token(other)
        assert (
            client.get(f"/api/v1/tenders/{tender.reference}", headers=f.bearer(token)).status_code
            == 404
        )

        provider = app.test_client()
        kompas = f.user("provider", provider_code="kompas")
        f.login(provider, kompas)
        assert provider.get(f"/aanbestedingen/{tender.id}/portaal").status_code == 404
        assert tender.reference not in provider.get("/aanbestedingen/").get_data(as_text=True)
        ops.publish(tender, actor=actor)
        assert provider.get(f"/aanbestedingen/{tender.id}/portaal").status_code == 200
        listed = provider.get("/aanbestedingen/").get_data(as_text=True)
        assert tender.reference in listed
        assert f'href="/aanbestedingen/{tender.id}/portaal"' in listed  # the provider's own page


def test_list_filters_and_pagination(app, client):
    actor = officer()
    with time_machine.travel(T0, tick=False):
        for i in range(23):
            t = ops.create_tender(
                region=f.region("wbo"),
                actor=actor,
                reference=f"T-{i:02d}",
                title=f"Aanbesteding {i}",
                contract_start=date(2027, 1, 1),
            )
            if i % 2:
                ops.add_lot(t, actor=actor, number=1, name="Perceel")
                for name, weight in SLT_CRITERIA:
                    ops.add_criterion(t, actor=actor, name=name, weight=weight)
        f.login(client, actor)
        first = client.get("/aanbestedingen/?per_page=10&sort=reference").get_data(as_text=True)
        assert "T-00" in first and "T-09" in first and "T-10" not in first
        assert "Pagina 1 van 3" in first
        concept = client.get("/aanbestedingen/?status=published").get_data(as_text=True)
        assert "T-00" not in concept
        wbo = client.get("/aanbestedingen/?region=e10").get_data(as_text=True)
        assert "T-00" not in wbo
        data = client.get(
            "/api/v1/tenders?per_page=5", headers=f.bearer(f.api_token(actor))
        ).get_json()
        assert data["meta"]["total"] == 23 and len(data["items"]) == 5
        assert data["items"][0]["procedure"] == "sas_dialogue"


def test_list_page_uses_a_bounded_number_of_queries(app, client, count_queries):
    actor = officer()
    with time_machine.travel(T0, tick=False):
        for i in range(15):
            ops.create_tender(
                region=f.region("wbo"), actor=actor, reference=f"Q-{i:02d}", title=f"Q {i}"
            )
        f.login(client, actor)
        with count_queries() as few:
            client.get("/aanbestedingen/?per_page=5")
        with count_queries() as many:
            client.get("/aanbestedingen/?per_page=15")
    assert len(many) == len(few)


def test_task_areas_filter_and_validation(app, client):
    import pytest

    from procure.catalogue.models import TaskArea
    from procure.core.errors import ValidationFailed

    wbo, e10 = f.region("wbo"), f.region("e10")
    areas = {
        code: TaskArea(region_id=wbo.id, code=code, name=name)
        for code, name in (
            ("slt", "Stevig Lokaal Team"),
            ("spec", "Specialistische jeugdhulp"),
            ("wmb", "Wonen met begeleiding"),
        )
    }
    foreign = TaskArea(region_id=e10.id, code="slt", name="Elders")
    db.session.add_all([*areas.values(), foreign])
    db.session.commit()
    actor = officer()
    with time_machine.travel(T0, tick=False):
        ops.create_tender(
            region=wbo,
            actor=actor,
            reference="A-SLT",
            title="Alleen SLT",
            task_area_id=areas["slt"].id,
        )
        both = ops.create_tender(
            region=wbo,
            actor=actor,
            reference="B-SPEC",
            title="Beide",
            task_area_id=areas["spec"].id,
            task_area_ids=[areas["slt"].id],
        )
        with pytest.raises(ValidationFailed):
            ops.create_tender(
                region=wbo, actor=actor, reference="C-X", title="Vreemd", task_area_ids=[foreign.id]
            )
        assert sorted(a.code for a in both.task_areas) == ["slt", "spec"]
        f.login(client, actor)
        slt = client.get("/aanbestedingen/?task_area=slt").get_data(as_text=True)
        assert "A-SLT" in slt and "B-SPEC" in slt
        spec = client.get("/aanbestedingen/?task_area=spec").get_data(as_text=True)
        assert "A-SLT" not in spec and "B-SPEC" in spec
        assert "C-X" not in client.get("/aanbestedingen/").get_data(as_text=True)
        wmb = client.get("/aanbestedingen/?task_area=wmb").get_data(as_text=True)
        assert "Geen aanbestedingen gevonden" in wmb
        data = client.get("/api/v1/tenders/B-SPEC", headers=f.bearer(f.api_token(actor))).get_json()
        assert sorted(data["task_areas"]) == ["slt", "spec"]
