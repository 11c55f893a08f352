import io
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from procure import PROJECT_ROOT
from procure.catalogue import operations as ops
from procure.catalogue.models import Product, Tariff, TaskArea
from procure.catalogue.pdcfiles import import_directory
from procure.extensions import db
from tests import factories as f
from tests.catalogue.helpers import product


@pytest.fixture
def seeded(app):
    f.region("wbo")
    import_directory(PROJECT_ROOT / "pdc", "wbo")
    return f.region("wbo")


def _html(response, status=200):
    assert response.status_code == status, response.status_code
    return response.get_data(as_text=True)


def test_list_search_filter_and_sort(client, seeded):
    f.login(client, f.user("procurement"))
    html = _html(client.get("/catalogus/?per_page=50"))
    assert "45A53" in html and "54D01" in html and "28 resultaten" in html
    html = _html(client.get("/catalogus/?q=42a"))
    assert "42A05" in html and "42A10" in html and "45A53" not in html
    html = _html(client.get("/catalogus/?q=pleeggezin"))  # searches the description text
    assert "44A06" in html and "54002" not in html
    html = _html(client.get("/catalogus/?variant=effort&task_area=wonen"))
    assert "44A06" in html and "44A08" in html and "54002" not in html
    html = _html(client.get("/catalogus/?status=concept"))
    assert "54D01" in html and "54D02" in html and "45A53" not in html
    html = _html(client.get("/catalogus/?valid_on=2026-06-01"))
    assert "45A53" in html and "54D01" not in html  # dyslexia starts in 2027
    html = _html(client.get("/catalogus/?sort=code&dir=desc&per_page=3"))
    assert html.index("54D02") < html.index("54D01") and "45A53" not in html
    html = _html(client.get("/catalogus/?valid_on=gisteren"))
    assert "geen geldige datum" in html


@pytest.mark.parametrize("role", ["municipality", "provider"])
def test_municipality_and_provider_see_fixed_cards_only_and_cannot_edit(client, seeded, role):
    user = f.user(role)
    f.login(client, user)
    html = _html(client.get("/catalogus/?per_page=50"))
    assert "45A53" in html and "54D01" not in html and "Nieuwe productkaart" not in html
    assert "26 resultaten" in html
    html = _html(client.get("/catalogus/?status=concept"))  # the status filter is ignored
    assert "54D01" not in html
    concept = db.session.execute(select(Product).where(Product.code == "54D01")).scalar_one()
    fixed = db.session.execute(select(Product).where(Product.code == "54002")).scalar_one()
    assert client.get(f"/catalogus/{concept.id}").status_code == 404
    assert client.get("/catalogus/code/54D01").status_code == 404
    html = _html(client.get(f"/catalogus/{fixed.id}"))
    assert "Specialistische GGZ-behandeling" in html and "Nieuwe versie maken" not in html
    assert client.get("/catalogus/nieuw").status_code == 403
    assert client.get(f"/catalogus/{fixed.id}/bewerken").status_code == 403
    assert client.get("/catalogus/indexatie").status_code == 403
    response = f.post(client, f"/catalogus/{fixed.id}/tarieven", {"year": "2026", "price": "9.99"})
    assert response.status_code == 403
    response = f.post(client, f"/catalogus/{concept.id}/vaststellen")
    assert response.status_code == 403
    response = f.post(
        client,
        "/catalogus/nieuw",
        {
            "code": "45A99",
            "name": "X",
            "variant": "task",
            "valid_from": "2027-01-01",
            "task_area_id": "0",
            "unit": "",
        },
    )
    assert response.status_code == 403
    db.session.expire_all()
    assert fixed.tariff_for(2026).price != 9.99 and str(fixed.tariff_for(2026).price) == "2.13"
    assert db.session.get(Product, concept.id).status == "concept"
    assert db.session.execute(select(func.count(Product.id))).scalar_one() == 28
    csv = client.get("/catalogus/export.csv").get_data(as_text=True)
    assert "45A53" in csv and "54D01" not in csv


def test_other_region_cards_are_invisible(client, seeded):
    other = product("45A46", region_code="e10", unit="uur", price="80.00")
    f.login(client, f.user("contract_manager"))
    assert client.get(f"/catalogus/{other.id}").status_code == 404
    html = _html(client.get("/catalogus/?q=45A46"))
    assert "80,00" not in html


