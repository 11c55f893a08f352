"""Provider management: management level, meetings with their actions and financial
assessments."""

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from procure.audit import record, record_new
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
from procure.contracts.tiers import MEETING_TOPICS, RISKS, norm_due
from procure.core.errors import Conflict, ValidationFailed
from procure.core.operations import operation
from procure.core.timeutil import today_local
from procure.extensions import db


def _existing_management(region_id: int, provider_id: int) -> ProviderManagement | None:
    return db.session.execute(
        select(ProviderManagement).where(
            ProviderManagement.region_id == region_id, ProviderManagement.provider_id == provider_id
        )
    ).scalar()


def _management(region_id: int, provider_id: int) -> ProviderManagement:
    row = _existing_management(region_id, provider_id)
    if row is None:
        last_meeting = db.session.execute(
            select(func.max(ManagementMeeting.held_on)).where(
                ManagementMeeting.region_id == region_id,
                ManagementMeeting.provider_id == provider_id,
            )
        ).scalar()
        row = ProviderManagement(
            region_id=region_id,
            provider_id=provider_id,
            level="reactive",
            reason="",
            last_meeting_on=last_meeting,
        )
        db.session.add(row)
        db.session.flush()
    return row


def _refresh_norm(row: ProviderManagement) -> None:
    """The day the next meeting is due by the tier's norm, stored for the reminder."""
    row.norm_due_on = norm_due(row.level, row.last_meeting_on, row.level_since)


@operation
def set_management_level(
    *,
    region_id: int,
    provider_id: int,
    level: str,
    reason: str,
    risk: str | None = None,
    next_meeting_on: date | None = None,
    today: date | None = None,
    actor=None,
) -> ProviderManagement:
    """Tier, reason and risk, and the next meeting when given, in one transaction. The
    meeting norm of a new tier counts from `today` (procure.contracts.tiers)."""
    if level not in MANAGEMENT_LEVELS:
        raise ValidationFailed(_l("Onbekend niveau van contractmanagement."), field="level")
    if risk is not None and risk not in RISKS:
        raise ValidationFailed(_l("Kies het risico: laag, midden of hoog."), field="risk")
    reason = require_text(reason, "reason", _l("Geef de reden voor dit niveau."))
    row = _management(region_id, provider_id)
    old = {"level": row.level, "reason": row.reason, "risk": row.risk}
    if row.level != level or row.level_since is None:
        row.level_since = today or today_local()
    row.level, row.reason = level, reason
    _refresh_norm(row)
    if risk is not None:
        row.risk = risk
    record(
        "contract.management_level",
        row,
        actor=actor,
        old=old,
        new={"level": level, "reason": reason, "risk": row.risk, "provider_id": provider_id},
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
    topics: str = "",
    topic_keys: list[str] = (),
    actions: list[dict] = (),
    next_meeting_on: date | None = None,
    minutes_file=None,
    actor=None,
) -> ManagementMeeting:
    """actions: [{"description", "owner", "due_on"}]; topic_keys: the standard topics of
    procure.contracts.tiers.MEETING_TOPICS, besides the free text."""
    attendees = require_text(attendees, "attendees", _l("Wie waren er bij?"))
    unknown = [k for k in topic_keys if k not in MEETING_TOPICS]
    if unknown:
        raise ValidationFailed(_l("Onbekend onderwerp."), field="topic_keys")
    keys = [k for k in MEETING_TOPICS if k in topic_keys]
    if not (topics or "").strip() and keys:
        topics = ", ".join(str(MEETING_TOPICS[k]) for k in keys)
    topics = require_text(topics, "topics", _l("Welke onderwerpen zijn besproken?"))
    if minutes_file is not None and minutes_file.id is None:
        db.session.flush()
    meeting = ManagementMeeting(
        region_id=region_id,
        provider_id=provider_id,
        held_on=held_on,
        attendees=attendees,
        topics=topics,
        topic_keys=",".join(keys),
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
    management = _existing_management(region_id, provider_id)
    if management is not None and (
        management.last_meeting_on is None or held_on > management.last_meeting_on
    ):
        management.last_meeting_on = held_on
        _refresh_norm(management)
    record_new(
        meeting,
        "contract.meeting",
        actor=actor,
        new={
            "provider_id": provider_id,
            "held_on": held_on,
            "topics": topics,
            "topic_keys": keys,
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
    return record_new(
        row,
        "contract.financial_assessment",
        actor=actor,
        new={"provider_id": provider_id, "kind": kind, "year": year, "outcome": outcome},
    )
