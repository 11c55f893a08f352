"""Every status column has a state machine, and every (transition, state) pair is either
allowed by that machine or refused with nothing changed: no status change, no audit row.

The machine level covers every machine; the operation level runs the operations that move
extension options, measures, product cards, registrations, objections, applications and
admissions from every state of their machine. (The tender phases and the signal states
have their own operation x state tests: tests/tenders/test_transitions.py and
tests/supervision/test_transitions.py.)"""

from datetime import date, datetime, timedelta
from types import SimpleNamespace

import pytest
import time_machine
from sqlalchemy import CheckConstraint, func, select, update
from sqlalchemy.exc import IntegrityError

from procure.audit.models import AuditEvent
from procure.catalogue import operations as catalogue_ops
from procure.catalogue.models import Product
from procure.catalogue.policy import PRODUCT_STATES
from procure.contracts import operations as contract_ops
from procure.contracts.models import Contract, ExtensionOption
from procure.contracts.policy import CONTRACT_FLOW, EXTENSION_OPTION
from procure.core.errors import InvalidTransition, OperationError
from procure.core.timeutil import AMSTERDAM
from procure.extensions import db
from procure.finance.models import BudgetFramework
from procure.finance.policy import FRAMEWORK_MACHINE
from procure.jobs.models import Job
from procure.jobs.policy import JOB_MACHINE
from procure.reminders.models import EmailDelivery
from procure.reminders.policy import EMAIL_DELIVERY
from procure.supervision import operations as supervision_ops
from procure.supervision.models import MEASURE_MACHINE, SIGNAL_MACHINE, Measure, Signal
from procure.tenders import operations as tender_ops
from procure.tenders.models import LotAward, Objection, Registration, Tender
from procure.tenders.open_house import operations as oh_ops
from procure.tenders.open_house.models import Admission, Application
from procure.tenders.open_house.policy import ADMISSION, APPLICATION
from procure.tenders.policy import (
    LOT_AWARD,
    MACHINES,
    OBJECTION,
    REGISTRATION,
    TENDER_STATES,
)
from tests import factories as f
from tests.catalogue.helpers import product as catalogue_product
from tests.contracts.helpers import lumpsum_contract
from tests.supervision.helpers import World, signal
from tests.tenders.builders import officer, provider_user
from tests.tenders.open_house.conftest import apply, build_open_house
from tests.tenders.test_transitions import build

# machine -> (model, column): the column the machine keeps, and so its CHECK constraint
COLUMNS = [
    (CONTRACT_FLOW, Contract, "status"),
    (EXTENSION_OPTION, ExtensionOption, "status"),
    (PRODUCT_STATES, Product, "status"),
    (REGISTRATION, Registration, "status"),
    (LOT_AWARD, LotAward, "status"),
    (OBJECTION, Objection, "status"),
    (APPLICATION, Application, "status"),
    (ADMISSION, Admission, "status"),
    (SIGNAL_MACHINE, Signal, "state"),
    (MEASURE_MACHINE, Measure, "status"),
    (FRAMEWORK_MACHINE, BudgetFramework, "status"),
    (JOB_MACHINE, Job, "status"),
    (EMAIL_DELIVERY, EmailDelivery, "status"),
]
ALL_MACHINES = [machine for machine, _model, _column in COLUMNS] + list(MACHINES.values())


def _audit_rows() -> int:
    return db.session.execute(select(func.count(AuditEvent.id))).scalar_one()


def _check_states(model, column) -> set[str]:
    name = f"ck_{model.__tablename__}_{column}_known"
    check = next(
        c for c in model.__table__.constraints if isinstance(c, CheckConstraint) and c.name == name
    )
    return {part.strip(" '") for part in str(check.sqltext).split("(", 1)[1][:-1].split(",")}


@pytest.mark.parametrize(("machine", "model", "column"), COLUMNS, ids=lambda x: str(x)[:20])
def test_each_status_column_is_checked_against_its_machine(machine, model, column):
    assert machine.column == column
    assert _check_states(model, column) == set(machine.states)


