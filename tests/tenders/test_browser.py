"""Browser: a provider registers for a lot and sees its registration; the officer sees it on
the selection work page."""

from datetime import date, timedelta
from pathlib import Path

import pytest

from procure.core.timeutil import local_deadline, today_local
from procure.tenders import operations as ops
from tests import factories as f
from tests.tenders.builders import PDF, SLT_CRITERIA, SLT_LOTS, officer

pytestmark = pytest.mark.browser


def _login(page, live_server, email):
    page.goto(f"{live_server}/inloggen")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(f.PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.get_by_role("heading", name="Dashboard").wait_for()


def test_provider_registers_and_officer_sees_it(live_server, page, tmp_path):
    actor = officer()
    today = today_local()
    tender = ops.create_tender(
        region=f.region("wbo"),
        actor=actor,
        reference="WBO-SLT-2027",
        title="Stevig Lokaal Team",
        variant="task",
        contract_start=date(today.year + 1, 7, 1),  # after the bid deadline, whatever today is
        registration_deadline=local_deadline(today + timedelta(days=10)),
        dialogue_end=local_deadline(today + timedelta(days=40)),
        bid_deadline=local_deadline(today + timedelta(days=70)),
    )
    for number, name, areas in SLT_LOTS:
        ops.add_lot(tender, actor=actor, number=number, name=name, areas=areas)
    for name, weight in SLT_CRITERIA:
        ops.add_criterion(tender, actor=actor, name=name, weight=weight)
    ops.publish(tender, actor=actor)
    provider = f.user("provider", provider_code="linde", email="linde@example.org")
    upload = Path(tmp_path) / "aanmelding-linde.pdf"
    upload.write_bytes(PDF)

    _login(page, live_server, provider.email)
    page.get_by_role("link", name="Aanbestedingen").first.click()
    page.get_by_role("link", name="WBO-SLT-2027").click()
    page.get_by_label("2. SLT's Breda Noordwest en Noordoost").check()
    page.get_by_label("Ik verklaar dat geen van de uitsluitingsgronden").check()
    page.get_by_label("Geschiktheidseisen").fill("Drie referenties van wijkteams in Breda.")
    page.get_by_label("Gevraagde documenten (PDF)").set_input_files(str(upload))
    page.get_by_role("button", name="Aanmelden").click()
    page.get_by_text("Uw aanmelding is ontvangen.").wait_for()
    assert "voor perceel 2" in page.locator(".own-registration").inner_text()
    page.get_by_role("button", name="Uitloggen").click()

    _login(page, live_server, actor.email)
    page.goto(f"{live_server}/aanbestedingen/{tender.id}")
    page.get_by_role("link", name="Selectiefase").click()
    row = page.locator("table.registrations tbody tr").first
    assert "Aanbieder Linde" in row.inner_text()
    assert "Ingediend" in row.inner_text()
    assert row.get_by_role("link", name="aanmelding-linde.pdf").is_visible()
