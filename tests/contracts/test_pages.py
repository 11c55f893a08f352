from datetime import date, timedelta
from decimal import Decimal

import time_machine
from sqlalchemy import func, select

from procure.contracts import operations as ops
from procure.contracts.models import Contract, ContractYear, Realisation
from procure.extensions import db
from tests import factories as f
from tests.contracts.helpers import effort_contract, lumpsum_contract, maatwerk_code, product


def _custom_setup():
    region = f.region("wbo")
    code = maatwerk_code(region)
    provider = f.provider("zonnehoek", "Zorgboerderij De Zonnehoek")
    breda = f.user("municipality", municipality_name="Breda", email="breda@example.org")
    oosterhout = f.user(
        "municipality", municipality_name="Oosterhout", email="oosterhout@example.org"
    )
    contract = ops.create_custom_contract(
        user=breda,
        provider_id=provider.id,
        maatwerk_code_id=code.id,
        unit_price="112.40",
        units="40",
        start_date=date(2026, 2, 1),
        end_date=date(2026, 12, 31),
        justification="Zeer specifieke zorgvraag, geen passend gecontracteerd aanbod",
        reason="specific_need",
    )
    return region, code, provider, breda, oosterhout, contract


def test_municipality_creates_custom_contract_via_form(client):
    region = f.region("wbo")
    code = maatwerk_code(region)
    provider = f.provider("zonnehoek", "Zorgboerderij De Zonnehoek")
    breda = f.user("municipality", municipality_name="Breda")
    f.login(client, breda)
    data = {
        "provider_id": provider.id,
        "maatwerk_code_id": code.id,
        "unit_price": "112,40",
        "units": "40",
        "start_date": "2026-02-01",
        "end_date": "2026-12-31",
        "justification": "",
        "custom_reason": "waiting_time",
    }
    response = f.post(client, "/contracten/maatwerk/nieuw", data)
    assert response.status_code == 422  # justification missing, input kept
    assert "112,40" in response.get_data(as_text=True) or "112.40" in response.get_data(
        as_text=True
    )
    assert db.session.execute(select(func.count(Contract.id))).scalar_one() == 0
    data["justification"] = "Wachttijd bij gecontracteerde aanbieders te lang"
    data["unit_price"] = "112.40"
    response = f.post(client, "/contracten/maatwerk/nieuw", data)
    assert response.status_code == 302
    contract = db.session.execute(select(Contract)).scalar_one()
    assert contract.origin == "custom" and contract.municipality_id == breda.municipality_id
    assert contract.custom_total == Decimal("4496.00") and contract.status == "active"
    assert contract.custom_reason == "waiting_time"


def test_custom_contract_invisible_to_other_municipalities_page_export_api(client):
    _region, _code, _p, breda, oosterhout, contract = _custom_setup()
    regionwide = lumpsum_contract()
    f.login(client, oosterhout)
    assert client.get(f"/contracten/{contract.id}").status_code == 404
    listing = client.get("/contracten/").get_data(as_text=True)
    assert contract.reference not in listing and regionwide.reference in listing
    assert contract.reference not in client.get("/contracten/maatwerk").get_data(as_text=True)
    export = client.get("/contracten/export.csv").get_data(as_text=True)
    assert contract.reference not in export and regionwide.reference in export
    assert client.get(f"/contracten/{contract.id}/realisatie.csv").status_code == 404
    token = f.bearer(f.api_token(oosterhout))
    api = client.get("/api/v1/contracts", headers=token).get_json()
    assert [c["reference"] for c in api["items"]] == [regionwide.reference]
    assert client.get(f"/api/v1/contracts/{contract.reference}", headers=token).status_code == 404
    # Breda, the owner, sees it everywhere.
    f.post(client, "/uitloggen")
    f.login(client, breda)
    assert client.get(f"/contracten/{contract.id}").status_code == 200
    assert contract.reference in client.get("/contracten/export.csv").get_data(as_text=True)
    token = f.bearer(f.api_token(breda))
    assert (
        client.get(f"/api/v1/contracts/{contract.reference}", headers=token).get_json()["custom"][
            "total"
        ]
        == "4496.00"
    )


