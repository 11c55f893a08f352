"""Searchable pickers: the contract page's add-product picker and the provider pickers
offer a bounded number of server-side matches, work without JavaScript and refuse ids
outside the user's scope; the contract page does not grow with the catalogue."""

import re
from datetime import date

from sqlalchemy import insert, select

from procure.catalogue.models import Product
from procure.contracts.models import Contract, ContractedProduct
from procure.core.pickers import LIMIT
from procure.extensions import db
from tests import factories as f
from tests.contracts.helpers import effort_contract, product, task_area


def _catalogue(region, first: int, count: int, variant="effort"):
    """Product cards with fixed-width codes and names (so page sizes compare exactly)."""
    area = task_area(region)
    db.session.execute(
        insert(Product),
        [
            {
                "region_id": region.id,
                "code": f"9{i:04d}",
                "version": 1,
                "name": "Jeugd-GGZ behandeling",
                "task_area_id": area.id,
                "variant": variant,
                "unit": "uur",
                "status": "vastgesteld",
                "valid_from": date(2025, 1, 1),
                "is_current": True,
            }
            for i in range(first, first + count)
        ],
    )
    db.session.commit()


def _options(html: str) -> int:
    return len(re.findall(r"<option\b", html))


def test_contract_page_size_does_not_grow_with_the_catalogue(client):
    region = f.region("wbo")
    contract = effort_contract()
    f.login(client, f.user("contract_manager"))
    client.get("/")  # shows the log-in message, which would count in the first page
    # The page, and the page with the add-product fold-out (and its picker) open.
    pages = (f"/contracten/{contract.id}", f"/contracten/{contract.id}?formulier=product")
    _catalogue(region, 0, LIMIT + 5)
    middle = [client.get(path).get_data(as_text=True) for path in pages]
    _catalogue(region, LIMIT + 5, 400)
    large = [client.get(path).get_data(as_text=True) for path in pages]
    for small_page, large_page in zip(middle, large, strict=True):
        assert len(large_page) == len(small_page)
        assert _options(large_page) == _options(small_page) < 40
    assert 'id="p-product_id"' not in large[0] and 'id="p-product_id"' in large[1]
    assert "verfijn de zoekterm" in large[1]  # the user is told there are more


def test_add_product_without_javascript_search_then_pick(client):
    region = f.region("wbo")
    contract = effort_contract()
    _catalogue(region, 0, 60)
    f.login(client, f.user("contract_manager"))
    found = f.post(
        client,
        f"/contracten/{contract.id}/producten",
        {"p-product_id-q": "90042", "picker-search": "p-product_id"},
    )
    html = found.get_data(as_text=True)
    assert found.status_code == 200
    assert "90042 v1 Jeugd-GGZ behandeling" in html and "90041 v1" not in html
    assert 'value="90042"' in html  # the search text is kept
    wanted = db.session.execute(select(Product.id).where(Product.code == "90042")).scalar_one()
    added = f.post(client, f"/contracten/{contract.id}/producten", {"p-product_id": wanted})
    assert added.status_code == 302
    taken = db.session.execute(
        select(ContractedProduct.product_id).where(ContractedProduct.contract_id == contract.id)
    ).scalars()
    assert wanted in set(taken)


def test_add_product_refuses_a_card_of_another_region_or_variant(client):
    contract = effort_contract()
    foreign = product(f.region("e10"), code="45A99", name="Elders")
    lumpsum_card = product(f.region("wbo"), code="45T01", name="Taakgericht", variant="task")
    f.login(client, f.user("contract_manager"))
    for card in (foreign, lumpsum_card):
        response = f.post(client, f"/contracten/{contract.id}/producten", {"p-product_id": card.id})
        assert response.status_code == 422
        assert "Kies een waarde uit de zoekresultaten." in response.get_data(as_text=True)
    assert len(db.session.get(Contract, contract.id).products) == 1


def test_picker_endpoint_answers_bounded_matches_in_scope(client):
    region = f.region("wbo")
    contract = effort_contract()
    _catalogue(region, 0, 50)
    other = effort_contract(f.region("e10"), f.provider("kompas"))
    assert client.get(f"/kiezen/contract_product?contract={contract.id}").status_code == 302
    f.login(client, f.user("contract_manager"))
    data = client.get(f"/kiezen/contract_product?contract={contract.id}&q=900").get_json()
    assert len(data["items"]) == LIMIT and data["more"] is True
    assert all(item["label"].startswith("900") for item in data["items"])
    one = client.get(f"/kiezen/contract_product?contract={contract.id}&q=90049").get_json()
    assert [i["label"] for i in one["items"]] == ["90049 v1 Jeugd-GGZ behandeling"]
    assert one["more"] is False
    elsewhere = client.get(f"/kiezen/contract_product?contract={other.id}").get_json()
    assert elsewhere["items"] == []
    providers = client.get("/kiezen/provider?q=kompas").get_json()["items"]
    assert [p["label"] for p in providers] == [f.provider("kompas").name]
    assert client.get("/kiezen/onbekend").status_code == 404


