"""StateMachine.apply: checks the transition and its guards, sets the column, audits."""

from datetime import date
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from procure.audit.models import AuditEvent
from procure.contracts.operations import create_concept_contract
from procure.contracts.policy import CONTRACT_FLOW
from procure.core.errors import InvalidTransition
from procure.core.policy import StateMachine
from procure.extensions import db
from procure.tenders.policy import SAS_DIALOGUE, SAS_OPEN
from tests import factories as f

DOOR = StateMachine(
    "deur",
    {"closed": {"open", "locked"}, "open": {"closed"}, "locked": {"closed"}},
    guards={"open": (lambda door: None if door.key else "De deur zit op slot.",)},
)


def test_apply_refuses_an_unknown_transition_and_changes_nothing():
    door = SimpleNamespace(status="locked", key=True)
    with pytest.raises(InvalidTransition):
        DOOR.apply(door, "open", None)
    assert door.status == "locked"


def test_a_guard_refuses_with_its_reason_and_changes_nothing():
    door = SimpleNamespace(status="closed", key=False)
    assert DOOR.refusal(door, "open") == "De deur zit op slot."
    with pytest.raises(InvalidTransition, match="op slot"):
        DOOR.apply(door, "open", None)
    assert door.status == "closed"
    door.key = True
    assert DOOR.can(door, "open")
    assert DOOR.apply(door, "open", None) == "closed"
    assert door.status == "open"


def test_states_and_check_constraint_list_every_state_once():
    assert DOOR.states == ("closed", "open", "locked")
    assert DOOR.check_sql() == "status IN ('closed', 'open', 'locked')"


def test_one_machine_per_procedure_type():
    assert SAS_DIALOGUE.allowed("selection", "dialogue")
    assert not SAS_DIALOGUE.allowed("selection", "award")
    assert SAS_OPEN.allowed("selection", "award")
    assert "dialogue" not in SAS_OPEN.states


def test_apply_writes_the_audit_record_in_the_same_transaction(app):
    manager = f.user("contract_manager")
    contract = create_concept_contract(
        region=f.region(),
        provider_id=f.provider().id,
        origin="open_house",
        variant="effort",
        start_date=date(2027, 1, 1),
        end_date=date(2028, 12, 31),
        actor=manager,
    )
    CONTRACT_FLOW.apply(contract, "active", manager)
    db.session.commit()
    event = db.session.execute(
        select(AuditEvent).where(AuditEvent.action == "contract.active")
    ).scalar_one()
    assert event.old_values == {"status": "concept"}
    assert event.new_values == {"status": "active"}
    assert event.actor_id == manager.id
