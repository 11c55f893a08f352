import pytest

from tests import factories as f

pytestmark = pytest.mark.browser


def test_procurement_officer_logs_in_sees_dashboard_and_logs_out(live_server, page):
    user = f.user("procurement", email="inkoper@example.org")
    page.goto(f"{live_server}/")
    page.get_by_label("E-mailadres").fill(user.email)
    page.get_by_label("Wachtwoord").fill(f.PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.get_by_role("heading", name="Dashboard").wait_for()
    assert page.get_by_role("link", name="Catalogus").is_visible()
    page.get_by_role("button", name="Uitloggen").click()
    page.get_by_role("heading", name="Inloggen").wait_for()
    assert "U bent uitgelogd" in page.content()