def test_region_sees_custom_totals_per_municipality_code_and_provider(client):
    _region, code, provider, _breda, _o, _c = _custom_setup()
    manager = f.user("contract_manager")
    f.login(client, manager)
    html = client.get("/contracten/maatwerk").get_data(as_text=True)
    assert "Per gemeente" in html and "Breda" in html and code.code in html
    assert provider.name in html and "4.496,00" in html
    # a municipality does not get the regional totals
    f.post(client, "/uitloggen")
    f.login(client, _o)
    assert "Per gemeente" not in client.get("/contracten/maatwerk").get_data(as_text=True)


def test_other_region_cannot_see_contract(client):
    c = lumpsum_contract()
    other = f.user("contract_manager", "e10")
    f.login(client, other)
    assert client.get(f"/contracten/{c.id}").status_code == 404
    assert (
        f.post(client, f"/contracten/{c.id}/budget", {"b-year": 2026, "b-budget": "1"}).status_code
        == 404
    )


def test_contract_manager_records_realisation_through_the_page(client):
    c = effort_contract(ceiling="1000.00")
    manager = f.user("contract_manager")
    f.login(client, manager)
    page = client.get(f"/contracten/{c.id}").get_data(as_text=True)
    assert 'data-testid="util-2026" data-pct="0.0"' in page
    response = f.post(
        client,
        f"/contracten/{c.id}/realisatie",
        {"r-product": "45A53", "r-period": "2026-03", "r-units": "9"},
    )
    assert response.status_code == 302
    page = client.get(f"/contracten/{c.id}").get_data(as_text=True)
    assert 'data-pct="88.6"' in page and "boven 80" in page
    # over the ceiling without override: refused, input kept, nothing booked
    response = f.post(
        client,
        f"/contracten/{c.id}/realisatie",
        {"r-product": "45A53", "r-period": "2026-04", "r-units": "2"},
    )
    assert response.status_code == 409
    assert 'value="2026-04"' in response.get_data(as_text=True)
    assert db.session.execute(select(func.count(Realisation.id))).scalar_one() == 1


def test_read_only_roles_cannot_record_realisation(client):
    c = effort_contract()
    for role in ("procurement", "supervisor", "municipality"):
        user = f.user(role, email=f"{role}@example.org")
        f.login(client, user)
        response = f.post(
            client,
            f"/contracten/{c.id}/realisatie",
            {"r-product": "45A53", "r-period": "2026-03", "r-units": "1"},
        )
        assert response.status_code == 403, role
        f.post(client, "/uitloggen")
    assert db.session.execute(select(func.count(Realisation.id))).scalar_one() == 0


