"""Open-house deadlines for the reminders issue (bounded, indexed queries).

`deadlines(start, end)` returns every deadline with its moment in [start, end):
- "application_deadline": the last moment to apply for an entry moment (to providers and the
  responsible officer);
- "assessment_deadline": the working group must have decided on the moment's applications;
  `open_applications` tells how many still wait;
- "entry_moment": contracts of admitted providers start (a date, at 00:00 Amsterdam);
- "response_deadline": a provider must answer a request for more information;
- "continuous_assessment": with continuous entry, the decision on one application is due;
- "moment_update": on the entry date (09:00) the update to the access teams and certified
  institutions is due, while it has not been sent.
Each item has a stable `key` for idempotent reminders, the tender and the responsible
officer (Tender.officer_id), and the provider for provider-facing deadlines.
"""

from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy import func, select, union

from procure.core.timeutil import AMSTERDAM
from procure.extensions import db
from procure.tenders.models import Tender
from procure.tenders.open_house.models import Application, EntryMoment, MomentUpdate
from procure.tenders.open_house.policy import (
    ACCEPTING,
    MORE_INFO,
    OPEN_APPLICATION_STATUSES,
    SUBMITTED,
)


@dataclass(frozen=True)
class Deadline:
    key: str
    kind: str
    moment: datetime
    region_id: int
    tender_id: int
    tender_reference: str
    tender_title: str
    officer_id: int | None
    entry_date: date | None = None
    entry_moment_id: int | None = None
    application_id: int | None = None
    provider_id: int | None = None
    open_applications: int = 0


def _tender_fields(tender) -> dict:
    """What every open-house deadline says of its tender."""
    return {
        "region_id": tender.region_id,
        "tender_id": tender.id,
        "tender_reference": tender.reference,
        "tender_title": tender.title,
        "officer_id": tender.officer_id,
    }


def _ids(*selects) -> list[int]:
    """The ids the indexed range selects find, in one query (a UNION of them)."""
    return list(db.session.execute(union(*selects)).scalars())


def deadlines(start: datetime, end: datetime, *, region_id: int | None = None) -> list[Deadline]:
    result: list[Deadline] = []
    open_count = (
        select(func.count(Application.id))
        .where(
            Application.entry_moment_id == EntryMoment.id,
            Application.status.in_(OPEN_APPLICATION_STATUSES),
        )
        .correlate(EntryMoment)
        .scalar_subquery()
    )
    sent = (
        select(MomentUpdate.id)
        .where(MomentUpdate.entry_moment_id == EntryMoment.id)
        .correlate(EntryMoment)
        .exists()
    )
    base = (
        select(EntryMoment, Tender, open_count, sent)
        .join(Tender, Tender.id == EntryMoment.tender_id)
        .where(Tender.procedure == "open_house", Tender.status == ACCEPTING)
    )
    if region_id is not None:
        base = base.where(EntryMoment.region_id == region_id)
    start_day, end_day = start.astimezone(AMSTERDAM).date(), end.astimezone(AMSTERDAM).date()
    # the moments in the window first, one indexed range per column (an OR of the three
    # let the planner walk every open-house tender instead): the work follows what is due
    moment_ids = _ids(
        select(EntryMoment.id).where(
            EntryMoment.application_deadline >= start, EntryMoment.application_deadline < end
        ),
        select(EntryMoment.id).where(
            EntryMoment.assessment_deadline >= start, EntryMoment.assessment_deadline < end
        ),
        select(EntryMoment.id).where(
            EntryMoment.entry_date >= start_day, EntryMoment.entry_date <= end_day
        ),
    )
    rows = (
        db.session.execute(
            base.where(EntryMoment.id.in_(moment_ids)).order_by(EntryMoment.entry_date)
        ).all()
        if moment_ids
        else []
    )
    for moment, tender, count, already_sent in rows:
        common = dict(
            **_tender_fields(tender),
            entry_date=moment.entry_date,
            entry_moment_id=moment.id,
            open_applications=count or 0,
        )
        if start <= moment.application_deadline < end:
            result.append(
                Deadline(
                    key=f"open_house:moment:{moment.id}:application",
                    kind="application_deadline",
                    moment=moment.application_deadline,
                    **common,
                )
            )
        if start <= moment.assessment_deadline < end:
            result.append(
                Deadline(
                    key=f"open_house:moment:{moment.id}:assessment",
                    kind="assessment_deadline",
                    moment=moment.assessment_deadline,
                    **common,
                )
            )
        entry_at = datetime.combine(moment.entry_date, time(0, 0), tzinfo=AMSTERDAM)
        if start <= entry_at < end:
            result.append(
                Deadline(
                    key=f"open_house:moment:{moment.id}:entry",
                    kind="entry_moment",
                    moment=entry_at,
                    **common,
                )
            )
        update_at = datetime.combine(moment.entry_date, time(9, 0), tzinfo=AMSTERDAM)
        if start <= update_at < end and not already_sent:
            result.append(
                Deadline(
                    key=f"open_house:moment:{moment.id}:update",
                    kind="moment_update",
                    moment=update_at,
                    **common,
                )
            )
    application_ids = _ids(
        select(Application.id).where(
            Application.response_deadline >= start,
            Application.response_deadline < end,
            Application.status == MORE_INFO,
        ),
        select(Application.id).where(
            Application.assessment_deadline >= start,
            Application.assessment_deadline < end,
            Application.status == SUBMITTED,
            Application.entry_moment_id.is_(None),
        ),
    )
    apps = (
        select(Application, Tender)
        .join(Tender, Tender.id == Application.tender_id)
        .where(Application.id.in_(application_ids))
    )
    if region_id is not None:
        apps = apps.where(Application.region_id == region_id)
    app_rows = db.session.execute(apps).all() if application_ids else []
    for application, tender in app_rows:
        common = dict(
            **_tender_fields(tender),
            application_id=application.id,
            provider_id=application.provider_id,
        )
        if application.status == MORE_INFO:
            result.append(
                Deadline(
                    key=f"open_house:application:{application.id}:response:"
                    f"{application.response_deadline.isoformat()}",
                    kind="response_deadline",
                    moment=application.response_deadline,
                    **common,
                )
            )
        else:
            result.append(
                Deadline(
                    key=f"open_house:application:{application.id}:assessment",
                    kind="continuous_assessment",
                    moment=application.assessment_deadline,
                    **common,
                )
            )
    return sorted(result, key=lambda d: d.moment)
