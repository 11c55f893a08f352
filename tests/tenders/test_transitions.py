"""Every forbidden transition is refused with a Dutch message and leaves the database exactly
as it was (rows of every tender table, contracts, stored files and the audit log)."""

from datetime import datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select, text

from procure.core.errors import InvalidTransition, OperationError
from procure.core.timeutil import AMSTERDAM
from procure.extensions import db
from procure.tenders import operations as ops
from procure.tenders.policy import SAS_DIALOGUE, SAS_OPEN
from tests import factories as f
from tests.tenders.builders import (
    BID,
    DIALOGUE_END,
    REGISTRATION,
    T0,
    bid,
    lot_ids,
    officer,
    pdf,
    provider_user,
    score_all,
    slt_tender,
    to_award,
    to_dialogue,
)

REGS = {"kompas": ([1, 2, 3], True), "linde": ([2, 3], True), "gezinsplein": ([1], True)}
SCORES = {
    ("kompas", 1): [7, 7, 7],
    ("gezinsplein", 1): [8, 8, 7],
    ("kompas", 2): [9, 8, 8],
    ("linde", 2): [8, 7, 7],
    ("kompas", 3): [8, 8, 8],
    ("linde", 3): [8, 7, 8],
}
AFTER_STANDSTILL = datetime(2026, 8, 1, 9, 0, tzinfo=AMSTERDAM)


def build(state: str):
    """(tender, the moment at which to try the operations) for each phase."""
    actor = officer()
    with time_machine.travel(T0, tick=False):
        tender = slt_tender(actor)
    if state == "concept":
        return tender, T0
    if state in ("published", "cancelled"):
        with time_machine.travel(T0, tick=False):
            ops.publish(tender, actor=actor)
            ops.register(
                tender,
                actor=provider_user("kompas"),
                lot_ids=lot_ids(tender, 1),
                document=pdf(),
                no_exclusion_grounds=True,
                suitability_answer="ja",
            )
            if state == "cancelled":
                ops.cancel(tender, actor=actor, reason="Budget vervallen.")
        return tender, T0
    if state == "selection":
        with time_machine.travel(T0, tick=False):
            ops.publish(tender, actor=actor)
            ops.register(
                tender,
                actor=provider_user("kompas"),
                lot_ids=lot_ids(tender, 1),
                document=pdf(),
                no_exclusion_grounds=True,
                suitability_answer="ja",
            )
        with time_machine.travel(REGISTRATION, tick=False):
            ops.start_selection(tender, actor=actor)
        return tender, REGISTRATION
    to_dialogue(tender, actor, REGS)
    if state == "dialogue":
        return tender, DIALOGUE_END - timedelta(days=1)
    to_award(tender, actor)
    for code, (numbers, _s) in REGS.items():
        for n in numbers:
            bid(tender, code, n)
    if state == "award":
        return tender, DIALOGUE_END
    score_all(tender, actor, SCORES)
    pid = {c: provider_user(c).provider_id for c in REGS}
    with time_machine.travel(BID, tick=False):
        ops.record_provisional_award(
            tender,
            actor=actor,
            motivation="Rangorde.",
            winners={
                tender.lot(1).id: pid["gezinsplein"],
                tender.lot(2).id: pid["linde"],
                tender.lot(3).id: pid["kompas"],
            },
        )
    if state == "standstill":
        return tender, BID
    with time_machine.travel(AFTER_STANDSTILL, tick=False):
        ops.finalize_award(tender, actor=actor)
    return tender, AFTER_STANDSTILL


def operations(tender):
    actor = officer()
    kompas, baken, linde = (provider_user(c) for c in ("kompas", "baken", "linde"))
    return {
        "publish": lambda: ops.publish(tender, actor=actor),
        "start_selection": lambda: ops.start_selection(tender, actor=actor),
        "decide_selection": lambda: ops.decide_selection(tender, actor=actor, motivation="m"),
        "record_go": lambda: ops.record_go(tender, actor=actor, go=True, motivation="m"),
        "start_dialogue": lambda: ops.start_dialogue(tender, actor=actor),
        "add_agreement": lambda: ops.add_agreement(tender, actor=actor, text="afspraak"),
        "start_award": lambda: ops.start_award(tender, actor=actor),
        "submit_bid": lambda: ops.submit_bid(
            tender, actor=kompas, lot_id=tender.lot(2).id, plan=pdf(), accepts_agreements=True
        ),
        "provisional_award": lambda: ops.record_provisional_award(
            tender, actor=actor, winners={}, motivation="m"
        ),
        "finalize_award": lambda: ops.finalize_award(tender, actor=actor),
        "mark_contracted": lambda: ops.mark_contracted(tender, actor=actor),
        "revise_award": lambda: ops.revise_award(tender, actor=actor, motivation="m"),
        "cancel": lambda: ops.cancel(tender, actor=actor, reason="reden"),
        "add_lot": lambda: ops.add_lot(tender, actor=actor, number=9, name="Extra"),
        "register": lambda: ops.register(
            tender,
            actor=baken,
            lot_ids=lot_ids(tender, 1),
            document=pdf(),
            no_exclusion_grounds=True,
            suitability_answer="ja",
        ),
        "record_objection": lambda: ops.record_objection(
            tender, actor=actor, provider_id=linde.provider_id, description="bezwaar"
        ),
        # a rectificatie of the value: after publication, before the bid deadline; once
        # bids are in (the award phase here) only with a later bid deadline
        "rectify": lambda: ops.rectify_tender(
            tender, actor=actor, changes={"estimated_value": "43000000.00"}, reason="reden"
        ),
    }


