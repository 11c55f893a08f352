"""Framework against contracts and realisation, reserved money, allocation keys and money
per municipality (pages, exports, reports and API only show a municipality its own)."""

import io
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from procure.audit.models import AuditEvent
from procure.contracts import operations as contract_ops
from procure.contracts.models import Realisation
from procure.core.errors import NotAllowed, ValidationFailed
from procure.extensions import db
from procure.finance import operations as ops
from procure.finance import queries as q
from procure.finance.models import AllocationKey, Disbursement
from tests import factories as f
from tests.contracts.helpers import effort_contract, lumpsum_contract


def e10_framework(admin, year=2026):
    """A small framework of Een 10 voor de Jeugd with a split ZIN line."""
    region = f.region("e10")
    framework = ops.create_framework(region=region, year=year, actor=admin)
    ops.add_line(framework, code="zin", name="ZIN kader", actor=admin)
    ops.add_line(
        framework,
        code="g",
        name="Zware hulp gegarandeerd",
        amount=80_000,
        parent_code="zin",
        kind="guaranteed",
        actor=admin,
    )
    ops.add_line(
        framework,
        code="r",
        name="Zware hulp gereserveerd",
        amount=20_000,
        parent_code="zin",
        kind="reserved",
        actor=admin,
    )
    ops.add_line(framework, code="oh", name="Open house", amount=50_000, actor=admin)
    ops.adopt_framework(
        framework, decided_on=date(2025, 12, 1), reference="RBO 1-12-2025", actor=admin
    )
    return framework


def lines(framework):
    return {line.code: line for line in framework.lines}


def test_reserved_part_is_paid_only_after_a_release_decision(app):
    admin = f.user("admin", "e10")
    framework = e10_framework(admin)
    reserved, guaranteed = lines(framework)["r"], lines(framework)["g"]
    ops.pay(guaranteed, amount="6666.67", paid_on=date(2026, 1, 31), reference="V-01", actor=admin)
    events = db.session.execute(select(func.count(AuditEvent.id))).scalar_one()
    with pytest.raises(NotAllowed) as refused:
        ops.pay(reserved, amount=1000, paid_on=date(2026, 2, 28), actor=admin)
    assert "vrijgave" in str(refused.value.message)
    assert db.session.execute(select(func.count(Disbursement.id))).scalar_one() == 1
    assert db.session.execute(select(func.count(AuditEvent.id))).scalar_one() == events
    ops.release_reserved(
        reserved,
        amount=5000,
        decided_on=date(2026, 3, 1),
        decision_reference="RBO 1-3-2026",
        reason="Meer zware hulp dan geraamd",
        actor=admin,
    )
    ops.pay(reserved, amount=5000, paid_on=date(2026, 3, 31), actor=admin)
    with pytest.raises(NotAllowed):
        ops.pay(reserved, amount="0.01", paid_on=date(2026, 3, 31), actor=admin)
    with pytest.raises(ValidationFailed):  # no decision reference, nothing released
        ops.release_reserved(
            reserved,
            amount=1,
            decided_on=date(2026, 4, 1),
            decision_reference="",
            reason="x",
            actor=admin,
        )
    rows = {s.line.code: s for s in q.steering(framework, date(2026, 4, 1))}
    assert rows["r"].released == Decimal("5000.00") and rows["r"].paid == Decimal("5000.00")
    assert rows["zin"].paid == Decimal("11666.67")


