"""Read-only queries for the reminders issue (the scheduler's sweeps). Each returns plain
tuples/dicts and runs one query; none changes anything.

- extension_decisions(until): open extension options whose decision deadline is on or
  before `until` (the caller picks the horizon, e.g. today + 60 days).
- contract_ends(until): live contracts whose end date is on or before `until`.
- notice_deadlines(until): the last day to give notice so a live contract ends on its end
  date (end date minus the notice period), on or before `until`.
- ceiling_crossings(): effort/output contract years whose realisation reached the
  contract's warn or alert threshold, with the level reached ("warn"/"alert").
- next_meetings(until): contract management meetings planned on or before `until`.
- open_meeting_actions(until): agreed actions not done, due on or before `until`.
Lapsing itself: procure.contracts.operations.lapse_overdue_options(today).
"""

from datetime import date

from dateutil.relativedelta import relativedelta
from sqlalchemy import select

from procure.contracts.models import (
    Contract,
    ContractYear,
    ExtensionOption,
    ManagementMeeting,
    MeetingAction,
    ProviderManagement,
    cents,
)
from procure.extensions import db

LIVE = ("active", "extended")


def extension_decisions(until: date) -> list[dict]:
    rows = db.session.execute(
        select(
            ExtensionOption.id,
            ExtensionOption.contract_id,
            ExtensionOption.sequence,
            ExtensionOption.months,
            ExtensionOption.decision_deadline,
            Contract.reference,
            Contract.region_id,
            Contract.manager_id,
        )
        .join(Contract, Contract.id == ExtensionOption.contract_id)
        .where(
            ExtensionOption.status == "open",
            ExtensionOption.decision_deadline <= until,
            Contract.status.in_(LIVE),
        )
        .order_by(ExtensionOption.decision_deadline)
    ).all()
    return [r._asdict() for r in rows]


def contract_ends(until: date) -> list[dict]:
    rows = db.session.execute(
        select(
            Contract.id,
            Contract.reference,
            Contract.region_id,
            Contract.manager_id,
            Contract.end_date,
        )
        .where(Contract.status.in_(LIVE), Contract.end_date <= until)
        .order_by(Contract.end_date)
    ).all()
    return [r._asdict() for r in rows]


def notice_deadlines(until: date) -> list[dict]:
    horizon = until + relativedelta(months=36)  # widest notice period considered
    rows = db.session.execute(
        select(
            Contract.id,
            Contract.reference,
            Contract.region_id,
            Contract.manager_id,
            Contract.end_date,
            Contract.notice_months,
        ).where(Contract.status.in_(LIVE), Contract.end_date <= horizon)
    ).all()
    result = []
    for r in rows:
        deadline = r.end_date - relativedelta(months=r.notice_months)
        if deadline <= until:
            result.append({**r._asdict(), "notice_deadline": deadline})
    return sorted(result, key=lambda d: d["notice_deadline"])


def ceiling_crossings() -> list[dict]:
    """Years with realised >= warn% of the ceiling (compared in integer cents in SQL)."""
    rows = db.session.execute(
        select(
            ContractYear.id,
            ContractYear.contract_id,
            ContractYear.year,
            ContractYear.value,
            ContractYear.realised,
            Contract.reference,
            Contract.region_id,
            Contract.manager_id,
            Contract.warn_pct,
            Contract.alert_pct,
        )
        .join(Contract, Contract.id == ContractYear.contract_id)
        .where(
            Contract.variant != "task",
            Contract.status.in_(LIVE),
            cents(ContractYear.value) > 0,
            cents(ContractYear.realised) * 100 >= cents(ContractYear.value) * Contract.warn_pct,
        )
    ).all()
    result = []
    for r in rows:
        pct = r.realised * 100 / r.value
        result.append(
            {**r._asdict(), "pct": pct, "level": "alert" if pct >= r.alert_pct else "warn"}
        )
    return result


def next_meetings(until: date) -> list[dict]:
    rows = db.session.execute(
        select(
            ProviderManagement.region_id,
            ProviderManagement.provider_id,
            ProviderManagement.next_meeting_on,
            ProviderManagement.manager_id,
        )
        .where(
            ProviderManagement.next_meeting_on.is_not(None),
            ProviderManagement.next_meeting_on <= until,
        )
        .order_by(ProviderManagement.next_meeting_on)
    ).all()
    return [r._asdict() for r in rows]


def open_meeting_actions(until: date) -> list[dict]:
    rows = db.session.execute(
        select(
            MeetingAction.id,
            MeetingAction.description,
            MeetingAction.owner,
            MeetingAction.due_on,
            ManagementMeeting.region_id,
            ManagementMeeting.provider_id,
        )
        .join(ManagementMeeting, ManagementMeeting.id == MeetingAction.meeting_id)
        .where(MeetingAction.done.is_(False), MeetingAction.due_on <= until)
        .order_by(MeetingAction.due_on)
    ).all()
    return [r._asdict() for r in rows]