def test_csv_import_through_page_lists_every_error(client):
    c = effort_contract()
    f.login(client, f.user("contract_manager"))
    import io

    bad = b"periode;productcode;eenheden\n2026-01;45A53;2\n2026-13;45A53;1\n2026-02;XX;1\n"
    response = f.post(
        client,
        f"/contracten/{c.id}/realisatie/import",
        {"i-file": (io.BytesIO(bad), "realisatie.csv")},
        content_type="multipart/form-data",
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "Regel 3" in html and "Regel 4" in html
    assert db.session.execute(select(func.count(Realisation.id))).scalar_one() == 0


def test_budget_and_option_pages(client):
    c = lumpsum_contract()
    f.login(client, f.user("contract_manager"))
    html = client.get(f"/contracten/{c.id}").get_data(as_text=True)
    assert "Betaalschema" in html and "1.194.444,44" in html and "<svg" in html
    response = f.post(
        client,
        f"/contracten/{c.id}/budget",
        {"b-year": "2026", "b-budget": "15000000", "b-indexation_pct": "2", "b-reason": ""},
    )
    assert response.status_code == 422  # changing needs a motivated decision
    assert "besluit" in response.get_data(as_text=True)
    assert db.session.get(Contract, c.id).year(2026).value == Decimal("14333333.33")
    # an option whose decision deadline passed lapses lazily when the page is read
    ops.add_extension_option(
        db.session.get(Contract, c.id), months=6, decision_deadline=date.today() - timedelta(days=1)
    )
    html = client.get(f"/contracten/{c.id}").get_data(as_text=True)
    assert "Vervallen" in html
    assert [o.status for o in db.session.get(Contract, c.id).options] == ["open", "open", "lapsed"]


def test_list_filters_and_export(client):
    lumpsum_contract()
    effort_contract()
    f.login(client, f.user("contract_manager"))
    html = client.get("/contracten/?variant=effort").get_data(as_text=True)
    assert "Specialistische ambulante behandeling" in html and "SLT Altena" not in html
    xlsx = client.get("/contracten/export.xlsx?variant=task")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"
    from io import BytesIO

    from openpyxl import load_workbook

    ws = load_workbook(BytesIO(xlsx.data)).active
    rows = list(ws.iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][5] == "Taakgericht (lumpsum)"  # a label, not the code
    assert client.get("/contracten/portfolio").status_code == 200
    assert client.get("/contracten/beheer").status_code == 200


def _bulk(n: int):
    region = f.region("wbo")
    provider = f.provider("kompas")
    rows = [
        Contract(
            reference=f"WBO-B-{i:05d}",
            title=f"Contract {i}",
            region_id=region.id,
            provider_id=provider.id,
            origin="lot_award",
            variant="effort" if i % 2 else "task",
            start_date=date(2026, 1, 1),
            end_date=date(2026 + i % 5, 12, 31),
            status="active",
            contract_value=Decimal("1000.00"),
        )
        for i in range(n)
    ]
    db.session.add_all(rows)
    db.session.flush()
    db.session.add_all(
        [
            ContractYear(
                contract_id=c.id,
                year=2026,
                budget=Decimal("1000.00"),
                value=Decimal("1000.00"),
                realised=Decimal("900.00") if i % 3 == 0 else Decimal(0),
            )
            for i, c in enumerate(rows)
        ]
    )
    db.session.commit()


def _count(client, count_queries, path):
    with count_queries() as statements:
        assert client.get(path).status_code == 200
    return len(statements)


def test_list_and_dashboard_query_counts_do_not_grow(client, count_queries):
    user = f.user("contract_manager")
    _bulk(10)
    f.login(client, user)
    paths = [
        "/contracten/",
        "/contracten/portfolio",
        "/",
        "/contracten/?ending_months=12",
        "/api/v1/contracts",
    ]
    small = {}
    for p in paths:
        small[p] = _count(client, count_queries, p) if not p.startswith("/api") else None
    _bulk_more = 1990
    region = f.region("wbo")
    provider = f.provider("kompas")
    db.session.add_all(
        [
            Contract(
                reference=f"WBO-C-{i:05d}",
                region_id=region.id,
                provider_id=provider.id,
                origin="lot_award",
                variant="effort",
                start_date=date(2026, 1, 1),
                end_date=date(2027, 12, 31),
                status="active",
                contract_value=Decimal("5.00"),
            )
            for i in range(_bulk_more)
        ]
    )
    db.session.commit()
    assert db.session.execute(select(func.count(Contract.id))).scalar_one() == 2000
    for p in paths:
        if small[p] is None:
            continue
        assert _count(client, count_queries, p) == small[p], p
    assert small["/contracten/"] <= 10 and small["/"] <= 25


def _card_values(html):
    import re

    return {
        label.strip(): int(value)
        for value, label in re.findall(
            r'<span class="value">(\d+)</span><span class="label">([^<]+)</span>', html
        )
    }


def _effort_ceiling_of_1000(region, provider, today):
    """An active effort contract of this year and the next two, its ceiling this year
    EUR 1,000 for a product of EUR 100 an hour."""
    p = product(region, prices={today.year: "100.00"})
    contract = ops.create_concept_contract(
        region=region,
        provider_id=provider.id,
        origin="lot_award",
        variant="effort",
        start_date=date(today.year, 1, 1),
        end_date=date(today.year + 2, 12, 31),
    )
    ops.add_contract_product(contract, product_id=p.id)
    ops.set_year_budget(contract, year=today.year, budget="1000.00")
    ops.activate_contract(contract)
    return contract


def test_dashboard_cards_show_high_ceilings_and_contracts_ending(client):
    today = date.today()
    region, provider = f.region("wbo"), f.provider("brug")
    e = _effort_ceiling_of_1000(region, provider, today)
    ops.record_realisation(e, product="45A53", period=date(today.year, 1, 1), units="8.5")
    f.login(client, f.user("contract_manager"))
    values = _card_values(client.get("/").get_data(as_text=True))
    assert values["Budgetplafonds boven 80 %"] == 1
    assert values["Contracten die binnen 12 maanden aflopen"] == 0
    ending = ops.create_concept_contract(
        region=region,
        provider_id=provider.id,
        origin="lot_award",
        variant="task",
        start_date=date(today.year - 3, 1, 1),
        end_date=today + timedelta(days=180),
    )
    ops.activate_contract(ending)
    ops.terminate_contract(
        db.session.get(Contract, e.id),
        reason="bankruptcy",
        note="Faillissement",
        notice_given_on=today,
        effective_on=today,
    )
    values = _card_values(client.get("/").get_data(as_text=True))
    assert values["Budgetplafonds boven 80 %"] == 0  # a terminated contract no longer counts
    assert values["Contracten die binnen 12 maanden aflopen"] == 1


def test_provider_sees_only_its_own_contracts_and_cannot_manage(client):
    mine = lumpsum_contract(provider=f.provider("kompas"))
    other = effort_contract(provider=f.provider("brug"))
    user = f.user("provider", provider_code="kompas")
    f.login(client, user)
    html = client.get("/contracten/").get_data(as_text=True)
    assert mine.reference in html and other.reference not in html
    assert client.get(f"/contracten/{other.id}").status_code == 404
    assert client.get(f"/contracten/{mine.id}").status_code == 200
    assert f.post(client, f"/contracten/{mine.id}/status/ended").status_code == 403
    assert client.get("/contracten/maatwerk").status_code == 403
    api = client.get("/api/v1/contracts", headers=f.bearer(f.api_token(user))).get_json()
    assert [c["reference"] for c in api["items"]] == [mine.reference]


def test_region_wide_realisation_export_is_scoped_and_exact(client):
    e = effort_contract()
    ops.record_realisation(e, product="45A53", period="2026-03", units="12.5")
    ops.record_realisation(
        db.session.get(Contract, e.id), product="45A53", period="2027-01", units="1"
    )
    f.login(client, f.user("contract_manager"))
    text = client.get("/contracten/realisatie.csv?year=2026").get_data(as_text=True)
    lines = text.strip().splitlines()
    assert lines[0].lstrip("\ufeff").startswith("contract;periode;productcode")
    assert lines[1:] == [f"{e.reference};2026-03;45A53;12,50;98,50;1231,25;;ui"]
    f.post(client, "/uitloggen")
    f.login(client, f.user("contract_manager", "e10", email="cm.e10@example.org"))
    text = client.get("/contracten/realisatie.csv").get_data(as_text=True)
    assert e.reference not in text
    f.post(client, "/uitloggen")
    f.login(client, f.user("municipality", email="m@example.org"))
    assert client.get("/contracten/realisatie.csv").status_code == 403


def test_custom_contracts_hidden_from_procurement_and_supervisors_but_not_managers(client):
    _region, _code, _p, _breda, _o, contract = _custom_setup()
    for role in ("procurement", "supervisor"):
        user = f.user(role, email=f"{role}@example.org")
        f.login(client, user)
        assert client.get(f"/contracten/{contract.id}").status_code == 404, role
        assert contract.reference not in client.get("/contracten/export.csv").get_data(as_text=True)
        assert (
            client.get(
                f"/api/v1/contracts/{contract.reference}", headers=f.bearer(f.api_token(user))
            ).status_code
            == 404
        )
        f.post(client, "/uitloggen")
    f.login(client, f.user("contract_manager"))
    assert client.get(f"/contracten/{contract.id}").status_code == 200


def test_contract_page_queries_do_not_grow_with_products(client, count_queries):
    region = f.region("wbo")
    c = effort_contract()
    f.login(client, f.user("contract_manager"))
    with count_queries() as one:
        assert client.get(f"/contracten/{c.id}").status_code == 200
    for i in range(8):
        p = product(region, code=f"45B{i:02d}", name=f"Product {i}")
        ops.add_contract_product(db.session.get(Contract, c.id), product_id=p.id)
    with count_queries() as nine:
        assert client.get(f"/contracten/{c.id}").status_code == 200
    assert len(nine) == len(one)


def test_absurd_filter_values_do_not_break_the_list_or_export(client):
    f.login(client, f.user("contract_manager"))
    assert client.get("/contracten/?ending_months=99999999999999").status_code == 200
    assert client.get("/contracten/?provider_id=99999999999999999999").status_code == 200
    assert client.get("/contracten/realisatie.csv?year=99999").status_code == 400


def test_custom_contract_reason_other_needs_text_and_is_shown(client):
    region = f.region("wbo")
    code = maatwerk_code(region)
    provider = f.provider("zonnehoek", "Zorgboerderij De Zonnehoek")
    f.login(client, f.user("municipality", municipality_name="Breda"))
    data = {
        "provider_id": provider.id,
        "maatwerk_code_id": code.id,
        "unit_price": "84.50",
        "units": "10",
        "start_date": "2026-02-01",
        "end_date": "2026-12-31",
        "justification": "Na verhuizing uit een andere regio",
        "custom_reason": "other",
        "custom_reason_text": "",
    }
    response = f.post(client, "/contracten/maatwerk/nieuw", data)
    assert response.status_code == 422
    assert "Licht de reden" in response.get_data(as_text=True)
    assert db.session.execute(select(func.count(Contract.id))).scalar_one() == 0
    data["custom_reason_text"] = "Continuïteit van zorg na verhuizing"
    response = f.post(client, "/contracten/maatwerk/nieuw", data)
    assert response.status_code == 302
    contract = db.session.execute(select(Contract)).scalar_one()
    assert (contract.custom_reason, contract.custom_reason_text) == (
        "other",
        "Continuïteit van zorg na verhuizing",
    )
    page = client.get(f"/contracten/{contract.id}").get_data(as_text=True)
    assert "Anders (toelichting): Continuïteit van zorg na verhuizing" in page


def test_csv_import_of_a_windows_1252_file_books_it(client):
    """Excel on Dutch Windows saves CSV as Windows-1252 (Latin-1): no UnicodeDecodeError."""
    c = effort_contract()
    f.login(client, f.user("contract_manager"))
    import io

    data = "periode;productcode;eenheden;opmerking\n2026-01;45A53;2;cliënt ’t Zand\n"
    response = f.post(
        client,
        f"/contracten/{c.id}/realisatie/import",
        {"i-file": (io.BytesIO(data.encode("cp1252")), "realisatie.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code in (200, 302)
    assert db.session.execute(select(func.count(Realisation.id))).scalar_one() == 1


def test_ceilings_over_the_signal_follow_realisation_and_budget_everywhere(client):
    """The dashboard card, the portfolio section and the list filter find a ceiling through
    its stored warn_reached_at: it appears when realisation passes the signal percentage
    and leaves all three when a raised budget puts it below again."""
    today = date.today()
    contract = _effort_ceiling_of_1000(f.region("wbo"), f.provider("brug"), today)
    f.login(client, f.user("contract_manager"))

    def shown() -> tuple:
        portfolio = client.get("/contracten/portfolio").get_data(as_text=True)
        section = portfolio.split('id="plafonds"')[1].split('id="aflopend"')[0]
        listed = client.get("/contracten/?ceiling_warning=1").get_data(as_text=True)
        card = _card_values(client.get("/").get_data(as_text=True))["Budgetplafonds boven 80 %"]
        return contract.reference in section, contract.reference in listed, card

    assert shown() == (False, False, 0)
    ops.record_realisation(contract, product="45A53", period=date(today.year, 2, 1), units="7")
    db.session.commit()
    assert shown() == (False, False, 0)  # 70 % of the ceiling: under the 80 % signal
    ops.record_realisation(contract, product="45A53", period=date(today.year, 3, 1), units="1.5")
    db.session.commit()
    year = db.session.execute(
        select(ContractYear).where(ContractYear.contract_id == contract.id)
    ).scalar_one()
    assert year.warn_reached_at is not None
    assert shown() == (True, True, 1)  # 85 %
    ops.set_year_budget(
        db.session.get(Contract, contract.id),
        year=today.year,
        budget="2000.00",
        decided_on=today,
        reason="Plafond verhoogd na besluit van het bestuur",
        decision_reference="BESL-2026-14",
    )
    db.session.commit()
    assert shown() == (False, False, 0)  # 42.5 % of the raised ceiling


def _listed(client, query: str = "") -> set[str]:
    page = client.get(f"/contracten/?{query}").get_data(as_text=True)
    return {c.reference for c in db.session.scalars(select(Contract)) if c.reference in page}


def test_kept_list_statements_serve_each_scope_its_own_contracts_and_follow_the_day(app):
    """The list's statements are kept per scope, filters, order and (for the filters that
    count from today) day: two regions' managers and a provider, in turn on the same
    list, each see only their own; another filter value gives other rows; an 'ends within'
    filter moves with the day."""
    wbo = effort_contract(title="Specialistische GGZ West-Brabant Oost")
    e10 = effort_contract(
        f.region("e10"), f.provider("kompas"), title="Specialistische GGZ Een 10 voor de Jeugd"
    )
    lumpsum = lumpsum_contract()  # WBO, provider kompas, ends 2030
    clients = {}
    for key, user in (
        ("wbo", f.user("contract_manager")),
        ("e10", f.user("contract_manager", region_code="e10")),
        ("brug", f.user("provider", provider_code="brug")),
    ):
        clients[key] = app.test_client()
        f.login(clients[key], user)
    expected = {
        "wbo": {wbo.reference, lumpsum.reference},
        "e10": {e10.reference},
        "brug": {wbo.reference},
    }
    for _ in range(2):  # in turn, twice: the second round is served from kept statements
        for key, client in clients.items():
            assert _listed(client) == expected[key], key
            assert _listed(client, "sort=end&dir=desc") == expected[key], key
    assert _listed(clients["wbo"], "variant=effort") == {wbo.reference}
    assert _listed(clients["wbo"], "variant=task") == {lumpsum.reference}
    assert _listed(clients["wbo"], "q=West-Brabant") == {wbo.reference}
    assert _listed(clients["wbo"], "q=Een+10") == set()

    # effort contracts end 2027-12-31: not within 18 months on 1 June 2026, within on
    # 15 December 2026 (the same year: the list's year is no part of the difference)
    manager = f.user("contract_manager", email="manager.tijd@example.org")
    for day, ending in (("2026-06-01 10:00", set()), ("2026-12-15 10:00", {wbo.reference})):
        with time_machine.travel(day, tick=False):
            client = app.test_client()
            f.login(client, manager)
            assert _listed(client, "ending_months=18") == ending, day
