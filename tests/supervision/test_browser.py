"""Browser: a municipality logs a signal; a supervisor triages it to investigation."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from procure.core.timeutil import today_local
from procure.extensions import db
from procure.supervision.models import Signal
from tests import factories as f

pytestmark = pytest.mark.browser


def _login(page, live_server, user):
    page.goto(f"{live_server}/inloggen")
    page.get_by_label("E-mailadres").fill(user.email)
    page.get_by_label("Wachtwoord").fill(f.PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.get_by_role("heading", name="Dashboard").wait_for()


def test_municipality_logs_signal_and_supervisor_triages_it_to_investigation(live_server, page):
    provider = f.provider("kompas", "Stichting Kompas Jeugdhulp")
    municipality = f.user(
        "municipality", "wbo", email="breda@example.org", municipality_name="Breda"
    )
    supervisor = f.user("supervisor", "wbo", email="toezicht@example.org")

    _login(page, live_server, municipality)
    page.get_by_role("link", name="Signalen", exact=True).click()
    page.get_by_role("link", name="Signaal melden").click()
    page.get_by_label("Aanbieder", exact=True).select_option(str(provider.id))
    page.get_by_label("Categorie").select_option("quality")
    page.get_by_label("Urgentie").select_option("high")
    page.get_by_label("Beschrijving").fill(
        "Ouders melden dat de behandeling al zes weken niet doorgaat zonder bericht."
    )
    page.get_by_role("button", name="Signaal vastleggen").click()
    page.get_by_text("vastgelegd").wait_for()
    assert page.locator("#signal-state").inner_text() == "Ontvangen (werkvoorraad)"
    page.get_by_role("button", name="Uitloggen").click()

    signal = db.session.execute(select(Signal)).scalar_one()
    assert signal.logged_by_municipality_id == municipality.municipality_id

    _login(page, live_server, supervisor)
    page.goto(f"{live_server}/signalen/")
    page.get_by_role("link", name=signal.reference).click()
    page.get_by_label("Besluit").select_option("investigate")
    page.get_by_label("Motivering").fill("Signaal over continuïteit van zorg: eigen onderzoek.")
    due = today_local() + timedelta(days=30)
    page.get_by_label("Onderzoek uiterlijk af (bij zelf onderzoeken)").fill(due.isoformat())
    page.get_by_role("button", name="Triage vastleggen").click()
    page.get_by_text("Triage vastgelegd.").wait_for()
    assert page.locator("#signal-state").inner_text() == "In onderzoek"

    db.session.expire_all()
    row = db.session.get(Signal, signal.id)
    assert row.state == "investigating" and row.investigation_due_on == due
    assert row.assigned_to_id == supervisor.id