def test_steering_contracted_realised_forecast_and_warnings(app):
    admin = f.user("admin", "e10")
    framework = e10_framework(admin)
    region = f.region("e10")
    lumpsum = lumpsum_contract(region, f.provider("kompas"), budget="90000.00")
    effort = effort_contract(region, f.provider("brug"), ceiling="60000.00")
    ops.assign_contract_year(lines(framework)["g"], contract_year=lumpsum.year(2026), actor=admin)
    ops.assign_contract_year(lines(framework)["oh"], contract_year=effort.year(2026), actor=admin)
    helmond = f.municipality("Helmond")
    for month, units in ((1, "100"), (2, "100"), (3, "104")):
        contract_ops.record_realisation(
            effort,
            product="45A53",
            period=f"2026-{month:02d}",
            units=units,
            municipality="0794",
            actor=admin,
        )
    rows = {s.line.code: s for s in q.steering(framework, date(2026, 4, 1))}
    assert rows["g"].contracted == Decimal("90000.00")
    assert "Gecontracteerd boven het kader" in rows["g"].warnings
    assert rows["oh"].realised == Decimal("29944.00")  # 304 x 98.50
    assert rows["oh"].forecast == Decimal("119776.00")  # run rate: 3 months x 4
    assert "Prognose boven het kader" in rows["oh"].warnings
    assert rows["zin"].contracted == Decimal("90000.00")
    # A municipality's realisation is recorded with it.
    assert (
        db.session.execute(
            select(func.count(Realisation.id)).where(Realisation.municipality_id == helmond.id)
        ).scalar_one()
        == 3
    )
    with pytest.raises(ValidationFailed):
        contract_ops.record_realisation(
            effort,
            product="45A53",
            period="2026-04",
            units="1",
            municipality="Breda",
            actor=admin,
        )


def test_allocation_keys_sum_to_100_or_are_refused_and_are_versioned(app):
    admin = f.user("admin", "e10")
    region = f.region("e10")
    ids = {m.name: m.id for m in region.municipalities}
    bad = {ids["Helmond"]: "50", ids["Veldhoven"]: "30", ids["Deurne"]: "19.99"}
    with pytest.raises(ValidationFailed) as refused:
        ops.set_allocation_key(
            region=region,
            year=2026,
            method="fixed",
            shares=bad,
            decided_on=date(2025, 12, 1),
            actor=admin,
        )
    assert "99.99" in str(refused.value.message)
    with pytest.raises(ValidationFailed):  # a municipality left out
        ops.set_allocation_key(
            region=region,
            year=2026,
            method="fixed",
            shares={ids["Helmond"]: 100},
            decided_on=date(2025, 12, 1),
            actor=admin,
        )
    assert db.session.execute(select(func.count(AllocationKey.id))).scalar_one() == 0
    good = {ids["Helmond"]: "50", ids["Veldhoven"]: "30", ids["Deurne"]: "20"}
    ops.set_allocation_key(
        region=region,
        year=2026,
        method="fixed",
        shares=good,
        decided_on=date(2025, 12, 1),
        actor=admin,
    )
    young = {ids["Helmond"]: 20_000, ids["Veldhoven"]: 9_000, ids["Deurne"]: 6_000}
    key = ops.set_allocation_key(
        region=region,
        year=2026,
        method="young_inhabitants",
        shares=young,
        decided_on=date(2026, 2, 1),
        actor=admin,
    )
    assert key.version == 2
    assert q.current_key(region.id, 2026).id == key.id
    assert {s.municipality_id: s.share_pct for s in key.shares}[ids["Helmond"]] == Decimal(
        "57.14286"
    )
    assert len(q.key_versions(region.id, 2026)) == 2


def _two_municipalities_with_money(admin):
    region = f.region("e10")
    framework = e10_framework(admin)
    effort = effort_contract(region, f.provider("brug"), ceiling="60000.00")
    ops.assign_contract_year(lines(framework)["oh"], contract_year=effort.year(2026), actor=admin)
    contract_ops.record_realisation(
        effort, product="45A53", period="2026-01", units="10", municipality="0794", actor=admin
    )  # Helmond 985.00
    contract_ops.record_realisation(
        effort, product="45A53", period="2026-01", units="7", municipality="0861", actor=admin
    )  # Veldhoven 689.50
    contract_ops.record_realisation(
        effort, product="45A53", period="2026-02", units="1", actor=admin
    )  # unknown 98.50
    ids = {m.name: m.id for m in region.municipalities}
    ops.set_allocation_key(
        region=region,
        year=2026,
        method="young_inhabitants",
        shares={ids["Helmond"]: 20_000, ids["Veldhoven"]: 10_000, ids["Deurne"]: 10_000},
        decided_on=date(2025, 12, 1),
        actor=admin,
    )
    return region, framework