def test_new_contract_provider_picker_searches_and_keeps_the_input(client):
    f.provider("kompas")
    f.provider("linde")
    f.login(client, f.user("contract_manager"))
    page = client.get("/contracten/nieuw").get_data(as_text=True)
    assert 'name="provider_id-q"' in page
    response = f.post(
        client,
        "/contracten/nieuw",
        {"title": "Jeugd-GGZ Altena", "provider_id-q": "linde", "picker-search": "provider_id"},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Jeugd-GGZ Altena" in html
    assert f.provider("linde").name in html and f.provider("kompas").name not in html
    assert db.session.execute(select(Contract.id)).first() is None


def test_contract_list_filters_on_a_provider_name_without_a_drop_down(client):
    card = product(f.region("wbo"))
    effort_contract(provider=f.provider("kompas"), title="Kompas contract", product_row=card)
    effort_contract(provider=f.provider("linde"), title="Linde contract", product_row=card)
    f.login(client, f.user("contract_manager"))
    html = client.get("/contracten/?provider_q=" + "Linde").get_data(as_text=True)
    assert "Linde contract" in html and "Kompas contract" not in html
    assert '<select name="provider_id"' not in html
    chosen = client.get(f"/contracten/?provider_id={f.provider('kompas').id}").get_data(
        as_text=True
    )
    assert "Kompas contract" in chosen and "Linde contract" not in chosen
    assert f.provider("kompas").name in chosen and "Filter op aanbieder wissen" in chosen


CSRF_TOKEN = re.compile(r"[\w-]{20,}\.[\w-]{6}\.[\w-]{20,}")  # signed with the time


def _without_picker_options(html: str) -> str:
    """The page with the add-product picker's options, its 'more' hint and the (timed)
    CSRF tokens taken out: what must be the same byte for byte whatever the catalogue."""
    html = re.sub(r'(<select id="p-product_id"[^>]*>).*?(</select>)', r"\1\2", html, flags=re.S)
    html = re.sub(r'<small class="hint picker-more"[^>]*>', "<small picker-more>", html)
    return CSRF_TOKEN.sub("csrf", html)


def test_contract_page_html_and_queries_independent_of_the_catalogue(client, count_queries):
    """10 against 1,000 product versions of the contract's region and variant (500 cards in
    two versions, plus cards of the other variant): the same statements, the same page but
    for the picker's at most LIMIT options."""
    region = f.region("wbo")
    contract = effort_contract()
    f.login(client, f.user("contract_manager"))
    client.get("/")  # shows the log-in message, which would count in the first page
    paths = (f"/contracten/{contract.id}", f"/contracten/{contract.id}?formulier=product")

    def versions(first: int, count: int, variant: str = "effort"):
        area = task_area(region)
        db.session.execute(
            insert(Product),
            [
                {
                    "region_id": region.id,
                    "code": f"8{i // 2:04d}",
                    "version": 1 + i % 2,
                    "name": "Ambulante jeugdhulp",
                    "task_area_id": area.id,
                    "variant": variant,
                    "unit": "uur",
                    "status": "vastgesteld",
                    "valid_from": date(2025, 1, 1) if i % 2 == 0 else date(2026, 1, 1),
                    "is_current": i % 2 == 1,
                }
                for i in range(first, first + count)
            ],
        )
        db.session.commit()

    def pages():
        """Each page with the statements it ran."""
        found = []
        for path in paths:
            with count_queries() as statements:
                found.append((client.get(path).get_data(as_text=True), len(statements)))
        return found

    versions(0, 10)
    smalls = pages()
    versions(10, 990)
    versions(2000, 1000, variant="output")  # another variant: never offered here
    assert db.session.query(Product).count() >= 2000
    for (small, small_statements), (large, large_statements) in zip(smalls, pages(), strict=True):
        assert large_statements == small_statements
        assert _options(small) <= _options(large) <= _options(small) + LIMIT
        assert _without_picker_options(large) == _without_picker_options(small)
    assert 'id="p-product_id"' in smalls[1][0]  # the picker the fold-out shows
    assert len(large) - len(small) < LIMIT * 80  # at most LIMIT short option lines more
