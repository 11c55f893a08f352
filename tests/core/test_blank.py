"""Blank forms rendered once (procure.core.blank): the same HTML as the form rendered as
usual, kept per language and choices, never a refused form's input, and on the contract
page each session's own CSRF token (BlankForm's hidden tag)."""

import re

from flask import render_template

from procure.contracts.forms import RealisationForm
from procure.core.blank import blank_fields
from tests import factories as f
from tests.contracts.helpers import effort_contract, product

FIELDS = "contracts/_realisation_fields.html"
CHOICES = {
    "product": [("45A53", "45A53 Specialistische GGZ behandeling")],
    "municipality": [("", "Onbekend"), ("0758", "Breda")],
}


def _as_usual(choices):
    form = RealisationForm(formdata=None, prefix="r")
    for name, pairs in choices.items():
        form[name].choices = pairs
    return render_template(FIELDS, form=form)


def test_blank_fields_are_the_form_as_rendered_and_kept_per_choices(app):
    with app.test_request_context("/"):
        first = blank_fields(FIELDS, RealisationForm, prefix="r", choices=CHOICES)
        assert str(first) == _as_usual(CHOICES)
        assert blank_fields(FIELDS, RealisationForm, prefix="r", choices=CHOICES) is first
        other = {**CHOICES, "product": [("45A54", "45A54 Behandeling maatwerk")]}
        second = blank_fields(FIELDS, RealisationForm, prefix="r", choices=other)
        assert str(second) == _as_usual(other)
        assert "45A54 Behandeling maatwerk" in second and "45A53" not in second


def _tokens(page):
    """The session's token (the page's meta tag) and the realisation form's hidden one."""
    meta = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    hidden = re.search(r'name="r-csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    return meta, hidden


def test_blank_form_carries_each_sessions_own_token(app):
    contract = effort_contract()
    manager = f.user("contract_manager")
    tokens = []
    for _ in range(2):  # two sessions of the same user, each page from the kept form
        client = app.test_client()
        f.login(client, manager)
        meta, hidden = _tokens(client.get(f"/contracten/{contract.id}").get_data(as_text=True))
        assert hidden == meta
        tokens.append(hidden)
    assert tokens[0] != tokens[1]


def _field_values(page):
    return re.findall(r'name="r-(period|units)"[^>]*value="([^"]*)"', page)


def test_contract_page_realisation_form_blank_after_a_refusal_and_per_language(client):
    """Through the pages: the refused form comes back with its input and error; the next
    page shows the blank form again (not the refused input), with a product added since
    among its choices, and in English after the user switches language."""
    contract = effort_contract(ceiling="1000.00")
    manager = f.user("contract_manager")
    f.login(client, manager)
    path = f"/contracten/{contract.id}"
    refused = f.post(
        client, f"{path}/realisatie", {"r-product": "45A53", "r-period": "2026-04", "r-units": "x"}
    )
    assert refused.status_code in (400, 409, 422)
    assert 'value="2026-04"' in refused.get_data(as_text=True)
    page = client.get(path).get_data(as_text=True)
    assert 'value="2026-04"' not in page
    assert _field_values(page) == [("period", ""), ("units", "")]
    assert "45A54" not in page

    second = product(contract.region, code="45A54", name="Behandeling maatwerk")
    added = f.post(client, f"{path}/producten", {"p-product_id": str(second.id)})
    assert added.status_code == 302
    page = client.get(path).get_data(as_text=True)
    options = re.search(r'<select[^>]*name="r-product".*?</select>', page, re.S).group(0)
    assert "45A53 Specialistische GGZ behandeling" in options
    assert "45A54 Behandeling maatwerk" in options

    booked = f.post(
        client, f"{path}/realisatie", {"r-product": "45A54", "r-period": "2026-03", "r-units": "1"}
    )
    assert booked.status_code == 302, booked.get_data(as_text=True)[-500:]

    f.post(client, "/taal/en", {"next": path})
    english = client.get(path).get_data(as_text=True)
    assert "Deliberately exceed the ceiling" in english and ">Units<" in english
