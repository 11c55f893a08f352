"""Deadlines of supervision, the source of its reminders (procure.supervision.reminders);
read-only, bounded queries.

signal_deadlines(start, end, region_ids=None) returns, for open signals and open measures,
every due date in [start, end] (dates, inclusive) with the responsible user: the assigned
supervisor (None when the signal is unassigned: the reminders may then address the region's
supervisors). Kinds:

- "triage": a received signal's triage due date (working days, see workdays.py);
- "investigation": the due date of an investigation we run ourselves;
- "follow_up": the next check of a monitored signal or of a hand-over to another party
  (other_party names that party);
- "measure": the deadline of an open measure;
- "measure_check": the follow-up check date of an open measure, when it differs from the
  deadline.
"""

from datetime import date

from sqlalchemy import select, union

from procure.extensions import db
from procure.organisations.models import Provider
from procure.supervision.models import (
    INVESTIGATING,
    MEASURE_OPEN,
    OTHER_PARTY,
    RECEIVED,
    TRIAGED,
    Measure,
    Signal,
)


def _signal_rows(column, states, start, end, region_ids):
    stmt = (
        select(
            Signal.id,
            Signal.reference,
            Signal.region_id,
            Signal.assigned_to_id,
            Signal.state,
            Signal.other_party,
            column,
            Provider.name,
        )
        .join(Provider, Provider.id == Signal.provider_id)
        .where(Signal.state.in_(states), column >= start, column <= end)
    )
    if region_ids is not None:
        stmt = stmt.where(Signal.region_id.in_(list(region_ids)))
    return db.session.execute(stmt.order_by(column, Signal.id)).all()


def signal_deadlines(start: date, end: date, region_ids=None) -> list[dict]:
    """Due dates between start and end inclusive; five queries at most."""
    result = []
    for kind, column, states in (
        ("triage", Signal.triage_due_on, (RECEIVED,)),
        ("investigation", Signal.investigation_due_on, (INVESTIGATING,)),
        ("follow_up", Signal.follow_up_on, (TRIAGED, OTHER_PARTY)),
    ):
        for sid, ref, region_id, user_id, state, party, due, provider in _signal_rows(
            column, states, start, end, region_ids
        ):
            result.append(
                {
                    "kind": kind,
                    "signal_id": sid,
                    "measure_id": None,
                    "reference": ref,
                    "region_id": region_id,
                    "due_on": due,
                    "responsible_id": user_id,
                    "provider": provider,
                    "state": state,
                    "other_party": party,
                }
            )
    # the measures with a date in the window: one indexed range per date column (an OR of
    # the two, or the status, let the planner walk every open measure instead); whether
    # they are still open is checked on those few
    measure_ids = list(
        db.session.execute(
            union(
                select(Measure.id).where(Measure.due_on >= start, Measure.due_on <= end),
                select(Measure.id).where(
                    Measure.follow_up_on >= start, Measure.follow_up_on <= end
                ),
            )
        ).scalars()
    )
    stmt = (
        select(
            Measure.id,
            Measure.kind,
            Measure.due_on,
            Measure.follow_up_on,
            Signal.id,
            Signal.reference,
            Signal.region_id,
            Signal.assigned_to_id,
            Provider.name,
        )
        .join(Signal, Signal.id == Measure.signal_id)
        .join(Provider, Provider.id == Measure.provider_id)
        .where(Measure.id.in_(measure_ids), Measure.status == MEASURE_OPEN)
    )
    if region_ids is not None:
        stmt = stmt.where(Measure.region_id.in_(list(region_ids)))
    rows = db.session.execute(stmt.order_by(Measure.due_on, Measure.id)) if measure_ids else ()
    for mid, mkind, due, check, sid, ref, region_id, user_id, provider in rows:
        base = {
            "signal_id": sid,
            "measure_id": mid,
            "measure_kind": mkind,
            "reference": ref,
            "region_id": region_id,
            "responsible_id": user_id,
            "provider": provider,
            "state": "measures",
            "other_party": None,
        }
        if start <= due <= end:
            result.append({**base, "kind": "measure", "due_on": due})
        if check and check != due and start <= check <= end:
            result.append({**base, "kind": "measure_check", "due_on": check})
    result.sort(key=lambda d: (d["due_on"], d["reference"], d["kind"]))
    return result