# Operations that are legal in each state at its natural moment (everything else must fail).
LEGAL = {
    "concept": {"publish", "cancel", "add_lot"},
    "published": {"cancel", "register", "rectify"},
    "selection": {"cancel", "rectify"},
    "dialogue": {"cancel", "add_agreement", "record_go", "rectify"},
    "award": {"cancel", "submit_bid"},
    "standstill": {"cancel", "revise_award", "record_objection"},
    "awarded": set(),
    "cancelled": set(),
}


def snapshot() -> dict:
    out = {}
    for table in db.metadata.sorted_tables:
        if table.name.startswith(("tender", "lots", "contract", "audit", "stored_files")):
            rows = db.session.execute(select(table)).all()
            out[table.name] = sorted(map(repr, rows))
    return out


@pytest.mark.parametrize("state", list(LEGAL))
def test_forbidden_operations_change_nothing(app, state):
    tender, moment = build(state)
    assert tender.status == state
    with time_machine.travel(moment, tick=False):
        for name, run in operations(tender).items():
            if name in LEGAL[state]:
                continue
            db.session.expire_all()
            before = snapshot()
            with pytest.raises(OperationError) as info:
                run()
            assert str(info.value.message), name
            db.session.expire_all()
            assert snapshot() == before, f"{name} in {state} changed the database"
            assert db.session.execute(text("select 1")).scalar() == 1


def test_state_machine_lists_cancelled_from_every_open_state():
    for state in ("concept", "published", "selection", "dialogue", "award", "standstill"):
        assert SAS_DIALOGUE.allowed(state, "cancelled")
        assert SAS_OPEN.allowed(state, "cancelled") or state == "dialogue"
    for state in ("awarded", "contracted", "cancelled"):
        assert not SAS_DIALOGUE.allowed(state, "cancelled")
        assert not SAS_OPEN.allowed(state, "cancelled")


def test_refusal_message_is_dutch(app):
    tender, _moment = build("concept")
    with pytest.raises(InvalidTransition) as info:
        ops.finalize_award(tender, actor=officer())
    assert "Overgang niet toegestaan" in str(info.value.message)


def test_no_go_then_cancel_or_continue(app):
    actor = officer()
    tender, moment = build("dialogue")
    with time_machine.travel(moment, tick=False):
        ops.add_agreement(tender, actor=actor, text="Afspraak")
        ops.record_go(tender, actor=actor, go=False, motivation="Onvoldoende concurrentie.")
        with pytest.raises(InvalidTransition):
            ops.start_award(tender, actor=actor)
        assert tender.status == "dialogue"
        ops.record_go(tender, actor=actor, go=True, motivation="Na extra sessie: go.")
        ops.start_award(tender, actor=actor)
        assert tender.status == "award"


def test_cancel_needs_a_reason_and_is_recorded(app):
    actor = officer()
    tender, moment = build("published")
    with time_machine.travel(moment, tick=False):
        with pytest.raises(OperationError):
            ops.cancel(tender, actor=actor, reason="  ")
        ops.cancel(tender, actor=actor, reason="Geen budget.")
    assert tender.status == "cancelled" and tender.status_before_cancel == "published"
    assert tender.decisions[-1].kind == "cancel"


def test_municipality_and_provider_cannot_run_officer_operations(app):
    tender, _moment = build("concept")
    for user in (
        f.user("municipality", municipality_name="Breda"),
        f.user("contract_manager"),
        provider_user("kompas"),
    ):
        before = snapshot()
        with pytest.raises(OperationError):
            ops.publish(tender, actor=user)
        with pytest.raises(OperationError):
            ops.add_lot(tender, actor=user, number=7, name="x")
        assert snapshot() == before
