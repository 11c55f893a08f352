"""Browser: a provider applies for a category; the assessor admits it."""

from datetime import UTC, datetime

import pytest
import time_machine
from sqlalchemy import select

from procure.contracts.models import Contract
from procure.extensions import db
from procure.tenders.open_house.models import Application
from tests import factories as f
from tests.tenders.open_house.conftest import PDF, build_open_house

pytestmark = pytest.mark.browser


def _login(page, live_server, user):
    page.goto(f"{live_server}/inloggen")
    page.get_by_label("E-mailadres").fill(user.email)
    page.get_by_label("Wachtwoord").fill(f.PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.get_by_role("heading", name="Dashboard").wait_for()


@time_machine.travel(datetime(2026, 10, 1, 9, tzinfo=UTC), tick=True)
def test_provider_applies_and_assessor_admits(live_server, page, tmp_path):
    oh = build_open_house()
    provider_user = f.user("provider", provider_code="kompas")
    officer = f.user("procurement")
    keurmerk = tmp_path / "keurmerk.pdf"
    keurmerk.write_bytes(PDF)

    _login(page, live_server, provider_user)
    page.goto(f"{live_server}/open-house/{oh.tender.id}")
    page.get_by_role("link", name="Toelating aanvragen").click()
    page.get_by_label("GH Gezinshuiszorg").check()
    page.get_by_label("Breda").check()
    page.get_by_label("Oosterhout").check()
    page.locator(f"#answer_{oh.req1.id}").fill("KvK 41098765, AGB 98000001")
    page.locator(f"#file_{oh.req2.id}").set_input_files(str(keurmerk))
    page.get_by_role("button", name="Aanvraag indienen").click()
    page.get_by_text("is ingediend").wait_for()
    assert "wacht op beoordeling" in page.content()
    page.get_by_role("button", name="Uitloggen").click()

    _login(page, live_server, officer)
    application = db.session.execute(select(Application)).scalar_one()
    page.goto(f"{live_server}/open-house/aanvragen/{application.id}")
    page.get_by_label("Score eis 1").select_option("meets")
    page.get_by_label("Score eis 2").select_option("meets")
    page.get_by_role("button", name="Beoordeling opslaan").click()
    page.get_by_text("Beoordeling opgeslagen").wait_for()
    page.get_by_label("Gezinshuiszorg").select_option("admitted")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Besluit vastleggen").click()
    page.get_by_text("Besluit vastgelegd").wait_for()
    assert "toegelaten" in page.content()

    page.goto(f"{live_server}/open-house/{oh.tender.id}/toegelaten")
    page.get_by_role("heading", name="Toegelaten aanbieders per categorie").wait_for()
    assert "Aanbieder Kompas" in page.content()
    db.session.expire_all()
    contract = db.session.execute(select(Contract)).scalar_one()
    assert contract.start_date.isoformat() == "2027-01-01"
