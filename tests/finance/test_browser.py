"""A browser on the framework page (table, chart with its text alternative) and a report
download."""

import pytest

from tests import factories as f
from tests.finance.helpers import nob_user
from tests.finance.test_framework import adjust, build_2020

pytestmark = pytest.mark.browser


def test_framework_page_and_council_report_download(live_server, page):
    admin = nob_user("admin")
    framework = build_2020(admin)
    adjust(next(line for line in framework.lines if line.code == "zin"), 783_852, admin)
    page.goto(f"{live_server}/")
    page.get_by_label("E-mailadres").fill(admin.email)
    page.get_by_label("Wachtwoord").fill(f.PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.get_by_role("link", name="Financiën").click()
    page.get_by_role("link", name="2020").first.click()
    page.get_by_role("heading", name="2020").wait_for()
    row = page.locator('#framework-table tr[data-code="zin"]')
    assert "96.119.554" in row.inner_text()
    assert page.get_by_role("img", name="Kader en realisatie per post 2020").is_visible()
    page.get_by_role("link", name="Rapportages").click()
    # The PDF is rendered on request: allow for a slow (shared) machine.
    with page.expect_download(timeout=90_000) as download:
        page.locator("#reports-raad a", has_text="PDF").first.click(timeout=90_000)
    assert download.value.suggested_filename.startswith("raadsrapportage-nob-")
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