def test_region_sees_all_municipalities_with_per_1000_comparison(app):
    admin = f.user("admin", "e10")
    region, _framework = _two_municipalities_with_money(admin)
    rows = {
        r.name: r
        for r in q.municipality_overview(
            region, 2026, [m.id for m in region.municipalities], include_unknown=True
        )
    }
    assert rows["Helmond"].realised == Decimal("985.00")
    assert rows["Helmond"].realised_per_1000 == Decimal("49.25")
    assert rows["Veldhoven"].realised_per_1000 == Decimal("68.95")
    assert rows["Helmond"].budget == Decimal("75000.00")  # 50 % of 150,000
    assert rows["Gemeente onbekend"].realised == Decimal("98.50")
    total = sum((r.realised for r in rows.values()), Decimal(0))
    assert total == Decimal("1773.00")


def test_municipality_sees_only_its_own_figures_pages_exports_reports_api(client):
    admin = f.user("admin", "e10")
    _two_municipalities_with_money(admin)
    helmond = f.user("municipality", "e10", municipality_name="Helmond")
    f.login(client, helmond)
    page = client.get("/financien/gemeenten?jaar=2026").get_data(as_text=True)
    assert "Helmond" in page and "Veldhoven" not in page and "onbekend" not in page
    assert "€ 985,00" in page and "€ 689,50" not in page
    framework = client.get("/financien/kader/2026").get_data(as_text=True)
    assert "€ 985" in framework and "€ 1.773" not in framework and "€ 1.675" not in framework
    sheet = load_workbook(io.BytesIO(client.get("/financien/gemeenten.xlsx?jaar=2026").data))
    names = [row[0] for row in sheet.active.iter_rows(min_row=2, values_only=True)]
    assert names == ["Helmond"]
    framework_xlsx = load_workbook(io.BytesIO(client.get("/financien/kader/2026.xlsx").data))
    realised = [r[3] for r in framework_xlsx["Sturing"].iter_rows(min_row=2, values_only=True)]
    assert [Decimal(str(v)) for v in realised] == [0, 0, 0, Decimal("985")]  # zin, g, r, oh
    report = client.get("/financien/rapportages/management/2026-Q1.xlsx")
    assert report.status_code == 200
    book = load_workbook(io.BytesIO(report.data))
    total = next(r for r in book["Kader"].iter_rows(values_only=True) if r[0] == "Totaal")
    assert Decimal(str(total[3])) == Decimal("985")
    veldhoven = f.municipality("Veldhoven")
    other = client.get(f"/financien/rapportages/management/2026-Q1.xlsx?gemeente={veldhoven.id}")
    book = load_workbook(io.BytesIO(other.data))  # the parameter is ignored: own figures
    total = next(r for r in book["Kader"].iter_rows(values_only=True) if r[0] == "Totaal")
    assert Decimal(str(total[3])) == Decimal("985")
    token = f.bearer(f.api_token(helmond))
    api = client.get("/api/v1/finance/municipalities/2026", headers=token).get_json()
    assert [i["municipality"] for i in api["items"]] == ["Helmond"]
    assert api["items"][0]["realised"] == "985.00"
    lines_api = client.get("/api/v1/finance/frameworks/2026", headers=token).get_json()
    assert {line["code"]: line["realised"] for line in lines_api["lines"]}["oh"] == "985.00"
    # Region staff see everything, the unknown municipality included.
    staff = f.bearer(f.api_token(admin))
    api = client.get("/api/v1/finance/municipalities/2026", headers=staff).get_json()
    assert {i["municipality"] for i in api["items"]} == {
        "Helmond",
        "Veldhoven",
        "Deurne",
        "Gemeente onbekend",
    }