def test_the_tender_status_check_holds_the_states_of_every_procedure():
    assert _check_states(Tender, "status") == set(TENDER_STATES)
    for machine in MACHINES.values():
        assert set(machine.states) <= set(TENDER_STATES)


def test_the_database_refuses_a_status_no_machine_knows(app):
    contract = lumpsum_contract()
    with pytest.raises(IntegrityError):
        db.session.execute(
            update(Contract).where(Contract.id == contract.id).values(status="gearchiveerd")
        )
        db.session.flush()
    db.session.rollback()
    assert db.session.get(Contract, contract.id).status == "active"


@pytest.mark.parametrize("machine", ALL_MACHINES, ids=lambda m: str(m.name))
def test_every_pair_of_every_machine_is_allowed_or_refused_with_nothing_changed(app, machine):
    before = _audit_rows()
    for state in machine.states:
        for target in machine.states:
            obj = SimpleNamespace(**{machine.column: state}, lines=[1])
            if machine.allowed(state, target):
                assert target in machine.targets(state)
                continue
            with pytest.raises(InvalidTransition) as refused:
                machine.apply(obj, target, None)
            assert str(refused.value.message)
            assert getattr(obj, machine.column) == state
            assert not machine.can(obj, target)
    assert _audit_rows() == before


def _run_from_every_state(machine, make, operations):
    """For each state and operation: a fresh record in that state; the operation either
    makes the move its machine allows, or is refused leaving status and audit log alone."""
    for state in machine.states:
        for name, (target, run) in operations.items():
            obj, model = make(state)
            db.session.commit()
            audit = _audit_rows()
            if machine.allowed(state, target):
                run(obj)
                db.session.expire_all()
                assert getattr(db.session.get(model, obj.id), machine.column) == target, name
                assert _audit_rows() > audit, name
                continue
            try:
                run(obj)
            except OperationError as refused:
                assert str(refused.message), name
            db.session.expire_all()
            assert getattr(db.session.get(model, obj.id), machine.column) == state, (name, state)
            assert _audit_rows() == audit, (name, state)


def _in_state(obj, column, state):
    setattr(obj, column, state)
    db.session.flush()
    return obj


def test_extension_option_operations_from_every_state(app):
    manager = f.user("contract_manager")

    def make(state):
        contract = lumpsum_contract()
        return _in_state(contract.options[0], "status", state), ExtensionOption

    today = date(2029, 1, 1)  # before the first option's decision date (30-06-2030)
    _run_from_every_state(
        EXTENSION_OPTION,
        make,
        {
            "exercise": (
                "exercised",
                lambda o: contract_ops.exercise_option(o, today=today, actor=manager),
            ),
            "decline": (
                "declined",
                lambda o: contract_ops.decline_option(o, today=today, actor=manager),
            ),
            "lapse": (
                "lapsed",
                lambda o: contract_ops.lapse_overdue_options(
                    date(2030, 7, 1), contract_id=o.contract_id
                ),
            ),
        },
    )


def test_product_card_operations_from_every_state(app):
    procurement = f.user("procurement")
    codes = iter(range(54100, 54200))

    def make(state):
        card = catalogue_product(str(next(codes)), status="concept")
        return _in_state(card, "status", state), Product

    _run_from_every_state(
        PRODUCT_STATES,
        make,
        {
            "fix": ("vastgesteld", lambda p: catalogue_ops.fix_product(p, actor=procurement)),
            "expire": ("vervallen", lambda p: catalogue_ops.expire_product(p, actor=procurement)),
        },
    )


def test_measure_operations_from_every_state(app):
    with app.test_request_context():
        w = World()
        today = date.today()

        def make(state):
            s = signal(w.manager)
            supervision_ops.triage(
                s,
                actor=w.supervisor,
                decision="investigate",
                motivation="Onderzoek.",
                investigation_due_on=today + timedelta(days=30),
            )
            measure = supervision_ops.impose_measure(
                s,
                actor=w.supervisor,
                kind="improvement_plan",
                description="Verbeterplan aanleveren.",
                due_on=today + timedelta(days=14),
            )
            return _in_state(measure, "status", state), Measure

        _run_from_every_state(
            MEASURE_MACHINE,
            make,
            {
                "complete": (
                    "completed",
                    lambda m: supervision_ops.complete_measure(
                        m, actor=w.supervisor, result="Uitgevoerd."
                    ),
                ),
                "drop": (
                    "dropped",
                    lambda m: supervision_ops.drop_measure(
                        m, actor=w.supervisor, reason="Niet meer nodig."
                    ),
                ),
            },
        )


