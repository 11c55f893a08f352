import pytest

from tests import factories as f
from tests.contracts.helpers import effort_contract

pytestmark = pytest.mark.browser


def test_contract_manager_records_realisation_and_sees_utilisation_bar_change(live_server, page):
    contract = effort_contract(ceiling="1000.00")  # 45A53 at EUR 98.50 per hour in 2026
    user = f.user("contract_manager", email="contract_manager.wbo@example.org")
    page.goto(f"{live_server}/contracten/{contract.id}")
    page.get_by_label("E-mailadres").fill(user.email)
    page.get_by_label("Wachtwoord").fill(f.PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    bar = page.locator('[data-testid="util-2026"]')
    bar.wait_for()
    assert bar.get_attribute("data-pct") == "0.0"
    fill_before = page.locator('[data-testid="util-2026"] rect.fill').get_attribute("width")

    page.get_by_label("Periode (JJJJ-MM)").fill("2026-03")
    page.get_by_label("Eenheden", exact=True).fill("8.5")
    page.get_by_role("button", name="Realisatie vastleggen").click()
    page.get_by_text("Realisatie vastgelegd.").wait_for()

    bar = page.locator('[data-testid="util-2026"]')
    assert bar.get_attribute("data-pct") == "83.7"  # 8.5 x 98.50 = 837.25 of 1,000.00
    assert "level-warn" in bar.get_attribute("class")
    fill_after = page.locator('[data-testid="util-2026"] rect.fill').get_attribute("width")
    assert float(fill_after) > float(fill_before)
    assert page.get_by_text("Let op: boven 80 % van het plafond").is_visible()
    assert page.get_by_role("cell", name="€ 837,25").first.is_visible()