def test_product_page_shows_tariffs_history_and_translations(client, seeded):
    card = ops.current_version(seeded.id, "54002")
    new = ops.update_product(
        card,
        {"name": "Specialistische GGZ (herzien)"},
        valid_from=date(2026, 7, 1),
        change_note="Naam herzien",
    )
    db.session.commit()
    f.login(client, f.user("procurement"))
    html = _html(client.get(f"/catalogus/{new.id}"))
    assert "Specialistische GGZ (herzien)" in html and "€ 2,13" in html
    assert "versie 1" in html and "Naam herzien" in html
    assert "Stevig Lokaal Team" in html and "gedeeltelijk" in html
    # the change history, as a sentence with the field that changed (no action codes)
    assert "maakte een nieuwe versie van een product" in html and "product.versioned" not in html
    old = _html(client.get(f"/catalogus/{card.id}"))
    assert "eerdere versie" in old and "Specialistische GGZ-behandeling" in old
    assert "Nieuwe versie maken" not in old
    response = client.get("/catalogus/code/54002")
    assert response.headers["Location"].endswith(f"/catalogus/{new.id}")


def test_create_form_validates_and_keeps_input(client, seeded):
    f.login(client, f.user("procurement"))
    area = db.session.execute(select(TaskArea).where(TaskArea.code == "slt")).scalar_one()
    form = {
        "code": "4A53",
        "name": "Nieuwe ambulante hulp",
        "variant": "effort",
        "unit": "uur",
        "price": "75,00",
        "valid_from": "2027-01-01",
        "task_area_id": str(area.id),
        "description": "Mijn tekst blijft staan",
    }
    html = _html(f.post(client, "/catalogus/nieuw", form), 422)
    assert "Ongeldige productcode" in html and "Mijn tekst blijft staan" in html
    html = _html(f.post(client, "/catalogus/nieuw", {**form, "code": "45A53"}), 409)
    assert "45A53 bestaat al" in html
    refused = f.post(client, "/catalogus/nieuw", {**form, "code": "45B01", "variant": "task"})
    html = _html(refused, 422)
    assert html.count("taakgericht product heeft geen prijs") == 1  # once, at the price
    response = f.post(client, "/catalogus/nieuw", {**form, "code": "45b01"})
    assert response.status_code == 302
    created = db.session.execute(select(Product).where(Product.code == "45B01")).scalar_one()
    assert created.status == "concept" and str(created.tariff_for(2027).price) == "75.00"


def test_edit_fixed_card_via_form_creates_version(client, seeded):
    f.login(client, f.user("procurement"))
    card = ops.current_version(seeded.id, "44A08")
    html = _html(client.get(f"/catalogus/{card.id}/bewerken"))
    assert "Deze kaart is vastgesteld" in html
    response = f.post(
        client,
        f"/catalogus/{card.id}/bewerken",
        {
            "name": "Gezinshuis (herzien)",
            "task_area_id": str(card.task_area_id),
            "variant": "effort",
            "unit": "etmaal",
            "valid_from": "2027-04-01",
            "description": card.description,
            "criteria": "",
            "target_group": "",
            "change_note": "Criteria geschrapt",
        },
    )
    assert response.status_code == 302
    versions = (
        db.session.execute(select(Product).where(Product.code == "44A08").order_by(Product.version))
        .scalars()
        .all()
    )
    assert [(v.version, v.valid_from, v.valid_to) for v in versions] == [
        (1, date(2026, 1, 1), date(2027, 3, 31)),
        (2, date(2027, 4, 1), None),
    ]
    assert versions[0].name == "Gezinshuis" and versions[1].name == "Gezinshuis (herzien)"


def test_tariff_fix_and_expire_through_the_pages(client, seeded):
    f.login(client, f.user("procurement"))
    concept = ops.current_version(seeded.id, "54D02")
    response = f.post(
        client, f"/catalogus/{concept.id}/tarieven", {"year": "2027", "price": "1,72"}
    )
    assert response.status_code == 302
    html = _html(client.get(f"/catalogus/{concept.id}"))
    assert "Tarief opgeslagen" in html and "€ 1,72" in html
    refused = f.post(
        client, f"/catalogus/{concept.id}/tarieven", {"year": "2028", "price": "1,725"}
    )
    html = _html(refused, 422)
    # the error once, next to the price; what was typed stays in the form
    assert refused.status_code == 422 and html.count("twee decimalen") == 1
    assert 'value="1,725"' in html and 'value="2028"' in html and "€ 1,72" in html
    f.post(client, f"/catalogus/{concept.id}/vaststellen")
    assert db.session.get(Product, concept.id).status == "vastgesteld"
    f.post(client, f"/catalogus/{concept.id}/laten-vervallen", {"valid_to": "2027-12-31"})
    gone = db.session.get(Product, concept.id)
    assert gone.status == "vervallen" and gone.valid_to == date(2027, 12, 31)