def test_registration_operations_from_every_state(app):
    actor = officer()
    tender, moment = build("selection")
    registration = tender_ops.registrations(tender)[0]

    def make_registration(state):
        return _in_state(registration, "status", state), Registration

    def assess(status, reason=""):
        return lambda r: tender_ops.assess_registration(
            r, actor=actor, status=status, reason=reason
        )

    with time_machine.travel(moment, tick=False):
        _run_from_every_state(
            REGISTRATION,
            make_registration,
            {
                "admissible": ("admissible", assess("admissible")),
                "select": ("selected", assess("selected")),
                "reject": ("rejected", assess("rejected", "Voldoet niet.")),
            },
        )


def test_objection_operations_from_every_state(app):
    actor = officer()
    tender, moment = build("standstill")
    kompas = provider_user("kompas").provider_id

    def make_objection(state):
        with time_machine.travel(moment, tick=False):
            objection = tender_ops.record_objection(
                tender, actor=actor, provider_id=kompas, description="Perceel 2 is van ons."
            )
        return _in_state(objection, "status", state), Objection

    def resolve(status):
        return lambda o: tender_ops.resolve_objection(
            o, actor=actor, status=status, resolution="Afgewogen."
        )

    with time_machine.travel(moment, tick=False):
        _run_from_every_state(
            OBJECTION,
            make_objection,
            {
                "withdraw": ("withdrawn", resolve("withdrawn")),
                "reject": ("rejected", resolve("rejected")),
                "uphold": ("upheld", resolve("upheld")),
            },
        )


def test_application_and_admission_operations_from_every_state(app):
    with app.test_request_context():
        assessor = f.user("procurement")
        oh = build_open_house(officer=assessor)
        providers = iter(f.provider(f"oh{i}", f"Aanbieder {i}") for i in range(40))
        applied = datetime(2026, 11, 1, 9, tzinfo=AMSTERDAM)  # in time for 1 January 2027

        def make_application(state):
            provider = next(providers)
            user = f.user("provider", provider_code=provider.short_code)
            application = apply(oh, provider, user, categories=[oh.gezinshuis], now=applied)
            application.applicant = user
            return _in_state(application, "status", state), Application

        _run_from_every_state(
            APPLICATION,
            make_application,
            {
                "withdraw": (
                    "withdrawn",
                    lambda a: oh_ops.withdraw_application(a, user=a.applicant),
                ),
                "request_info": (
                    "more_info",
                    lambda a: oh_ops.request_more_info(
                        a, note="Stuur het keurmerk.", actor=assessor, now=applied
                    ),
                ),
                "reject": (
                    "rejected",
                    lambda a: oh_ops.decide(
                        a,
                        decisions={oh.gezinshuis.id: "rejected"},
                        reason="Voldoet niet.",
                        actor=assessor,
                        now=applied,
                    ),
                ),
            },
        )

        def make_admission(state):
            application = apply(oh, next(providers), categories=[oh.gezinshuis], now=applied)
            oh_ops.score(
                application,
                {a.requirement_id: ("meets", "") for a in application.answers},
                actor=assessor,
                now=applied,
            )
            oh_ops.decide(
                application,
                decisions={oh.gezinshuis.id: "admitted"},
                actor=assessor,
                now=applied,
            )
            admission = db.session.execute(
                select(Admission).where(Admission.application_id == application.id)
            ).scalar_one()
            return _in_state(admission, "status", state), Admission

        _run_from_every_state(
            ADMISSION,
            make_admission,
            {
                "end": (
                    "ended",
                    lambda a: oh_ops.end_admission(
                        a, user=assessor, reason="Faillissement.", end_date=date(2027, 6, 30)
                    ),
                ),
            },
        )
