"""The tender page and the tender list show what the tender holds, for the user who asks:
the page's rows come from plain-column statements, the list's statements are built once per
scope, filters and order (procure.core.kept)."""

from datetime import timedelta

import time_machine
from markupsafe import escape

from procure.core.formatting import and_list, percent
from procure.tenders import operations as ops
from procure.tenders.models import DECISION_LABELS
from procure.tenders.policy import STATUS_LABELS
from tests import factories as f
from tests.tenders.builders import REGISTRATION, T0, officer, slt_tender
from tests.tenders.test_transitions import build


def test_tender_page_shows_lots_rules_criteria_and_decisions(app, client):
    tender, moment = build("standstill")
    with time_machine.travel(moment, tick=False):
        f.login(client, officer())
        html = client.get(f"/aanbestedingen/{tender.id}").get_data(as_text=True)
    assert tender.region.name in html
    for lot in tender.lots:
        assert f"<td>{lot.number}</td><td>{escape(lot.name)}</td>" in html
    for rule in tender.lot_rules:
        numbers = and_list(rule.lot_numbers)
        assert f"Percelen {numbers} worden aan verschillende partijen gegund." in html
    for criterion in tender.criteria:
        assert f"<td>{escape(criterion.name)}" in html
    assert f">{percent(tender.weights_total)}</th>" in html
    assert tender.decisions
    for decision in tender.decisions:
        who = decision.decided_by.name if decision.decided_by else "systeem"
        assert f"<td>{DECISION_LABELS[decision.kind]}</td><td>{escape(who)}</td>" in html
        assert f"<td>{STATUS_LABELS.get(decision.phase, decision.phase)}</td>" in html


def test_concept_page_offers_the_terms_forms_with_this_sessions_token(app, client):
    with time_machine.travel(T0, tick=False):
        tender = slt_tender(officer())
        f.login(client, officer())
        for _ in range(2):  # the blank forms' HTML is reused from the first page
            html = client.get(f"/aanbestedingen/{tender.id}").get_data(as_text=True)
            token = f.csrf_token(client, f"/aanbestedingen/{tender.id}")
            assert f'id="csrf_token" name="csrf_token" type="hidden" value="{token}"' in html
            assert 'name="number" required size="3" type="number"' in html
            assert 'name="weight" required size="5" step="any" type="number"' in html
            # three lots: the rule form offers each
            for lot in tender.lots:
                assert f"{lot.number}. {escape(lot.name)}" in html
        accepted = f.post(
            client,
            f"/aanbestedingen/{tender.id}/percelen",
            {"number": 9, "name": "Extra perceel", "areas": "", "max_partners": ""},
        )
        assert accepted.status_code == 302
    assert any(lot.name == "Extra perceel" for lot in tender.lots)


def test_list_statements_are_kept_per_scope(app):
    """Two regions' officers and a provider ask the same list in one process: each sees
    what its scope allows, not what the statement built for the first one found."""
    with time_machine.travel(T0, tick=False):
        wbo = ops.create_tender(
            region=f.region("wbo"), actor=officer(), reference="W-1", title="In WBO"
        )
        e10_officer = f.user("procurement", region_code="e10", email="p.e10@example.org")
        ops.create_tender(
            region=f.region("e10"), actor=e10_officer, reference="E-1", title="In E10"
        )
        for user, shown, hidden in (
            (officer(), "W-1", "E-1"),
            (e10_officer, "E-1", "W-1"),
            (officer(), "W-1", "E-1"),
        ):
            client = app.test_client()
            f.login(client, user)
            html = client.get("/aanbestedingen/?per_page=5").get_data(as_text=True)
            assert f">{shown}</a>" in html and f">{hidden}</a>" not in html
        provider = app.test_client()
        f.login(provider, f.user("provider", provider_code="brug"))
        html = provider.get("/aanbestedingen/?per_page=5").get_data(as_text=True)
        assert ">W-1</a>" not in html and ">E-1</a>" not in html  # concepts stay internal
    assert wbo.status == "concept"


def test_open_for_registration_is_judged_at_each_request(app, client):
    actor = officer()
    with time_machine.travel(T0, tick=False):
        tender = slt_tender(actor)
        ops.publish(tender, actor=actor)
    for moment, listed in ((T0, True), (REGISTRATION + timedelta(minutes=1), False)):
        with time_machine.travel(moment, tick=False):
            f.login(client, actor)
            html = client.get("/aanbestedingen/?status=aanmelding").get_data(as_text=True)
        assert (f">{tender.reference}</a>" in html) is listed, moment


def test_a_refused_lot_comes_back_on_the_page_as_typed(app, client):
    with time_machine.travel(T0, tick=False):
        tender = slt_tender(officer())
        f.login(client, officer())
        refused = f.post(
            client,
            f"/aanbestedingen/{tender.id}/percelen",
            {"number": 7, "name": "", "areas": "Breda-Noord", "max_partners": ""},
        )
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert 'value="Breda-Noord"' in html and 'name="number" required size="3"' in html
    assert tender.region.name in html