def test_indexation_page_previews_then_applies_once(client, seeded):
    f.login(client, f.user("procurement"))
    html = _html(
        f.post(client, "/catalogus/indexatie", {"from_year": "2026", "percentage": "3,35"})
    )
    assert "Voorbeeld" in html and "€ 2,20" in html  # 54002: 2.13 * 1.0335 = 2.2014
    assert (
        db.session.execute(select(func.count(Tariff.id)).where(Tariff.year == 2027)).scalar_one()
        == 2
    )  # only the two dyslexia tariffs
    response = f.post(
        client, "/catalogus/indexatie", {"from_year": "2026", "percentage": "3,35", "apply": "1"}
    )
    assert response.status_code == 302
    assert (
        db.session.execute(select(func.count(Tariff.id)).where(Tariff.year == 2027)).scalar_one()
        == 9
    )
    html = _html(
        f.post(
            client, "/catalogus/indexatie", {"from_year": "2026", "percentage": "2", "apply": "1"}
        ),
        409,
    )
    assert "al uitgevoerd" in html and "3,35 %" in html


def test_translation_table_and_maatwerk_pages(client, seeded):
    user = f.user("municipality")
    f.login(client, user)
    html = _html(client.get("/catalogus/vertaaltabel"))
    assert "Pleeg- en gezinshuiszorg" in html and "Wonen met begeleiding" in html
    assert "Overeenkomst verblijf en crisiszorg (lumpsum)" in html
    assert "Dyslexie kopen we los in" in html
    ops.derive_maatwerk_codes(seeded.id)
    db.session.commit()
    html = _html(client.get("/catalogus/maatwerkcodes"))
    assert "MW45A53" in html and "MW54D01" not in html  # concept cards get no code
    assert f.post(client, "/catalogus/maatwerkcodes").status_code == 403


def test_exports_csv_and_excel(client, seeded):
    f.login(client, f.user("procurement"))
    response = client.get("/catalogus/export.csv?variant=effort")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    text = response.get_data(as_text=True).lstrip("\ufeff")
    lines = text.strip().splitlines()
    assert lines[0].startswith("Productcode;Categorie;Naam")
    assert "Tarief 2026" in lines[0]
    row = next(line for line in lines if line.startswith("54002;"))
    assert ";54;" in row and ";2,13" in row
    assert not any(line.startswith("45A53;") for line in lines)
    response = client.get("/catalogus/export.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data))
    sheet = book["Productkaarten"]
    rows = {r[0]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert len(rows) == 28 and rows["44A08"][2] == "Gezinshuis"
    header = [c.value for c in sheet[1]]
    assert float(rows["44A08"][header.index("Tarief 2026")]) == 189.35
    assert client.get("/catalogus/export.pdf").status_code == 404


def test_dashboard_cards(client, seeded):
    f.login(client, f.user("procurement"))
    html = _html(client.get("/"))
    assert "Vastgestelde productkaarten" in html and "Conceptkaarten" in html
    client.post("/uitloggen", data={"csrf_token": f.csrf_token(client, "/")})
    f.login(client, f.user("municipality"))
    html = _html(client.get("/"))
    assert "Vastgestelde productkaarten" in html and "Conceptkaarten" not in html


def _bulk_products(region_id: int, start: int, stop: int) -> None:
    area = ops.ensure_task_area(region_id, "slt", "Stevig Lokaal Team")
    for i in range(start, stop):
        p = Product(
            region_id=region_id,
            code=f"45{i:03d}",
            name=f"Product {i}",
            variant="effort",
            unit="uur",
            status="vastgesteld",
            valid_from=date(2026, 1, 1),
            task_area_id=area.id,
            is_current=True,
        )
        p.tariffs = [Tariff(year=2026, price="80.00"), Tariff(year=2027, price="82.00")]
        db.session.add(p)
    db.session.commit()


@pytest.mark.parametrize("role", ["procurement", "municipality"])
def test_list_page_runs_a_bounded_number_of_queries(client, count_queries, role):
    region = f.region("wbo")
    f.login(client, f.user(role))
    counts = {}
    for total in (10, 500):
        _bulk_products(region.id, 0 if total == 10 else 10, total)
        with count_queries() as statements:
            response = client.get("/catalogus/?per_page=100&q=Product&variant=effort")
        html = _html(response)
        assert f"{total} resultaten" in html
        counts[total] = len(statements)
    assert counts[10] == counts[500], counts
    assert counts[500] <= 10, counts


def test_csv_export_neutralises_formulas(client, app):
    product("45A46", unit="uur", price="81.27", name='=HYPERLINK("http://x")')
    f.login(client, f.user("procurement"))
    text = client.get("/catalogus/export.csv").get_data(as_text=True)
    row = next(line for line in text.splitlines() if line.startswith("45A46;"))
    assert ";\"'=HYPERLINK(" in row  # quoted by csv, prefixed with an apostrophe
