"""The pages offer exactly what the policies allow: the same can_... functions decide what a
template shows and what an operation accepts (issue 12)."""

from procure.contracts import policy as contract_policy
from procure.contracts.policy import CONTRACT_FLOW
from procure.extensions import db
from procure.tenders import policy as tender_policy
from tests import factories as f
from tests.contracts.helpers import effort_contract


def _page(client, contract):
    return client.get(f"/contracten/{contract.id}").get_data(as_text=True)


def test_contract_page_offers_the_transitions_the_policy_allows(client):
    contract = effort_contract(status="concept")
    manager = f.user("contract_manager")
    f.login(client, manager)
    activate = f"/contracten/{contract.id}/status/active"

    html = _page(client, contract)
    assert activate in html
    assert 'id="opzeggen"' in html  # a concept can be terminated
    assert 'id="realisation-form"' not in html  # no realisation before it is in force

    response = f.post(client, activate)
    assert response.status_code == 302
    db.session.refresh(contract)
    assert contract.status == "active"

    html = _page(client, contract)
    assert activate not in html
    assert 'id="realisation-form"' in html
    assert 'id="opzeggen"' in html


def test_region_staff_without_the_role_see_no_contract_actions(client):
    contract = effort_contract(status="concept")
    f.login(client, f.user("supervisor"))
    html = _page(client, contract)
    assert f"/contracten/{contract.id}/status/active" not in html
    assert 'id="opzeggen"' not in html
    assert not contract_policy.can_activate(f.user("supervisor", email="s2@example.org"), contract)


def test_contract_questions_follow_the_machine_in_every_state(app):
    """Each question is true exactly in the states the machine leaves in that direction."""
    contract = effort_contract(status="concept")
    manager = f.user("contract_manager")
    for state in CONTRACT_FLOW.states:
        contract.status = state
        assert contract_policy.can_activate(manager, contract) == CONTRACT_FLOW.allowed(
            state, "active"
        )
        assert contract_policy.can_terminate(manager, contract) == CONTRACT_FLOW.allowed(
            state, "terminated"
        )
        assert contract_policy.can_record_realisation(manager, contract) == (
            state in contract_policy.LIVE
        )
        # Only the states that go nowhere are closed to budgets and options.
        open_state = bool(CONTRACT_FLOW.targets(state))
        assert contract_policy.can_set_budget(manager, contract) == open_state
        assert contract_policy.can_add_option(manager, contract) == open_state
    db.session.rollback()


def test_a_manager_of_another_region_may_not_act_on_the_contract(app):
    contract = effort_contract(status="concept")
    elsewhere = f.user("contract_manager", region_code="e10")
    assert contract_policy.can_manage(elsewhere)
    assert not contract_policy.can_activate(elsewhere, contract)
    assert not contract_policy.can_terminate(elsewhere, contract)


def test_tender_questions_follow_the_phase_machine(app):
    """Cancel is offered in every open state of each SAS procedure, never after the award."""
    officer = f.user("procurement")
    manager = f.user("contract_manager")

    class Tender:  # only what the policy reads
        region_id = officer.region_id

    for procedure in ("sas_dialogue", "sas_open"):
        tender = Tender()
        tender.procedure = procedure
        machine = tender_policy.machine_for(tender)
        for state in machine.states:
            tender.status = state
            assert tender_policy.can_cancel(officer, tender) == (
                state in tender_policy.OPEN_STATES
            ), (procedure, state)
            assert tender_policy.can_publish(officer, tender) == (state == "concept")
            assert tender_policy.can_edit_terms(officer, tender) == (state == "concept")
            assert tender_policy.can_mark_contracted(officer, tender) == (state == "awarded")
        tender.status = "concept"
        assert not tender_policy.can_cancel(manager, tender)
