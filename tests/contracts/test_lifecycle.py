from datetime import date

import pytest
from sqlalchemy import select

from procure.audit.models import AuditEvent
from procure.contracts import operations as ops
from procure.contracts.models import Contract
from procure.core.errors import InvalidTransition, ValidationFailed
from procure.extensions import db
from tests.contracts.helpers import effort_contract, lumpsum_contract


def _reload(contract):
    db.session.expire_all()
    return db.session.get(Contract, contract.id)


def test_life_cycle_concept_active_extended_ended_is_audited(app):
    c = lumpsum_contract(status="concept")
    assert c.status == "concept"
    # Default decision deadlines: 6 months before the end each option would extend.
    assert [(o.months, o.decision_deadline) for o in c.options] == [
        (12, date(2030, 6, 30)),
        (12, date(2031, 6, 30)),
    ]
    ops.activate_contract(c)
    ops.exercise_option(c.options[0], today=date(2030, 3, 1), actor=None)
    c = _reload(c)
    assert c.status == "extended" and c.end_date == date(2031, 12, 31)
    ops.exercise_option(c.options[1], today=date(2031, 6, 1), actor=None)
    c = _reload(c)
    assert c.end_date == date(2032, 12, 31)
    ops.end_contract(c, today=date(2033, 1, 1))
    assert _reload(c).status == "ended"
    actions = (
        db.session.execute(select(AuditEvent.action).where(AuditEvent.object_type == "Contract"))
        .scalars()
        .all()
    )
    assert {"contract.created", "contract.active", "contract.extended", "contract.ended"} <= set(
        actions
    )


def test_forbidden_transitions_are_refused_and_change_nothing(app):
    c = lumpsum_contract(status="concept")
    with pytest.raises(InvalidTransition):
        ops.exercise_option(
            c.options[0], today=date(2026, 3, 1), actor=None
        )  # concept cannot extend
    c = _reload(c)
    assert c.status == "concept" and c.options[0].status == "open"
    ops.activate_contract(c)
    with pytest.raises(InvalidTransition):
        ops.activate_contract(_reload(c))
    with pytest.raises(InvalidTransition):
        ops.end_contract(_reload(c), today=date(2027, 1, 1))  # before its end date
    c = _reload(c)
    assert c.status == "active" and c.end_date == date(2030, 12, 31)
    ops.terminate_contract(
        c,
        reason="mutual",
        note="In overleg beëindigd",
        notice_given_on=date(2027, 1, 1),
        effective_on=date(2027, 6, 30),
    )
    c = _reload(c)
    with pytest.raises(InvalidTransition):
        ops.activate_contract(c)
    assert _reload(c).status == "terminated"


def test_second_option_needs_the_first_exercised(app):
    c = lumpsum_contract()
    with pytest.raises(InvalidTransition):
        ops.exercise_option(c.options[1], today=date(2027, 1, 1), actor=None)
    assert _reload(c).end_date == date(2030, 12, 31)


def test_extension_after_deadline_refused_and_lapsed_option_cannot_be_revived(app):
    c = lumpsum_contract()
    with pytest.raises(InvalidTransition, match="verstreken"):
        ops.exercise_option(c.options[0], today=date(2030, 7, 1), actor=None)
    c = _reload(c)
    assert c.end_date == date(2030, 12, 31) and c.status == "active"
    assert ops.lapse_overdue_options(date(2030, 7, 1)) == 2  # the later one lapses with it
    c = _reload(c)
    assert [o.status for o in c.options] == ["lapsed", "lapsed"]
    with pytest.raises(InvalidTransition):
        ops.exercise_option(c.options[0], today=date(2030, 6, 1), actor=None)  # even "back in time"
    with pytest.raises(InvalidTransition):
        ops.decline_option(c.options[0], today=date(2030, 6, 1), actor=None)
    assert [o.status for o in _reload(c).options] == ["lapsed", "lapsed"]
    assert ops.lapse_overdue_options(date(2030, 7, 2)) == 0


def test_declining_makes_later_options_lapse(app):
    c = lumpsum_contract()
    ops.decline_option(c.options[0], today=date(2029, 1, 1), actor=None)
    assert [o.status for o in _reload(c).options] == ["declined", "lapsed"]


def test_termination_respects_notice_period_and_needs_a_reason(app):
    c = lumpsum_contract(notice_months=6)
    with pytest.raises(ValidationFailed, match="opzegtermijn"):
        ops.terminate_contract(
            c,
            reason="breach",
            note="Wanprestatie",
            notice_given_on=date(2027, 1, 1),
            effective_on=date(2027, 3, 1),
        )
    with pytest.raises(ValidationFailed):
        ops.terminate_contract(
            _reload(c),
            reason="breach",
            note="  ",
            notice_given_on=date(2027, 1, 1),
            effective_on=date(2027, 7, 1),
        )
    assert _reload(c).status == "active"
    ops.terminate_contract(
        _reload(c),
        reason="breach",
        note="Wanprestatie",
        notice_given_on=date(2027, 1, 1),
        effective_on=date(2027, 7, 1),
    )
    c = _reload(c)
    assert c.status == "terminated" and c.end_date == date(2027, 7, 1)
    assert c.termination_reason == "breach"
    assert [o.status for o in c.options] == ["lapsed", "lapsed"]


def test_bankruptcy_ends_without_notice(app):
    c = effort_contract()
    ops.terminate_contract(
        c,
        reason="bankruptcy",
        note="Faillissement uitgesproken",
        notice_given_on=date(2026, 5, 1),
        effective_on=date(2026, 5, 1),
    )
    assert _reload(c).status == "terminated"
