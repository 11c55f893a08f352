"""Columns derived from others, kept on every flush so that no code path can forget them.

- Contract.notice_deadline = end_date - notice_months (the last day to give notice);
- ContractYear.warn_reached_at / alert_reached_at: when the year's realisation passed the
  contract's warning / alert threshold, i.e. the created_at of the realisation record whose
  running total (in the order entered) first reached value x pct / 100. None while below.
  Recomputed when the year's realised or value, or the contract's thresholds, change.

The reminder sweep reads them with indexed range predicates, so its database work grows
with what is due in the window, not with the number of contracts or records.
"""

from datetime import date
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session

from procure.core.types import utcnow


def notice_deadline(end_date: date | None, months: int | None) -> date | None:
    if end_date is None or months is None:
        return None
    return end_date - relativedelta(months=months)


def threshold_moments(records, value, warn_pct: int, alert_pct: int) -> tuple:
    """(warn moment, alert moment) from (amount, created_at) records in entry order."""
    if not value or value <= 0:
        return None, None
    moments = []
    for pct in (warn_pct, alert_pct):
        threshold = Decimal(value) * pct / 100
        total, passed = Decimal(0), None
        for amount, created_at in records:
            total += amount
            if total >= threshold:
                passed = created_at
                break
        moments.append(passed)
    return tuple(moments)


def _changed(obj, *names) -> bool:
    state = inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in names)


def _records(session, year, pending) -> list:
    from procure.contracts.models import Realisation

    first, last = date(year.year, 1, 1), date(year.year, 12, 31)
    stored = session.execute(
        select(Realisation.amount, Realisation.created_at)
        .where(
            Realisation.contract_id == year.contract_id,
            Realisation.period >= first,
            Realisation.period <= last,
        )
        .order_by(Realisation.created_at, Realisation.id)
    ).all()
    new = [
        (r.amount, r.created_at)
        for r in pending
        if r.contract_id == year.contract_id and first <= r.period <= last
    ]
    return [*stored, *new]


@event.listens_for(Session, "before_flush")
def _keep_derived_columns(session, flush_context, instances):
    from procure.contracts.models import Contract, ContractYear, Realisation

    with session.no_autoflush:
        pending = [o for o in session.new if isinstance(o, Realisation)]
        for record in pending:  # fixed now, so the stored moment equals the record's
            if record.created_at is None:
                record.created_at = utcnow()
        years = set()
        for obj in (*session.new, *session.dirty):
            if isinstance(obj, Contract):
                if obj in session.new or _changed(obj, "end_date", "notice_months"):
                    obj.notice_deadline = notice_deadline(obj.end_date, obj.notice_months)
                if obj not in session.new and _changed(obj, "warn_pct", "alert_pct"):
                    years.update(obj.years)
            elif isinstance(obj, ContractYear) and (
                obj in session.new or _changed(obj, "realised", "value")
            ):
                years.add(obj)
        for year in years:
            contract = year.contract or session.get(Contract, year.contract_id)
            if contract is None:
                continue
            records = _records(session, year, pending) if year.realised else []
            year.warn_reached_at, year.alert_reached_at = threshold_moments(
                records, year.value, contract.warn_pct, contract.alert_pct
            )