def test_realisation_carries_the_municipality_through_api_and_csv(client):
    region = f.region("e10")
    effort = effort_contract(region, f.provider("brug"), ceiling="60000.00")
    manager = f.user("contract_manager", "e10")
    token = f.bearer(f.api_token(manager))
    created = client.post(
        f"/api/v1/contracts/{effort.reference}/realisations",
        json={"product_code": "45A53", "period": "2026-01", "units": "2", "municipality": "0794"},
        headers={**token, "Idempotency-Key": "k1"},
    )
    assert created.status_code == 201 and created.get_json()["municipality"] == "0794"
    refused = client.post(
        f"/api/v1/contracts/{effort.reference}/realisations",
        json={"product_code": "45A53", "period": "2026-01", "units": "2", "municipality": "0758"},
        headers={**token, "Idempotency-Key": "k2"},
    )
    assert refused.status_code == 422  # Breda is not in this region
    csv = "periode;productcode;eenheden;gemeente\n2026-02;45A53;3;Veldhoven\n2026-02;45A53;1;\n"
    contract_ops.import_realisation_csv(effort, csv, actor=manager)
    rows = db.session.execute(
        select(Realisation.municipality_id, Realisation.units).order_by(Realisation.id)
    ).all()
    helmond, veldhoven = f.municipality("Helmond"), f.municipality("Veldhoven")
    assert [(m, str(u)) for m, u in rows] == [
        (helmond.id, "2.00"),
        (veldhoven.id, "3.00"),
        (None, "1.00"),
    ]
    with pytest.raises(ValidationFailed) as refused_csv:
        contract_ops.import_realisation_csv(
            effort, "periode;productcode;eenheden;gemeente\n2026-03;45A53;1;Breda\n", actor=manager
        )
    assert "Breda" in refused_csv.value.errors[0]


def test_realisation_csv_per_municipality_is_all_or_nothing_with_every_error(client):
    region = f.region("e10")
    effort = effort_contract(region, f.provider("brug"), ceiling="60000.00")
    manager = f.user("contract_manager", "e10")
    csv = (
        "periode;productcode;eenheden;gemeente\n"
        "2026-02;45A53;3;Veldhoven\n"
        "2026-02;45A53;1;Breda\n"
        "2026-13;45A53;1;Helmond\n"
        "2026-03;45A53;1;Tilburg\n"
    )
    with pytest.raises(ValidationFailed) as refused:
        contract_ops.import_realisation_csv(effort, csv, actor=manager)
    errors = refused.value.errors
    assert len(errors) == 3
    assert "3" in errors[0] and "Breda" in errors[0]
    assert "4" in errors[1] and "5" in errors[2] and "Tilburg" in errors[2]
    assert db.session.execute(select(func.count(Realisation.id))).scalar_one() == 0
    # Through the contract's page the same file books nothing and lists the three lines.
    f.login(client, manager)
    response = f.post(
        client,
        f"/contracten/{effort.id}/realisatie/import",
        {"i-file": (io.BytesIO(csv.encode()), "realisatie.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Breda" in page and "Tilburg" in page and "2026-13" in page
    assert db.session.execute(select(func.count(Realisation.id))).scalar_one() == 0


def test_paying_the_reserved_part_through_the_page_needs_a_release_decision(client):
    admin = f.user("admin", "e10")
    reserved = lines(e10_framework(admin))["r"]
    f.login(client, admin)
    events = db.session.execute(select(func.count(AuditEvent.id))).scalar_one()
    payment = {"line_id": reserved.id, "amount": "1000", "paid_on": "2026-02-28"}
    refused = f.post(client, "/financien/kader/2026/betalingen", payment)
    assert refused.status_code in (403, 409, 422)
    assert "vrijgave" in refused.get_data(as_text=True)
    assert db.session.execute(select(func.count(Disbursement.id))).scalar_one() == 0
    assert db.session.execute(select(func.count(AuditEvent.id))).scalar_one() == events
    release = {
        "line_id": reserved.id,
        "amount": "1000",
        "decided_on": "2026-03-01",
        "decision_reference": "RBO 1-3-2026",
        "reason": "Meer zware hulp dan geraamd",
    }
    assert f.post(client, "/financien/kader/2026/vrijgeven", release).status_code in (302, 303)
    assert f.post(client, "/financien/kader/2026/betalingen", payment).status_code in (302, 303)
    paid = db.session.execute(select(Disbursement.amount)).scalars().all()
    assert [str(a) for a in paid] == ["1000.00"]
