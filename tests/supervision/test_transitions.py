"""Every forbidden transition is refused by the operation, with nothing changed."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from procure.audit.models import AuditEvent
from procure.core.errors import InvalidTransition
from procure.core.timeutil import today_local
from procure.extensions import db
from procure.supervision import operations as ops
from procure.supervision.models import SIGNAL_MACHINE, Measure, Signal, SignalTransition
from tests.supervision.helpers import signal

LATER = timedelta(days=30)

# operation name -> (target state, call)
OPERATIONS = {
    "triage": (
        "triaged",
        lambda s, w, other: ops.triage(
            s,
            actor=w.supervisor,
            decision="investigate",
            motivation="Onderzoek.",
            investigation_due_on=today_local() + LATER,
        ),
    ),
    "start_investigation": (
        "investigating",
        lambda s, w, other: ops.start_investigation(
            s, actor=w.supervisor, due_on=today_local() + LATER, motivation="Zelf verder."
        ),
    ),
    "hand_over": (
        "other_party",
        lambda s, w, other: ops.hand_over(
            s,
            actor=w.supervisor,
            other_party="IGJ",
            follow_up_on=today_local() + LATER,
            motivation="Overdracht.",
        ),
    ),
    "impose_measure": (
        "measures",
        lambda s, w, other: ops.impose_measure(
            s,
            actor=w.supervisor,
            kind="client_stop",
            description="Cliëntenstop.",
            due_on=today_local() + LATER,
        ),
    ),
    "close": ("closed", lambda s, w, other: ops.close(s, actor=w.supervisor, outcome="Klaar.")),
    "merge": (
        "merged",
        lambda s, w, other: ops.merge(s, into=other, actor=w.supervisor, reason="Dubbel."),
    ),
    "reopen": (
        "received",
        lambda s, w, other: ops.reopen(s, actor=w.supervisor, reason="Opnieuw."),
    ),
}


def _in_state(w, state):
    s = signal(w.manager)
    today = today_local()
    if state == "received":
        return s
    if state == "merged":
        ops.merge(s, into=signal(w.manager), actor=w.supervisor, reason="Dubbel.")
        return s
    if state == "triaged":
        ops.triage(
            s,
            actor=w.supervisor,
            decision="monitor",
            motivation="Volgen.",
            follow_up_on=today + LATER,
        )
        return s
    if state == "closed":
        ops.triage(s, actor=w.supervisor, decision="no_action", motivation="Niets.")
        return s
    ops.triage(
        s,
        actor=w.supervisor,
        decision="investigate",
        motivation="Onderzoek.",
        investigation_due_on=today + LATER,
    )
    if state == "other_party":
        ops.hand_over(
            s,
            actor=w.supervisor,
            other_party="IGJ",
            follow_up_on=today + LATER,
            motivation="Overdracht.",
        )
    if state == "measures":
        ops.impose_measure(
            s,
            actor=w.supervisor,
            kind="improvement_plan",
            description="Verbeterplan.",
            due_on=today + LATER,
        )
    return s


def _snapshot(s):
    count = lambda model, col: db.session.execute(  # noqa: E731
        select(func.count()).select_from(model).where(col == s.id)
    ).scalar_one()
    db.session.expire_all()
    row = db.session.get(Signal, s.id)
    return (
        row.state,
        row.triage_decision,
        row.other_party,
        row.closed_on,
        row.merged_into_id,
        row.investigation_due_on,
        row.follow_up_on,
        count(SignalTransition, SignalTransition.signal_id),
        count(Measure, Measure.signal_id),
        db.session.execute(select(func.count()).select_from(AuditEvent)).scalar_one(),
    )


FORBIDDEN = [
    (state, name)
    for state in (
        "received",
        "triaged",
        "investigating",
        "other_party",
        "measures",
        "closed",
        "merged",
    )
    for name, (target, _call) in OPERATIONS.items()
    if not SIGNAL_MACHINE.allowed(state, target)
    # adding a further measure while in "measures" is allowed (no transition)
    and not (state == "measures" and name == "impose_measure")
]


def test_the_forbidden_list_is_not_empty_and_covers_every_state():
    assert len(FORBIDDEN) >= 30
    assert {state for state, _ in FORBIDDEN} == {
        "received",
        "triaged",
        "investigating",
        "other_party",
        "measures",
        "closed",
        "merged",
    }


@pytest.mark.parametrize(("state", "name"), FORBIDDEN)
def test_forbidden_transition_refused_and_nothing_changed(w, state, name):
    s = _in_state(w, state)
    other = signal(w.manager)
    before = _snapshot(s)
    with pytest.raises(InvalidTransition):
        OPERATIONS[name][1](db.session.get(Signal, s.id), w, other)
    assert _snapshot(s) == before


@pytest.mark.parametrize(
    ("state", "name"),
    [
        ("received", "triage"),
        ("received", "merge"),
        ("triaged", "start_investigation"),
        ("triaged", "hand_over"),
        ("triaged", "close"),
        ("investigating", "hand_over"),
        ("investigating", "impose_measure"),
        ("investigating", "close"),
        ("other_party", "start_investigation"),
        ("other_party", "impose_measure"),
        ("other_party", "close"),
        ("measures", "close"),
        ("closed", "reopen"),
    ],
)
def test_allowed_transitions_succeed(w, state, name):
    s = _in_state(w, state)
    other = signal(w.manager)
    for m in s.measures:
        ops.drop_measure(m, actor=w.supervisor, reason="Niet meer nodig.")
    OPERATIONS[name][1](s, w, other)
    # triage to "investigate" passes through "triaged" into "investigating"
    expected = "investigating" if name == "triage" else OPERATIONS[name][0]
    assert s.state == expected
