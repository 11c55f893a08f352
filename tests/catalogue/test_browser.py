import pytest

from procure import PROJECT_ROOT
from procure.catalogue.pdcfiles import import_directory
from tests import factories as f

pytestmark = pytest.mark.browser


def test_search_the_catalogue_for_a_code_and_open_its_card(app, live_server, page):
    f.region("wbo")
    import_directory(PROJECT_ROOT / "pdc", "wbo")
    user = f.user("municipality", municipality_name="Breda")
    page.goto(f"{live_server}/inloggen")
    page.get_by_label("E-mailadres").fill(user.email)
    page.get_by_label("Wachtwoord").fill(f.PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.get_by_role("heading", name="Dashboard").wait_for()
    page.get_by_role("link", name="Catalogus").click()
    page.get_by_role("heading", name="Productcatalogus").wait_for()
    page.get_by_label("Zoeken in de catalogus").fill("44a08")
    page.get_by_role("button", name="Filteren").click()
    page.wait_for_url("**q=44a08**")
    rows = page.locator("table.catalogue-table tbody tr")
    assert rows.count() == 1
    page.get_by_role("link", name="44A08").click()
    page.get_by_role("heading", name="44A08 Gezinshuis").wait_for()
    content = page.content()
    assert "Wonen met begeleiding" in content and "€ 189,35" in content
    assert "Pleeg- en gezinshuiszorg" in content  # the translation table on the card
