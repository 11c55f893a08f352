"""Provider management: management level, meetings with their actions and financial
assessments."""

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from procure.audit import record
from procure.contracts.models import (
    ASSESSMENT_KINDS,
    ASSESSMENT_OUTCOMES,
    MANAGEMENT_LEVELS,
    FinancialAssessment,
    ManagementMeeting,
    MeetingAction,
    ProviderManagement,
)
from procure.contracts.operations.common import actor_id_of, require_text
from procure.core.errors import Conflict, ValidationFailed
from procure.core.operations import operation
from procure.extensions import db


def _management(region_id: int, provider_id: int) -> ProviderManagement:
    row = db.session.execute(
        select(ProviderManagement).where(
            ProviderManagement.region_id == region_id, ProviderManagement.provider_id == provider_id
        )
    ).scalar()
    if row is None:
        row = ProviderManagement(
            region_id=region_id, provider_id=provider_id, level="regular", reason=""
        )
        db.session.add(row)
        db.session.flush()
    return row


@operation
def set_management_level(
    *,
    region_id: int,
    provider_id: int,
    level: str,
    reason: str,
    next_meeting_on: date | None = None,
    actor=None,
) -> ProviderManagement:
    """Level and reason, and the next meeting when given, in one transaction."""
    if level not in MANAGEMENT_LEVELS:
        raise ValidationFailed(_l("Onbekend niveau van contractmanagement."), field="level")
    reason = require_text(reason, "reason", _l("Geef de reden voor dit niveau."))
    row = _management(region_id, provider_id)
    old = {"level": row.level, "reason": row.reason}
    row.level, row.reason = level, reason
    record(
        "contract.management_level",
        row,
        actor=actor,
        old=old,
        new={"level": level, "reason": reason, "provider_id": provider_id},
    )
    if next_meeting_on is not None:
        set_next_meeting(
            region_id=region_id, provider_id=provider_id, day=next_meeting_on, actor=actor
        )
    return row


@operation
def set_next_meeting(
    *, region_id: int, provider_id: int, day: date | None, actor=None
) -> ProviderManagement:
    row = _management(region_id, provider_id)
    old = row.next_meeting_on
    row.next_meeting_on = day
    record(
        "contract.next_meeting",
        row,
        actor=actor,
        old={"next_meeting_on": old},
        new={"next_meeting_on": day},
    )
    return row


@operation
def record_meeting(
    *,
    region_id: int,
    provider_id: int,
    held_on: date,
    attendees: str,
    topics: str,
    actions: list[dict] = (),
    next_meeting_on: date | None = None,
    minutes_file=None,
    actor=None,
) -> ManagementMeeting:
    """actions: [{"description", "owner", "due_on"}]."""
    attendees = require_text(attendees, "attendees", _l("Wie waren er bij?"))
    topics = require_text(topics, "topics", _l("Welke onderwerpen zijn besproken?"))
    if minutes_file is not None and minutes_file.id is None:
        db.session.flush()
    meeting = ManagementMeeting(
        region_id=region_id,
        provider_id=provider_id,
        held_on=held_on,
        attendees=attendees,
        topics=topics,
        minutes_file_id=minutes_file.id if minutes_file else None,
    )
    for action in actions:
        if not action.get("description"):
            continue
        if not action.get("owner") or not action.get("due_on"):
            raise ValidationFailed(
                _l("Elke actie heeft een eigenaar en een uiterste datum."), field="actions"
            )
        meeting.actions.append(
            MeetingAction(
                description=action["description"], owner=action["owner"], due_on=action["due_on"]
            )
        )
    db.session.add(meeting)
    db.session.flush()
    record(
        "contract.meeting",
        meeting,
        actor=actor,
        new={
            "provider_id": provider_id,
            "held_on": held_on,
            "topics": topics,
            "actions": len(meeting.actions),
        },
    )
    if next_meeting_on is not None:
        if next_meeting_on <= held_on:
            raise ValidationFailed(
                _l("Het volgende overleg moet na dit overleg liggen."), field="next_meeting_on"
            )
        set_next_meeting(
            region_id=region_id, provider_id=provider_id, day=next_meeting_on, actor=actor
        )
    return meeting


@operation
def complete_action(action: MeetingAction, *, actor=None) -> MeetingAction:
    if action.done:
        raise Conflict(_l("Deze actie is al afgerond."))
    action.done = True
    record(
        "contract.action_done",
        action.meeting,
        actor=actor,
        new={"action_id": action.id, "done": True},
    )
    return action


@operation
def record_assessment(
    *,
    region_id: int,
    provider_id: int,
    kind: str,
    year: int,
    assessed_on: date,
    outcome: str,
    notes: str,
    actor=None,
) -> FinancialAssessment:
    if kind not in ASSESSMENT_KINDS:
        raise ValidationFailed(_l("Kies: bij toetreding of jaarlijks."), field="kind")
    if outcome not in ASSESSMENT_OUTCOMES:
        raise ValidationFailed(_l("Kies een oordeel."), field="outcome")
    exists = db.session.execute(
        select(FinancialAssessment.id).where(
            FinancialAssessment.region_id == region_id,
            FinancialAssessment.provider_id == provider_id,
            FinancialAssessment.kind == kind,
            FinancialAssessment.year == year,
        )
    ).first()
    if exists:
        raise Conflict(_l("Voor dit jaar is deze financiële toets al vastgelegd."))
    row = FinancialAssessment(
        region_id=region_id,
        provider_id=provider_id,
        kind=kind,
        year=year,
        assessed_on=assessed_on,
        outcome=outcome,
        notes=notes or "",
        assessed_by_id=actor_id_of(actor),
    )
    db.session.add(row)
    db.session.flush()
    record(
        "contract.financial_assessment",
        row,
        actor=actor,
        new={"provider_id": provider_id, "kind": kind, "year": year, "outcome": outcome},
    )
    return row
