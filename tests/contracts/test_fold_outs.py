"""The contract page's fold-out forms: the page links to each (?formulier=<name>), the page
with that fold-out open shows its form, a refused form comes back open with its errors and
input, and the page builds no form it does not show."""

import re

from procure.contracts import operations as ops
from procure.contracts.models import Contract
from procure.extensions import db
from tests import factories as f
from tests.contracts.helpers import effort_contract, lumpsum_contract, product

EFFORT_FOLDS = {
    "budget": 'name="b-year"',
    "signaalgrens": 'name="th-warn_pct"',
    "product": 'name="p-product_id"',
    "import": 'name="i-file"',
    "optie": 'name="o-months"',
    "opzeggen": 'name="t-reason"',
    "overgangstermijn": 'name="tr-until"',
    "addendum": 'name="ad-subject"',
    "onderaannemer": 'name="sub-name"',
}
LUMPSUM_FOLDS = {"betaling": 'name="pay-payment_id"', "onttrekking": 'name="v-amount"'}


def _links(html: str) -> set:
    return set(re.findall(r'<p class="fold-link"><a href="[^"?]*\?formulier=(\w+)#\w+">', html))


def _field_names(html: str) -> set:
    return set(re.findall(r'<(?:input|select|textarea)[^>]* name="([\w-]+)"', html))


def test_each_fold_out_is_a_link_and_opens_with_its_form(client):
    contract = effort_contract()
    f.login(client, f.user("contract_manager"))
    page = client.get(f"/contracten/{contract.id}").get_data(as_text=True)
    assert _links(page) == set(EFFORT_FOLDS)
    assert not any(marker in page for marker in EFFORT_FOLDS.values())
    assert 'name="r-period"' in page  # the realisation form stays on the page, open
    for name, marker in EFFORT_FOLDS.items():
        opened = client.get(f"/contracten/{contract.id}?formulier={name}").get_data(as_text=True)
        assert marker in opened, name
        assert _links(opened) == set(EFFORT_FOLDS) - {name}
        others = [m for n, m in EFFORT_FOLDS.items() if n != name and m != marker]
        assert not any(m in opened for m in others), name
    unknown = client.get(f"/contracten/{contract.id}?formulier=onbekend").get_data(as_text=True)
    assert _field_names(unknown) == _field_names(page)


def test_lumpsum_fold_outs_payment_and_reserve(client):
    contract = lumpsum_contract()
    f.login(client, f.user("contract_manager"))
    page = client.get(f"/contracten/{contract.id}").get_data(as_text=True)
    assert set(LUMPSUM_FOLDS) <= _links(page)
    assert "Betaling registreren" in page and "Onttrekking vastleggen" in page
    for name, marker in LUMPSUM_FOLDS.items():
        assert marker not in page
        opened = client.get(f"/contracten/{contract.id}?formulier={name}").get_data(as_text=True)
        assert marker in opened and "<details" in opened and " open>" in opened
    payment = client.get(f"/contracten/{contract.id}?formulier=betaling").get_data(as_text=True)
    assert len(re.findall(r"<option ", payment.split('name="pay-payment_id"')[1])) >= 12


def test_a_refused_form_comes_back_open_with_its_input_and_errors(client):
    contract = effort_contract()  # a ceiling for 2026: changing it needs a motivation
    f.login(client, f.user("contract_manager"))
    refused = f.post(
        client, f"/contracten/{contract.id}/budget", {"b-year": "2026", "b-budget": "234567"}
    )
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert 'name="b-year"' in html and 'value="234567"' in html
    assert "vraagt een besluit met motivering" in html
    assert re.search(r"<details open><summary>Budget of plafond", html)
    assert "budget" not in _links(html) and "optie" in _links(html)
    assert 'name="o-months"' not in html  # the other fold-outs stay links


def test_fold_outs_follow_the_policy(client):
    """Who may not use a form gets neither its link nor, asking for it, the form."""
    contract = effort_contract()
    f.login(client, f.user("procurement"))
    for name in (None, *EFFORT_FOLDS):
        path = f"/contracten/{contract.id}" + (f"?formulier={name}" if name else "")
        html = client.get(path).get_data(as_text=True)
        assert not _links(html), name
        assert not any(marker in html for marker in EFFORT_FOLDS.values()), name


def test_products_table_and_realisation_choices_from_the_one_products_query(client):
    """The page reads its products, cards and prices in one query of columns: each product
    once, its prices in year order."""
    region = f.region("wbo")
    contract = effort_contract()
    bare = product(
        region, code="45B01", name="Dagbehandeling", unit="dagdeel", prices={2027: "50", 2026: "40"}
    )
    ops.add_contract_product(db.session.get(Contract, contract.id), product_id=bare.id)
    f.login(client, f.user("contract_manager"))
    html = client.get(f"/contracten/{contract.id}").get_data(as_text=True)
    table = html.split('id="producten"')[1].split("</table>")[0]
    assert table.count("<tr>") == 3  # the header and one row per product
    assert "45A53 Specialistische GGZ behandeling <small>v1</small>" in table
    assert "2026: € 98,50 · 2027: € 101,25" in table
    assert "45B01 Dagbehandeling <small>v1</small></td><td>dagdeel</td>" in table
    assert "2026: € 40,00 · 2027: € 50,00" in table
    choices = html.split('id="r-product"')[1].split("</select>")[0]
    assert '<option value="45A53">45A53 Specialistische GGZ behandeling</option>' in choices
    assert '<option value="45B01">45B01 Dagbehandeling</option>' in choices
