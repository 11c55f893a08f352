"""The finance pages as users reach them: every page answers for region staff and for a
municipality, the framework is built and adjusted through the forms, and refusals answer
4xx with the message next to the field and nothing written."""

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from procure.extensions import db
from procure.finance.models import BudgetAdjustment, BudgetFramework
from tests import factories as f

PAGES = [
    "/financien/",
    "/financien/kader/2020",
    "/financien/kader/2020.xlsx",
    "/financien/gemeenten?jaar=2026",
    "/financien/gemeenten.xlsx?jaar=2026",
    "/financien/maatwerk?jaar=2026",
    "/financien/maatwerk.xlsx?jaar=2026",
    "/financien/indicatoren",
    "/financien/wachttijden?maand=2024-09",
    "/financien/wachttijden.xlsx?maand=2024-09",
    "/financien/rapportages",
]


@pytest.mark.parametrize(
    "email",
    ["admin.nob@example.org", "municipality-vught.nob@example.org", "supervisor.nob@example.org"],
)
def test_every_finance_page_answers_with_demo_data(client, demo, email):
    f.login(client, email, "jeugdhulp-demo-2026")
    for path in PAGES:
        response = client.get(path)
        assert response.status_code == 200, path
    page = client.get("/financien/kader/2020").get_data(as_text=True)
    assert "€ 128.558.315" in page and "€ 129.756.729" in page and "€ 133.256.729" in page
    assert 'role="img"' in page and "<desc>" in page
    page = client.get("/financien/kader/2021").get_data(as_text=True)
    assert "€ 131.310.910" in page and "€ 131.310.909" in page  # sum and stated total
    assert "PM" in page and "CTB/Regionale overlegstructuur" in page


def test_provider_cannot_open_finance(client, demo):
    f.login(client, "provider.kompas@example.org", "jeugdhulp-demo-2026")
    assert client.get("/financien/").status_code == 403


def test_framework_built_adopted_and_adjusted_through_the_forms(client):
    admin = f.user("admin", "e10")
    f.login(client, admin)
    assert f.post(client, "/financien/kader", {"year": "2026", "title": ""}).status_code == 302
    for code, name, amount in (
        ("jzplus", "Jeugdzorgplus", "4.387.470"),
        ("vt", "Veilig Thuis", "4.877.633"),
    ):
        response = f.post(
            client,
            "/financien/kader/2026/posten",
            {"code": code, "name": name, "amount": amount, "kind": "regular"},
        )
        assert response.status_code == 302
    response = f.post(
        client, "/financien/kader/2026/vaststellen", {"decided_on": "2025-12-01", "reference": ""}
    )
    assert response.status_code == 422
    response = f.post(
        client,
        "/financien/kader/2026/vaststellen",
        {"decided_on": "2025-12-01", "reference": "RBO 1 december 2025"},
    )
    assert response.status_code == 302
    framework = db.session.execute(select(BudgetFramework)).scalar_one()
    vt = next(line for line in framework.lines if line.code == "vt")
    # After adoption: an adjustment without a decision reference is refused, input kept.
    response = f.post(
        client,
        "/financien/kader/2026/mutaties",
        {
            "line_id": vt.id,
            "amount": "77.500",
            "decided_on": "2026-03-01",
            "decision_reference": "",
            "reason": "Indexatie",
        },
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Een mutatie vraagt het kenmerk van het besluit." in body and "77.500" in body
    assert db.session.execute(select(func.count(BudgetAdjustment.id))).scalar_one() == 0
    # Adding a line directly is refused now.
    response = f.post(
        client, "/financien/kader/2026/posten", {"code": "x", "name": "X", "kind": "regular"}
    )
    assert response.status_code == 403
    response = f.post(
        client,
        "/financien/kader/2026/mutaties",
        {
            "line_id": vt.id,
            "amount": "77.500",
            "decided_on": "2026-03-01",
            "decision_reference": "RBO 1 maart 2026",
            "reason": "Indexatie",
        },
    )
    assert response.status_code == 302
    page = client.get("/financien/kader/2026").get_data(as_text=True)
    assert "€ 4.955.133" in page and "RBO 1 maart 2026" in page
    adjustment = db.session.execute(select(BudgetAdjustment)).scalar_one()
    assert adjustment.amount == Decimal("77500.00") and adjustment.decided_on == date(2026, 3, 1)


def test_allocation_key_form_refuses_shares_not_adding_up(client):
    admin = f.user("admin", "e10")
    region = f.region("e10")
    f.login(client, admin)
    shares = {f"share_{m.id}": "33,33" for m in region.municipalities}
    data = {"method": "fixed", "decided_on": "2025-12-01", "basis": "test", **shares}
    response = f.post(client, "/financien/gemeenten?jaar=2026", data)
    assert response.status_code == 422
    assert "99.99" in response.get_data(as_text=True)
    first = region.municipalities[0]
    data[f"share_{first.id}"] = "33,34"
    response = f.post(client, "/financien/gemeenten?jaar=2026", data)
    assert response.status_code == 302
    page = client.get("/financien/gemeenten?jaar=2026").get_data(as_text=True)
    assert "33,34 %" in page
